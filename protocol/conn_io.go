package protocol

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// appendRequestFrame appends a request frame (v5: an envelope): header,
// optional custom payload, body. With comp set (v3/v4 frame compression,
// spec v4 section 5) the part after the header is compressed and flag 0x01
// set. On error dst is returned at its original length.
func appendRequestFrame(dst []byte, v Version, flags Flags, stream int16, req Request, payload map[string][]byte, comp Compressor) ([]byte, error) {
	start := len(dst)
	if payload != nil && v < V4 {
		return dst, fmt.Errorf("cassandra: custom payloads need protocol v4 or later, the connection speaks %v", v)
	}
	dst = Header{Version: v, Flags: flags, Stream: stream, Opcode: req.Opcode()}.Append(dst)
	var err error
	if flags&FlagCustomPayload != 0 {
		if dst, err = AppendBytesMap(dst, payload); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = req.AppendBody(dst, v); err != nil {
		return dst[:start], err
	}
	if comp != nil && req.Opcode() != OpStartup && len(dst)-start > HeaderSize {
		body := dst[start+HeaderSize:]
		// Compress into the free tail of dst, then move it in place.
		out, err := comp.Compress(dst[len(dst):], body)
		if err != nil {
			return dst[:start], wrapf(err, "compressing %v", req.Opcode())
		}
		dst = append(dst[:start+HeaderSize], out...)
		dst[start+1] |= byte(FlagCompression)
	}
	n := len(dst) - start - HeaderSize
	if n > DefaultMaxFrameBody {
		return dst[:start], fmt.Errorf("%w: %v body of %d bytes", ErrFrameTooLarge, req.Opcode(), n)
	}
	binary.BigEndian.PutUint32(dst[start+5:], uint32(n))
	return dst, nil
}

// frameReader reads response frames from the socket: plain frames (v3, v4,
// and v5 before the handshake switches framing) or v5 segments carrying
// envelopes. Each body it returns is freshly allocated and owned by the
// caller.
type frameReader struct {
	br      *bufio.Reader
	maxBody int
	comp    Compressor // v3/v4: decompresses frame bodies flagged 0x01
	hdr     [HeaderSize]byte

	seg *segmentReader // non-nil once v5 framing is on

	trace *tracer // nil unless the connection is traced
}

// next returns the next response header and body, decompressed.
func (r *frameReader) next() (Header, []byte, error) {
	if r.seg != nil {
		h, body, err := r.seg.next()
		if r.trace != nil && err == nil {
			r.trace.received(h, body)
		}
		return h, body, err
	}
	if _, err := io.ReadFull(r.br, r.hdr[:]); err != nil {
		return Header{}, nil, err
	}
	h, err := ParseHeader(r.hdr[:], r.maxBody)
	if err != nil {
		if r.trace != nil {
			r.trace.failed(h, err)
		}
		return h, nil, err
	}
	body, err := readN(r.br, h.Length)
	if err != nil {
		return h, nil, wrapf(err, "reading %d-byte %v body", h.Length, h.Opcode)
	}
	if h.Flags&FlagCompression != 0 && h.Version < V5 {
		if r.comp == nil {
			return h, nil, fmt.Errorf("cassandra: server sent a compressed %v frame but no compression was negotiated", h.Opcode)
		}
		body, err = r.comp.Decompress(nil, body, r.maxBody)
		if err != nil {
			return h, nil, wrapf(err, "decompressing %v body", h.Opcode)
		}
		h.Flags &^= FlagCompression
		h.Length = len(body)
	}
	if r.trace != nil {
		// The header as it came: flags and length before decompression.
		wire, _ := ParseHeader(r.hdr[:], 0)
		r.trace.received(wire, body)
	}
	return h, body, nil
}

// readN reads exactly n bytes. Beyond 1 MiB the buffer grows as bytes
// arrive, so a peer that declares a large length and sends nothing costs
// little memory.
func readN(r io.Reader, n int) ([]byte, error) {
	const chunk = 1 << 20
	if n <= chunk {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	b := make([]byte, 0, chunk)
	for len(b) < n {
		if len(b) == cap(b) {
			c := 2 * cap(b)
			if c > n {
				c = n
			}
			nb := make([]byte, len(b), c)
			copy(nb, b)
			b = nb
		}
		m, err := io.ReadFull(r, b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// enableSegments switches both directions to v5 framing (spec v5 section
// 2): from now on the reader takes envelopes out of segments and the
// writer wraps envelopes into segments, LZ4-compressed if negotiated.
func (c *Conn) enableSegments() {
	c.segments = true
	c.rd.seg = newSegmentReader(c.br, c.comp, c.maxBody)
}
