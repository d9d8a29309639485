package protocol

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

const mp = "org.apache.cassandra.db.marshal."

func TestParseCustomTypeVector(t *testing.T) {
	tests := []struct {
		class string
		want  string // codec.Type.String()
	}{
		{mp + "VectorType(" + mp + "FloatType , 3)", "vector<float, 3>"},
		{mp + "VectorType(" + mp + "FloatType,3)", "vector<float, 3>"},
		{"VectorType(FloatType, 1536)", "vector<float, 1536>"},
		{mp + "VectorType(" + mp + "Int32Type , 2)", "vector<int, 2>"},
		{mp + "VectorType(" + mp + "LongType , 2)", "vector<bigint, 2>"},
		{mp + "VectorType(" + mp + "DoubleType , 2)", "vector<double, 2>"},
		{mp + "VectorType(" + mp + "UTF8Type , 2)", "vector<text, 2>"},
		{mp + "VectorType(" + mp + "AsciiType , 2)", "vector<ascii, 2>"},
		{mp + "VectorType(" + mp + "BooleanType , 2)", "vector<boolean, 2>"},
		{mp + "VectorType(" + mp + "UUIDType , 2)", "vector<uuid, 2>"},
		{mp + "VectorType(" + mp + "TimestampType , 2)", "vector<timestamp, 2>"},
		{mp + "VectorType(" + mp + "SimpleDateType , 2)", "vector<date, 2>"},
		{mp + "VectorType(" + mp + "ShortType , 2)", "vector<smallint, 2>"},
		{mp + "VectorType(" + mp + "ByteType , 2)", "vector<tinyint, 2>"},
		{mp + "VectorType(" + mp + "DurationType , 2)", "vector<duration, 2>"},
		{mp + "VectorType(" + mp + "FrozenType(" + mp + "ListType(" + mp + "Int32Type)) , 2)", "vector<list<int>, 2>"},
		{mp + "VectorType(" + mp + "MapType(" + mp + "UTF8Type," + mp + "LongType) , 4)", "vector<map<text, bigint>, 4>"},
		{mp + "VectorType(" + mp + "TupleType(" + mp + "Int32Type," + mp + "BytesType) , 4)", "vector<tuple<int, blob>, 4>"},
		{mp + "VectorType(" + mp + "VectorType(" + mp + "FloatType , 2) , 3)", "vector<vector<float, 2>, 3>"},
		{mp + "VectorType(" + mp + "UserType(ks,61646472,737472656574:" + mp + "UTF8Type) , 1)", "vector<ks.addr, 1>"},
		{mp + "VectorType(com.example.Foo , 2)", "vector<'com.example.Foo', 2>"},
		{mp + "VectorType(com.example.Bar(x,y) , 2)", "vector<'com.example.Bar(x,y)', 2>"},
		{mp + "DurationType", "duration"},
		// Not vectors, or malformed: stay custom.
		{"com.example.Foo", "'com.example.Foo'"},
		{mp + "VectorType(" + mp + "FloatType , 0)", "'" + mp + "VectorType(" + mp + "FloatType , 0)'"},
		{mp + "VectorType(" + mp + "FloatType , x)", "'" + mp + "VectorType(" + mp + "FloatType , x)'"},
		{mp + "VectorType(" + mp + "FloatType , 3", "'" + mp + "VectorType(" + mp + "FloatType , 3'"},
		{mp + "VectorType(" + mp + "FloatType , 3) junk", "'" + mp + "VectorType(" + mp + "FloatType , 3) junk'"},
		{mp + "VectorType(" + mp + "ListType(" + mp + "Int32Type," + mp + "Int32Type) , 3)", "'" + mp + "VectorType(" + mp + "ListType(" + mp + "Int32Type," + mp + "Int32Type) , 3)'"},
		{mp + "VectorType(" + mp + "UserType(ks,zz) , 1)", "'" + mp + "VectorType(" + mp + "UserType(ks,zz) , 1)'"},
		{mp + "VectorType()", "'" + mp + "VectorType()'"},
	}
	for _, tt := range tests {
		got := ParseCustomType(tt.class)
		if got.String() != tt.want {
			t.Errorf("ParseCustomType(%q) = %s, want %s", tt.class, got, tt.want)
		}
	}
	v := ParseCustomType(mp + "VectorType(" + mp + "FloatType , 3)")
	want := codec.Type{ID: codec.TypeVector, Elems: []codec.Type{{ID: codec.TypeFloat}}, Dimension: 3}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v", v)
	}
	// A hostile nesting depth stays custom rather than blowing the stack.
	deep := strings.Repeat(mp+"VectorType(", 100000) + "FloatType" + strings.Repeat(" , 2)", 100000)
	if got := ParseCustomType(deep); got.ID != codec.TypeCustom {
		t.Errorf("deep vector: %v", got.ID)
	}
}

func TestCustomClassNameRoundTrip(t *testing.T) {
	for _, class := range []string{
		mp + "VectorType(" + mp + "FloatType , 3)",
		mp + "VectorType(" + mp + "ListType(" + mp + "Int32Type) , 2)",
		mp + "VectorType(" + mp + "MapType(" + mp + "UTF8Type," + mp + "LongType) , 4)",
		mp + "VectorType(" + mp + "UserType(ks,61646472,737472656574:" + mp + "UTF8Type) , 1)",
		mp + "VectorType(com.example.Foo , 2)",
	} {
		typ := ParseCustomType(class)
		got, err := CustomClassName(typ)
		if err != nil || got != class {
			t.Errorf("CustomClassName(%v) = %q, %v; want %q", typ, got, err, class)
		}
	}
	if _, err := CustomClassName(codec.Type{ID: codec.TypeVector, Dimension: 2}); err == nil {
		t.Error("vector without element type")
	}
}

// A vector column read from the wire, as Cassandra 5 sends it.
func TestReadOptionVector(t *testing.T) {
	class := mp + "VectorType(" + mp + "FloatType , 3)"
	in := cat(0x00, 0x00, 0x00, byte(len(class)), class)
	typ, err := NewReader(in).ReadOption()
	if err != nil || typ.String() != "vector<float, 3>" {
		t.Fatalf("%v %v", typ, err)
	}
	out, err := AppendOption(nil, typ)
	if err != nil || string(out) != string(in) {
		t.Fatalf("AppendOption: %q %v", out, err)
	}
}
