package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// v5 segment framing (spec v5 section 2). All integers of the segment
// header and trailer are little-endian.
const (
	// MaxSegmentPayload is the largest payload of one segment, 128 KiB - 1
	// (17 bits), before compression and after.
	MaxSegmentPayload = 1<<17 - 1
	// SegmentHeaderSize is the header size of the uncompressed format.
	SegmentHeaderSize = 6
	// CompressedSegmentHeaderSize is the header size of the LZ4 format.
	CompressedSegmentHeaderSize = 8
	// SegmentTrailerSize is the size of the payload CRC32 after the payload.
	SegmentTrailerSize = 4
)

// ErrSegmentChecksum is wrapped by the errors reporting a CRC24 (header) or
// CRC32 (payload) mismatch: the connection is corrupt and must be closed.
var ErrSegmentChecksum = errors.New("cassandra: v5 segment checksum mismatch")

// SegmentHeader is a decoded v5 segment header.
type SegmentHeader struct {
	// PayloadLength is the number of payload bytes on the wire after the
	// header (the compressed length in the compressed format), not
	// counting the CRC32 trailer.
	PayloadLength int
	// UncompressedLength (compressed format only) is the payload length
	// after decompression; 0 means the payload is stored uncompressed.
	UncompressedLength int
	// SelfContained segments hold only whole envelopes; the others hold one
	// part of a single envelope too large for one segment.
	SelfContained bool
	// Compressed selects the 8-byte header of the compressed format.
	Compressed bool
}

// Size returns the encoded header size: 6, or 8 for the compressed format.
func (h SegmentHeader) Size() int {
	if h.Compressed {
		return CompressedSegmentHeaderSize
	}
	return SegmentHeaderSize
}

// Append appends the header with its CRC24. Lengths must fit in 17 bits.
func (h SegmentHeader) Append(dst []byte) ([]byte, error) {
	if h.PayloadLength < 0 || h.PayloadLength > MaxSegmentPayload || h.UncompressedLength < 0 || h.UncompressedLength > MaxSegmentPayload {
		return dst, fmt.Errorf("cassandra: segment lengths %d/%d exceed %d", h.PayloadLength, h.UncompressedLength, MaxSegmentPayload)
	}
	var b [8]byte
	if h.Compressed {
		v := uint64(h.PayloadLength) | uint64(h.UncompressedLength)<<17
		if h.SelfContained {
			v |= 1 << 34
		}
		for i := 0; i < 5; i++ {
			b[i] = byte(v >> (8 * i))
		}
		crc := CRC24(b[:5])
		b[5], b[6], b[7] = byte(crc), byte(crc>>8), byte(crc>>16)
		return append(dst, b[:8]...), nil
	}
	if h.UncompressedLength != 0 {
		return dst, fmt.Errorf("cassandra: uncompressed segment format has no uncompressed length")
	}
	v := uint32(h.PayloadLength)
	if h.SelfContained {
		v |= 1 << 17
	}
	b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
	crc := CRC24(b[:3])
	b[3], b[4], b[5] = byte(crc), byte(crc>>8), byte(crc>>16)
	return append(dst, b[:6]...), nil
}

// ParseSegmentHeader decodes a segment header from the start of b: 6 bytes,
// or 8 when compressed (the connection negotiated LZ4). It checks the
// CRC24; a mismatch wraps ErrSegmentChecksum.
func ParseSegmentHeader(b []byte, compressed bool) (SegmentHeader, error) {
	h := SegmentHeader{Compressed: compressed}
	n := h.Size()
	if len(b) < n {
		return h, errShort("segment header", n, len(b))
	}
	if compressed {
		var v uint64
		for i := 0; i < 5; i++ {
			v |= uint64(b[i]) << (8 * i)
		}
		want := uint32(b[5]) | uint32(b[6])<<8 | uint32(b[7])<<16
		if got := CRC24(b[:5]); got != want {
			return h, fmt.Errorf("%w: header CRC24 %06x, computed %06x", ErrSegmentChecksum, want, got)
		}
		h.PayloadLength = int(v & MaxSegmentPayload)
		h.UncompressedLength = int(v >> 17 & MaxSegmentPayload)
		h.SelfContained = v&(1<<34) != 0
		return h, nil
	}
	v := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	want := uint32(b[3]) | uint32(b[4])<<8 | uint32(b[5])<<16
	if got := CRC24(b[:3]); got != want {
		return h, fmt.Errorf("%w: header CRC24 %06x, computed %06x", ErrSegmentChecksum, want, got)
	}
	h.PayloadLength = int(v & MaxSegmentPayload)
	h.SelfContained = v&(1<<17) != 0
	return h, nil
}

