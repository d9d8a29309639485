package cassandra

import (
	"strconv"
	"strings"

	"github.com/cqlsql/cassandra/codec"
)

// databaseTypeName spells t as CQL does, in upper case as database/sql
// asks of ColumnTypeDatabaseTypeName: "INT", "MAP<TEXT, INT>",
// "LIST<FROZEN<MAP<TEXT, INT>>>", "VECTOR<FLOAT, 3>". A collection, tuple
// or user-defined type inside another type is FROZEN, as CQL requires of
// them there; at the top, the result metadata does not say whether a
// column is frozen, so FROZEN is not written. A user-defined type is its
// keyspace-qualified name as the server sent it (names are case-sensitive),
// a custom type its Java class name.
func databaseTypeName(t codec.Type) string {
	var b strings.Builder
	appendTypeName(&b, t, false)
	return b.String()
}

func appendTypeName(b *strings.Builder, t codec.Type, nested bool) {
	frozen := t.Frozen || nested
	switch t.ID {
	case codec.TypeList, codec.TypeSet, codec.TypeMap, codec.TypeTuple, codec.TypeUDT:
	default:
		frozen = false
	}
	if frozen {
		b.WriteString("FROZEN<")
	}
	switch t.ID {
	case codec.TypeList, codec.TypeSet, codec.TypeMap, codec.TypeTuple:
		b.WriteString(map[codec.TypeID]string{codec.TypeList: "LIST", codec.TypeSet: "SET", codec.TypeMap: "MAP", codec.TypeTuple: "TUPLE"}[t.ID])
		b.WriteByte('<')
		for i, e := range t.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			appendTypeName(b, e, true)
		}
		b.WriteByte('>')
	case codec.TypeVector:
		b.WriteString("VECTOR<")
		if len(t.Elems) == 1 {
			appendTypeName(b, t.Elems[0], true)
		}
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(t.Dimension))
		b.WriteByte('>')
	case codec.TypeUDT:
		if t.Keyspace != "" {
			b.WriteString(t.Keyspace)
			b.WriteByte('.')
		}
		b.WriteString(t.Name)
	case codec.TypeCustom:
		b.WriteString(t.Custom)
	default:
		// The native types, and unknown(0x...) for an id the codec does
		// not know.
		b.WriteString(strings.ToUpper(t.String()))
	}
	if frozen {
		b.WriteByte('>')
	}
}
