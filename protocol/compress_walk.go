package protocol

import "encoding/binary"

// The walks below read the structure of a compressed block, without
// decompressing it or allocating, to learn how long its output really is:
// a decompressor then allocates that much only when it matches the length
// the sender declared, so a lying length costs nothing.

// lz4BlockLen returns the length the LZ4 raw block src decompresses to,
// failing when the block is malformed or its output passes limit.
func lz4BlockLen(src []byte, limit int) (int, error) {
	out, i := 0, 0
	// extend adds the 255-continued length bytes at src[i:] to n.
	extend := func(n int) (int, error) {
		for {
			if i >= len(src) {
				return 0, malformed("lz4 block ends inside a length")
			}
			b := src[i]
			i++
			if n += int(b); n > limit {
				return 0, malformed("lz4 block decompresses to more than the %d bytes declared", limit)
			}
			if b != 255 {
				return n, nil
			}
		}
	}
	for i < len(src) {
		token := src[i]
		i++
		lit := int(token >> 4)
		var err error
		if lit == 15 {
			if lit, err = extend(lit); err != nil {
				return 0, err
			}
		}
		if lit > len(src)-i {
			return 0, malformed("lz4 block: %d literal bytes, %d remain", lit, len(src)-i)
		}
		i += lit
		if out += lit; out > limit {
			return 0, malformed("lz4 block decompresses to more than the %d bytes declared", limit)
		}
		if i == len(src) {
			break // the last sequence has literals only
		}
		if len(src)-i < 2 {
			return 0, malformed("lz4 block ends inside a match offset")
		}
		off := int(binary.LittleEndian.Uint16(src[i:]))
		i += 2
		if off == 0 || off > out {
			return 0, malformed("lz4 block: match offset %d after %d bytes", off, out)
		}
		m := int(token & 15)
		if m == 15 {
			if m, err = extend(m); err != nil {
				return 0, err
			}
		}
		if out += m + 4; out > limit {
			return 0, malformed("lz4 block decompresses to more than the %d bytes declared", limit)
		}
	}
	return out, nil
}

// snappyBlockLen returns the length the elements of a Snappy block (src
// after its length varint) decompress to, failing when they are malformed
// or their output passes limit.
func snappyBlockLen(src []byte, limit int) (int, error) {
	out, i := 0, 0
	for i < len(src) {
		tag := src[i]
		var n, off, size int // output bytes, copy offset, element size
		switch tag & 3 {
		case 0: // literal; lengths of 60+ follow in 1 to 4 bytes
			n, size = int(tag>>2)+1, 1
			if x := int(tag >> 2); x >= 60 {
				k := x - 59
				if len(src)-i < 1+k {
					return 0, malformed("snappy block ends inside a literal length")
				}
				var l uint64
				for j := k; j >= 1; j-- {
					l = l<<8 | uint64(src[i+j])
				}
				if l >= uint64(limit) {
					return 0, malformed("snappy block decompresses to more than the %d bytes declared", limit)
				}
				n, size = int(l)+1, 1+k
			}
			if n > len(src)-i-size {
				return 0, malformed("snappy block: %d literal bytes, %d remain", n, len(src)-i-size)
			}
			size += n
		case 1:
			if len(src)-i < 2 {
				return 0, malformed("snappy block ends inside a copy")
			}
			n, off, size = 4+int(tag>>2&7), int(tag&0xE0)<<3|int(src[i+1]), 2
		case 2:
			if len(src)-i < 3 {
				return 0, malformed("snappy block ends inside a copy")
			}
			n, off, size = 1+int(tag>>2), int(binary.LittleEndian.Uint16(src[i+1:])), 3
		case 3:
			if len(src)-i < 5 {
				return 0, malformed("snappy block ends inside a copy")
			}
			n, off, size = 1+int(tag>>2), int(binary.LittleEndian.Uint32(src[i+1:])), 5
		}
		if tag&3 != 0 && (off <= 0 || off > out) {
			return 0, malformed("snappy block: copy offset %d after %d bytes", off, out)
		}
		i += size
		if out += n; out > limit {
			return 0, malformed("snappy block decompresses to more than the %d bytes declared", limit)
		}
	}
	return out, nil
}
