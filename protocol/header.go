package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the size of a frame header (an "envelope" header in v5) for
// protocol v3 and later.
const HeaderSize = 9

// DefaultMaxFrameBody is the largest frame body the spec allows (256 MiB),
// the default maximum for ParseHeader and decompression.
const DefaultMaxFrameBody = 256 << 20

// ErrFrameTooLarge is wrapped by the error of ParseHeader when a header
// declares a body longer than the maximum, and by decompressors asked to
// produce more than their maximum.
var ErrFrameTooLarge = errors.New("cassandra: frame body exceeds the maximum size")

// ErrUnsupportedVersion is matched (errors.Is) by *UnsupportedVersionError.
var ErrUnsupportedVersion = errors.New("cassandra: unsupported protocol version")

// UnsupportedVersionError reports a header whose version this package does
// not speak (v1, v2, v6+).
type UnsupportedVersionError struct {
	Version  Version
	Response bool
}

func (e *UnsupportedVersionError) Error() string {
	dir := "request"
	if e.Response {
		dir = "response"
	}
	return fmt.Sprintf("cassandra: unsupported protocol version %d in %s frame header (this driver speaks v3 to v5)", uint8(e.Version), dir)
}

// Is reports whether target is ErrUnsupportedVersion.
func (e *UnsupportedVersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// Header is a frame header (spec section 2.4 of v5, 2 of v4):
//
//	version(1) flags(1) stream(2) opcode(1) length(4)
//
// The top bit of the version byte is Response.
type Header struct {
	Version  Version
	Response bool
	Flags    Flags
	Stream   int16
	Opcode   Opcode
	Length   int // body length in bytes
}

// Append appends the 9-byte header to dst.
func (h Header) Append(dst []byte) []byte {
	v := byte(h.Version) & 0x7F
	if h.Response {
		v |= 0x80
	}
	dst = append(dst, v, byte(h.Flags))
	dst = binary.BigEndian.AppendUint16(dst, uint16(h.Stream))
	dst = append(dst, byte(h.Opcode))
	return binary.BigEndian.AppendUint32(dst, uint32(int32(h.Length)))
}

// String formats h for logs, such as "v4 response stream=3 RESULT flags=0 length=42".
func (h Header) String() string {
	dir := "request"
	if h.Response {
		dir = "response"
	}
	return fmt.Sprintf("%v %s stream=%d %v flags=%v length=%d", h.Version, dir, h.Stream, h.Opcode, h.Flags, h.Length)
}

// ParseHeader decodes the first HeaderSize bytes of b. It rejects a version
// other than v3, v4 or v5 with an *UnsupportedVersionError, and a length below
// zero or above maxBodyLen with an error wrapping ErrFrameTooLarge (or
// ErrMalformed when negative); a maxBodyLen <= 0 means DefaultMaxFrameBody.
// Nothing is allocated.
//
// Any supported version is accepted whatever the caller asked for: a server
// that does not speak the requested version answers with a PROTOCOL_ERROR in
// a version it does speak, and the caller needs to see that frame to
// negotiate down. Comparing h.Version with the connection's version is the
// caller's job. The opcode is not checked either (see Opcode.Valid).
func ParseHeader(b []byte, maxBodyLen int) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, errShort("frame header", HeaderSize, len(b))
	}
	if maxBodyLen <= 0 {
		maxBodyLen = DefaultMaxFrameBody
	}
	h := Header{
		Version:  Version(b[0] & 0x7F),
		Response: b[0]&0x80 != 0,
		Flags:    Flags(b[1]),
		Stream:   int16(binary.BigEndian.Uint16(b[2:])),
		Opcode:   Opcode(b[4]),
	}
	if !h.Version.Supported() {
		return h, &UnsupportedVersionError{Version: h.Version, Response: h.Response}
	}
	n := int32(binary.BigEndian.Uint32(b[5:]))
	if n < 0 {
		return h, malformed("frame body length %d", n)
	}
	h.Length = int(n)
	if h.Length > maxBodyLen {
		return h, fmt.Errorf("%w: header declares %d bytes, the maximum is %d", ErrFrameTooLarge, h.Length, maxBodyLen)
	}
	return h, nil
}
