package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// cat builds expected bytes for golden tests: ints are single bytes
// (0..255), strings and []byte are copied raw (no length prefix: lengths are
// written out by hand next to them).
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case int:
			if v < 0 || v > 255 {
				panic(fmt.Sprintf("cat: %d is not a byte", v))
			}
			b = append(b, byte(v))
		case byte:
			b = append(b, v)
		case string:
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("cat: %T", p))
		}
	}
	if b == nil {
		b = []byte{}
	}
	return b
}

// must returns b, panicking on err (for building golden expectations).
func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestAppendPrimitivesGolden(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"byte", AppendByte(nil, 0xAB), cat(0xAB)},
		{"short", AppendShort(nil, 0xBEEF), cat(0xBE, 0xEF)},
		{"int -2", AppendInt(nil, -2), cat(0xFF, 0xFF, 0xFF, 0xFE)},
		{"int", AppendInt(nil, 0x01020304), cat(0x01, 0x02, 0x03, 0x04)},
		{"long", AppendLong(nil, -1), cat(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"long 1", AppendLong(nil, 1), cat(0, 0, 0, 0, 0, 0, 0, 1)},
		{"consistency", AppendConsistency(nil, LocalQuorum), cat(0x00, 0x06)},
		{"uuid", AppendUUID(nil, UUID{0: 1, 15: 0xFF}), cat(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF)},
		{"string", must(AppendString(nil, "abc")), cat(0x00, 0x03, "abc")},
		{"empty string", must(AppendString(nil, "")), cat(0x00, 0x00)},
		{"long string", must(AppendLongString(nil, "héllo")), cat(0, 0, 0, 6, "héllo")},
		{"bytes", must(AppendBytes(nil, []byte{9, 8})), cat(0, 0, 0, 2, 9, 8)},
		{"null bytes", must(AppendBytes(nil, nil)), cat(0xFF, 0xFF, 0xFF, 0xFF)},
		{"empty bytes", must(AppendBytes(nil, []byte{})), cat(0, 0, 0, 0)},
		{"short bytes", must(AppendShortBytes(nil, []byte{7})), cat(0, 1, 7)},
		{"string list", must(AppendStringList(nil, []string{"a", "bc"})), cat(0, 2, 0, 1, "a", 0, 2, "bc")},
		{"string map sorted", must(AppendStringMap(nil, map[string]string{"b": "2", "a": "1"})),
			cat(0, 2 /* 2 pairs */, 0, 1, "a", 0, 1, "1", 0, 1, "b", 0, 1, "2")},
		{"string multimap", must(AppendStringMultimap(nil, map[string][]string{"k": {"x", "y"}})),
			cat(0, 1 /* 1 key */, 0, 1, "k", 0, 2 /* 2 values */, 0, 1, "x", 0, 1, "y")},
		{"bytes map", must(AppendBytesMap(nil, map[string][]byte{"k": {1}, "n": nil})),
			cat(0, 2, 0, 1, "k", 0, 0, 0, 1, 1, 0, 1, "n", 0xFF, 0xFF, 0xFF, 0xFF)},
		{"inetaddr v4", must(AppendInetAddr(nil, netip.MustParseAddr("10.0.0.1"))), cat(4, 10, 0, 0, 1)},
		{"inetaddr v4-in-v6 unmapped", must(AppendInetAddr(nil, netip.MustParseAddr("::ffff:10.0.0.1"))), cat(4, 10, 0, 0, 1)},
		{"inetaddr v6", must(AppendInetAddr(nil, netip.MustParseAddr("::1"))), cat(16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
		{"inet", must(AppendInet(nil, netip.MustParseAddrPort("127.0.0.1:9042"))), cat(4, 127, 0, 0, 1, 0, 0, 0x23, 0x52)},
		{"value", must(AppendValue(nil, BytesValue([]byte{5}), V4)), cat(0, 0, 0, 1, 5)},
		{"value null", must(AppendValue(nil, Null, V3)), cat(0xFF, 0xFF, 0xFF, 0xFF)},
		{"value not set", must(AppendValue(nil, NotSet, V4)), cat(0xFF, 0xFF, 0xFF, 0xFE)},
		{"value empty", must(AppendValue(nil, BytesValue(nil), V4)), cat(0, 0, 0, 0)},
		// [unsigned vint] examples: the spec's 256000 = [110]00011 11101000 00000000.
		{"uvint 0", AppendUnsignedVint(nil, 0), cat(0x00)},
		{"uvint 127", AppendUnsignedVint(nil, 127), cat(0x7F)},
		{"uvint 128", AppendUnsignedVint(nil, 128), cat(0x80, 0x80)},
		{"uvint 256000", AppendUnsignedVint(nil, 256000), cat(0xC3, 0xE8, 0x00)},
		{"uvint max", AppendUnsignedVint(nil, math.MaxUint64), cat(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"uvint 2^56", AppendUnsignedVint(nil, 1<<56), cat(0xFF, 0x01, 0, 0, 0, 0, 0, 0, 0)},
		{"uvint 2^56-1", AppendUnsignedVint(nil, 1<<56-1), cat(0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)},
		// [vint] zig-zag: 0=0, -1=1, 1=2, -2=3.
		{"vint -1", AppendVint(nil, -1), cat(0x01)},
		{"vint 1", AppendVint(nil, 1), cat(0x02)},
		{"vint -2", AppendVint(nil, -2), cat(0x03)},
		{"vint -64", AppendVint(nil, -64), cat(0x7F)},
		{"vint 64", AppendVint(nil, 64), cat(0x80, 0x80)},
		{"vint min", AppendVint(nil, math.MinInt64), cat(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)},
	}
	for _, tt := range tests {
		if !bytes.Equal(tt.got, tt.want) {
			t.Errorf("%s: got % x, want % x", tt.name, tt.got, tt.want)
		}
	}
}

func TestAppendPrimitivesErrors(t *testing.T) {
	long := strings.Repeat("x", math.MaxUint16+1)
	if _, err := AppendString(nil, long); !errors.Is(err, ErrTooLong) {
		t.Errorf("AppendString(65536 bytes) = %v, want ErrTooLong", err)
	}
	if _, err := AppendShortBytes(nil, []byte(long)); !errors.Is(err, ErrTooLong) {
		t.Errorf("AppendShortBytes(65536 bytes) = %v, want ErrTooLong", err)
	}
	if _, err := AppendStringList(nil, make([]string, math.MaxUint16+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("AppendStringList(65536) = %v, want ErrTooLong", err)
	}
	if _, err := AppendValue(nil, NotSet, V3); err == nil {
		t.Error("AppendValue(NotSet, V3) succeeded; v3 has no not-set value")
	}
	if _, err := AppendInetAddr(nil, netip.Addr{}); err == nil {
		t.Error("AppendInetAddr(invalid) succeeded")
	}
	// A failed append leaves dst as it was.
	dst := []byte{1, 2}
	if out, _ := AppendString(dst, long); !bytes.Equal(out, []byte{1, 2}) {
		t.Errorf("failed AppendString changed dst to % x", out[:4])
	}
}

func TestReaderGolden(t *testing.T) {
	in := cat(
		0xAB,       // [byte]
		0xBE, 0xEF, // [short]
		0xFF, 0xFF, 0xFF, 0xFE, // [int] -2
		0, 0, 0, 0, 0, 0, 0, 9, // [long] 9
		0, 3, "abc", // [string]
		0, 0, 0, 2, "hi", // [long string]
		0, 0, 0, 2, 1, 2, // [bytes]
		0xFF, 0xFF, 0xFF, 0xFF, // [bytes] null
		0, 0, 0, 0, // [bytes] empty
		0xFF, 0xFF, 0xFF, 0xFE, // [value] not set
		0xFF, 0xFF, 0xFF, 0xFF, // [value] null
		0, 1, 7, // [short bytes]
		0, 1, 0, 1, "a", // [string list]
		0, 1, 0, 1, "k", 0, 1, "v", // [string map]
		0, 1, 0, 1, "k", 0, 2, 0, 1, "x", 0, 1, "y", // [string multimap]
		0, 1, 0, 1, "k", 0, 0, 0, 1, 5, // [bytes map]
		16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x23, 0x52, // [inet] [2001:db8::1]:9042
		4, 192, 168, 0, 1, // [inetaddr]
		0, 0x0A, // [consistency] LOCAL_ONE
		0xC3, 0xE8, 0x00, // [unsigned vint] 256000
		0x03,             // [vint] -2
		0, 0x20, 0, 0x09, // [option] list (0x0020) of int (0x0009)
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // [uuid]
	)
	r := NewReader(in)
	check := func(name string, got, want any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got %#v, want %#v", name, got, want)
		}
	}
	b, err := r.ReadByte()
	check("byte", b, byte(0xAB), err)
	s16, err := r.ReadShort()
	check("short", s16, uint16(0xBEEF), err)
	i32, err := r.ReadInt()
	check("int", i32, int32(-2), err)
	i64, err := r.ReadLong()
	check("long", i64, int64(9), err)
	str, err := r.ReadString()
	check("string", str, "abc", err)
	str, err = r.ReadLongString()
	check("long string", str, "hi", err)
	bs, err := r.ReadBytes()
	check("bytes", bs, []byte{1, 2}, err)
	bs, err = r.ReadBytes()
	check("null bytes", bs, []byte(nil), err)
	bs, err = r.ReadBytes()
	check("empty bytes", bs, []byte{}, err)
	val, err := r.ReadValue()
	check("not set", val, NotSet, err)
	val, err = r.ReadValue()
	check("null value", val.IsNull(), true, err)
	bs, err = r.ReadShortBytes()
	check("short bytes", bs, []byte{7}, err)
	sl, err := r.ReadStringList()
	check("string list", sl, []string{"a"}, err)
	sm, err := r.ReadStringMap()
	check("string map", sm, map[string]string{"k": "v"}, err)
	mm, err := r.ReadStringMultimap()
	check("multimap", mm, map[string][]string{"k": {"x", "y"}}, err)
	bm, err := r.ReadBytesMap()
	check("bytes map", bm, map[string][]byte{"k": {5}}, err)
	ap, err := r.ReadInet()
	check("inet", ap, netip.MustParseAddrPort("[2001:db8::1]:9042"), err)
	a, err := r.ReadInetAddr()
	check("inetaddr", a, netip.MustParseAddr("192.168.0.1"), err)
	c, err := r.ReadConsistency()
	check("consistency", c, LocalOne, err)
	u, err := r.ReadUnsignedVint()
	check("uvint", u, uint64(256000), err)
	vi, err := r.ReadVint()
	check("vint", vi, int64(-2), err)
	opt, err := r.ReadOption()
	check("option", opt.String(), "list<int>", err)
	id, err := r.ReadUUID()
	check("uuid", id.String(), "01020304-0506-0708-090a-0b0c0d0e0f10", err)
	if r.Len() != 0 {
		t.Fatalf("%d bytes left", r.Len())
	}
}

func TestReaderAliasesInput(t *testing.T) {
	in := cat(0, 0, 0, 2, 1, 2)
	r := NewReader(in)
	b, _ := r.ReadBytes()
	in[4] = 99
	if b[0] != 99 {
		t.Fatal("ReadBytes copied; it is documented to alias the input")
	}
	if cap(b) != 2 {
		t.Fatalf("cap = %d; an append to a cell must not overwrite the next bytes", cap(b))
	}
}

func TestVintRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 63, -64, 64, 1 << 20, -(1 << 20), math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		r := NewReader(AppendVint(nil, v))
		got, err := r.ReadVint()
		if err != nil || got != v || r.Len() != 0 {
			t.Errorf("vint %d: got %d, %v, %d left", v, got, err, r.Len())
		}
	}
	for shift := 0; shift < 64; shift++ {
		for _, v := range []uint64{1 << shift, 1<<shift - 1, 1<<shift + 1} {
			enc := AppendUnsignedVint(nil, v)
			r := NewReader(enc)
			got, err := r.ReadUnsignedVint()
			if err != nil || got != v || r.Len() != 0 {
				t.Errorf("uvint %d (% x): got %d, %v", v, enc, got, err)
			}
		}
	}
}

