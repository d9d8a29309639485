package fakeserver

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/cqlsql/cassandra/protocol"
)

// appendSegments wraps one response envelope into v5 segments.
func appendSegments(dst, frame []byte, c protocol.Compressor) ([]byte, error) {
	out, err := protocol.AppendSegments(dst, frame, c)
	if err != nil {
		return nil, fmt.Errorf("fakeserver: segmenting: %w", err)
	}
	return out, nil
}

// segSource reads request envelopes out of v5 segments.
type segSource struct {
	br      *bufio.Reader
	comp    protocol.Compressor
	scratch []byte
	asm     protocol.EnvelopeAssembler
}

func newSegmentSource(br *bufio.Reader, c protocol.Compressor) envelopeSource {
	return &segSource{br: br, comp: c}
}

func (s *segSource) next(c *Conn) (protocol.Header, []byte, error) {
	for {
		h, body, ok, err := s.asm.Next()
		if err != nil {
			return h, nil, err
		}
		if ok {
			return h, append([]byte(nil), body...), nil
		}
		payload, scratch, self, err := protocol.ReadSegment(s.br, nil, s.scratch, s.comp)
		s.scratch = scratch
		if err != nil {
			return protocol.Header{}, nil, err
		}
		if err := s.asm.Add(payload, self); err != nil {
			return protocol.Header{}, nil, errors.Join(errors.New("fakeserver: bad segment sequence"), err)
		}
	}
}
