package protocol

import "fmt"

// EnvelopeAssembler turns the payloads of v5 segments back into envelopes
// (frames): several envelopes in one self-contained segment, or one large
// envelope spread over several non-self-contained segments.
//
// Add each segment payload in order, then call Next until it reports no
// more complete envelope. The zero value is ready to use with
// DefaultMaxFrameBody as the maximum body length.
type EnvelopeAssembler struct {
	// MaxBodyLen bounds envelope bodies (see ParseHeader); <= 0 means
	// DefaultMaxFrameBody.
	MaxBodyLen int

	buf      []byte
	off      int
	lastSelf bool // the last payload added was self-contained
}

// Add appends a segment payload. It returns an error for a self-contained
// segment that arrives while part of a large envelope is still pending, and
// when the previous self-contained segment ended inside an envelope.
// The payload is copied.
func (a *EnvelopeAssembler) Add(payload []byte, selfContained bool) error {
	if a.off == len(a.buf) {
		a.buf, a.off = a.buf[:0], 0
	} else if a.off > 0 {
		n := copy(a.buf, a.buf[a.off:])
		a.buf, a.off = a.buf[:n], 0
	}
	if len(a.buf) > 0 {
		if selfContained {
			return malformed("self-contained segment while %d bytes of an envelope are pending", len(a.buf))
		}
		if a.lastSelf {
			return malformed("self-contained segment ended inside an envelope (%d bytes left over)", len(a.buf))
		}
	}
	a.lastSelf = selfContained
	a.buf = append(a.buf, payload...)
	return nil
}

// Pending returns the number of buffered bytes not yet returned by Next.
func (a *EnvelopeAssembler) Pending() int { return len(a.buf) - a.off }

// Next returns the next complete envelope: its header and body. ok is
// false when more segments are needed. The body aliases the assembler's
// buffer and is valid until the next call to Add.
func (a *EnvelopeAssembler) Next() (h Header, body []byte, ok bool, err error) {
	rest := a.buf[a.off:]
	if len(rest) < HeaderSize {
		return h, nil, false, nil
	}
	if h, err = ParseHeader(rest, a.MaxBodyLen); err != nil {
		return h, nil, false, fmt.Errorf("%w (envelope in a v5 segment)", err)
	}
	if len(rest)-HeaderSize < h.Length {
		return h, nil, false, nil
	}
	body = rest[HeaderSize : HeaderSize+h.Length : HeaderSize+h.Length]
	a.off += HeaderSize + h.Length
	return h, body, true, nil
}