// Every decoder must return an error wrapping ErrMalformed, never panic,
// on these inputs.
func TestReaderMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(*Reader) error
	}{
		{"byte empty", nil, func(r *Reader) error { _, err := r.ReadByte(); return err }},
		{"short 1 byte", cat(0), func(r *Reader) error { _, err := r.ReadShort(); return err }},
		{"int 3 bytes", cat(0, 0, 0), func(r *Reader) error { _, err := r.ReadInt(); return err }},
		{"long 7 bytes", cat(0, 0, 0, 0, 0, 0, 0), func(r *Reader) error { _, err := r.ReadLong(); return err }},
		{"uuid 15 bytes", make([]byte, 15), func(r *Reader) error { _, err := r.ReadUUID(); return err }},
		{"string past end", cat(0, 5, "abc"), func(r *Reader) error { _, err := r.ReadString(); return err }},
		{"long string negative", cat(0xFF, 0xFF, 0xFF, 0xFF), func(r *Reader) error { _, err := r.ReadLongString(); return err }},
		{"long string huge", cat(0x7F, 0xFF, 0xFF, 0xFF, 1), func(r *Reader) error { _, err := r.ReadLongString(); return err }},
		{"bytes past end", cat(0, 0, 0, 9, 1), func(r *Reader) error { _, err := r.ReadBytes(); return err }},
		{"value -3", cat(0xFF, 0xFF, 0xFF, 0xFD), func(r *Reader) error { _, err := r.ReadValue(); return err }},
		{"short bytes past end", cat(0, 2, 1), func(r *Reader) error { _, err := r.ReadShortBytes(); return err }},
		{"string list 60000 in 10 bytes", cat(0xEA, 0x60, 0, 0, 0, 0, 0, 0, 0, 0), func(r *Reader) error { _, err := r.ReadStringList(); return err }},
		{"string list truncated entry", cat(0, 2, 0, 1, "a", 0, 5), func(r *Reader) error { _, err := r.ReadStringList(); return err }},
		{"string map 65535 entries", cat(0xFF, 0xFF, 0, 0), func(r *Reader) error { _, err := r.ReadStringMap(); return err }},
		{"string map missing value", cat(0, 1, 0, 1, "k"), func(r *Reader) error { _, err := r.ReadStringMap(); return err }},
		{"multimap huge", cat(0xFF, 0xFF, 0, 0, 0, 0), func(r *Reader) error { _, err := r.ReadStringMultimap(); return err }},
		{"multimap bad list", cat(0, 1, 0, 1, "k", 0xFF, 0xFF), func(r *Reader) error { _, err := r.ReadStringMultimap(); return err }},
		{"bytes map huge", cat(0xFF, 0xFF, 0, 0, 0, 0, 0, 0), func(r *Reader) error { _, err := r.ReadBytesMap(); return err }},
		{"bytes map bad value", cat(0, 1, 0, 1, "k", 0, 0, 0, 9), func(r *Reader) error { _, err := r.ReadBytesMap(); return err }},
		{"inetaddr size 5", cat(5, 1, 2, 3, 4, 5), func(r *Reader) error { _, err := r.ReadInetAddr(); return err }},
		{"inetaddr truncated", cat(16, 1, 2), func(r *Reader) error { _, err := r.ReadInetAddr(); return err }},
		{"inet no port", cat(4, 1, 2, 3, 4, 0, 0), func(r *Reader) error { _, err := r.ReadInet(); return err }},
		{"inet port out of range", cat(4, 1, 2, 3, 4, 0, 1, 0, 0), func(r *Reader) error { _, err := r.ReadInet(); return err }},
		{"consistency unknown", cat(0, 0x0B), func(r *Reader) error { _, err := r.ReadConsistency(); return err }},
		{"uvint truncated", cat(0xC3, 0xE8), func(r *Reader) error { _, err := r.ReadUnsignedVint(); return err }},
		{"vint 9 bytes truncated", cat(0xFF, 1, 2), func(r *Reader) error { _, err := r.ReadVint(); return err }},
		{"option unknown id", cat(0, 0x0A), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"option truncated map", cat(0, 0x21, 0, 9), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"option tuple 65535 components", cat(0, 0x31, 0xFF, 0xFF, 0, 9), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"option udt fields past end", cat(0, 0x30, 0, 1, "k", 0, 1, "t", 0x10, 0, 0, 1, "f"), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"option custom truncated", cat(0, 0, 0, 9, "abc"), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"option nested too deep", deepListOption(MaxTypeDepth + 1), func(r *Reader) error { _, err := r.ReadOption(); return err }},
		{"skip past end", cat(1), func(r *Reader) error { return r.Skip(2) }},
	}
	for _, tt := range tests {
		err := tt.read(NewReader(tt.in))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", tt.name, err)
		}
	}
}

