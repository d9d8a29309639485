package codec

import (
	"bytes"
	"math"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/google/uuid"
)

// valueCase is one row of the table that drives both encoding and decoding:
// the bytes are written by hand from native_protocol_v5.spec section 5/6.
type valueCase struct {
	name string
	t    Type
	b    []byte // nil is NULL
	v    any    // what Decode returns, and what Encode takes unless enc is set
	enc  any    // alternative Go value to encode (nil: use v)
	// decodeOnly: bytes the server may send but Encode does not produce
	// (non-minimal forms, shorter UDTs...). encodeOnly: the reverse.
	decodeOnly, encodeOnly bool
}

var (
	addrType  = tUDT("address", []string{"street", "zip"}, tText, tInt)
	addrType3 = tUDT("address", []string{"street", "zip", "country"}, tText, tInt, tText)
	nested    = tList(frozen(tMap(tText, frozen(tSet(tInt))))) // list<frozen<map<text, frozen<set<int>>>>>
	bigDigits = "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890" +
		"1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890"
	uuid4 = uuid.MustParse("550e8400-e29b-41d4-a716-446655440000")
	uuid1 = uuid.MustParse("58e0a7d7-eebc-11d8-9669-0800200c9a66")
)

var valueCases = []valueCase{
	// 5.11 int: 4-byte two's complement.
	{name: "int zero", t: tInt, b: h("00 00 00 00"), v: int32(0)},
	{name: "int -1", t: tInt, b: h("ff ff ff ff"), v: int32(-1)},
	{name: "int min", t: tInt, b: h("80 00 00 00"), v: int32(math.MinInt32)},
	{name: "int max", t: tInt, b: h("7f ff ff ff"), v: int32(math.MaxInt32)},
	{name: "int from Go int", t: tInt, b: h("00 00 01 00"), v: int32(256), enc: 256, encodeOnly: true},
	{name: "int from uint8", t: tInt, b: h("00 00 00 ff"), v: int32(255), enc: uint8(255), encodeOnly: true},
	{name: "int NULL", t: tInt, b: nil, v: nil},
	{name: "int empty value is NULL", t: tInt, b: h(""), v: nil, decodeOnly: true},
	// 5.2 bigint, counter: 8 bytes.
	{name: "bigint min", t: tBigint, b: h("80 00 00 00 00 00 00 00"), v: int64(math.MinInt64)},
	{name: "bigint max", t: tBigint, b: h("7f ff ff ff ff ff ff ff"), v: int64(math.MaxInt64)},
	{name: "bigint from uint64", t: tBigint, b: h("7f ff ff ff ff ff ff ff"), v: int64(math.MaxInt64), enc: uint64(math.MaxInt64), encodeOnly: true},
	{name: "counter", t: Type{ID: TypeCounter}, b: h("00 00 00 00 00 00 00 2a"), v: int64(42)},
	// 5.15 smallint, 5.20 tinyint.
	{name: "smallint min", t: tSmallint, b: h("80 00"), v: int16(math.MinInt16)},
	{name: "smallint max", t: tSmallint, b: h("7f ff"), v: int16(math.MaxInt16)},
	{name: "tinyint min", t: tTinyint, b: h("80"), v: int8(math.MinInt8)},
	{name: "tinyint max", t: tTinyint, b: h("7f"), v: int8(math.MaxInt8)},
	// 5.9 float, 5.7 double: IEEE 754.
	{name: "float 1", t: tFloat, b: h("3f 80 00 00"), v: float32(1)},
	{name: "float NaN", t: tFloat, b: h("7f c0 00 00"), v: float32(math.NaN())},
	{name: "float +Inf", t: tFloat, b: h("7f 80 00 00"), v: float32(math.Inf(1))},
	{name: "float -Inf", t: tFloat, b: h("ff 80 00 00"), v: float32(math.Inf(-1))},
	{name: "float from exact float64", t: tFloat, b: h("3f c0 00 00"), v: float32(1.5), enc: 1.5, encodeOnly: true},
	{name: "double 1.5", t: tDouble, b: h("3f f8 00 00 00 00 00 00"), v: 1.5},
	{name: "double max", t: tDouble, b: h("7f ef ff ff ff ff ff ff"), v: math.MaxFloat64},
	{name: "double NaN", t: tDouble, b: h("7f f8 00 00 00 00 00 01"), v: math.NaN()},
	{name: "double +Inf", t: tDouble, b: h("7f f0 00 00 00 00 00 00"), v: math.Inf(1)},
	{name: "double -Inf", t: tDouble, b: h("ff f0 00 00 00 00 00 00"), v: math.Inf(-1)},
	// 5.4 boolean: 0 false, anything else true.
	{name: "boolean true", t: tBoolean, b: h("01"), v: true},
	{name: "boolean false", t: tBoolean, b: h("00"), v: false},
	{name: "boolean 0x02 is true", t: tBoolean, b: h("02"), v: true, decodeOnly: true},
	// 5.16 text, 5.1 ascii, 5.3 blob: raw bytes; empty is not NULL.
	{name: "text empty", t: tText, b: h(""), v: ""},
	{name: "text NULL", t: tText, b: nil, v: nil},
	{name: "text utf8", t: tText, b: h("68 c3 a9 6c 6c 6f"), v: "héllo"},
	{name: "text from []byte", t: tText, b: h("61 62"), v: "ab", enc: []byte("ab"), encodeOnly: true},
	{name: "ascii", t: tASCII, b: h("61 62 63"), v: "abc"},
	{name: "blob empty", t: tBlob, b: h(""), v: []byte{}},
	{name: "blob NULL", t: tBlob, b: nil, v: nil},
	{name: "blob", t: tBlob, b: h("00 ff"), v: []byte{0, 0xff}},
	{name: "custom type is raw bytes", t: tCustom("com.example.Foo"), b: h("01 02"), v: []byte{1, 2}},
	// 5.22 uuid, 5.19 timeuuid.
	{name: "uuid", t: tUUID, b: h("55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00"), v: uuid4},
	{name: "uuid from string", t: tUUID, b: h("55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00"), v: uuid4, enc: "550e8400-e29b-41d4-a716-446655440000", encodeOnly: true},
	{name: "timeuuid", t: tTimeUUID, b: h("58 e0 a7 d7 ee bc 11 d8 96 69 08 00 20 0c 9a 66"), v: uuid1},
	// 5.18 timestamp: ms since the epoch.
	{name: "timestamp epoch", t: tTimestamp, b: h("00 00 00 00 00 00 00 00"), v: ms(0)},
	{name: "timestamp -1ms", t: tTimestamp, b: h("ff ff ff ff ff ff ff ff"), v: ms(-1)},
	{name: "timestamp 1900-01-01", t: tTimestamp, b: h("ff ff fd fd ae 01 dc 00"), v: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
	{name: "timestamp 9999-12-31T23:59:59.999", t: tTimestamp, b: h("00 00 e6 77 d2 1f db ff"), v: time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)},
	{name: "timestamp max int64", t: tTimestamp, b: h("7f ff ff ff ff ff ff ff"), v: ms(math.MaxInt64)},
	{name: "timestamp min int64", t: tTimestamp, b: h("80 00 00 00 00 00 00 00"), v: ms(math.MinInt64)},
	{name: "timestamp from another zone", t: tTimestamp, b: h("00 00 00 00 00 00 00 00"), v: ms(0),
		enc: time.Date(1970, 1, 1, 2, 0, 0, 0, time.FixedZone("X", 7200)), encodeOnly: true},
	{name: "timestamp truncates sub-ms", t: tTimestamp, b: h("00 00 00 00 00 00 00 01"), v: ms(1),
		enc: time.Unix(0, 1999999), encodeOnly: true},
	// 5.5 date: days with the epoch at 2^31.
	{name: "date epoch", t: tDate, b: h("80 00 00 00"), v: Date(1 << 31)},
	{name: "date 2024-01-02", t: tDate, b: h("80 00 4d 0c"), v: Date(0x80004d0c)},
	{name: "date 2024-01-02 from time.Time", t: tDate, b: h("80 00 4d 0c"), v: Date(0x80004d0c), enc: time.Date(2024, 1, 2, 23, 0, 0, 0, time.FixedZone("", -5*3600)), encodeOnly: true},
	{name: "date 2024-01-02 from string", t: tDate, b: h("80 00 4d 0c"), v: Date(0x80004d0c), enc: "2024-01-02", encodeOnly: true},
	{name: "date min -5877641-06-23", t: tDate, b: h("00 00 00 00"), v: Date(0)},
	{name: "date max 5881580-07-11", t: tDate, b: h("ff ff ff ff"), v: Date(math.MaxUint32)},
	// 5.17 time: ns since midnight.
	{name: "time midnight", t: tTime, b: h("00 00 00 00 00 00 00 00"), v: time.Duration(0)},
	{name: "time last ns", t: tTime, b: h("00 00 4e 94 91 4e ff ff"), v: 24*time.Hour - 1},
	// 5.8 duration: 3 zig-zag vints.
	{name: "duration 1mo2d3ns", t: tDuration, b: h("02 04 06"), v: Duration{1, 2, 3}},
	{name: "duration negative", t: tDuration, b: h("01 03 05"), v: Duration{-1, -2, -3}},
	{name: "duration 1h", t: tDuration, b: h("00 00 fc 06 8c 61 71 40 00"), v: Duration{Nanoseconds: int64(time.Hour)}},
	{name: "duration from time.Duration", t: tDuration, b: h("00 00 fc 06 8c 61 71 40 00"), v: Duration{Nanoseconds: int64(time.Hour)}, enc: time.Hour, encodeOnly: true},
	// 5.10 inet.
	{name: "inet v4", t: tInet, b: h("7f 00 00 01"), v: net.IP{127, 0, 0, 1}},
	{name: "inet v6", t: tInet, b: h("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"), v: net.ParseIP("::1")},
	{name: "inet v4 from 16-byte net.IP", t: tInet, b: h("0a 00 00 01"), v: net.IP{10, 0, 0, 1}, enc: net.ParseIP("10.0.0.1"), encodeOnly: true},
	{name: "inet from string", t: tInet, b: h("0a 00 00 01"), v: net.IP{10, 0, 0, 1}, enc: "10.0.0.1", encodeOnly: true},
	// 5.24 varint: the spec's examples, then 200 digits.
	{name: "varint 0", t: tVarint, b: h("00"), v: big.NewInt(0)},
	{name: "varint 1", t: tVarint, b: h("01"), v: big.NewInt(1)},
	{name: "varint 127", t: tVarint, b: h("7f"), v: big.NewInt(127)},
	{name: "varint 128", t: tVarint, b: h("00 80"), v: big.NewInt(128)},
	{name: "varint 129", t: tVarint, b: h("00 81"), v: big.NewInt(129)},
	{name: "varint -1", t: tVarint, b: h("ff"), v: big.NewInt(-1)},
	{name: "varint -128", t: tVarint, b: h("80"), v: big.NewInt(-128)},
	{name: "varint -129", t: tVarint, b: h("ff 7f"), v: big.NewInt(-129)},
	{name: "varint -129 from int64", t: tVarint, b: h("ff 7f"), v: big.NewInt(-129), enc: int64(-129), encodeOnly: true},
	{name: "varint 128 from int", t: tVarint, b: h("00 80"), v: big.NewInt(128), enc: 128, encodeOnly: true},
	{name: "varint non-minimal 0x0001", t: tVarint, b: h("00 01"), v: big.NewInt(1), decodeOnly: true},
	{name: "varint max uint64", t: tVarint, b: h("00 ff ff ff ff ff ff ff ff"), v: new(big.Int).SetUint64(math.MaxUint64), enc: uint64(math.MaxUint64)},
	{name: "varint 200 digits", t: tVarint, b: h(`294a11718d07405e79f3d227f433ea355e0e1c7226c19e2869f26ca1838af1cc39fb6d97a8831102
		d7915cd81ede41c77291aba77b162d333093a501c2a01788a9935e243d1161ef7bf14baccff196ce3f0ad2`), v: bigOf(bigDigits)},
	{name: "varint -200 digits", t: tVarint, b: h(`d6b5ee8e72f8bfa1860c2dd80bcc15caa1f1e38dd93e61d7960d935e7c750e33c604926857
		7ceefd286ea327e121be388d6e545884e9d2cccf6c5afe3d5fe877566ca1dbc2ee9e10840eb453300e6931c0f52e`), v: bigOf("-" + bigDigits)},
	// 5.6 decimal: [int] scale then varint unscaled.
	{name: "decimal 1.50", t: tDecimal, b: h("00 00 00 02  00 96"), v: NewDecimal(150, 2)},
	{name: "decimal 12E+3 (negative scale)", t: tDecimal, b: h("ff ff ff fd  0c"), v: NewDecimal(12, -3)},
	{name: "decimal -0.001", t: tDecimal, b: h("00 00 00 03  ff"), v: NewDecimal(-1, 3)},
	{name: "decimal from string", t: tDecimal, b: h("00 00 00 02  00 96"), v: NewDecimal(150, 2), enc: "1.50", encodeOnly: true},
	{name: "decimal from string with exponent", t: tDecimal, b: h("ff ff ff fd  0c"), v: NewDecimal(12, -3), enc: "1.2e4", encodeOnly: true},
	{name: "decimal from int", t: tDecimal, b: h("00 00 00 00  7f"), v: NewDecimal(127, 0), enc: 127, encodeOnly: true},
	// 5.12-5.14 collections: [int] n, then [bytes] elements.
	{name: "list<int>", t: tList(tInt), b: h("00 00 00 02  00 00 00 04 00 00 00 01  00 00 00 04 00 00 00 02"), v: []int32{1, 2}},
	{name: "list<int> from []int", t: tList(tInt), b: h("00 00 00 02  00 00 00 04 00 00 00 01  00 00 00 04 00 00 00 02"), v: []int32{1, 2}, enc: []int{1, 2}, encodeOnly: true},
	{name: "list<int> from []any", t: tList(tInt), b: h("00 00 00 01  00 00 00 04 00 00 00 07"), v: []int32{7}, enc: []any{int64(7)}, encodeOnly: true},
	{name: "list<int> NULL is a nil []int32", t: tList(tInt), b: nil, v: []int32(nil)},
	{name: "list<int> empty (frozen) is an empty slice", t: tList(tInt), b: h("00 00 00 00"), v: []int32{}},
	{name: "map<text, int> empty (frozen) is an empty map", t: tMap(tText, tInt), b: h("00 00 00 00"), v: map[string]int32{}},
	{name: "list<bigint>", t: tList(tBigint), b: h("00 00 00 01  00 00 00 08 80 00 00 00 00 00 00 00"), v: []int64{math.MinInt64}},
	{name: "list<double>", t: tList(tDouble), b: h("00 00 00 01  00 00 00 08 7f f0 00 00 00 00 00 00"), v: []float64{math.Inf(1)}},
	{name: "list<float>", t: tList(tFloat), b: h("00 00 00 01  00 00 00 04 3f 80 00 00"), v: []float32{1}},
	{name: "list<boolean>", t: tList(tBoolean), b: h("00 00 00 02  00 00 00 01 01  00 00 00 01 00"), v: []bool{true, false}},
	{name: "set<uuid>", t: tSet(tUUID), b: h("00 00 00 01  00 00 00 10 55 0e 84 00 e2 9b 41 d4 a7 16 44 66 55 44 00 00"), v: []uuid.UUID{uuid4}},
	{name: "list<timestamp>", t: tList(tTimestamp), b: h("00 00 00 01  00 00 00 08 ff ff ff ff ff ff ff ff"), v: []time.Time{ms(-1)}},
	{name: "list<varint> (reflection path)", t: tList(tVarint), b: h("00 00 00 01  00 00 00 02 ff 7f"), v: []*big.Int{big.NewInt(-129)}},
	{name: "set<text>", t: tSet(tText), b: h("00 00 00 02  00 00 00 01 61  00 00 00 00"), v: []string{"a", ""}},
	{name: "map<text, int>", t: tMap(tText, tInt), b: h("00 00 00 01  00 00 00 01 61  00 00 00 04 00 00 00 01"), v: map[string]int32{"a": 1}},
	{name: "map<text, int> NULL", t: tMap(tText, tInt), b: nil, v: map[string]int32(nil)},
	{name: "map<inet, int> has entries", t: tMap(tInt, tInt), b: h("00 00 00 01  00 00 00 04 00 00 00 05  00 00 00 04 00 00 00 06"), v: map[int32]int32{5: 6}},
	{name: "map<blob, int> decodes to []MapEntry", t: tMap(tBlob, tInt), b: h("00 00 00 02  00 00 00 01 01  00 00 00 04 00 00 00 01  00 00 00 01 02  00 00 00 04 00 00 00 02"),
		v: []MapEntry{{[]byte{1}, int32(1)}, {[]byte{2}, int32(2)}}},
	{name: "nested list<frozen<map<text, frozen<set<int>>>>>", t: nested, b: h(`
		00 00 00 01                  -- list: 1 element
		00 00 00 19                  -- element: 25 bytes of map
		  00 00 00 01                -- map: 1 entry
		  00 00 00 01 6b             -- key "k"
		  00 00 00 0c                -- value: 12 bytes of set
		    00 00 00 01              -- set: 1 element
		    00 00 00 04 00 00 00 09  -- 9`), v: []map[string][]int32{{"k": {9}}}},
	// 5.21 tuple: [bytes] per component, -1 is NULL.
	{name: "tuple<int, text, boolean> with NULL", t: tTuple(tInt, tText, tBoolean),
		b: h("00 00 00 04 00 00 00 01  ff ff ff ff  00 00 00 01 01"), v: []any{int32(1), nil, true}},
	{name: "tuple from struct", t: tTuple(tInt, tText), b: h("00 00 00 04 00 00 00 01  00 00 00 01 61"), v: []any{int32(1), "a"},
		enc: struct {
			A int
			B string
		}{1, "a"}, encodeOnly: true},
	// 6 UDT: [bytes] per field.
	{name: "udt", t: addrType, b: h("00 00 00 03 61 62 63  00 00 00 04 00 00 00 01"), v: map[string]any{"street": "abc", "zip": int32(1)}},
	{name: "udt from struct with tags", t: addrType, b: h("00 00 00 03 61 62 63  00 00 00 04 00 00 00 01"), v: map[string]any{"street": "abc", "zip": int32(1)},
		enc: struct {
			Street string `cql:"street"`
			Zip    int
		}{"abc", 1}, encodeOnly: true},
	{name: "udt missing field encodes NULL", t: addrType, b: h("00 00 00 03 61 62 63  ff ff ff ff"), v: map[string]any{"street": "abc", "zip": nil},
		enc: map[string]any{"street": "abc"}, encodeOnly: true},
	{name: "udt with a field added later", t: addrType3, b: h("00 00 00 03 61 62 63  00 00 00 04 00 00 00 01"),
		v: map[string]any{"street": "abc", "zip": int32(1), "country": nil}, decodeOnly: true},
	{name: "udt value with an extra field", t: addrType, b: h("00 00 00 03 61 62 63  00 00 00 04 00 00 00 01  00 00 00 02 46 52"),
		v: map[string]any{"street": "abc", "zip": int32(1)}, decodeOnly: true},
	// 5.25 vector: fixed-size elements packed, others with an unsigned vint length.
	{name: "vector<float, 3>", t: tVec(tFloat, 3), b: h("3f 80 00 00  40 00 00 00  40 40 00 00"), v: []float32{1, 2, 3}},
	{name: "vector<float, 3> from [3]float64", t: tVec(tFloat, 3), b: h("3f 80 00 00  40 00 00 00  40 40 00 00"), v: []float32{1, 2, 3}, enc: [3]float64{1, 2, 3}, encodeOnly: true},
	{name: "vector<int, 2>", t: tVec(tInt, 2), b: h("00 00 00 01  ff ff ff ff"), v: []int32{1, -1}},
	{name: "vector<text, 2>", t: tVec(tText, 2), b: h("01 61  02 62 63"), v: []string{"a", "bc"}},
	{name: "vector<vector<int, 2>, 2> (fixed inside fixed)", t: tVec(tVec(tInt, 1), 2), b: h("00 00 00 01  00 00 00 02"), v: [][]int32{{1}, {2}}},
}

