package codec

import (
	"strings"
	"testing"
)

var (
	sinkI32  int32
	sinkI64  int64
	sinkF64  float64
	sinkAny  any
	sinkB    []byte
	sinkBool bool
)

// fixedDecoders are the zero-allocation typed decoders of the fixed-size
// types, with a valid input each.
var fixedDecoders = []struct {
	name string
	b    []byte
	run  func(b []byte) error
}{
	{"int", h("00 00 00 07"), func(b []byte) error { v, err := DecodeInt(b); sinkI32 = v; return err }},
	{"bigint", h("00 00 00 00 00 00 00 07"), func(b []byte) error { v, err := DecodeBigint(b); sinkI64 = v; return err }},
	{"smallint", h("00 07"), func(b []byte) error { v, err := DecodeSmallint(b); sinkI32 = int32(v); return err }},
	{"tinyint", h("07"), func(b []byte) error { v, err := DecodeTinyint(b); sinkI32 = int32(v); return err }},
	{"float", h("3f 80 00 00"), func(b []byte) error { v, err := DecodeFloat(b); sinkF64 = float64(v); return err }},
	{"double", h("3f f8 00 00 00 00 00 00"), func(b []byte) error { v, err := DecodeDouble(b); sinkF64 = v; return err }},
	{"boolean", h("01"), func(b []byte) error { v, err := DecodeBoolean(b); sinkBool = v; return err }},
	{"uuid", uuid4[:], func(b []byte) error { v, err := DecodeUUID(b); sinkI32 = int32(v[0]); return err }},
	{"timestamp", h("00 00 01 8c c2 51 f4 00"), func(b []byte) error { v, err := DecodeTimestamp(b); sinkI64 = v.UnixNano(); return err }},
	{"date", h("80 00 4d 0c"), func(b []byte) error { v, err := DecodeDate(b); sinkI64 = int64(v); return err }},
	{"time", h("00 00 00 00 00 00 00 07"), func(b []byte) error { v, err := DecodeTime(b); sinkI64 = int64(v); return err }},
	{"duration", h("02 04 06"), func(b []byte) error { v, err := DecodeDuration(b); sinkI64 = v.Nanoseconds; return err }},
	{"inet", h("7f 00 00 01"), func(b []byte) error { v, err := DecodeInetAddr(b); sinkBool = v.Is4(); return err }},
}

// The typed decoders of fixed-size types must not allocate.
func TestFixedDecodersDoNotAllocate(t *testing.T) {
	for _, d := range fixedDecoders {
		if err := d.run(d.b); err != nil {
			t.Fatalf("%s: %v", d.name, err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = d.run(d.b) }); n != 0 {
			t.Errorf("%s: %v allocations per decode, want 0", d.name, n)
		}
	}
	buf := make([]float32, 0, 3)
	vec := h("3f 80 00 00  40 00 00 00  40 40 00 00")
	if n := testing.AllocsPerRun(100, func() { buf, _ = DecodeFloatVector(buf, 3, vec) }); n != 0 {
		t.Errorf("DecodeFloatVector into a reused slice: %v allocations", n)
	}
}

func BenchmarkDecodeTyped(b *testing.B) {
	for _, d := range fixedDecoders {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := d.run(d.b); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecoder measures Decoder.Decode (values boxed in any) for one
// case of each type in the value table.
func BenchmarkDecoder(b *testing.B) {
	seen := map[string]bool{}
	for _, c := range valueCases {
		key := c.t.String()
		if c.encodeOnly || c.b == nil || len(c.b) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		d, err := NewDecoder(c.t)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(benchName(key), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.b)))
			for i := 0; i < b.N; i++ {
				v, err := d.Decode(c.b)
				if err != nil {
					b.Fatal(err)
				}
				sinkAny = v
			}
		})
	}
}

func BenchmarkEncoder(b *testing.B) {
	seen := map[string]bool{}
	for _, c := range valueCases {
		key := c.t.String()
		if c.decodeOnly || c.b == nil || c.enc != nil || seen[key] {
			continue
		}
		seen[key] = true
		e, err := NewEncoder(c.t)
		if err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 0, 1024)
		b.Run(benchName(key), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				out, _, err := e.Encode(buf[:0], c.v)
				if err != nil {
					b.Fatal(err)
				}
				sinkB = out
			}
		})
	}
}

func BenchmarkVectorFloat1536(b *testing.B) {
	ty := tVec(tFloat, 1536)
	vals := make([]float32, 1536)
	for i := range vals {
		vals[i] = float32(i) / 7
	}
	raw, _, err := Encode(nil, ty, vals)
	if err != nil {
		b.Fatal(err)
	}
	d, _ := NewDecoder(ty)
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		for i := 0; i < b.N; i++ {
			sinkAny, _ = d.Decode(raw)
		}
	})
	b.Run("DecodeFloatVector", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(raw)))
		buf := make([]float32, 0, 1536)
		for i := 0; i < b.N; i++ {
			buf, _ = DecodeFloatVector(buf, 1536, raw)
		}
	})
	e, _ := NewEncoder(ty)
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, len(raw))
		for i := 0; i < b.N; i++ {
			sinkB, _, _ = e.Encode(buf[:0], vals)
		}
	})
}

func BenchmarkListInt100(b *testing.B) {
	ty := tList(tInt)
	vals := make([]int32, 100)
	raw, _, _ := Encode(nil, ty, vals)
	d, _ := NewDecoder(ty)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkAny, _ = d.Decode(raw)
	}
}

func benchName(s string) string {
	return strings.NewReplacer(" ", "", "<", "(", ">", ")", ",", "_").Replace(s)
}
