package codec

import (
	"database/sql"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type point struct {
	X int32
	Y string
}

type address struct {
	Street  string  `cql:"street"`
	Zip     *int    `cql:"zip"`
	Ignored float64 // untagged and absent from the UDT: left alone
}

func TestAssign(t *testing.T) {
	var (
		i32   int32
		i8    int8
		u16   uint16
		i     int
		f32   float32
		f64   float64
		s     string
		bs    []byte
		tm    time.Time
		d     Date
		addr  netip.Addr
		bi    big.Int
		dec   Decimal
		u     uuid.UUID
		arr   [16]byte
		pi    *int64
		ppi   **int64
		ni    sql.NullInt64
		ns    sql.NullString
		nu    sql.Null[uuid.UUID]
		ntm   sql.NullTime
		list  []int64
		strs  []string
		m     map[string]int64
		im    map[string]int32
		pt    point
		ad    address
		anyv  any
		nest  [][]int
		tuple struct {
			A int
			B *string
		}
	)
	zip := 5
	ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		dst, src, want any
	}{
		{&i32, int32(-7), int32(-7)},
		{&i8, int32(-128), int8(-128)},
		{&u16, int64(65535), uint16(65535)},
		{&i, big.NewInt(1 << 40), 1 << 40},
		{&f32, 1.5, float32(1.5)},
		{&f64, float32(0.25), 0.25},
		{&f64, int32(3), 3.0},
		{&s, "x", "x"},
		{&s, uuid4, uuid4.String()},
		{&s, big.NewInt(-12), "-12"},
		{&s, NewDecimal(150, 2), "1.50"},
		{&s, Date(DateEpoch), "1970-01-01"},
		{&s, int64(42), "42"},
		{&s, net.IP{1, 2, 3, 4}, "1.2.3.4"},
		{&bs, "ab", []byte("ab")},
		{&bs, []byte{1}, []byte{1}},
		{&tm, ts, ts},
		{&tm, Date(DateEpoch + 1), time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC)},
		{&d, ts, Date(0x80004d0c)},
		{&addr, net.IP{10, 0, 0, 1}, netip.MustParseAddr("10.0.0.1")},
		{&bi, big.NewInt(99), *big.NewInt(99)},
		{&dec, NewDecimal(1, 1), NewDecimal(1, 1)},
		{&dec, "2.5", NewDecimal(25, 1)},
		{&u, uuid4, uuid4},
		{&arr, uuid4, [16]byte(uuid4)},
		{&pi, int64(3), ptr(int64(3))},
		{&pi, nil, (*int64)(nil)},
		{&ppi, nil, (**int64)(nil)},
		{&ni, int64(4), sql.NullInt64{Int64: 4, Valid: true}},
		{&ni, int32(4), sql.NullInt64{Int64: 4, Valid: true}},
		{&ni, nil, sql.NullInt64{}},
		{&ns, "a", sql.NullString{String: "a", Valid: true}},
		{&nu, uuid4, sql.Null[uuid.UUID]{V: uuid4, Valid: true}},
		{&nu, nil, sql.Null[uuid.UUID]{}},
		{&ntm, ts, sql.NullTime{Time: ts, Valid: true}},
		{&list, []int32{1, 2}, []int64{1, 2}},
		{&list, []int32(nil), []int64(nil)},
		{&strs, []net.IP{{1, 2, 3, 4}}, []string{"1.2.3.4"}},
		{&m, map[string]int32{"a": 1}, map[string]int64{"a": 1}},
		{&im, []MapEntry{{net.IP{1, 1, 1, 1}, int32(2)}}, map[string]int32{"1.1.1.1": 2}},
		{&pt, []any{int32(1), "a"}, point{1, "a"}},
		{&ad, map[string]any{"street": "s", "zip": int32(5), "country": "fr"}, address{Street: "s", Zip: &zip}},
		{&ad, map[string]any{"street": "s", "zip": nil}, address{Street: "s"}},
		{&anyv, []int32{1}, []int32{1}},
		{&nest, [][]int32{{1}, {2, 3}}, [][]int{{1}, {2, 3}}},
		{&tuple, []any{int32(1), nil}, struct {
			A int
			B *string
		}{A: 1}},
	}
	for _, c := range cases {
		if err := Assign(c.dst, c.src); err != nil {
			t.Errorf("Assign(%T, %#v): %v", c.dst, c.src, err)
			continue
		}
		got := derefAny(c.dst)
		if !equal(got, c.want) {
			t.Errorf("Assign(%T, %#v) stored %#v, want %#v", c.dst, c.src, got, c.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestAssignErrors(t *testing.T) {
	var (
		i8  int8
		u8  uint8
		i   int
		b   bool
		f32 float32
		ad  struct {
			X int `cql:"nope"`
		}
		pt point
	)
	cases := []struct {
		dst, src any
		msg      string
	}{
		{&i8, int32(128), "value 128 out of range"},
		{&u8, int32(-1), "out of range"},
		{&i, nil, "NULL"},
		{&i, "12", "unsupported conversion"},
		{&i, bigOf("100000000000000000000"), "out of range"},
		{&b, int32(1), "unsupported conversion"},
		{&f32, 1e300, "out of range"},
		{&ad, map[string]any{"a": 1}, `no field "nope"`},
		{&pt, []any{int32(1)}, "1 tuple components for 2 exported fields"},
		{i, int32(1), "non-nil pointer"},
	}
	for _, c := range cases {
		err := Assign(c.dst, c.src)
		var e *Error
		if err == nil || !errors.As(err, &e) || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "cassandra: ") {
			t.Errorf("Assign(%T, %#v): %v, want an *Error with %q", c.dst, c.src, err, c.msg)
		}
	}
	// Decoder.Scan names the CQL type.
	d, _ := NewDecoder(tInt)
	err := d.Scan(h("00 00 01 00"), &i8)
	if err == nil || !strings.Contains(err.Error(), "cannot store CQL int value into Go int8: value 256 out of range") {
		t.Errorf("Scan: %v", err)
	}
}

func derefAny(p any) any {
	switch x := p.(type) {
	case *any:
		return *x
	}
	return reflectDeref(p)
}
