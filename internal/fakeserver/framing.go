package fakeserver

import (
	"encoding/binary"
	"fmt"

	"github.com/cqlsql/cassandra/protocol"
)

// frameOut turns one encoded response frame into the bytes to write: v5
// after the handshake wraps it in segments (compressed if negotiated); v3
// and v4 after the STARTUP reply compress the body (flag 0x01) if
// negotiated. The caller holds c.wmu.
func (c *Conn) frameOut(frame []byte) ([]byte, error) {
	if c.segments {
		return appendSegments(nil, frame, c.comp)
	}
	if c.comp == nil || !c.started || len(frame) == protocol.HeaderSize {
		return frame, nil
	}
	body, err := c.comp.Compress(nil, frame[protocol.HeaderSize:])
	if err != nil {
		return nil, fmt.Errorf("fakeserver: compressing: %w", err)
	}
	out := append(frame[:protocol.HeaderSize:protocol.HeaderSize], body...)
	out[1] |= byte(protocol.FlagCompression)
	binary.BigEndian.PutUint32(out[5:], uint32(len(body)))
	return out, nil
}
