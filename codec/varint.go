package codec

import (
	"math/big"
)

// varint: big-endian two's complement of any length (native_protocol_v5.spec
// section 5.24). Encoding writes the minimal form: no leading 0x00 before a
// byte below 0x80, no leading 0xFF before a byte of 0x80 or more.

var tVarint = Type{ID: TypeVarint}

// maxVarintLen bounds the size of a varint we decode into a big.Int: big
// arithmetic on millions of digits is a denial of service. 64 KiB is about
// 157,000 decimal digits.
const maxVarintLen = 1 << 16

// DecodeVarint decodes a varint. NULL and empty values return ErrNull.
func DecodeVarint(b []byte) (*big.Int, error) {
	if len(b) == 0 {
		return nil, ErrNull
	}
	if len(b) > maxVarintLen {
		return nil, decErr(tVarint, "%d bytes is more than the %d this driver decodes", len(b), maxVarintLen)
	}
	return varintFromBytes(b), nil
}

func varintFromBytes(b []byte) *big.Int {
	z := new(big.Int)
	if b[0]&0x80 == 0 {
		return z.SetBytes(b)
	}
	// Negative: value = -(^b + 1).
	inv := make([]byte, len(b))
	for i, c := range b {
		inv[i] = ^c
	}
	z.SetBytes(inv)
	z.Add(z, big.NewInt(1))
	return z.Neg(z)
}

// appendVarint appends the minimal two's complement form of x.
func appendVarint(dst []byte, x *big.Int) []byte {
	switch x.Sign() {
	case 0:
		return append(dst, 0)
	case 1:
		b := x.Bytes()
		if b[0]&0x80 != 0 {
			dst = append(dst, 0)
		}
		return append(dst, b...)
	}
	// -x - 1 >= 0; its complement is x's two's complement.
	m := new(big.Int).Neg(x)
	m.Sub(m, big.NewInt(1))
	b := m.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		dst = append(dst, 0xff)
	}
	for _, c := range b {
		dst = append(dst, ^c)
	}
	return dst
}

// appendVarint64 appends the minimal two's complement form of n.
func appendVarint64(dst []byte, n int64) []byte {
	size := 8
	for size > 1 {
		top := n >> (8*uint(size-1) - 1) // the top byte and the next sign bit
		if top != 0 && top != -1 {
			break
		}
		size--
	}
	for i := size - 1; i >= 0; i-- {
		dst = append(dst, byte(n>>(8*uint(i))))
	}
	return dst
}

// encVarint takes *big.Int, big.Int, any Go integer and a decimal string.
func encVarint(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		switch x := v.(type) {
		case *big.Int:
			return appendVarint(dst, x), nil
		case big.Int:
			return appendVarint(dst, &x), nil
		case uint64:
			return appendVarint(dst, new(big.Int).SetUint64(x)), nil
		case uint:
			return appendVarint(dst, new(big.Int).SetUint64(uint64(x))), nil
		case string:
			z, ok := new(big.Int).SetString(x, 10)
			if !ok {
				return dst, encErr(t, v, "%q is not a base-10 integer", x)
			}
			return appendVarint(dst, z), nil
		}
		n, ok, overflow := asInt64(v)
		if !ok {
			return dst, encTypeErr(t, v)
		}
		if overflow {
			return dst, encErr(t, v, "convert unsigned values above 2^63 to *big.Int")
		}
		return appendVarint64(dst, n), nil
	}
}
