package cassandra

import (
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

func TestDatabaseTypeName(t *testing.T) {
	mapTextInt := codec.Type{ID: codec.TypeMap, Elems: []codec.Type{cqlText, cqlInt}}
	for _, c := range []struct {
		t    codec.Type
		want string
	}{
		{cqlInt, "INT"},
		{codec.Type{ID: codec.TypeVarchar}, "TEXT"},
		{codec.Type{ID: codec.TypeTimeUUID}, "TIMEUUID"},
		{mapTextInt, "MAP<TEXT, INT>"},
		{codec.Type{ID: codec.TypeList, Elems: []codec.Type{mapTextInt}}, "LIST<FROZEN<MAP<TEXT, INT>>>"},
		{codec.Type{ID: codec.TypeSet, Elems: []codec.Type{cqlTuple}}, "SET<FROZEN<TUPLE<INT, TEXT>>>"},
		{cqlTuple, "TUPLE<INT, TEXT>"},
		{codec.Type{ID: codec.TypeMap, Elems: []codec.Type{cqlText, cqlAddress}}, "MAP<TEXT, FROZEN<ks.address>>"},
		{cqlAddress, "ks.address"},
		{cqlVector, "VECTOR<FLOAT, 3>"},
		{codec.Type{ID: codec.TypeVector, Dimension: 2, Elems: []codec.Type{cqlListInt}}, "VECTOR<FROZEN<LIST<INT>>, 2>"},
		{codec.Type{ID: codec.TypeCustom, Custom: "org.apache.cassandra.db.marshal.DynamicCompositeType"}, "org.apache.cassandra.db.marshal.DynamicCompositeType"},
		{codec.Type{ID: 0x99}, "UNKNOWN(0X99)"},
	} {
		if got := databaseTypeName(c.t); got != c.want {
			t.Errorf("databaseTypeName(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// database/sql's ColumnType.DatabaseTypeName is the upper-case name.
func TestColumnTypeDatabaseTypeNameIsUpperCase(t *testing.T) {
	db, _ := planNode(t, []protocol.ColumnSpec{
		col("id", codec.TypeInt),
		{Keyspace: "ks", Table: "t", Name: "m", Type: codec.Type{ID: codec.TypeList, Elems: []codec.Type{{ID: codec.TypeMap, Elems: []codec.Type{cqlText, cqlInt}}}}},
	}, [][]byte{be32(1), nil})
	rows, err := db.Query("SELECT id, m FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	if a, b := cts[0].DatabaseTypeName(), cts[1].DatabaseTypeName(); a != "INT" || b != "LIST<FROZEN<MAP<TEXT, INT>>>" {
		t.Fatalf("DatabaseTypeName: %q, %q", a, b)
	}
}
