package codec

import (
	"encoding/binary"
	"math"
)

// float and double: IEEE 754 binary32 and binary64, big-endian
// (native_protocol_v5.spec sections 5.9 and 5.7). NaN and infinities are
// kept as they are.

var (
	tFloat  = Type{ID: TypeFloat}
	tDouble = Type{ID: TypeDouble}
)

// DecodeFloat decodes a float. NULL and empty values return ErrNull.
func DecodeFloat(b []byte) (float32, error) {
	if err := fixedLen(tFloat, b, 4); err != nil {
		return 0, err
	}
	return math.Float32frombits(binary.BigEndian.Uint32(b)), nil
}

// DecodeDouble decodes a double. NULL and empty values return ErrNull.
func DecodeDouble(b []byte) (float64, error) {
	if err := fixedLen(tDouble, b, 8); err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

// encFloat takes float32; float64 only when float32 holds it exactly (or it
// is NaN), so that binding never rounds silently; integers when exact
// (|n| <= 2^24).
func encFloat(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if x, ok := v.(float32); ok {
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(x)), nil
		}
		if f, is32, ok := asFloat64(v); ok {
			if !is32 && f == f && float64(float32(f)) != f {
				return dst, encErr(t, v, "value %v is not exactly representable as a float (convert with float32() to round)", f)
			}
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(f))), nil
		}
		n, ok, overflow := asInt64(v)
		if !ok {
			return dst, encTypeErr(t, v)
		}
		if overflow || n < -1<<24 || n > 1<<24 {
			return dst, encErr(t, v, "integer %v is not exactly representable as a float", v)
		}
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(n))), nil
	}
}

// encDouble takes float64, float32 and integers with |n| <= 2^53.
func encDouble(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if f, _, ok := asFloat64(v); ok {
			return binary.BigEndian.AppendUint64(dst, math.Float64bits(f)), nil
		}
		n, ok, overflow := asInt64(v)
		if !ok {
			return dst, encTypeErr(t, v)
		}
		if overflow || n < -1<<53 || n > 1<<53 {
			return dst, encErr(t, v, "integer %v is not exactly representable as a double", v)
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(float64(n))), nil
	}
}
