package codec

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"math"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type failingValuer struct{}

func (failingValuer) Value() (driver.Value, error) { return nil, errors.New("boom") }

func TestEncodeErrorsNameTypes(t *testing.T) {
	cases := []struct {
		t      Type
		v      any
		goType string
		msg    string
	}{
		{tInt, int64(1) << 40, "int64", "out of range"},
		{tInt, uint64(math.MaxUint64), "uint64", "out of range"},
		{tInt, "12", "string", "unsupported Go type"},
		{tInt, 1.0, "float64", "unsupported Go type"},
		{tBigint, uint64(math.MaxUint64), "uint64", "out of range"},
		{tSmallint, 40000, "int", "out of range"},
		{tTinyint, 128, "int", "out of range [-128, 127]"},
		{tTinyint, -129, "int", "out of range"},
		{tFloat, 0.1, "float64", "not exactly representable"},
		{tFloat, 1 << 25, "int", "not exactly representable"},
		{tDouble, int64(1)<<53 + 1, "int64", "not exactly representable"},
		{tDouble, "1.5", "string", "unsupported Go type"},
		{tBoolean, 1, "int", "unsupported Go type"},
		{tText, "\xff", "string", "invalid UTF-8"},
		{tText, []byte{0xc3}, "[]uint8", "invalid UTF-8"},
		{tText, 5, "int", "unsupported Go type"},
		{tASCII, "é", "string", "not ASCII"},
		{tBlob, 5, "int", "unsupported Go type"},
		{tUUID, []byte{1, 2, 3}, "[]uint8", "want 16 bytes"},
		{tUUID, "not-a-uuid", "string", "invalid UUID"},
		{tTimeUUID, uuid4, "uuid.UUID", "version 4"},
		{tTimestamp, time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC), "time.Time", "outside the range"},
		{tTimestamp, int64(5), "int64", "unsupported Go type"},
		{tDate, time.Date(6_000_000, 1, 1, 0, 0, 0, 0, time.UTC), "time.Time", "outside the CQL date range"},
		{tDate, "2024/01/02", "string", "want YYYY-MM-DD"},
		{tTime, 25 * time.Hour, "time.Duration", "outside"},
		{tTime, -time.Nanosecond, "time.Duration", "outside"},
		{tDuration, Duration{Months: 1, Days: -1}, "codec.Duration", "mixed signs"},
		{tInet, "300.1.1.1", "string", "ParseAddr"},
		{tInet, net4(), "net.IP", "net.IP of 3 bytes"},
		{tVarint, "12x", "string", "not a base-10 integer"},
		{tVarint, 1.5, "float64", "unsupported Go type"},
		{tDecimal, 1.5, "float64", "not exact decimals"},
		{tDecimal, big.NewFloat(1.5), "big.Float", "not an exact decimal"},
		{tDecimal, "1.2.3", "string", "not a decimal"},
		{tList(tInt), "abc", "string", "unsupported Go type"},
		{tList(tInt), []any{1, nil}, "[]interface {}", "element 1 is null"},
		{tList(tInt), []int64{1, 1 << 40}, "[]int64", "element 1"},
		{tList(tInt), []any{1, Unset}, "[]interface {}", "unset"},
		{tList(tText), []string{"ok", "\xff"}, "[]string", "element 1: cannot bind Go string as CQL text: invalid UTF-8"},
		{tSet(tTimestamp), []time.Time{time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC)}, "[]time.Time", "element 0"},
		{tMap(tText, tInt), []int{1}, "[]int", "unsupported Go type"},
		{tMap(tText, tInt), map[string]string{"a": "b"}, "map[string]string", "value of key a"},
		{tTuple(tInt, tText), []any{1}, "[]interface {}", "1 values for 2 components"},
		{tTuple(tInt), 5, "int", "unsupported Go type"},
		{addrType, map[string]any{"street": "x", "planet": "mars"}, "map[string]interface {}", `no field "planet"`},
		{addrType, struct {
			Planet string `cql:"planet"`
		}{"mars"}, "struct { Planet string \"cql:\\\"planet\\\"\" }", `no field "planet"`},
		{addrType, map[string]any{"zip": "x"}, "map[string]interface {}", `field "zip"`},
		{addrType, 5, "int", "unsupported Go type"},
		{tVec(tFloat, 3), []float32{1, 2}, "[]float32", "2 elements for dimension 3"},
		{tVec(tInt, 2), []any{1, nil}, "[]interface {}", "element 1 is null"},
		{tVec(tText, 2), []string{"a"}, "[]string", "1 elements for dimension 2"},
		{tVec(tInt, 1), 5, "int", "unsupported Go type"},
		{tInt, failingValuer{}, "codec.failingValuer", "boom"},
	}
	for _, c := range cases {
		_, kind, err := Encode(nil, c.t, c.v)
		if err == nil {
			t.Errorf("Encode(%s, %#v) = %v, no error", c.t, c.v, kind)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Op != OpEncode {
			t.Errorf("Encode(%s, %#v): %T %v, want *Error", c.t, c.v, err, err)
			continue
		}
		msg := err.Error()
		for _, want := range []string{"cassandra: ", "CQL " + c.t.String(), "Go " + c.goType, c.msg} {
			if !strings.Contains(msg, want) {
				t.Errorf("Encode(%s, %#v): %q lacks %q", c.t, c.v, msg, want)
			}
		}
		if !strings.HasPrefix(msg, "cassandra: ") {
			t.Errorf("%q does not start with cassandra: ", msg)
		}
		withCol := WithColumn(err, "c1").Error()
		if !strings.HasPrefix(withCol, `cassandra: column "c1": cannot bind`) {
			t.Errorf("WithColumn: %q", withCol)
		}
	}
}

