package cassandra

import (
	"bytes"
	"database/sql/driver"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

func bindStmt(t *testing.T, ids ...codec.TypeID) *pool.Stmt {
	t.Helper()
	p := &protocol.Prepared{ID: []byte{1}}
	for i, id := range ids {
		p.Metadata.Columns = append(p.Metadata.Columns, protocol.ColumnSpec{Keyspace: "ks", Table: "t", Name: string(rune('a' + i)), Type: codec.Type{ID: id}})
	}
	ps, err := pool.NewStmt("ks", "q", p)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func namedArgs(vs ...any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(vs))
	for i, v := range vs {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

// A point write of three bigints binds into the request's own room:
// nothing is allocated, and the values come out as encoded.
func TestBindIntoRequestAllocatesNothing(t *testing.T) {
	ps := bindStmt(t, codec.TypeBigint, codec.TypeBigint, codec.TypeBigint)
	args := namedArgs(int64(1), int64(-2), nil)
	var r request
	var vals []protocol.Value
	var err error
	n := testing.AllocsPerRun(100, func() {
		vals, err = bind(ps, args, r.valsInline[:0], r.bufInline[:0])
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("bind of 3 bigints into a request: %v allocations, want 0", n)
	}
	want := []protocol.Value{
		protocol.BytesValue([]byte{0, 0, 0, 0, 0, 0, 0, 1}),
		protocol.BytesValue([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}),
		protocol.Null,
	}
	for i := range want {
		if !bytes.Equal(vals[i].Bytes, want[i].Bytes) || (vals[i].Bytes == nil) != (want[i].Bytes == nil) || vals[i].Unset != want[i].Unset {
			t.Errorf("value %d = %+v, want %+v", i, vals[i], want[i])
		}
	}
}

// More values or bytes than a request has room for are bound into fresh
// memory, whole and in order.
func TestBindBeyondTheRequestsRoom(t *testing.T) {
	long := strings.Repeat("x", 3*requestInlineBytes)
	ps := bindStmt(t, codec.TypeVarchar, codec.TypeInt, codec.TypeInt, codec.TypeInt, codec.TypeVarchar, codec.TypeInt)
	var r request
	vals, err := bind(ps, namedArgs("a", 1, 2, 3, long, Unset), r.valsInline[:0], r.bufInline[:0])
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 6 {
		t.Fatalf("%d values, want 6", len(vals))
	}
	if string(vals[0].Bytes) != "a" || string(vals[4].Bytes) != long || !vals[5].Unset {
		t.Errorf("values = %q, %q (%d bytes), unset %v", vals[0].Bytes, vals[4].Bytes[:8], len(vals[4].Bytes), vals[5].Unset)
	}
	for i, want := range []byte{1, 2, 3} {
		if b := vals[i+1].Bytes; len(b) != 4 || b[3] != want {
			t.Errorf("value %d = %v, want int %d", i+1, b, want)
		}
	}
}
