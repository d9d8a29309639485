package codec

import (
	"runtime"
	"strings"
	"testing"
)

// fuzzDecoder checks that decoding arbitrary bytes as t never panics, and
// that whatever decodes also encodes and decodes back to an equal value.
func fuzzDecoder(f *testing.F, t Type) {
	for _, c := range valueCases {
		if c.t.String() == t.String() && c.b != nil {
			f.Add(c.b)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 4, 0, 0, 0, 1})
	dec, err := NewDecoder(t)
	if err != nil {
		f.Fatal(err)
	}
	enc, err := NewEncoder(t)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(tt *testing.T, b []byte) {
		v, err := dec.Decode(b)
		if err != nil {
			return
		}
		if v != nil && dec.ScanType() != reflectTypeOf(v) {
			tt.Fatalf("Decode(%x) returned %T, ScanType says %v", b, v, dec.ScanType())
		}
		out, kind, err := enc.Encode(make([]byte, 0, 16), v)
		if err != nil && strings.Contains(err.Error(), "cannot hold NULL") {
			// A NULL or empty element inside a collection (which Cassandra
			// never sends) decodes, but cannot be bound back.
			return
		}
		if err != nil {
			tt.Fatalf("Decode(%x) = %#v, which does not encode: %v", b, v, err)
		}
		var back any
		if kind == KindBytes {
			if back, err = dec.Decode(out); err != nil {
				tt.Fatalf("re-decoding %x (from %x): %v", out, b, err)
			}
		} else {
			back = dec.p.null
		}
		if !equal(v, back) {
			tt.Fatalf("Decode(%x) = %#v, but after encoding as %x: %#v", b, v, out, back)
		}
	})
}

func FuzzDecodeInt(f *testing.F)       { fuzzDecoder(f, tInt) }
func FuzzDecodeBigint(f *testing.F)    { fuzzDecoder(f, tBigint) }
func FuzzDecodeSmallint(f *testing.F)  { fuzzDecoder(f, tSmallint) }
func FuzzDecodeTinyint(f *testing.F)   { fuzzDecoder(f, tTinyint) }
func FuzzDecodeFloat(f *testing.F)     { fuzzDecoder(f, tFloat) }
func FuzzDecodeDouble(f *testing.F)    { fuzzDecoder(f, tDouble) }
func FuzzDecodeBoolean(f *testing.F)   { fuzzDecoder(f, tBoolean) }
func FuzzDecodeText(f *testing.F)      { fuzzDecoder(f, tText) }
func FuzzDecodeASCII(f *testing.F)     { fuzzDecoder(f, tASCII) }
func FuzzDecodeBlob(f *testing.F)      { fuzzDecoder(f, tBlob) }
func FuzzDecodeUUID(f *testing.F)      { fuzzDecoder(f, tUUID) }
func FuzzDecodeTimestamp(f *testing.F) { fuzzDecoder(f, tTimestamp) }
func FuzzDecodeDate(f *testing.F)      { fuzzDecoder(f, tDate) }
func FuzzDecodeTime(f *testing.F)      { fuzzDecoder(f, tTime) }
func FuzzDecodeDuration(f *testing.F)  { fuzzDecoder(f, tDuration) }
func FuzzDecodeInet(f *testing.F)      { fuzzDecoder(f, tInet) }
func FuzzDecodeVarint(f *testing.F)    { fuzzDecoder(f, tVarint) }
func FuzzDecodeDecimal(f *testing.F)   { fuzzDecoder(f, tDecimal) }
func FuzzDecodeList(f *testing.F)      { fuzzDecoder(f, tList(tInt)) }
func FuzzDecodeSet(f *testing.F)       { fuzzDecoder(f, tSet(tText)) }
func FuzzDecodeMap(f *testing.F)       { fuzzDecoder(f, tMap(tText, tInt)) }
func FuzzDecodeMapEntries(f *testing.F) {
	fuzzDecoder(f, tMap(tBlob, tInt))
}
func FuzzDecodeNested(f *testing.F)      { fuzzDecoder(f, nested) }
func FuzzDecodeTuple(f *testing.F)       { fuzzDecoder(f, tTuple(tInt, tText, tBoolean)) }
func FuzzDecodeUDT(f *testing.F)         { fuzzDecoder(f, addrType) }
func FuzzDecodeVectorFloat(f *testing.F) { fuzzDecoder(f, tVec(tFloat, 3)) }
func FuzzDecodeVectorInt(f *testing.F)   { fuzzDecoder(f, tVec(tInt, 2)) }
func FuzzDecodeVectorText(f *testing.F)  { fuzzDecoder(f, tVec(tText, 2)) }

// Hostile element counts are refused before anything is allocated for them.
func TestHostileCountsDoNotAllocate(t *testing.T) {
	cases := []struct {
		t Type
		b []byte
	}{
		{tList(tInt), h("7f ff ff ff  00 00 00 04 00 00 00 01")},
		{tList(tList(tText)), h("7f ff ff ff  ff ff ff ff ff ff ff ff")},
		{tMap(tText, tInt), h("7f ff ff ff  00 00 00 04 00 00 00 01")},
		{tSet(tUUID), h("40 00 00 00  ff ff ff ff ff ff ff ff")},
		{tVec(tText, maxVectorDim), h("01 61 01 62")},
		{tVec(tDouble, maxVectorDim), h("00 00 00 00 00 00 00 00")},
		{tVarint, make([]byte, maxVarintLen+1)},
	}
	for _, c := range cases {
		d, err := NewDecoder(c.t)
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err = d.Decode(c.b)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("Decode(%s, %x) accepted", c.t, c.b[:min(len(c.b), 16)])
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<10 {
			t.Errorf("Decode(%s) allocated %d bytes before failing", c.t, n)
		}
	}
}
