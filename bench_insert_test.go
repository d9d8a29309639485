package cassandra

import (
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// writeNode starts a fake node that prepares any statement with binds as
// its bind markers and answers every EXECUTE with a Void result, as
// Cassandra answers an INSERT.
func writeNode(b testing.TB, binds []protocol.ColumnSpec) *fakeserver.Server {
	prepared := &protocol.Result{Kind: protocol.ResultPrepared, Prepared: protocol.Prepared{
		ID:       []byte{1, 2, 3, 4},
		Metadata: protocol.PreparedMetadata{Columns: binds},
	}}
	void := &protocol.Result{Kind: protocol.ResultVoid}
	return fakeserver.New(b, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		switch req.Message.(type) {
		case *protocol.Prepare:
			c.Reply(req, prepared)
		case *protocol.Execute:
			c.Reply(req, void)
		default:
			return false
		}
		return true
	}})
}

// BenchmarkFakeInsert is the point insert: a prepared statement with a
// bigint and a text marker, answered with a Void result.
func BenchmarkFakeInsert(b *testing.B) {
	srv := writeNode(b, []protocol.ColumnSpec{col("k", codec.TypeBigint), col("v", codec.TypeVarchar)})
	st := prepareBench(b, srv.Addr(), "INSERT INTO kv (k, v) VALUES (?, ?)")
	for i := 0; i < b.N; i++ {
		if _, err := st.Exec(int64(i), "value"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntegrationInsert measures a prepared point write through
// database/sql, in parallel.
func BenchmarkIntegrationInsert(b *testing.B) {
	for _, mode := range routingModes {
		b.Run(mode.name, func(b *testing.B) {
			db, _, _ := testDB(b, mode.edit)
			mustExec(b, db, "CREATE TABLE kv (k int PRIMARY KEY, v text)")
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				k := 0
				for pb.Next() {
					k++
					if _, err := db.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", k, "value"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
