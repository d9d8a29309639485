package cassandra

import (
	"bytes"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// FuzzResultPlanDecode feeds arbitrary cells to the decode functions of a
// result plan, whose bytes come from the network: an error or a value,
// never a panic; a blob is returned as it came, a uuid as its canonical
// string.
func FuzzResultPlanDecode(f *testing.F) {
	ids := []codec.TypeID{codec.TypeBlob, codec.TypeUUID, codec.TypeTimeUUID, codec.TypeBigint, codec.TypeVarchar, codec.TypeTimestamp, codec.TypeCustom}
	f.Add(uint8(0), []byte{1, 2, 3})
	f.Add(uint8(1), make([]byte, 16))
	f.Add(uint8(2), []byte{})
	f.Add(uint8(4), []byte("text"))
	f.Fuzz(func(t *testing.T, which uint8, cell []byte) {
		id := ids[int(which)%len(ids)]
		spec := protocol.ColumnSpec{Name: "c", Type: codec.Type{ID: id, Custom: "org.example.T"}}
		p, err := newResultPlan([]protocol.ColumnSpec{spec})
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.decode[0](cell)
		if err != nil {
			return
		}
		switch id {
		case codec.TypeBlob, codec.TypeCustom:
			if b, _ := v.([]byte); !bytes.Equal(b, cell) || (v == nil) != (cell == nil) {
				t.Fatalf("blob %x decoded as %#v", cell, v)
			}
		case codec.TypeUUID, codec.TypeTimeUUID:
			if v == nil {
				if len(cell) != 0 {
					t.Fatalf("uuid %x decoded as NULL", cell)
				}
				return
			}
			s, ok := v.(string)
			if u, err := uuid.Parse(s); !ok || err != nil || !bytes.Equal(u[:], cell) {
				t.Fatalf("uuid %x decoded as %#v", cell, v)
			}
		}
	})
}
