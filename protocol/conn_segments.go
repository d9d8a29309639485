package protocol

import (
	"bufio"
	"fmt"
)

// segmentReader reads v5 segments (spec v5 sections 2.1, 2.2) and returns
// the envelopes they carry. Envelopes of a self-contained segment are
// sliced out of that segment's freshly allocated payload. A large envelope
// comes split over its own sequence of segments (spec v5 section 1); their
// payloads are read straight into one buffer that becomes the body, so a
// large page is neither copied again nor reassembled piece by piece. Either
// way the returned body is never reused by the reader.
type segmentReader struct {
	br      *bufio.Reader
	comp    Compressor // LZ4 when negotiated, else nil (uncompressed format)
	maxBody int

	scratch []byte // compressed bytes, reused
	cur     []byte // rest of the current self-contained payload
	split   []byte // the split envelope received so far: header and body
}

// splitPresize is how large a split envelope's buffer is made at once
// from its declared length; beyond it the buffer grows as data arrives,
// so a hostile length costs no more than this before the data is there.
const splitPresize = 16 << 20

func newSegmentReader(br *bufio.Reader, comp Compressor, maxBody int) *segmentReader {
	return &segmentReader{br: br, comp: comp, maxBody: maxBody}
}

func (r *segmentReader) next() (Header, []byte, error) {
	for {
		if len(r.cur) > 0 {
			h, err := ParseHeader(r.cur, r.maxBody)
			if err != nil {
				return h, nil, wrapf(err, "envelope in a v5 segment")
			}
			if len(r.cur)-HeaderSize < h.Length {
				return h, nil, fmt.Errorf("cassandra: self-contained v5 segment ends inside a %v envelope (%d of %d body bytes)", h.Opcode, len(r.cur)-HeaderSize, h.Length)
			}
			body := r.cur[HeaderSize : HeaderSize+h.Length : HeaderSize+h.Length]
			r.cur = r.cur[HeaderSize+h.Length:]
			return h, body, nil
		}
		pending := len(r.split)
		if pending > 0 {
			if err := r.reserve(); err != nil {
				return Header{}, nil, err
			}
		}
		payload, scratch, self, err := ReadSegment(r.br, r.split, r.scratch, r.comp)
		r.scratch = scratch
		if err != nil {
			return Header{}, nil, err
		}
		if self && pending > 0 {
			return Header{}, nil, fmt.Errorf("cassandra: self-contained v5 segment while %d bytes of a split envelope are pending", pending)
		}
		if self {
			r.cur = payload
			continue
		}
		r.split = payload
		if h, body, ok, err := r.splitDone(); err != nil || ok {
			return h, body, err
		}
	}
}

// reserve makes room in split for the next segment, up to the envelope's
// declared size (or splitPresize, then doubling), so that ReadSegment
// never reallocates per segment.
func (r *segmentReader) reserve() error {
	want := len(r.split) + MaxSegmentPayload + SegmentTrailerSize
	if cap(r.split) >= want {
		return nil
	}
	n := max(want, 2*cap(r.split))
	if len(r.split) >= HeaderSize {
		h, err := ParseHeader(r.split, r.maxBody)
		if err != nil {
			return wrapf(err, "split envelope in v5 segments")
		}
		if total := HeaderSize + h.Length + SegmentTrailerSize; total <= splitPresize || total < n {
			n = max(total, len(r.split)+SegmentTrailerSize)
		}
	}
	nb := make([]byte, len(r.split), n)
	copy(nb, r.split)
	r.split = nb
	return nil
}

// splitDone returns the split envelope once all of it has arrived, handing
// over its buffer. A sequence of segments carries one envelope only.
func (r *segmentReader) splitDone() (h Header, body []byte, ok bool, err error) {
	if len(r.split) < HeaderSize {
		return h, nil, false, nil
	}
	if h, err = ParseHeader(r.split, r.maxBody); err != nil {
		return h, nil, false, wrapf(err, "split envelope in v5 segments")
	}
	total := HeaderSize + h.Length
	switch {
	case len(r.split) < total:
		return h, nil, false, nil
	case len(r.split) > total:
		return h, nil, false, fmt.Errorf("cassandra: v5 segments of a split %v envelope carry %d bytes after it", h.Opcode, len(r.split)-total)
	}
	body = r.split[HeaderSize:total:total]
	r.split = nil
	return h, body, true, nil
}

// segmentWriter wraps queued envelopes into v5 segments.
type segmentWriter struct {
	comp Compressor
}

// newSegmentWriter returns nil unless v5 framing is on.
func (c *Conn) newSegmentWriter() *segmentWriter {
	if !c.segments {
		return nil
	}
	return &segmentWriter{comp: c.comp}
}

// appendSegments appends the segments carrying envelopes (whole frames)
// to dst.
func (w *segmentWriter) appendSegments(dst, envelopes []byte) ([]byte, error) {
	return AppendSegments(dst, envelopes, w.comp)
}
