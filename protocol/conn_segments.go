package protocol

import (
	"bufio"
	"fmt"
)

// segmentReader reads v5 segments (spec v5 sections 2.1, 2.2) and returns
// the envelopes they carry. Envelopes of a self-contained segment are
// sliced out of that segment's freshly allocated payload; an envelope
// spread over several segments is assembled and copied out. Either way
// the returned body is never reused by the reader.
type segmentReader struct {
	br      *bufio.Reader
	comp    Compressor // LZ4 when negotiated, else nil (uncompressed format)
	maxBody int

	scratch []byte // compressed bytes, reused
	cur     []byte // rest of the current self-contained payload
	asm     EnvelopeAssembler
}

func newSegmentReader(br *bufio.Reader, comp Compressor, maxBody int) *segmentReader {
	return &segmentReader{br: br, comp: comp, maxBody: maxBody, asm: EnvelopeAssembler{MaxBodyLen: maxBody}}
}

func (r *segmentReader) next() (Header, []byte, error) {
	for {
		if len(r.cur) > 0 {
			h, err := ParseHeader(r.cur, r.maxBody)
			if err != nil {
				return h, nil, fmt.Errorf("cassandra: envelope in a v5 segment: %w", err)
			}
			if len(r.cur)-HeaderSize < h.Length {
				return h, nil, fmt.Errorf("cassandra: self-contained v5 segment ends inside a %v envelope (%d of %d body bytes)", h.Opcode, len(r.cur)-HeaderSize, h.Length)
			}
			body := r.cur[HeaderSize : HeaderSize+h.Length : HeaderSize+h.Length]
			r.cur = r.cur[HeaderSize+h.Length:]
			return h, body, nil
		}
		if r.asm.Pending() > 0 {
			h, body, ok, err := r.asm.Next()
			if err != nil {
				return h, nil, err
			}
			if ok {
				return h, append([]byte(nil), body...), nil
			}
		}
		payload, scratch, self, err := ReadSegment(r.br, nil, r.scratch, r.comp)
		r.scratch = scratch
		if err != nil {
			return Header{}, nil, err
		}
		if self && r.asm.Pending() == 0 {
			r.cur = payload
			continue
		}
		if self {
			return Header{}, nil, fmt.Errorf("cassandra: self-contained v5 segment while %d bytes of a split envelope are pending", r.asm.Pending())
		}
		if err := r.asm.Add(payload, false); err != nil {
			return Header{}, nil, err
		}
	}
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