func net4() any { return net.IP{1, 2, 3} } // no parser returns a 3-byte net.IP

func TestDecodeErrors(t *testing.T) {
	huge := h("7f ff ff ff  00 00 00 04 00 00 00 01") // 2^31-1 elements claimed in 12 bytes
	cases := []struct {
		t   Type
		b   []byte
		msg string
	}{
		{tInt, h("00 00 01"), "want 4 bytes, got 3"},
		{tBigint, h("00 00 00 00 00 00 00 00 00"), "want 8 bytes, got 9"},
		{Type{ID: TypeCounter}, h("00"), "CQL counter: want 8 bytes"},
		{tSmallint, h("00"), "want 2 bytes"},
		{tTinyint, h("00 00"), "want 1 bytes"},
		{tFloat, h("00 00"), "want 4 bytes"},
		{tDouble, h("00 00"), "want 8 bytes"},
		{tBoolean, h("00 00"), "want 1 bytes"},
		{tText, h("61 ff"), "invalid UTF-8"},
		{Type{ID: TypeVarchar}, h("c3"), "invalid UTF-8"},
		{tASCII, h("61 80"), "byte 0x80 at offset 1 is not ASCII"},
		{tUUID, h("00"), "want 16 bytes"},
		{tTimeUUID, h("00"), "CQL timeuuid: want 16 bytes"},
		{tTimestamp, h("00"), "want 8 bytes"},
		{tDate, h("00"), "want 4 bytes"},
		{tTime, h("00 00 4e 94 91 4f 00 00"), "outside 0..86399999999999"},
		{tTime, h("ff ff ff ff ff ff ff ff"), "outside"},
		{tDuration, h("02 04 06 00"), "1 trailing bytes"},
		{tDuration, h("02 03 06"), "mixed signs"},
		{tDuration, h("02 04"), "vint"},
		{tDuration, h("f8 01 ff ff ff ff  00 00"), "out of int32 range"},
		{tInet, h("01 02 03 04 05"), "want 4 or 16 bytes"},
		{tDecimal, h("00 00 00"), "want at least 5 bytes"},
		{tList(tInt), huge, "2147483647 elements cannot fit in 8 bytes"},
		{tList(tInt), h("ff ff ff ff"), "negative element count"},
		{tList(tInt), h("00 00 00 01  00 00 00 05 00 00 00 01"), "element length 5 beyond"},
		{tList(tInt), h("00 00 00 01  00 00 00 03 00 00 00"), "element 0: cannot decode CQL int: want 4 bytes, got 3"},
		{tList(tInt), h("00 00 00 01  ff ff ff fe"), "invalid element length -2"},
		{tList(tInt), h("00 00 00 01  00 00 00 04 00 00 00 01 00"), "1 trailing bytes"},
		{tList(tInt), h("00 00"), "want a 4-byte element count"},
		{tMap(tText, tInt), huge, "elements cannot fit"},
		{tMap(tText, tInt), h("00 00 00 01  00 00 00 01 ff  00 00 00 04 00 00 00 01"), "key 0: cannot decode CQL text: invalid UTF-8"},
		{tSet(tText), h("00 00 00 01  00 00 00 01 ff"), "invalid UTF-8"},
		{tTuple(tInt, tInt), h("00 00 00 04 00 00 00 01  00 00 00 09 00"), "element length 9 beyond"},
		{tTuple(tInt), h("00 00 00 04 00 00 00 01  00"), "1 trailing bytes"},
		{addrType, h("00 00 00 01 ff"), `field "street"`},
		{addrType, h("00 00 00 01 61  00 00 00 04 00 00 00 01  00 00"), "truncated element length"},
		{tVec(tFloat, 3), h("00 00 00 00 00 00 00 00"), "want 12 bytes, got 8"},
		{tVec(tInt, 2), h("00 00 00 00 00 00 00"), "want 8 bytes, got 7"},
		{tVec(tText, 4), h("01 61 01"), "4 elements cannot fit in 3 bytes"},
		{tVec(tText, 2), h("01 61 05 61"), "element 1 length 5 beyond"},
		{tVec(tText, 2), h("01 61 01 ff"), "invalid UTF-8"},
		{tVec(tText, 1), h("01 61 00"), "1 trailing bytes"},
	}
	for _, c := range cases {
		v, err := Decode(c.t, c.b)
		if err == nil {
			t.Errorf("Decode(%s, %x) = %#v, no error", c.t, c.b, v)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "cassandra: cannot decode CQL "+c.t.String()) || !strings.Contains(msg, c.msg) {
			t.Errorf("Decode(%s, %x): %q, want CQL type and %q", c.t, c.b, msg, c.msg)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	deep := tInt
	for i := 0; i < 40; i++ {
		deep = tList(deep)
	}
	for _, ty := range []Type{
		{ID: 0x00ff},
		{ID: TypeList},
		{ID: TypeMap, Elems: []Type{tInt}},
		{ID: TypeUDT, Fields: []string{"a"}},
		tVec(tFloat, 0),
		{ID: TypeVector, Dimension: 2},
		deep,
	} {
		if _, err := NewDecoder(ty); err == nil || !strings.HasPrefix(err.Error(), "cassandra: ") {
			t.Errorf("NewDecoder(%#v): %v", ty, err)
		}
		if _, err := NewEncoder(ty); err == nil || !strings.HasPrefix(err.Error(), "cassandra: ") {
			t.Errorf("NewEncoder(%#v): %v", ty, err)
		}
		if ScanType(ty) != nil {
			t.Errorf("ScanType(%#v) not nil", ty)
		}
	}
}

func TestTypedDecodersNull(t *testing.T) {
	if _, err := DecodeInt(nil); !errors.Is(err, ErrNull) {
		t.Fatalf("DecodeInt(nil): %v", err)
	}
	if _, err := DecodeUUID([]byte{}); !errors.Is(err, ErrNull) {
		t.Fatalf("DecodeUUID(empty): %v", err)
	}
	if _, err := DecodeVarint(nil); !errors.Is(err, ErrNull) {
		t.Fatalf("DecodeVarint(nil): %v", err)
	}
}

type myInt int16

type valuerInt struct{ n int }

func (v valuerInt) Value() (driver.Value, error) { return int64(v.n), nil }

func TestEncodeKinds(t *testing.T) {
	var nilPtr *int
	n := 7
	pn := &n
	cases := []struct {
		v    any
		kind Kind
		b    []byte
	}{
		{nil, KindNull, nil},
		{Unset, KindUnset, nil},
		{&Unset, KindUnset, nil},
		{nilPtr, KindNull, nil},
		{&n, KindBytes, h("00 00 00 07")},
		{&pn, KindBytes, h("00 00 00 07")},
		{sql.NullInt64{}, KindNull, nil},
		{sql.NullInt64{Int64: 9, Valid: true}, KindBytes, h("00 00 00 09")},
		{sql.Null[int32]{V: 3, Valid: true}, KindBytes, h("00 00 00 03")},
		{valuerInt{5}, KindBytes, h("00 00 00 05")},
		{(*valuerInt)(nil), KindNull, nil},
		{myInt(-2), KindBytes, h("ff ff ff fe")},
	}
	enc, err := NewEncoder(tInt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		out, kind, err := enc.Encode(nil, c.v)
		if err != nil || kind != c.kind || string(out) != string(c.b) {
			t.Errorf("Encode(%#v) = %x, %v, %v; want %x, %v", c.v, out, kind, err, c.b, c.kind)
		}
	}
	// AppendValue writes the [value] length: -1 NULL, -2 unset.
	for _, c := range []struct {
		v    any
		want []byte
	}{
		{nil, h("ff ff ff ff")},
		{Unset, h("ff ff ff fe")},
		{int32(1), h("00 00 00 04 00 00 00 01")},
	} {
		got, err := enc.AppendValue([]byte{0xAA}, c.v)
		if err != nil || string(got) != string(append([]byte{0xAA}, c.want...)) {
			t.Errorf("AppendValue(%#v) = %x, %v; want aa%x", c.v, got, err, c.want)
		}
	}
	got, err := enc.AppendValue([]byte{0xAA}, "x")
	if err == nil || string(got) != "\xAA" {
		t.Errorf("AppendValue(bad) = %x, %v; want the input back and an error", got, err)
	}
	// A tuple component or UDT field may be NULL but not unset.
	if out, _, err := Encode(nil, tTuple(tInt), []any{nil}); err != nil || string(out) != string(h("ff ff ff ff")) {
		t.Errorf("tuple with NULL: %x, %v", out, err)
	}
	if _, _, err := Encode(nil, tTuple(tInt), []any{Unset}); err == nil {
		t.Errorf("tuple with unset: no error")
	}
	_ = uuid.Nil
}
