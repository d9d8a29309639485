package cassandra

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/internal/hostile"
	"github.com/cqlsql/cassandra/protocol"
)

// hostileNode starts a v4 node that answers statements on table "hostile"
// with frame, a RESULT frame built in advance so that encoding it costs
// nothing while the client is measured.
func hostileNode(t *testing.T, frame []byte) *fakeserver.Server {
	return fakeserver.New(t, fakeserver.Options{MaxVersion: protocol.V4, Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		var q string
		switch m := req.Message.(type) {
		case *protocol.Query:
			q = m.Statement
		case *protocol.Prepare:
			q = m.Statement
		}
		if !strings.Contains(q, "hostile") {
			return false
		}
		binary.BigEndian.PutUint16(frame[2:], uint16(req.Header.Stream))
		c.WriteRaw(frame)
		return true
	}})
}

// TestHostileMetadataThroughDriver sends 1 MiB of nested tuple types as
// the metadata of a ROWS and of a PREPARED result and checks that the
// driver fails with a clear error, allocating at most 16 times the bytes
// received plus 1 MiB on the way.
func TestHostileMetadataThroughDriver(t *testing.T) {
	for _, s := range hostile.Shapes {
		for _, kind := range []string{"query", "prepare"} {
			t.Run(kind+"/"+s.Name, func(t *testing.T) {
				body := hostile.RowsBody(1<<20, s.Shape)
				if kind == "prepare" {
					body = hostile.PreparedBody(1<<20, s.Shape)
				}
				h := protocol.Header{Version: protocol.V4, Response: true, Opcode: protocol.OpResult, Length: len(body)}
				frame := append(h.Append(nil), body...)
				db := fakeDB(t, hostileNode(t, frame).Addr(), func(c *Config) { c.ProtocolVersion = 4 })
				if err := db.Ping(); err != nil {
					t.Fatal(err)
				}
				var err error
				alloc := hostile.Allocated(func() {
					if kind == "prepare" {
						var st interface{ Close() error }
						if st, err = db.PrepareContext(context.Background(), "SELECT * FROM hostile"); err == nil {
							st.Close()
						}
						return
					}
					rows, qerr := db.Query("SELECT * FROM hostile")
					if err = qerr; err == nil {
						rows.Close()
					}
				})
				hostile.Check(t, len(frame), alloc, err)
				if err == nil {
					t.Fatal("no error")
				}
				oneCassandraPrefix(t, err)
				if !strings.Contains(err.Error(), "type nodes") {
					t.Errorf("error %q does not name the type node limit", err)
				}
			})
		}
	}
}

// TestLargestMetadataThroughDriver reads results at or just under
// protocol.MaxTypeNodes: they decode. Their cost is logged, not bounded
// by 16 times their size: a minimal column (8 bytes) costs its
// ColumnSpec and the plan's per-column slices, about 30 times that.
func TestLargestMetadataThroughDriver(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int
		shape hostile.Shape
	}{
		{"32 columns of 1000-int tuples", 64500, hostile.Wide},
		{"16380 columns of tuple<int>", 16383 * 8, hostile.Many},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := hostile.RowsBody(tc.size, tc.shape)
			h := protocol.Header{Version: protocol.V4, Response: true, Opcode: protocol.OpResult, Length: len(body)}
			frame := append(h.Append(nil), body...)
			db := fakeDB(t, hostileNode(t, frame).Addr(), func(c *Config) { c.ProtocolVersion = 4 })
			if err := db.Ping(); err != nil {
				t.Fatal(err)
			}
			var cols []string
			var err error
			alloc := hostile.Allocated(func() {
				rows, qerr := db.Query("SELECT * FROM hostile")
				if err = qerr; err == nil {
					cols, err = rows.Columns()
					rows.Close()
				}
			})
			t.Logf("%d columns, %d bytes received, %d allocated (%.1fx)", len(cols), len(frame), alloc, float64(alloc)/float64(len(frame)))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
