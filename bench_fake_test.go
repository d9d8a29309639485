package cassandra

import (
	"database/sql"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// The benchmarks in this file measure the driver's own CPU and allocations
// through database/sql against an in-process fake node that answers from
// prebuilt results, so the numbers do not depend on a server. The fake
// node's encoding is part of what they measure; it is the same before and
// after a change, so compare runs with benchstat. The real-server numbers
// are bench/'s.

// preparedNode starts a fake node that prepares any statement with binds
// as its bind markers and result as its result columns, and answers every
// EXECUTE with rows (without metadata when the client asks to skip it, as
// Cassandra does).
func preparedNode(b testing.TB, binds, result []protocol.ColumnSpec, rows *protocol.Rows) *fakeserver.Server {
	prepared := &protocol.Result{Kind: protocol.ResultPrepared, Prepared: protocol.Prepared{
		ID:               []byte{1, 2, 3, 4},
		ResultMetadataID: []byte{5, 6, 7, 8},
		Metadata:         protocol.PreparedMetadata{Columns: binds},
		ResultMetadata:   protocol.RowsMetadata{Columns: result},
	}}
	full := &protocol.Result{Kind: protocol.ResultRows, Rows: *rows}
	full.Rows.Metadata.Columns = result
	bare := &protocol.Result{Kind: protocol.ResultRows, Rows: *rows}
	bare.Rows.Metadata.NoMetadata = true
	bare.Rows.Metadata.ColumnCount = len(result)
	return fakeserver.New(b, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		switch m := req.Message.(type) {
		case *protocol.Prepare:
			c.Reply(req, prepared)
		case *protocol.Execute:
			if m.Params.SkipMetadata {
				c.Reply(req, bare)
			} else {
				c.Reply(req, full)
			}
		default:
			return false
		}
		return true
	}})
}

func col(name string, id codec.TypeID) protocol.ColumnSpec {
	return protocol.ColumnSpec{Keyspace: "ks", Table: "t", Name: name, Type: codec.Type{ID: id}}
}

func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// prepareBench prepares query on a *sql.DB on the node at addr and starts
// the benchmark's clock.
func prepareBench(b *testing.B, addr, query string) *sql.Stmt {
	db := fakeDB(b, addr, nil)
	st, err := db.Prepare(query)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	b.ReportAllocs()
	b.ResetTimer()
	return st
}

// pointSelectNode is a fake node for bench/'s point select: a prepared
// statement with one bigint marker returning one row of two bigints.
func pointSelectNode(b *testing.B) *fakeserver.Server {
	rows := &protocol.Rows{Metadata: protocol.RowsMetadata{ColumnCount: 2}}
	if err := rows.AppendRow(be64(1234567), be64(7654321)); err != nil {
		b.Fatal(err)
	}
	return preparedNode(b, []protocol.ColumnSpec{col("pk", codec.TypeBigint)},
		[]protocol.ColumnSpec{col("v1", codec.TypeBigint), col("v2", codec.TypeBigint)}, rows)
}

// BenchmarkFakePointSelect is bench/'s point select (pointSelectNode).
func BenchmarkFakePointSelect(b *testing.B) {
	srv := pointSelectNode(b)
	st := prepareBench(b, srv.Addr(), "SELECT v1, v2 FROM kv WHERE pk = ?")
	for i := 0; i < b.N; i++ {
		var v1, v2 int64
		if err := st.QueryRow(int64(i)).Scan(&v1, &v2); err != nil {
			b.Fatal(err)
		}
		if v1 != 1234567 || v2 != 7654321 {
			b.Fatalf("got %d, %d", v1, v2)
		}
	}
}

// BenchmarkFakeScan5000 is bench/'s page scan on one page: 5,000 rows of
// ten columns of mixed types, scanned into typed variables. ns/op and
// allocs/op are per page; divide by 5,000 for a row.
func BenchmarkFakeScan5000(b *testing.B) {
	result := []protocol.ColumnSpec{
		col("p", codec.TypeInt), col("c", codec.TypeInt), col("b", codec.TypeBigint),
		col("bl", codec.TypeBlob), col("bo", codec.TypeBoolean), col("d", codec.TypeDouble),
		col("f", codec.TypeFloat), col("t", codec.TypeVarchar), col("ts", codec.TypeTimestamp),
		col("u", codec.TypeUUID),
	}
	const n = 5000
	rows := &protocol.Rows{Metadata: protocol.RowsMetadata{ColumnCount: len(result)}}
	for i := 0; i < n; i++ {
		u := uuid.UUID{}
		binary.BigEndian.PutUint32(u[12:], uint32(i))
		err := rows.AppendRow(be32(7), be32(uint32(i)), be64(uint64(i)*7),
			[]byte{byte(i), byte(i >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
			[]byte{byte(i & 1)}, be64(math.Float64bits(float64(i)/4)), be32(math.Float32bits(float32(i)/2)),
			[]byte("row-000000-some-text-payload"), be64(uint64(1700000000000+i)), u[:])
		if err != nil {
			b.Fatal(err)
		}
	}
	srv := preparedNode(b, []protocol.ColumnSpec{col("p", codec.TypeInt)}, result, rows)
	st := prepareBench(b, srv.Addr(), "SELECT * FROM wide WHERE p = ?")
	for i := 0; i < b.N; i++ {
		rs, err := st.Query(int32(7))
		if err != nil {
			b.Fatal(err)
		}
		var (
			p, c      int32
			bi        int64
			bl        []byte
			bo        bool
			d         float64
			f         float32
			t         string
			ts        time.Time
			u         string
			scanned   int
			wantFirst = "00000000-0000-0000-0000-000000000000"
		)
		for rs.Next() {
			if err := rs.Scan(&p, &c, &bi, &bl, &bo, &d, &f, &t, &ts, &u); err != nil {
				b.Fatal(err)
			}
			if scanned == 0 && u != wantFirst {
				b.Fatalf("uuid %q, want %q", u, wantFirst)
			}
			scanned++
		}
		if err := rs.Err(); err != nil || scanned != n || int(c) != n-1 || bi != int64(n-1)*7 || len(bl) != 16 {
			b.Fatalf("scanned %d rows (last c=%d b=%d blob %d bytes), err %v", scanned, c, bi, len(bl), err)
		}
		rs.Close()
	}
}

// BenchmarkFakePointSelectTwoHosts is BenchmarkFakePointSelect over two
// fake nodes, where every SELECT is armed for a speculative execution
// (which never fires: the nodes answer at once). It measures what arming
// one costs.
func BenchmarkFakePointSelectTwoHosts(b *testing.B) {
	a, c := pointSelectNode(b), pointSelectNode(b)
	for _, mode := range []struct {
		name        string
		speculative time.Duration
	}{{"speculative", 50 * time.Millisecond}, {"off", SpeculativeOff}} {
		b.Run(mode.name, func(b *testing.B) {
			db := fakeDB(b, a.Addr(), func(cfg *Config) {
				cfg.Hosts = []string{a.Addr(), c.Addr()}
				cfg.Speculative = mode.speculative
			})
			st, err := db.Prepare("SELECT v1, v2 FROM kv WHERE pk = ?")
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				var v1, v2 int64
				if err := st.QueryRow(int64(i)).Scan(&v1, &v2); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