// blockCompressor returns c as a BlockCompressor, nil for nil.
func blockCompressor(c Compressor) (BlockCompressor, error) {
	if c == nil {
		return nil, nil
	}
	bc, ok := c.(BlockCompressor)
	if !ok {
		return nil, fmt.Errorf("cassandra: %s compression cannot frame v5 segments (use lz4)", c.Name())
	}
	return bc, nil
}

// AppendSegment appends one segment carrying payload (at most
// MaxSegmentPayload bytes): header, payload, CRC32. With a nil c it uses
// the uncompressed format; with c (which must be a BlockCompressor, i.e.
// LZ4) the compressed format, storing the payload uncompressed
// (uncompressed length 0) when compression would not make it smaller.
func AppendSegment(dst, payload []byte, selfContained bool, c Compressor) ([]byte, error) {
	if len(payload) > MaxSegmentPayload {
		return dst, fmt.Errorf("cassandra: segment payload of %d bytes exceeds %d", len(payload), MaxSegmentPayload)
	}
	bc, err := blockCompressor(c)
	if err != nil {
		return dst, err
	}
	start := len(dst)
	h := SegmentHeader{PayloadLength: len(payload), SelfContained: selfContained, Compressed: bc != nil}
	if bc == nil {
		if dst, err = h.Append(dst); err != nil {
			return dst[:start], err
		}
		dst = append(dst, payload...)
		return binary.LittleEndian.AppendUint32(dst, CRC32(payload)), nil
	}
	// Compress after room for the header, then fill the header in.
	dst = grow(dst, CompressedSegmentHeaderSize)
	body := len(dst)
	if len(payload) > 0 {
		if dst, err = bc.CompressBlock(dst, payload); err != nil {
			return dst[:start], err
		}
	}
	if n := len(dst) - body; n > 0 && n < len(payload) {
		h.PayloadLength, h.UncompressedLength = n, len(payload)
	} else {
		dst = append(dst[:body], payload...) // stored uncompressed
	}
	hdr, err := h.Append(make([]byte, 0, CompressedSegmentHeaderSize))
	if err != nil {
		return dst[:start], err
	}
	copy(dst[start:], hdr)
	return binary.LittleEndian.AppendUint32(dst, CRC32(dst[body:])), nil
}

