package protocol

import (
	"encoding/binary"
	"fmt"

	"github.com/golang/snappy"
)

// Snappy is the "snappy" compression, for v3 and v4 frame bodies only (v5
// segments support LZ4 alone). The compressed form is a Snappy block,
// which carries its own length.
type Snappy struct{}

var _ Compressor = Snappy{}

// Name returns "snappy".
func (Snappy) Name() string { return CompressionSnappy }

// Compress appends src as a Snappy block.
func (Snappy) Compress(dst, src []byte) ([]byte, error) {
	start := len(dst)
	max := snappy.MaxEncodedLen(len(src))
	if max < 0 {
		return dst, fmt.Errorf("%w: %d bytes for snappy", ErrTooLong, len(src))
	}
	dst = grow(dst, max)
	out := snappy.Encode(dst[start:], src)
	return dst[:start+len(out)], nil
}

// Decompress appends the decompressed Snappy block src, refusing a declared
// length above maxLen, or one its elements do not add up to, before
// allocating.
func (Snappy) Decompress(dst, src []byte, maxLen int) ([]byte, error) {
	n, err := snappy.DecodedLen(src)
	if err != nil {
		return dst, malformed("snappy block: %v", err)
	}
	if err := checkMaxLen(n, maxLen); err != nil {
		return dst, err
	}
	// Allocate only for a block that really produces what it declares.
	_, k := binary.Uvarint(src) // DecodedLen has read it: k > 0
	m, err := snappyBlockLen(src[k:], n)
	if err != nil {
		return dst, err
	}
	if m != n {
		return dst, malformed("snappy block decompresses to %d bytes, %d declared", m, n)
	}
	start := len(dst)
	dst = grow(dst, n)
	out, err := snappy.Decode(dst[start:], src)
	if err != nil {
		return dst[:start], malformed("snappy block: %v", err)
	}
	if len(out) != n || (n > 0 && &out[0] != &dst[start]) {
		return dst[:start], malformed("snappy block decoded to %d bytes, %d declared", len(out), n)
	}
	return dst, nil
}
