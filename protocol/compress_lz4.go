package protocol

import (
	"encoding/binary"
	"fmt"

	"github.com/pierrec/lz4/v4"
)

// LZ4 is the "lz4" compression. For v4 frame bodies the compressed form is
// a 4-byte big-endian uncompressed length followed by an LZ4 raw block
// (spec v4 section 5); for v5 segments it is the raw block alone
// (CompressBlock, DecompressBlock).
type LZ4 struct{}

var _ BlockCompressor = LZ4{}

// Name returns "lz4".
func (LZ4) Name() string { return CompressionLZ4 }

// CompressBlock appends src compressed as an LZ4 raw block.
func (LZ4) CompressBlock(dst, src []byte) ([]byte, error) {
	start := len(dst)
	bound := lz4.CompressBlockBound(len(src))
	dst = grow(dst, bound)
	n, err := lz4.CompressBlock(src, dst[start:], nil)
	if err != nil {
		return dst[:start], fmt.Errorf("cassandra: lz4 compression: %w", err)
	}
	if n == 0 && len(src) > 0 { // cannot happen with a full bound, but never emit an empty block for data
		return dst[:start], fmt.Errorf("cassandra: lz4 compression produced no output")
	}
	return dst[:start+n], nil
}

// DecompressBlock appends the uncompressedLen bytes of the LZ4 raw block
// src to dst. It allocates them only once a walk over src has found that
// it decompresses to exactly that many.
func (LZ4) DecompressBlock(dst, src []byte, uncompressedLen int) ([]byte, error) {
	if uncompressedLen < 0 {
		return dst, malformed("lz4 uncompressed length %d", uncompressedLen)
	}
	start := len(dst)
	if uncompressedLen == 0 {
		return dst, nil
	}
	// Allocate only for a block that really produces what it declares.
	n, err := lz4BlockLen(src, uncompressedLen)
	if err != nil {
		return dst, err
	}
	if n != uncompressedLen {
		return dst, malformed("lz4 block decompresses to %d bytes, %d declared", n, uncompressedLen)
	}
	dst = grow(dst, uncompressedLen)
	n, err = lz4.UncompressBlock(src, dst[start:])
	if err != nil {
		return dst[:start], malformed("lz4 block: %v", err)
	}
	if n != uncompressedLen {
		return dst[:start], malformed("lz4 block decompressed to %d bytes, %d declared", n, uncompressedLen)
	}
	return dst, nil
}

// Compress appends the v4 frame body form: [int] uncompressed length, then
// the LZ4 raw block.
func (c LZ4) Compress(dst, src []byte) ([]byte, error) {
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(src)))
	dst, err := c.CompressBlock(dst, src)
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// Decompress appends the body decompressed from the v4 frame body form,
// refusing a declared length above maxLen before allocating.
func (c LZ4) Decompress(dst, src []byte, maxLen int) ([]byte, error) {
	if len(src) < 4 {
		return dst, errShort("lz4 frame body length", 4, len(src))
	}
	n := int32(binary.BigEndian.Uint32(src))
	if n < 0 {
		return dst, malformed("lz4 uncompressed length %d", n)
	}
	if err := checkMaxLen(int(n), maxLen); err != nil {
		return dst, err
	}
	// An LZ4 block expands at most ~255 times: refuse impossible ratios
	// before allocating n bytes for a tiny input.
	if int64(n) > int64(len(src)-4)*255+16 {
		return dst, malformed("lz4 frame body of %d bytes cannot decompress to %d", len(src)-4, n)
	}
	return c.DecompressBlock(dst, src[4:], int(n))
}
