package protocol

import (
	"errors"
	"fmt"
)

// Compressor compresses frame bodies for protocol v3 and v4 (spec v4
// section 5): the part of a frame after its header, when the header has
// FlagCompression. The algorithm is agreed on in STARTUP (COMPRESSION) and
// Name is the value to send there.
//
// Compress and Decompress append to dst and return the extended slice.
// Decompress refuses, before allocating, input that declares more than
// maxLen decompressed bytes (maxLen <= 0 means DefaultMaxFrameBody); such
// errors wrap ErrFrameTooLarge, corrupt input errors wrap ErrMalformed.
// Implementations are safe for concurrent use.
type Compressor interface {
	Name() string
	Compress(dst, src []byte) ([]byte, error)
	Decompress(dst, src []byte, maxLen int) ([]byte, error)
}

// BlockCompressor is a Compressor that can also compress raw blocks, whose
// lengths travel outside the block, as v5 segments require (spec v5
// section 2.2). Only LZ4 is one.
type BlockCompressor interface {
	Compressor
	// CompressBlock appends the compressed form of src to dst.
	CompressBlock(dst, src []byte) ([]byte, error)
	// DecompressBlock appends exactly uncompressedLen bytes decompressed
	// from src to dst, or fails.
	DecompressBlock(dst, src []byte, uncompressedLen int) ([]byte, error)
}

// Compression algorithm names for STARTUP.
const (
	CompressionLZ4    = "lz4"
	CompressionSnappy = "snappy"
)

// ErrUnknownCompression is wrapped by NewCompressor's error.
var ErrUnknownCompression = errors.New("cassandra: unknown compression")

// NewCompressor returns the Compressor named name ("lz4" or "snappy").
func NewCompressor(name string) (Compressor, error) {
	switch name {
	case CompressionLZ4:
		return LZ4{}, nil
	case CompressionSnappy:
		return Snappy{}, nil
	}
	return nil, fmt.Errorf("%w %q: use %q or %q", ErrUnknownCompression, name, CompressionLZ4, CompressionSnappy)
}

// grow returns dst with room for n more bytes and the extended length
// (dst[:len(dst)+n]); the new bytes are uninitialised.
func grow(dst []byte, n int) []byte {
	if cap(dst)-len(dst) < n {
		nd := make([]byte, len(dst), len(dst)+n)
		copy(nd, dst)
		dst = nd
	}
	return dst[:len(dst)+n]
}

func checkMaxLen(n, maxLen int) error {
	if maxLen <= 0 {
		maxLen = DefaultMaxFrameBody
	}
	if n > maxLen {
		return fmt.Errorf("%w: compressed data declares %d bytes, the maximum is %d", ErrFrameTooLarge, n, maxLen)
	}
	return nil
}

// CompressFrame appends to dst the frame (header and uncompressed body, as
// AppendFrame writes it) with its body compressed by c, FlagCompression set
// and the length updated, for v3 and v4 connections that negotiated
// compression. STARTUP must not be compressed; callers skip it, and may skip
// empty bodies. frame and dst must not overlap.
func CompressFrame(dst, frame []byte, c Compressor) ([]byte, error) {
	if len(frame) < HeaderSize {
		return dst, errShort("frame header", HeaderSize, len(frame))
	}
	start := len(dst)
	dst = append(dst, frame[:HeaderSize]...)
	dst[start+1] |= byte(FlagCompression)
	dst, err := c.Compress(dst, frame[HeaderSize:])
	if err != nil {
		return dst[:start], err
	}
	return patchLength(dst, start)
}
