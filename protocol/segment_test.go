package protocol

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
)

// The CRC24 and CRC32 values below were computed outside this package with
// the spec's parameters (CRC24 init 0x875060, poly 0x1974F0B over the header
// bytes in wire order; zlib CRC32 seeded with FA 2D 55 CA), not by CRC24 and
// CRC32 themselves.
var (
	// Uncompressed format, 5-byte self-contained payload "hello".
	goldenSegment = cat(
		0x05, 0x00, 0x02, // payload length 5 | self-contained (bit 17), little-endian
		0x19, 0x99, 0x9A, // CRC24 of the 3 bytes above
		"hello",
		0x74, 0x80, 0x0E, 0xB6, // CRC32 of "hello", little-endian
	)
	// Compressed format, payload stored uncompressed (uncompressed length 0).
	goldenStoredSegment = cat(
		0x05, 0x00, 0x00, 0x00, 0x04, // compressed length 5, uncompressed 0, self-contained (bit 34)
		0xE4, 0xAB, 0x8E, // CRC24 of the 5 bytes above
		"hello",
		0x74, 0x80, 0x0E, 0xB6,
	)
	// Compressed format, LZ4 block "abcd" (token 0x40: 4 literals, no match).
	goldenLZ4Segment = cat(
		0x05, 0x00, 0x08, 0x00, 0x04, // compressed length 5, uncompressed length 4 (<<17), self-contained
		0x32, 0x35, 0xE3, // CRC24
		0x40, "abcd",
		0xAB, 0x9B, 0x09, 0xD2, // CRC32 of the compressed bytes
	)
)

func TestSegmentGolden(t *testing.T) {
	got, err := AppendSegment(nil, []byte("hello"), true, nil)
	if err != nil || !bytes.Equal(got, goldenSegment) {
		t.Fatalf("uncompressed: %v\n got % x\nwant % x", err, got, goldenSegment)
	}
	// "hello" does not shrink with LZ4: stored as is, uncompressed length 0.
	got, err = AppendSegment(nil, []byte("hello"), true, LZ4{})
	if err != nil || !bytes.Equal(got, goldenStoredSegment) {
		t.Fatalf("stored: %v\n got % x\nwant % x", err, got, goldenStoredSegment)
	}
	if got := CRC24([]byte{0xFF, 0xFF, 0x01}); got != 0xFE9138 {
		t.Errorf("CRC24(ff ff 01) = %06x, want fe9138", got)
	}
	if got := CRC32(nil); got != 0x44777ED3 {
		t.Errorf("CRC32(empty) = %08x, want 44777ed3", got)
	}

	for _, tc := range []struct {
		name       string
		seg        []byte
		compressed bool
		want       SegmentHeader
		payload    string
	}{
		{"uncompressed", goldenSegment, false, SegmentHeader{PayloadLength: 5, SelfContained: true}, "hello"},
		{"stored", goldenStoredSegment, true, SegmentHeader{PayloadLength: 5, SelfContained: true, Compressed: true}, "hello"},
		{"lz4", goldenLZ4Segment, true, SegmentHeader{PayloadLength: 5, UncompressedLength: 4, SelfContained: true, Compressed: true}, "abcd"},
	} {
		h, err := ParseSegmentHeader(tc.seg, tc.compressed)
		if err != nil || h != tc.want {
			t.Fatalf("%s: ParseSegmentHeader = %+v, %v", tc.name, h, err)
		}
		p, err := DecodeSegmentPayload([]byte("x"), h, tc.seg[h.Size():], LZ4{})
		if err != nil || string(p) != "x"+tc.payload {
			t.Fatalf("%s: DecodeSegmentPayload = %q, %v", tc.name, p, err)
		}
		var c Compressor
		if tc.compressed {
			c = LZ4{}
		}
		p, _, sc, err := ReadSegment(bytes.NewReader(tc.seg), nil, nil, c)
		if err != nil || string(p) != tc.payload || !sc {
			t.Fatalf("%s: ReadSegment = %q, %v, %v", tc.name, p, sc, err)
		}
	}
}

