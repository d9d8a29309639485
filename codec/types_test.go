package codec

import (
	"math"
	"math/big"
	"testing"
	"time"
)

func TestUvint(t *testing.T) {
	// native_protocol_v5.spec section 3: 256 000 is [110]00011 11101000 00000000.
	cases := []struct {
		v uint64
		b []byte
	}{
		{0, h("00")},
		{127, h("7f")},
		{128, h("80 80")},
		{256000, h("c3 e8 00")},
		{math.MaxUint64, h("ff ff ff ff ff ff ff ff ff")},
		{1 << 56, h("ff 01 00 00 00 00 00 00 00")},
		{1<<56 - 1, h("fe ff ff ff ff ff ff ff")},
	}
	for _, c := range cases {
		if got := appendUvint(nil, c.v); string(got) != string(c.b) {
			t.Errorf("appendUvint(%d) = %x, want %x", c.v, got, c.b)
		}
		v, n, err := readUvint(append(c.b, 0x55))
		if err != nil || v != c.v || n != len(c.b) {
			t.Errorf("readUvint(%x) = %d, %d, %v", c.b, v, n, err)
		}
	}
	if _, _, err := readUvint(h("e3 e8")); err == nil {
		t.Error("truncated vint accepted")
	}
	for _, v := range []int64{0, -1, 1, math.MinInt64, math.MaxInt64, -1 << 31} {
		got, _, err := readVint(appendVint(nil, v))
		if err != nil || got != v {
			t.Errorf("vint %d round trip: %d, %v", v, got, err)
		}
	}
}

func TestDate(t *testing.T) {
	cases := []struct {
		d    Date
		s    string
		year int
	}{
		{0, "-5877641-06-23", -5877641},
		{DateEpoch, "1970-01-01", 1970},
		{math.MaxUint32, "5881580-07-11", 5881580},
		{0x80004d0c, "2024-01-02", 2024},
	}
	for _, c := range cases {
		if got := c.d.String(); got != c.s {
			t.Errorf("Date(%d).String() = %q, want %q", uint32(c.d), got, c.s)
		}
		if y := c.d.Time().Year(); y != c.year {
			t.Errorf("Date(%d).Time().Year() = %d", uint32(c.d), y)
		}
		back, err := DateOf(c.d.Time())
		if err != nil || back != c.d {
			t.Errorf("DateOf(Date(%d).Time()) = %d, %v", uint32(c.d), uint32(back), err)
		}
	}
	if _, err := DateOf(time.Date(-5877641, 6, 22, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("day before the first CQL date accepted")
	}
	if _, err := DateFromDays(1 << 31); err == nil {
		t.Error("day after the last CQL date accepted")
	}
}

func TestDecimalStringParse(t *testing.T) {
	cases := []struct {
		d Decimal
		s string
	}{
		{NewDecimal(150, 2), "1.50"},
		{NewDecimal(-1, 3), "-0.001"},
		{NewDecimal(12, -3), "1.2E+4"},
		{NewDecimal(1, 7), "1E-7"},
		{NewDecimal(123, 0), "123"},
		{Decimal{}, "0"},
		{Decimal{Unscaled: big.NewInt(5), Scale: math.MinInt32}, "5E+2147483648"},
	}
	for _, c := range cases {
		if got := c.d.String(); got != c.s {
			t.Errorf("String(%v, %d) = %q, want %q", c.d.Unscaled, c.d.Scale, got, c.s)
		}
		p, err := ParseDecimal(c.s)
		if err != nil || p.Scale != c.d.Scale && p.Cmp(c.d) != 0 {
			t.Errorf("ParseDecimal(%q) = %v, %v", c.s, p, err)
		}
	}
	for _, bad := range []string{"", "-", "1..2", "e5", "1e", "+-1", "1 2", "0x10", "1e9999999999"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) accepted", bad)
		}
	}
	if f := NewDecimal(-25, 1).Float64(); f != -2.5 {
		t.Errorf("Float64 = %v", f)
	}
	var d Decimal
	if err := d.Scan("3.14"); err != nil || d.String() != "3.14" {
		t.Errorf("Scan: %v %v", d, err)
	}
	if v, err := NewDecimal(5, 1).Value(); err != nil || v != "0.5" {
		t.Errorf("Value = %v, %v", v, err)
	}
}

func TestDurationString(t *testing.T) {
	cases := []struct {
		d Duration
		s string
	}{
		{Duration{}, "0s"},
		{Duration{Months: 14, Days: 3, Nanoseconds: int64(time.Hour + 2*time.Millisecond + 5)}, "1y2mo3d1h2ms5ns"},
		{Duration{Days: -1, Nanoseconds: -int64(time.Second)}, "-1d1s"},
		{Duration{Nanoseconds: math.MinInt64}, "-2562047h47m16s854ms775us808ns"},
	}
	for _, c := range cases {
		if got := c.d.String(); got != c.s {
			t.Errorf("%+v.String() = %q, want %q", c.d, got, c.s)
		}
	}
}

func TestTypeEqual(t *testing.T) {
	udt := func(fields ...string) Type {
		u := Type{ID: TypeUDT, Keyspace: "ks", Name: "addr", Fields: fields}
		for range fields {
			u.Elems = append(u.Elems, Type{ID: TypeVarchar})
		}
		return u
	}
	mapOf := func(k, v TypeID) Type { return Type{ID: TypeMap, Elems: []Type{{ID: k}, {ID: v}}} }
	cases := []struct {
		a, b Type
		want bool
	}{
		{Type{ID: TypeInt}, Type{ID: TypeInt}, true},
		{Type{ID: TypeInt}, Type{ID: TypeBigint}, false},
		{mapOf(TypeVarchar, TypeInt), mapOf(TypeVarchar, TypeInt), true},
		{mapOf(TypeVarchar, TypeInt), mapOf(TypeVarchar, TypeBigint), false},
		{Type{ID: TypeList, Elems: []Type{{ID: TypeInt}}, Frozen: true}, Type{ID: TypeList, Elems: []Type{{ID: TypeInt}}}, true},
		{udt("street", "city"), udt("street", "city"), true},
		{udt("street", "city"), udt("street", "town"), false},
		{udt("street"), udt("street", "city"), false},
		{Type{ID: TypeVector, Elems: []Type{{ID: TypeFloat}}, Dimension: 3}, Type{ID: TypeVector, Elems: []Type{{ID: TypeFloat}}, Dimension: 4}, false},
		{Type{ID: TypeCustom, Custom: "a.B"}, Type{ID: TypeCustom, Custom: "a.C"}, false},
	}
	for _, c := range cases {
		if got := c.a.Equal(c.b); got != c.want {
			t.Errorf("%v.Equal(%v) = %v, want %v", c.a, c.b, got, c.want)
		}
		if got := c.b.Equal(c.a); got != c.want {
			t.Errorf("%v.Equal(%v) = %v, want %v (not symmetric)", c.b, c.a, got, c.want)
		}
	}
	a, b := mapOf(TypeVarchar, TypeInt), mapOf(TypeVarchar, TypeInt)
	if n := testing.AllocsPerRun(100, func() { a.Equal(b) }); n != 0 {
		t.Errorf("Equal allocates %v times", n)
	}
}
