package protocol

import (
	"errors"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/hostile"
)

func TestHostileMetadataMemory(t *testing.T) {
	for _, s := range hostile.Shapes {
		for _, kind := range []string{"rows", "prepared"} {
			t.Run(kind+"/"+s.Name, func(t *testing.T) {
				body := hostile.RowsBody(1<<20, s.Shape)
				if kind == "prepared" {
					body = hostile.PreparedBody(1<<20, s.Shape)
				}
				h := Header{Version: V4, Response: true, Opcode: OpResult, Length: len(body)}
				var err error
				alloc := hostile.Allocated(func() { _, err = DecodeResponse(h, body) })
				hostile.Check(t, len(body), alloc, err)
				if err != nil && !errors.Is(err, ErrMalformed) {
					t.Errorf("error %v does not wrap ErrMalformed", err)
				}
			})
		}
	}
}

func TestMaxTypeNodes(t *testing.T) {
	decode := func(body []byte) error {
		_, err := DecodeResponse(Header{Version: V4, Response: true, Opcode: OpResult, Length: len(body)}, body)
		return err
	}
	// 16384 columns of tuple<int>: exactly MaxTypeNodes.
	at := hostile.RowsBody(MaxTypeNodes/2*8+30, hostile.Many)
	f, err := DecodeResponse(Header{Version: V4, Response: true, Opcode: OpResult, Length: len(at)}, at)
	if err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	cols := f.Message.(*Result).Rows.Metadata.Columns
	if len(cols) != MaxTypeNodes/2 {
		t.Fatalf("%d columns", len(cols))
	}
	// Equal types share their parsed components.
	if &cols[0].Type.Elems[0] != &cols[len(cols)-1].Type.Elems[0] {
		t.Error("equal column types not shared")
	}
	over := hostile.RowsBody(MaxTypeNodes/2*8+38, hostile.Many)
	if err := decode(over); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "32768 type nodes (protocol.MaxTypeNodes)") {
		t.Errorf("one column over: %v", err)
	}
	// A vector's element types count too.
	vec := "org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.TupleType(" +
		strings.Repeat("a,", 200) + "a), 2)"
	opt, _ := AppendString(AppendShort(nil, 0), vec)
	nodes := 200
	if _, err := NewReader(opt).readOption(0, &nodes); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "type nodes") {
		t.Errorf("vector of 203 types with 200 left: %v", err)
	}
	nodes = 203
	if typ, err := NewReader(opt).readOption(0, &nodes); err != nil || typ.ID != codec.TypeVector || nodes != 0 {
		t.Errorf("vector of 203 types with 203 left: %v, %v, %d left", typ, err, nodes)
	}
	small := ParseCustomType("org.apache.cassandra.db.marshal.VectorType(org.apache.cassandra.db.marshal.FloatType, 3)")
	if small.ID != codec.TypeVector {
		t.Errorf("vector<float, 3>: %v", small)
	}
}