func TestSegmentHeaderMaxLength(t *testing.T) {
	h := SegmentHeader{PayloadLength: MaxSegmentPayload}
	b, err := h.Append(nil)
	if err != nil || !bytes.Equal(b, cat(0xFF, 0xFF, 0x01, 0x38, 0x91, 0xFE)) {
		t.Fatalf("% x, %v", b, err)
	}
	if _, err := (SegmentHeader{PayloadLength: MaxSegmentPayload + 1}).Append(nil); err == nil {
		t.Fatal("length 2^17 accepted")
	}
	hc := SegmentHeader{PayloadLength: MaxSegmentPayload, UncompressedLength: MaxSegmentPayload, Compressed: true}
	b, err = hc.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSegmentHeader(b, true)
	if err != nil || back != hc {
		t.Fatalf("%+v %v", back, err)
	}
}

func TestSegmentCorruption(t *testing.T) {
	for i := range goldenSegment {
		bad := append([]byte(nil), goldenSegment...)
		bad[i] ^= 0x10
		_, _, _, err := ReadSegment(bytes.NewReader(bad), nil, nil, nil)
		if err == nil {
			t.Errorf("flipping byte %d went unnoticed", i)
		}
		if i < SegmentHeaderSize+5+SegmentTrailerSize && !errors.Is(err, ErrSegmentChecksum) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("byte %d: %v", i, err)
		}
	}
	bad := append([]byte(nil), goldenLZ4Segment...)
	bad[len(bad)-1] ^= 1
	if _, _, _, err := ReadSegment(bytes.NewReader(bad), nil, nil, LZ4{}); !errors.Is(err, ErrSegmentChecksum) {
		t.Errorf("lz4 payload CRC: %v", err)
	}
	// A compressed segment read without a compressor, or with snappy.
	h, _ := ParseSegmentHeader(goldenLZ4Segment, true)
	if _, err := DecodeSegmentPayload(nil, h, goldenLZ4Segment[8:], nil); err == nil {
		t.Error("compressed payload without a compressor")
	}
	if _, err := DecodeSegmentPayload(nil, h, goldenLZ4Segment[8:], Snappy{}); err == nil {
		t.Error("snappy cannot decode v5 segments")
	}
	if _, err := AppendSegment(nil, []byte("x"), true, Snappy{}); err == nil {
		t.Error("snappy cannot frame v5 segments")
	}
	if _, err := DecodeSegmentPayload(nil, h, goldenLZ4Segment[8:10], LZ4{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated payload: %v", err)
	}
	// Truncated streams.
	for n := 0; n < len(goldenSegment); n++ {
		if _, _, _, err := ReadSegment(bytes.NewReader(goldenSegment[:n]), nil, nil, nil); err == nil {
			t.Errorf("%d-byte prefix accepted", n)
		}
	}
}

