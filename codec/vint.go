package codec

import (
	"errors"
	"math/bits"
)

// [unsigned vint] and [vint] of native_protocol_v5.spec section 3: the
// number of leading 1 bits of the first byte is the number of extra bytes.

var errVint = errors.New("cassandra: truncated or overlong vint")

// readUvint decodes one [unsigned vint] from b, returning it and the bytes read.
func readUvint(b []byte) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, errVint
	}
	first := b[0]
	extra := bits.LeadingZeros8(^first)
	if len(b) < 1+extra {
		return 0, 0, errVint
	}
	var v uint64
	if extra < 8 {
		v = uint64(first & (0xff >> uint(extra+1)))
	}
	for i := 1; i <= extra; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, 1 + extra, nil
}

// appendUvint appends v as an [unsigned vint].
func appendUvint(dst []byte, v uint64) []byte {
	// Bits needed, then extra bytes so that 7*(extra+1)+... fits: a value
	// with n significant bits needs extra = ceil((n-7)/7) bytes, at most 8.
	n := 64 - bits.LeadingZeros64(v)
	extra := 0
	if n > 7 {
		extra = (n - 7 + 6) / 7
	}
	if extra >= 8 {
		dst = append(dst, 0xff)
		for i := 7; i >= 0; i-- {
			dst = append(dst, byte(v>>(8*uint(i))))
		}
		return dst
	}
	first := byte(v>>(8*uint(extra))) | ^byte(0xff>>uint(extra))
	dst = append(dst, first)
	for i := extra - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*uint(i))))
	}
	return dst
}

// readVint decodes one zig-zag [vint].
func readVint(b []byte) (int64, int, error) {
	u, n, err := readUvint(b)
	if err != nil {
		return 0, 0, err
	}
	return int64(u>>1) ^ -int64(u&1), n, nil
}

func appendVint(dst []byte, v int64) []byte {
	return appendUvint(dst, uint64(v>>63)^uint64(v<<1))
}
