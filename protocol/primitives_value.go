package protocol

import (
	"fmt"
	"math"
)

// Value is a bound value, encoded as a [value]: bytes, null or not set.
//
// The zero Value is null. A Value with a non-nil, possibly empty, Bytes is
// those bytes (an empty value is not null). Unset marks a value as "not set"
// (length -2: the column keeps its current value), which protocol v3 cannot
// express: encoding it for v3 is an error.
type Value struct {
	Bytes []byte
	Unset bool
}

// Null and NotSet are the two special values.
var (
	Null   = Value{}
	NotSet = Value{Unset: true}
)

// BytesValue returns a Value holding b; a nil b is stored as an empty,
// non-null value. Use Null for null.
func BytesValue(b []byte) Value {
	if b == nil {
		b = []byte{}
	}
	return Value{Bytes: b}
}

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return !v.Unset && v.Bytes == nil }

// AppendValue appends val as a [value] for protocol version v.
func AppendValue(dst []byte, val Value, v Version) ([]byte, error) {
	switch {
	case val.Unset:
		if v < V4 {
			return dst, fmt.Errorf("cassandra: a not-set value needs protocol v4 or later, the connection uses %v", v)
		}
		return AppendInt(dst, -2), nil
	case val.Bytes == nil:
		return AppendInt(dst, -1), nil
	case len(val.Bytes) > math.MaxInt32:
		return dst, fmt.Errorf("%w: [value] of %d bytes", ErrTooLong, len(val.Bytes))
	}
	dst = AppendInt(dst, int32(len(val.Bytes)))
	return append(dst, val.Bytes...), nil
}
