package protocol

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzSegment(f *testing.F) {
	f.Add(false, goldenSegment)
	f.Add(true, goldenStoredSegment)
	f.Add(true, goldenLZ4Segment)
	f.Fuzz(func(t *testing.T, compressed bool, b []byte) {
		h, err := ParseSegmentHeader(b, compressed)
		if err != nil {
			return
		}
		if h.PayloadLength > MaxSegmentPayload || h.UncompressedLength > MaxSegmentPayload {
			t.Fatalf("header %+v", h)
		}
		var c Compressor
		if compressed {
			c = LZ4{}
		}
		p1, err1 := DecodeSegmentPayload(nil, h, b[h.Size():], c)
		p2, _, _, err2 := ReadSegment(bytes.NewReader(b), nil, nil, c)
		if (err1 == nil) != (err2 == nil) || !bytes.Equal(p1, p2) {
			t.Fatalf("DecodeSegmentPayload (%v) and ReadSegment (%v) disagree", err1, err2)
		}
		if err1 == nil && compressed && h.UncompressedLength > 0 && len(p1) != h.UncompressedLength {
			t.Fatalf("payload %d bytes, header says %d", len(p1), h.UncompressedLength)
		}
	})
}

func FuzzEnvelopeAssembler(f *testing.F) {
	f.Add(envelopes(f, 10, 20), 5, true)
	f.Add(envelopes(f, 200000), 131071, false)
	f.Fuzz(func(t *testing.T, b []byte, split int, self bool) {
		a := EnvelopeAssembler{MaxBodyLen: 1 << 20}
		if split < 0 || split > len(b) {
			split = len(b) / 2
		}
		for _, part := range [][]byte{b[:split], b[split:]} {
			if err := a.Add(part, self); err != nil {
				return
			}
			for {
				h, body, ok, err := a.Next()
				if err != nil || !ok {
					break
				}
				if len(body) != h.Length {
					t.Fatalf("body %d for header %+v", len(body), h)
				}
			}
		}
	})
}

func FuzzDecompress(f *testing.F) {
	f.Add(byte(0), cat(0x00, 0x00, 0x00, 0x04, 0x40, "abcd"))
	f.Add(byte(1), cat(0x04, 0x0C, "abcd"))
	f.Add(byte(2), cat(0x40, "abcd"))
	big, _ := LZ4{}.Compress(nil, bytes.Repeat([]byte("cassandra"), 300))
	f.Add(byte(0), big)
	f.Fuzz(func(t *testing.T, algo byte, src []byte) {
		const max = 1 << 20
		var out []byte
		var err error
		switch algo % 3 {
		case 0:
			out, err = LZ4{}.Decompress(nil, src, max)
		case 1:
			out, err = Snappy{}.Decompress(nil, src, max)
		case 2:
			out, err = LZ4{}.DecompressBlock(nil, src, len(src)*3)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrFrameTooLarge) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(out) > max {
			t.Fatalf("%d bytes out, max %d", len(out), max)
		}
	})
}