func TestDecodeTable(t *testing.T) {
	for _, c := range valueCases {
		if c.encodeOnly {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			d, err := NewDecoder(c.t)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Decode(c.b)
			if err != nil {
				t.Fatalf("Decode(%s, %x): %v", c.t, c.b, err)
			}
			if !equal(got, c.v) {
				t.Fatalf("Decode(%s, %x) = %#v (%T), want %#v (%T)", c.t, c.b, got, got, c.v, c.v)
			}
			if got != nil {
				if st := d.ScanType(); st != reflectTypeOf(got) {
					t.Fatalf("ScanType = %v, value is %T", st, got)
				}
			}
		})
	}
}

func TestEncodeTable(t *testing.T) {
	for _, c := range valueCases {
		if c.decodeOnly {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			in := c.v
			if c.enc != nil {
				in = c.enc
			}
			prefix := []byte{0xAA}
			out, kind, err := Encode(prefix, c.t, in)
			if err != nil {
				t.Fatalf("Encode(%s, %#v): %v", c.t, in, err)
			}
			if c.b == nil || isTypedNil(in) && c.enc == nil {
				if kind != KindNull || len(out) != 1 {
					t.Fatalf("Encode(%s, %#v) = %x, %v; want NULL", c.t, in, out, kind)
				}
				return
			}
			if kind != KindBytes || !bytes.Equal(out[:1], prefix) || !bytes.Equal(out[1:], c.b) {
				t.Fatalf("Encode(%s, %#v) = %x, %v; want %x", c.t, in, out[1:], kind, c.b)
			}
		})
	}
}
