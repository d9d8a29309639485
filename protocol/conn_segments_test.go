package protocol

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
)

// readEnvelopes runs a segmentReader over segs and returns the bodies of
// the envelopes it yields, or its first error.
func readEnvelopes(segs []byte, c Compressor, maxBody int) ([][]byte, error) {
	br := bufio.NewReader(bytes.NewReader(segs))
	r := newSegmentReader(br, c, maxBody)
	var bodies [][]byte
	for {
		_, body, err := r.next()
		if err != nil {
			if br.Buffered() == 0 && strings.Contains(err.Error(), "EOF") {
				return bodies, nil
			}
			return bodies, err
		}
		bodies = append(bodies, body)
	}
}

// Envelopes small and large (split over segments, compressed or not) come
// back whole and in order, each in memory of its own.
func TestSegmentReaderSplitEnvelopes(t *testing.T) {
	sizes := []int{100, 300_000, 200, 1_000_000, 131_000, 50}
	all := envelopes(t, sizes...)
	for _, c := range []Compressor{nil, LZ4{}} {
		segs, err := AppendSegments(nil, all, c)
		if err != nil {
			t.Fatal(err)
		}
		bodies, err := readEnvelopes(segs, c, DefaultMaxFrameBody)
		if err != nil {
			t.Fatalf("compressor %v: %v", c, err)
		}
		if len(bodies) != len(sizes) {
			t.Fatalf("compressor %v: %d envelopes, want %d", c, len(bodies), len(sizes))
		}
		want := all
		for i, body := range bodies {
			h, err := ParseHeader(want, DefaultMaxFrameBody)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(body, want[HeaderSize:HeaderSize+h.Length]) {
				t.Fatalf("compressor %v: envelope %d (%d bytes) differs", c, i, sizes[i])
			}
			if cap(body) != len(body) {
				t.Errorf("compressor %v: envelope %d has spare capacity %d: an append would write into memory it does not own", c, i, cap(body)-len(body))
			}
			want = want[HeaderSize+h.Length:]
		}
		// Overwriting one body leaves the others intact.
		for i := range bodies[1] {
			bodies[1][i] = 0xFF
		}
		if bodies[3][10] == 0xFF && bodies[3][11] == 0xFF {
			t.Errorf("compressor %v: bodies share memory", c)
		}
	}
}

func TestSegmentReaderRejectsMalformedSplits(t *testing.T) {
	big := envelopes(t, 300_000)
	parts := [][]byte{big[:MaxSegmentPayload], big[MaxSegmentPayload : 2*MaxSegmentPayload], big[2*MaxSegmentPayload:]}
	seg := func(dst, payload []byte, self bool) []byte {
		out, err := AppendSegment(dst, payload, self, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	small := envelopes(t, 100)
	cases := []struct {
		name, want string
		segs       []byte
	}{
		{"self-contained segment inside a split envelope", "self-contained v5 segment while",
			seg(seg(nil, parts[0], false), small, true)},
		{"bytes after the split envelope", "bytes after it",
			seg(seg(seg(nil, parts[0], false), parts[1], false), append(append([]byte(nil), parts[2]...), 1, 2, 3), false)},
		{"split envelope above the maximum body", "exceeds",
			seg(nil, parts[0], false)},
	}
	for _, c := range cases {
		maxBody := DefaultMaxFrameBody
		if strings.Contains(c.name, "maximum") {
			maxBody = 100_000
		}
		_, err := readEnvelopes(c.segs, nil, maxBody)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// A split envelope is read into one buffer sized from its header: the
// segments are not copied again when it completes.
func TestSegmentReaderSplitAllocations(t *testing.T) {
	segs, err := AppendSegments(nil, envelopes(t, 1_000_000), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := testing.AllocsPerRun(20, func() {
		br := bufio.NewReaderSize(bytes.NewReader(segs), 64<<10)
		r := newSegmentReader(br, nil, DefaultMaxFrameBody)
		if _, body, err := r.next(); err != nil || len(body) != 1_000_000 {
			t.Fatalf("%d bytes, %v", len(body), err)
		}
	})
	t.Logf("%v allocations", n)
	// bufio.Reader and its buffer, bytes.Reader, segmentReader, the header
	// scratch, the first segment's payload and the envelope's buffer.
	if n > 8 {
		t.Errorf("reading a 1 MB envelope split over 8 segments allocates %v times", n)
	}
}
