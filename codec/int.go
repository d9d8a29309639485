package codec

import (
	"encoding/binary"
	"math"
)

// int, bigint, counter, smallint, tinyint: big-endian two's complement of
// 4, 8, 8, 2 and 1 bytes (native_protocol_v5.spec sections 5.11, 5.2,
// 5.15, 5.20).

var (
	tInt      = Type{ID: TypeInt}
	tBigint   = Type{ID: TypeBigint}
	tSmallint = Type{ID: TypeSmallint}
	tTinyint  = Type{ID: TypeTinyint}
)

func fixedLen(t Type, b []byte, n int) error {
	if len(b) == 0 {
		return ErrNull
	}
	if len(b) != n {
		return decErr(t, "want %d bytes, got %d", n, len(b))
	}
	return nil
}

// DecodeInt decodes an int. NULL and empty values return ErrNull.
func DecodeInt(b []byte) (int32, error) {
	if err := fixedLen(tInt, b, 4); err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

// DecodeBigint decodes a bigint or counter. NULL and empty values return ErrNull.
func DecodeBigint(b []byte) (int64, error) {
	if err := fixedLen(tBigint, b, 8); err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// DecodeSmallint decodes a smallint. NULL and empty values return ErrNull.
func DecodeSmallint(b []byte) (int16, error) {
	if err := fixedLen(tSmallint, b, 2); err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(b)), nil
}

// DecodeTinyint decodes a tinyint. NULL and empty values return ErrNull.
func DecodeTinyint(b []byte) (int8, error) {
	if err := fixedLen(tTinyint, b, 1); err != nil {
		return 0, err
	}
	return int8(b[0]), nil
}

// intRange checks that v is a Go integer within [lo, hi].
func intRange(t Type, v any, lo, hi int64) (int64, error) {
	n, ok, overflow := asInt64(v)
	if !ok {
		return 0, encTypeErr(t, v)
	}
	if overflow || n < lo || n > hi {
		return 0, encErr(t, v, "value %v out of range [%d, %d]", v, lo, hi)
	}
	return n, nil
}

func encInt(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if x, ok := v.(int32); ok {
			return binary.BigEndian.AppendUint32(dst, uint32(x)), nil
		}
		n, err := intRange(t, v, math.MinInt32, math.MaxInt32)
		if err != nil {
			return dst, err
		}
		return binary.BigEndian.AppendUint32(dst, uint32(n)), nil
	}
}

func encBigint(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if x, ok := v.(int64); ok {
			return binary.BigEndian.AppendUint64(dst, uint64(x)), nil
		}
		n, err := intRange(t, v, math.MinInt64, math.MaxInt64)
		if err != nil {
			return dst, err
		}
		return binary.BigEndian.AppendUint64(dst, uint64(n)), nil
	}
}

func encSmallint(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		n, err := intRange(t, v, math.MinInt16, math.MaxInt16)
		if err != nil {
			return dst, err
		}
		return binary.BigEndian.AppendUint16(dst, uint16(n)), nil
	}
}

func encTinyint(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		n, err := intRange(t, v, math.MinInt8, math.MaxInt8)
		if err != nil {
			return dst, err
		}
		return append(dst, byte(n)), nil
	}
}
