package codec

import (
	"strconv"
	"strings"
)

// TypeID is the [short] that identifies a CQL type in an [option]
// (native_protocol_v5.spec section 6.1.2 "Rows", col_spec_i type).
type TypeID uint16

// The type ids of the spec. Duration is listed by v5 but Cassandra also
// sends it to v4 clients.
const (
	TypeCustom    TypeID = 0x0000
	TypeASCII     TypeID = 0x0001
	TypeBigint    TypeID = 0x0002
	TypeBlob      TypeID = 0x0003
	TypeBoolean   TypeID = 0x0004
	TypeCounter   TypeID = 0x0005
	TypeDecimal   TypeID = 0x0006
	TypeDouble    TypeID = 0x0007
	TypeFloat     TypeID = 0x0008
	TypeInt       TypeID = 0x0009
	TypeTimestamp TypeID = 0x000B
	TypeUUID      TypeID = 0x000C
	TypeVarchar   TypeID = 0x000D
	TypeVarint    TypeID = 0x000E
	TypeTimeUUID  TypeID = 0x000F
	TypeInet      TypeID = 0x0010
	TypeDate      TypeID = 0x0011
	TypeTime      TypeID = 0x0012
	TypeSmallint  TypeID = 0x0013
	TypeTinyint   TypeID = 0x0014
	TypeDuration  TypeID = 0x0015
	TypeList      TypeID = 0x0020
	TypeMap       TypeID = 0x0021
	TypeSet       TypeID = 0x0022
	TypeUDT       TypeID = 0x0030
	TypeTuple     TypeID = 0x0031

	// TypeVector is not a wire id: vectors arrive as custom types named
	// org.apache.cassandra.db.marshal.VectorType(<elem>, <n>). ParseCustom
	// turns such a class name into a Type with this id.
	TypeVector TypeID = 0xFF01
)

// Type describes one CQL type as the server announced it in result or
// prepared metadata. It is a value with no behaviour of its own beyond
// naming itself; codec/ encodes and decodes values of it, protocol/ reads it
// from the wire.
type Type struct {
	ID TypeID

	// Custom is the Java class name of a custom type (TypeCustom only).
	Custom string

	// Elems holds the element types: one for list, set and vector; key and
	// value for map; every component for tuple; every field for UDT.
	Elems []Type

	// UDT only: keyspace, type name and field names (len(Fields) == len(Elems)).
	Keyspace string
	Name     string
	Fields   []string

	// Dimension is the fixed length of a vector.
	Dimension int

	// Frozen is informational only: the wire does not say whether a
	// collection is frozen, so decoders never rely on it.
	Frozen bool
}

var typeNames = map[TypeID]string{
	TypeASCII: "ascii", TypeBigint: "bigint", TypeBlob: "blob", TypeBoolean: "boolean",
	TypeCounter: "counter", TypeDecimal: "decimal", TypeDouble: "double", TypeFloat: "float",
	TypeInt: "int", TypeTimestamp: "timestamp", TypeUUID: "uuid", TypeVarchar: "text",
	TypeVarint: "varint", TypeTimeUUID: "timeuuid", TypeInet: "inet", TypeDate: "date",
	TypeTime: "time", TypeSmallint: "smallint", TypeTinyint: "tinyint", TypeDuration: "duration",
}

// Equal reports whether t and u describe the same type. Frozen is not
// compared: the wire does not carry it. Unlike comparing String results,
// it allocates nothing.
func (t Type) Equal(u Type) bool {
	if t.ID != u.ID || t.Custom != u.Custom || t.Keyspace != u.Keyspace || t.Name != u.Name ||
		t.Dimension != u.Dimension || len(t.Elems) != len(u.Elems) || len(t.Fields) != len(u.Fields) {
		return false
	}
	for i := range t.Elems {
		if !t.Elems[i].Equal(u.Elems[i]) {
			return false
		}
	}
	for i := range t.Fields {
		if t.Fields[i] != u.Fields[i] {
			return false
		}
	}
	return true
}

// String returns the CQL name of the type in lower case, such as
// "map<text, int>" or "vector<float, 3>", as errors show it. (The driver's
// ColumnTypeDatabaseTypeName spells it in upper case: "MAP<TEXT, INT>".)
func (t Type) String() string {
	var b strings.Builder
	t.appendName(&b)
	return b.String()
}

func (t Type) appendName(b *strings.Builder) {
	if n, ok := typeNames[t.ID]; ok {
		b.WriteString(n)
		return
	}
	switch t.ID {
	case TypeList, TypeSet, TypeMap, TypeTuple:
		b.WriteString(map[TypeID]string{TypeList: "list", TypeSet: "set", TypeMap: "map", TypeTuple: "tuple"}[t.ID])
		b.WriteByte('<')
		for i, e := range t.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			e.appendName(b)
		}
		b.WriteByte('>')
	case TypeVector:
		b.WriteString("vector<")
		if len(t.Elems) == 1 {
			t.Elems[0].appendName(b)
		}
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(t.Dimension))
		b.WriteByte('>')
	case TypeUDT:
		if t.Keyspace != "" {
			b.WriteString(t.Keyspace)
			b.WriteByte('.')
		}
		b.WriteString(t.Name)
	case TypeCustom:
		b.WriteByte('\'')
		b.WriteString(t.Custom)
		b.WriteByte('\'')
	default:
		b.WriteString("unknown(0x")
		b.WriteString(strconv.FormatUint(uint64(t.ID), 16))
		b.WriteByte(')')
	}
}