// deepListOption returns list<list<...<int>...>> nested n times.
func deepListOption(n int) []byte {
	var b []byte
	for i := 0; i < n; i++ {
		b = append(b, 0, 0x20)
	}
	return append(b, 0, 9)
}

func TestReadOptionDepthLimit(t *testing.T) {
	r := NewReader(deepListOption(MaxTypeDepth - 1))
	if _, err := r.ReadOption(); err != nil {
		t.Fatalf("%d nested lists: %v", MaxTypeDepth-1, err)
	}
	// A hostile million-level nesting fails fast.
	r = NewReader(deepListOption(1_000_000))
	if _, err := r.ReadOption(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("deep nesting: %v", err)
	}
}

func TestParseConsistency(t *testing.T) {
	for _, s := range []string{"LOCAL_QUORUM", "local_quorum", "localQuorum", "LocalQuorum", " LOCALQUORUM "} {
		c, err := ParseConsistency(s)
		if err != nil || c != LocalQuorum {
			t.Errorf("ParseConsistency(%q) = %v, %v", s, c, err)
		}
	}
	for c := Any; c <= LocalOne; c++ {
		got, err := ParseConsistency(c.String())
		if err != nil || got != c {
			t.Errorf("ParseConsistency(%q) = %v, %v", c.String(), got, err)
		}
	}
	_, err := ParseConsistency("most")
	if !errors.Is(err, ErrUnknownConsistency) || !strings.Contains(err.Error(), "LOCAL_QUORUM") {
		t.Errorf("ParseConsistency(most) error %q must wrap ErrUnknownConsistency and list the names", err)
	}
	if _, err := ParseConsistency(""); err == nil {
		t.Error("ParseConsistency(\"\") succeeded")
	}
}

