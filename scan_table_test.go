package cassandra

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// Types of the README's typed-scan table ("Scanning into typed
// destinations").
var (
	cqlInt       = codec.Type{ID: codec.TypeInt}
	cqlBigint    = codec.Type{ID: codec.TypeBigint}
	cqlText      = codec.Type{ID: codec.TypeVarchar}
	cqlListInt   = codec.Type{ID: codec.TypeList, Elems: []codec.Type{cqlInt}}
	cqlSetText   = codec.Type{ID: codec.TypeSet, Elems: []codec.Type{cqlText}}
	cqlListLists = codec.Type{ID: codec.TypeList, Elems: []codec.Type{{ID: codec.TypeList, Frozen: true, Elems: []codec.Type{cqlInt}}}}
	cqlMapInet   = codec.Type{ID: codec.TypeMap, Elems: []codec.Type{{ID: codec.TypeInet}, cqlInt}}
	cqlMapText   = codec.Type{ID: codec.TypeMap, Elems: []codec.Type{cqlText, cqlInt}}
	cqlTuple     = codec.Type{ID: codec.TypeTuple, Elems: []codec.Type{cqlInt, cqlText}}
	cqlVector    = codec.Type{ID: codec.TypeVector, Dimension: 3, Elems: []codec.Type{{ID: codec.TypeFloat}}}
	cqlAddress   = codec.Type{ID: codec.TypeUDT, Keyspace: "ks", Name: "address",
		Fields: []string{"street", "zip"}, Elems: []codec.Type{cqlText, cqlInt}}
)

type scanAddress struct {
	Street string `cql:"street"`
	Zip    *int32 `cql:"zip"`
}

type scanPair struct {
	N int64
	S string
}

func ptr[T any](v T) *T { return &v }

// typedScans is the README's typed-scan table: a CQL value, a destination
// and what it holds after Scan. plain126 says whether database/sql's own
// conversion, without the driver (Go 1.22 to 1.26), fills the unwrapped
// destination; with Go 1.27 every row works unwrapped, and with
// cassandra.Scan on every Go version.
var typedScans = []struct {
	name     string
	typ      codec.Type
	value    any // bound to make the cell; nil is NULL
	dest     func() any
	want     any    // *dest after Scan
	wantErr  string // instead of want
	plain126 bool
}{
	{"list<int> into []int64", cqlListInt, []int32{1, 2, 3}, func() any { return new([]int64) }, []int64{1, 2, 3}, "", false},
	{"list<int> into []int32", cqlListInt, []int32{1, 2}, func() any { return new([]int32) }, []int32{1, 2}, "", true},
	{"list<int> into []int8, range-checked", cqlListInt, []int32{1, 300}, func() any { return new([]int8) }, nil, "out of range", false},
	{"NULL list<int> into []int64", cqlListInt, nil, func() any { return new([]int64) }, []int64(nil), "", false},
	{"set<text> into []string", cqlSetText, []string{"a", "b"}, func() any { return new([]string) }, []string{"a", "b"}, "", true},
	{"list<frozen<list<int>>> into [][]int64", cqlListLists, [][]int32{{1}, {2, 3}}, func() any { return new([][]int64) }, [][]int64{{1}, {2, 3}}, "", false},
	{"map<inet, int> into map[string]int32", cqlMapInet, map[string]int32{"10.0.0.1": 1}, func() any { return new(map[string]int32) }, map[string]int32{"10.0.0.1": 1}, "", false},
	{"map<text, int> into map[string]int64", cqlMapText, map[string]int32{"a": 1}, func() any { return new(map[string]int64) }, map[string]int64{"a": 1}, "", false},
	{"map<text, int> into map[string]int32", cqlMapText, map[string]int32{"a": 1}, func() any { return new(map[string]int32) }, map[string]int32{"a": 1}, "", true},
	{"UDT into a tagged struct", cqlAddress, map[string]any{"street": "Main St", "zip": int32(12345)}, func() any { return new(scanAddress) }, scanAddress{"Main St", ptr(int32(12345))}, "", false},
	{"UDT with a NULL field into a tagged struct", cqlAddress, map[string]any{"street": "Main St"}, func() any { return new(scanAddress) }, scanAddress{Street: "Main St"}, "", false},
	{"NULL UDT into *struct", cqlAddress, nil, func() any { return new(*scanAddress) }, (*scanAddress)(nil), "", true},
	{"UDT into *struct", cqlAddress, map[string]any{"street": "Elm St"}, func() any { return new(*scanAddress) }, &scanAddress{Street: "Elm St"}, "", false},
	{"tuple<int, text> into a struct", cqlTuple, []any{int32(7), "seven"}, func() any { return new(scanPair) }, scanPair{7, "seven"}, "", false},
	{"vector<float, 3> into []float64", cqlVector, []float32{1, 0.5, -2}, func() any { return new([]float64) }, []float64{1, 0.5, -2}, "", false},
	{"int into **int64", cqlInt, int32(5), func() any { return new(*int64) }, ptr(int64(5)), "", true},
	{"NULL int into **int64", cqlInt, nil, func() any { return new(*int64) }, (*int64)(nil), "", true},
	{"NULL int into *int64", cqlInt, nil, func() any { return new(int64) }, nil, "NULL", true},
	{"int into int8", cqlInt, int32(100), func() any { return new(int8) }, int8(100), "", true},
	{"int into int8, range-checked", cqlInt, int32(256), func() any { return new(int8) }, nil, "out of range", true},
	{"bigint into uint16, range-checked", cqlBigint, int64(70000), func() any { return new(uint16) }, nil, "out of range", true},
	{"list<int> into sql.Null[[]int64]", cqlListInt, []int32{4}, func() any { return new(sql.Null[[]int64]) }, sql.Null[[]int64]{V: []int64{4}, Valid: true}, "", false},
	{"NULL list<int> into sql.Null[[]int64]", cqlListInt, nil, func() any { return new(sql.Null[[]int64]) }, sql.Null[[]int64]{}, "", false},
	{"int into sql.NullInt64", cqlInt, int32(9), func() any { return new(sql.NullInt64) }, sql.NullInt64{Int64: 9, Valid: true}, "", true},
}