// envelopes returns n request frames with bodies of the given sizes.
func envelopes(t testing.TB, sizes ...int) []byte {
	var out []byte
	for i, n := range sizes {
		tok := make([]byte, n-4) // AUTH_RESPONSE body: [bytes] = 4 + len
		for j := range tok {
			tok[j] = byte(i + j*7)
		}
		var err error
		if out, err = AppendFrame(out, V5, 0, int16(i), &AuthResponse{Token: tok}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func readAllSegments(t testing.TB, b []byte, c Compressor) (payloads [][]byte, self []bool) {
	r := bytes.NewReader(b)
	for r.Len() > 0 {
		p, _, sc, err := ReadSegment(r, nil, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		payloads = append(payloads, p)
		self = append(self, sc)
	}
	return payloads, self
}

func TestAppendSegmentsPacking(t *testing.T) {
	for _, c := range []Compressor{nil, LZ4{}} {
		name := "uncompressed"
		if c != nil {
			name = "lz4"
		}
		t.Run(name, func(t *testing.T) {
			small := envelopes(t, 100, 200, 300)
			big := envelopes(t, 300_000) // > 2 segments
			mid := envelopes(t, 100_000, 100_000)
			all := append(append(append([]byte{}, small...), big...), mid...)
			segs, err := AppendSegments(nil, all, c)
			if err != nil {
				t.Fatal(err)
			}
			payloads, self := readAllSegments(t, segs, c)
			// small envelopes share one self-contained segment; the big one
			// gets 3 non-self-contained ones; each mid one its own segment.
			wantSelf := []bool{true, false, false, false, true, true}
			if len(self) != len(wantSelf) {
				t.Fatalf("%d segments, want %d (%v)", len(self), len(wantSelf), self)
			}
			for i := range wantSelf {
				if self[i] != wantSelf[i] {
					t.Fatalf("segment %d self-contained = %v", i, self[i])
				}
				if len(payloads[i]) > MaxSegmentPayload {
					t.Fatalf("segment %d payload %d", i, len(payloads[i]))
				}
			}
			if !bytes.Equal(payloads[0], small) {
				t.Fatal("first segment is not the 3 small envelopes")
			}
			// Reassemble: every envelope comes back, in order.
			var a EnvelopeAssembler
			var got []byte
			for i, p := range payloads {
				if err := a.Add(p, self[i]); err != nil {
					t.Fatal(err)
				}
				for {
					h, body, ok, err := a.Next()
					if err != nil {
						t.Fatal(err)
					}
					if !ok {
						break
					}
					got = h.Append(got)
					got = append(got, body...)
				}
			}
			if !bytes.Equal(got, all) || a.Pending() != 0 {
				t.Fatalf("reassembled %d bytes, want %d (pending %d)", len(got), len(all), a.Pending())
			}
		})
	}
}

func TestAppendSegmentsErrors(t *testing.T) {
	env := envelopes(t, 10)
	if _, err := AppendSegments(nil, env[:len(env)-1], nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated envelope: %v", err)
	}
	if _, err := AppendSegments(nil, append(env, 1, 2), nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("trailing bytes: %v", err)
	}
	if out, err := AppendSegments([]byte{9}, nil, nil); err != nil || !bytes.Equal(out, []byte{9}) {
		t.Errorf("empty input: % x %v", out, err)
	}
}

func TestEnvelopeAssemblerErrors(t *testing.T) {
	env := envelopes(t, 10)
	var a EnvelopeAssembler
	if err := a.Add(env[:5], false); err != nil {
		t.Fatal(err)
	}
	if err := a.Add(env[5:], true); !errors.Is(err, ErrMalformed) {
		t.Errorf("self-contained segment during a large envelope: %v", err)
	}
	var b EnvelopeAssembler
	if err := b.Add(env[:5], true); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := b.Next(); ok || err != nil {
		t.Fatal("partial envelope returned")
	}
	if err := b.Add(env[5:], false); !errors.Is(err, ErrMalformed) {
		t.Errorf("self-contained segment ending mid-envelope: %v", err)
	}
	c := EnvelopeAssembler{MaxBodyLen: 4}
	_ = c.Add(env, true)
	if _, _, _, err := c.Next(); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("over MaxBodyLen: %v", err)
	}
}

func TestSegmentsRandomRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 50; iter++ {
		var sizes []int
		for n := rng.Intn(6) + 1; n > 0; n-- {
			if rng.Intn(4) == 0 {
				sizes = append(sizes, 4+rng.Intn(400_000))
			} else {
				sizes = append(sizes, 4+rng.Intn(2000))
			}
		}
		all := envelopes(t, sizes...)
		for _, c := range []Compressor{nil, LZ4{}} {
			segs, err := AppendSegments(nil, all, c)
			if err != nil {
				t.Fatal(err)
			}
			payloads, self := readAllSegments(t, segs, c)
			var a EnvelopeAssembler
			var got []byte
			for i, p := range payloads {
				if err := a.Add(p, self[i]); err != nil {
					t.Fatal(err)
				}
				for {
					h, body, ok, err := a.Next()
					if err != nil {
						t.Fatal(err)
					}
					if !ok {
						break
					}
					got = append(h.Append(got), body...)
				}
			}
			if !bytes.Equal(got, all) {
				t.Fatalf("iteration %d: mismatch", iter)
			}
		}
	}
}