func TestEnumStrings(t *testing.T) {
	checks := map[string]string{
		OpAuthSuccess.String():               "AUTH_SUCCESS",
		OpQuery.String():                     "QUERY",
		Opcode(0x04).String():                "UNKNOWN(0x4)",
		(FlagTracing | FlagWarning).String(): "TRACING|WARNING",
		Flags(0x40).String():                 "0x40",
		EachQuorum.String():                  "EACH_QUORUM",
		Consistency(99).String():             "Consistency(0x0063)",
		V5.String():                          "v5",
		ErrCodeCASWriteUnknown.String():      "CAS_WRITE_UNKNOWN",
		ResultPrepared.String():              "Prepared",
		BatchCounter.String():                "COUNTER",
	}
	for got, want := range checks {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	for op := Opcode(0); op <= 0x10; op++ {
		if op.Valid() != (op != 0x04) {
			t.Errorf("%v.Valid() = %v", op, op.Valid())
		}
	}
}

func TestSmallHelpers(t *testing.T) {
	if !(FlagTracing | FlagWarning).Has(FlagWarning) || Flags(FlagTracing).Has(FlagTracing|FlagWarning) {
		t.Error("Flags.Has")
	}
	if !Serial.IsSerial() || !LocalSerial.IsSerial() || Quorum.IsSerial() {
		t.Error("Consistency.IsSerial")
	}
	for op := Opcode(0); op <= 0x10; op++ {
		want := op == OpStartup || op == OpAuthResponse || op == OpOptions || op == OpQuery ||
			op == OpPrepare || op == OpExecute || op == OpBatch || op == OpRegister
		if op.IsRequest() != want {
			t.Errorf("%v.IsRequest() = %v", op, op.IsRequest())
		}
		if _, err := NewRequest(op); (err == nil) != want {
			t.Errorf("NewRequest(%v): %v", op, err)
		}
		if _, err := NewResponse(op); (err == nil) != (op.Valid() && !want) {
			t.Errorf("NewResponse(%v): %v", op, err)
		}
	}
	var r Reader
	r.Reset(cat(1, 2, 3))
	if err := r.Skip(1); err != nil || r.Offset() != 1 || r.Len() != 2 || !bytes.Equal(r.Remaining(), []byte{2, 3}) {
		t.Error("Reader Reset/Skip/Offset/Remaining")
	}
	m := RowsMetadata{PagingState: []byte{}}
	if !m.HasMorePages() || (&RowsMetadata{}).HasMorePages() {
		t.Error("HasMorePages")
	}
	e := &UnsupportedVersionError{Version: 2, Response: true}
	if !strings.Contains(e.Error(), "version 2") {
		t.Error(e.Error())
	}
}