// AppendSegments wraps envelopes (whole frames, as AppendFrame writes them,
// one after the other) into v5 segments the way Cassandra expects them:
// consecutive envelopes are packed into self-contained segments of at most
// MaxSegmentPayload bytes; an envelope larger than that gets its own run of
// non-self-contained segments. c is nil for the uncompressed format, or LZ4.
// envelopes that do not end on an envelope boundary are an error.
func AppendSegments(dst, envelopes []byte, c Compressor) ([]byte, error) {
	start := len(dst)
	var err error
	packStart, pos := 0, 0
	flush := func(end int) {
		if err == nil && end > packStart {
			dst, err = AppendSegment(dst, envelopes[packStart:end], true, c)
		}
		packStart = end
	}
	for pos < len(envelopes) {
		if len(envelopes)-pos < HeaderSize {
			return dst[:start], malformed("%d trailing bytes are not an envelope", len(envelopes)-pos)
		}
		n := int(int32(binary.BigEndian.Uint32(envelopes[pos+5:])))
		size := HeaderSize + n
		if n < 0 || size > len(envelopes)-pos || n > DefaultMaxFrameBody {
			return dst[:start], malformed("envelope at %d declares %d body bytes, %d remain", pos, n, len(envelopes)-pos-HeaderSize)
		}
		switch {
		case size > MaxSegmentPayload:
			flush(pos)
			for off := pos; off < pos+size && err == nil; off += MaxSegmentPayload {
				end := min(off+MaxSegmentPayload, pos+size)
				dst, err = AppendSegment(dst, envelopes[off:end], false, c)
			}
			packStart = pos + size
		case pos+size-packStart > MaxSegmentPayload:
			flush(pos)
		}
		pos += size
	}
	flush(pos)
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// DecodeSegmentPayload checks and unpacks the payload of the segment whose
// header is h: b must hold at least h.PayloadLength bytes and the 4-byte
// CRC32 trailer. The payload, decompressed if needed (c must then be LZ4),
// is appended to dst. A CRC32 mismatch wraps ErrSegmentChecksum.
func DecodeSegmentPayload(dst []byte, h SegmentHeader, b []byte, c Compressor) ([]byte, error) {
	n := h.PayloadLength
	if n < 0 || len(b) < n+SegmentTrailerSize {
		return dst, errShort("segment payload and CRC32", n+SegmentTrailerSize, len(b))
	}
	payload := b[:n]
	want := binary.LittleEndian.Uint32(b[n:])
	if got := CRC32(payload); got != want {
		return dst, fmt.Errorf("%w: payload CRC32 %08x, computed %08x", ErrSegmentChecksum, want, got)
	}
	if !h.Compressed || h.UncompressedLength == 0 {
		return append(dst, payload...), nil
	}
	bc, err := blockCompressor(c)
	if err != nil {
		return dst, err
	}
	if bc == nil {
		return dst, fmt.Errorf("cassandra: compressed segment but no compressor")
	}
	return bc.DecompressBlock(dst, payload, h.UncompressedLength)
}

// ReadSegment reads one segment from r (the compressed format when c is
// non-nil), checks both checksums and appends its payload, decompressed,
// to dst. scratch, if non-nil, is used for the compressed bytes and
// returned for reuse.
func ReadSegment(r io.Reader, dst, scratch []byte, c Compressor) (payload, scratchOut []byte, selfContained bool, err error) {
	compressed := c != nil
	hsize := SegmentHeaderSize
	if compressed {
		hsize = CompressedSegmentHeaderSize
	}
	// The header is read into scratch: a local array would escape to the
	// heap through io.ReadFull.
	scratch = grow(scratch[:0], hsize)
	if _, err = io.ReadFull(r, scratch); err != nil {
		return dst, scratch, false, err
	}
	h, err := ParseSegmentHeader(scratch, compressed)
	if err != nil {
		return dst, scratch, false, err
	}
	need := h.PayloadLength + SegmentTrailerSize
	if !compressed || h.UncompressedLength == 0 {
		// Read straight into dst, then check and drop the trailer.
		start := len(dst)
		dst = grow(dst, need)
		if _, err = io.ReadFull(r, dst[start:]); err != nil {
			return dst[:start], scratch, false, err
		}
		want := binary.LittleEndian.Uint32(dst[len(dst)-SegmentTrailerSize:])
		dst = dst[:len(dst)-SegmentTrailerSize]
		if got := CRC32(dst[start:]); got != want {
			return dst[:start], scratch, false, fmt.Errorf("%w: payload CRC32 %08x, computed %08x", ErrSegmentChecksum, want, got)
		}
		return dst, scratch, h.SelfContained, nil
	}
	scratch = grow(scratch[:0], need)
	if _, err = io.ReadFull(r, scratch); err != nil {
		return dst, scratch, false, err
	}
	dst, err = DecodeSegmentPayload(dst, h, scratch, c)
	return dst, scratch, h.SelfContained, err
}
