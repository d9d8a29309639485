package codec_test

import (
	"database/sql"
	"fmt"
	"math/big"

	"github.com/cqlsql/cassandra/codec"
)

// A Decoder is compiled once per result column and decodes each cell.
func ExampleNewDecoder() {
	// map<text, frozen<list<int>>>, as the server describes it in metadata.
	t := codec.Type{ID: codec.TypeMap, Elems: []codec.Type{
		{ID: codec.TypeVarchar},
		{ID: codec.TypeList, Frozen: true, Elems: []codec.Type{{ID: codec.TypeInt}}},
	}}
	d, err := codec.NewDecoder(t)
	if err != nil {
		panic(err)
	}
	cell := []byte{
		0, 0, 0, 1, // 1 entry
		0, 0, 0, 1, 'a', // key "a"
		0, 0, 0, 12, // value: 12 bytes
		0, 0, 0, 1, // list of 1 element
		0, 0, 0, 4, 0, 0, 0, 42, // 42
	}
	v, err := d.Decode(cell)
	fmt.Printf("%#v %v\n", v, err)
	fmt.Println(d.ScanType())
	null, _ := d.Decode(nil)
	fmt.Printf("%#v\n", null)
	// Output:
	// map[string][]int32{"a":[]int32{42}} <nil>
	// map[string][]int32
	// map[string][]int32(nil)
}

// Encode appends the value bytes and says when the value is NULL or unset.
func ExampleEncode() {
	tiny := codec.Type{ID: codec.TypeTinyint}
	b, kind, err := codec.Encode(nil, tiny, 100)
	fmt.Printf("%x %v %v\n", b, kind, err)

	_, kind, _ = codec.Encode(nil, tiny, (*int)(nil))
	fmt.Println(kind)
	_, kind, _ = codec.Encode(nil, tiny, codec.Unset)
	fmt.Println(kind)

	_, _, err = codec.Encode(nil, tiny, 300)
	fmt.Println(codec.WithColumn(err, "level"))

	vi, _, _ := codec.Encode(nil, codec.Type{ID: codec.TypeVarint}, big.NewInt(-129))
	fmt.Printf("%x\n", vi)
	// Output:
	// 64 bytes <nil>
	// null
	// unset
	// cassandra: column "level": cannot bind Go int as CQL tinyint: value 300 out of range [-128, 127]
	// ff7f
}

// Assign stores a decoded value into a typed destination, converting it.
func ExampleAssign() {
	type Address struct {
		Street string `cql:"street"`
		Zip    *int32 `cql:"zip"`
	}
	var a Address
	err := codec.Assign(&a, map[string]any{"street": "Main St", "zip": nil})
	fmt.Printf("%+v %v\n", a, err)

	var n sql.NullInt64
	_ = codec.Assign(&n, int32(7))
	fmt.Println(n)

	var small int8
	fmt.Println(codec.Assign(&small, int32(1000)))
	// Output:
	// {Street:Main St Zip:<nil>} <nil>
	// {7 true}
	// cassandra: cannot store Go int32 value into Go int8: value 1000 out of range
}

// Decimals keep every digit and their scale.
func ExampleParseDecimal() {
	d, _ := codec.ParseDecimal("-12.50")
	fmt.Println(d.Unscaled, d.Scale, d)
	e, _ := codec.ParseDecimal("1.2e4")
	fmt.Println(e.Unscaled, e.Scale, e)
	// Output:
	// -1250 2 -12.50
	// 12 -3 1.2E+4
}

// Dates span more than five million years each side of 1970.
func ExampleDate() {
	fmt.Println(codec.Date(0), codec.DateEpoch, codec.Date(1<<32-1))
	// Output:
	// -5877641-06-23 1970-01-01 5881580-07-11
}
