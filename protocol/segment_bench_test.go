package protocol

import (
	"bytes"
	"math/rand"
	"testing"
)

// benchPayload returns 64 KiB of envelopes whose bodies look like rows
// (repetitive text and numbers), so LZ4 has something to do.
func benchPayload(tb testing.TB) []byte {
	rng := rand.New(rand.NewSource(1))
	var body []byte
	for len(body) < 64<<10-HeaderSize {
		body = append(body, "user-"...)
		body = append(body, byte('0'+rng.Intn(10)), byte('0'+rng.Intn(10)))
		body = append(body, "@example.com;"...)
	}
	body = body[:64<<10-HeaderSize-4]
	out, err := AppendFrame(nil, V5, 0, 1, &AuthResponse{Token: body})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) != 64<<10 {
		tb.Fatalf("%d bytes", len(out))
	}
	return out
}

func BenchmarkSegmentEncode64K(b *testing.B) {
	payload := benchPayload(b)
	for _, c := range []Compressor{nil, LZ4{}} {
		name := "uncompressed"
		if c != nil {
			name = "lz4"
		}
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, 0, 80<<10)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var err error
				if buf, err = AppendSegments(buf[:0], payload, c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(buf)), "wire-bytes")
		})
	}
}

func BenchmarkSegmentDecode64K(b *testing.B) {
	payload := benchPayload(b)
	for _, c := range []Compressor{nil, LZ4{}} {
		name := "uncompressed"
		if c != nil {
			name = "lz4"
		}
		b.Run(name, func(b *testing.B) {
			seg, err := AppendSegments(nil, payload, c)
			if err != nil {
				b.Fatal(err)
			}
			r := bytes.NewReader(seg)
			dst := make([]byte, 0, 80<<10)
			var scratch []byte
			var a EnvelopeAssembler
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r.Reset(seg)
				var self bool
				dst, scratch, self, err = ReadSegment(r, dst[:0], scratch, c)
				if err != nil {
					b.Fatal(err)
				}
				if err := a.Add(dst, self); err != nil {
					b.Fatal(err)
				}
				if _, body, ok, err := a.Next(); !ok || err != nil || len(body) != len(payload)-HeaderSize {
					b.Fatal("no envelope", err)
				}
			}
		})
	}
}