// typedScanNode serves one row whose column i holds typedScans[i].
func typedScanNode(t *testing.T) *sql.DB {
	t.Helper()
	var cols []protocol.ColumnSpec
	var cells [][]byte
	for i, c := range typedScans {
		cols = append(cols, protocol.ColumnSpec{Keyspace: "ks", Table: "t", Name: fmt.Sprintf("c%d", i), Type: c.typ})
		var cell []byte
		if c.value != nil {
			b, _, err := codec.Encode(nil, c.typ, c.value)
			if err != nil {
				t.Fatalf("%s: encoding %#v: %v", c.name, c.value, err)
			}
			cell = b
		}
		cells = append(cells, cell)
	}
	db, _ := planNode(t, cols, cells)
	return db
}

// scanColumn scans column i of the row into dest, and every other
// column into an any.
func scanColumn(t *testing.T, db *sql.DB, i int, dest any) error {
	t.Helper()
	rows, err := db.Query("SELECT * FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no row: %v", rows.Err())
	}
	dests := make([]any, len(typedScans))
	for j := range dests {
		dests[j] = new(any)
	}
	dests[i] = dest
	return rows.Scan(dests...)
}

// The README's typed-scan table, on the toolchain running the test: every
// row with cassandra.Scan and cassandra.As; unwrapped with Go 1.27 (the
// driver's ScanColumn); unwrapped with Go 1.26 and older exactly where the
// table says database/sql's conversion works. Where both paths run, they
// agree (the differential check).
func TestTypedScanTable(t *testing.T) {
	db := typedScanNode(t)
	for i, c := range typedScans {
		t.Run(c.name, func(t *testing.T) {
			check := func(how string, d any, err error) {
				t.Helper()
				if c.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), c.wantErr) {
						t.Errorf("%s: error %v, want one containing %q", how, err, c.wantErr)
					}
					return
				}
				if err != nil {
					t.Errorf("%s: %v", how, err)
					return
				}
				if got := reflect.ValueOf(d).Elem().Interface(); !reflect.DeepEqual(got, c.want) {
					t.Errorf("%s: got %#v, want %#v", how, got, c.want)
				}
			}
			wrapped := c.dest()
			check("cassandra.Scan", wrapped, scanColumn(t, db, i, Scan(wrapped)))
			plain := c.dest()
			err := scanColumn(t, db, i, plain)
			switch {
			case columnScanner || c.plain126:
				check("unwrapped", plain, err)
				if err == nil && c.wantErr == "" && !reflect.DeepEqual(reflect.ValueOf(plain).Elem().Interface(), reflect.ValueOf(wrapped).Elem().Interface()) {
					t.Errorf("unwrapped and cassandra.Scan differ: %#v and %#v", plain, wrapped)
				}
			case err == nil:
				t.Errorf("unwrapped: scanned %#v without the driver; the table says database/sql cannot", reflect.ValueOf(plain).Elem().Interface())
			}
		})
	}
}

func TestAsIsScan(t *testing.T) {
	db := typedScanNode(t)
	var ids []int64
	if err := scanColumn(t, db, 0, As(&ids)); err != nil || !reflect.DeepEqual(ids, []int64{1, 2, 3}) {
		t.Fatalf("As(&ids): %v, %v", ids, err)
	}
}

// A blob scanned through cassandra.Scan is a copy, not the received page.
func TestScanCopiesBlob(t *testing.T) {
	page := []byte("abc")
	var b []byte
	if err := Scan(&b).Scan(page); err != nil {
		t.Fatal(err)
	}
	page[0] = 'x'
	if string(b) != "abc" {
		t.Fatalf("the scanned blob follows the page: %q", b)
	}
}

func TestNeedsAssign(t *testing.T) {
	for _, c := range []struct {
		dest any
		want bool
	}{
		{new(int64), false}, {new(*int64), false}, {new([]byte), false}, {new(sql.RawBytes), false},
		{new(sql.NullString), false}, {new(any), false}, {new(string), false},
		{new([]int64), true}, {new(*[]int64), true}, {new(map[string]int32), true},
		{new(scanAddress), true}, {new(**scanAddress), true}, {new([4]byte), true},
		{new(sql.Null[[]int64]), true}, {new(sql.Null[int64]), false},
		{Scan(new([]int64)), false}, // a Scanner converts by itself
		{[]int64{}, false},          // not a pointer: database/sql's error
	} {
		if got := needsAssign(c.dest); got != c.want {
			t.Errorf("needsAssign(%T) = %v, want %v", c.dest, got, c.want)
		}
	}
}
