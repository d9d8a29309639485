package codec

import (
	"encoding/binary"
	"math"
	"time"
)

// timestamp: 8-byte signed milliseconds since the Unix epoch
// (native_protocol_v5.spec section 5.18).

var tTimestamp = Type{ID: TypeTimestamp}

// DecodeTimestamp decodes a timestamp as a time.Time in UTC. Every int64
// millisecond count fits in time.Time. NULL and empty values return ErrNull.
func DecodeTimestamp(b []byte) (time.Time, error) {
	if err := fixedLen(tTimestamp, b, 8); err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b))).UTC(), nil
}

// encTimestamp takes a time.Time in any location (the instant is what
// counts); sub-millisecond precision is truncated toward the past.
func encTimestamp(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		x, ok := v.(time.Time)
		if !ok {
			return dst, encTypeErr(t, v)
		}
		if !msInRange(x) {
			return dst, encErr(t, v, "%v is outside the range of an int64 of milliseconds", x)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(x.UnixMilli())), nil
	}
}

// msInRange reports whether the milliseconds since the epoch of x,
// floor(sec*1000 + nsec/1e6), fit in an int64: time.UnixMilli(math.MinInt64)
// is second MinInt64/1000-1 plus 192 ms, time.UnixMilli(math.MaxInt64)
// second MaxInt64/1000 plus 807 ms.
func msInRange(x time.Time) bool {
	sec, msPart := x.Unix(), int64(x.Nanosecond()/1e6)
	const hi, lo = math.MaxInt64 / 1000, math.MinInt64/1000 - 1
	switch {
	case sec > hi || sec < lo:
		return false
	case sec == hi:
		return msPart <= math.MaxInt64%1000
	case sec == lo:
		return msPart >= 1000+math.MinInt64%1000
	}
	return true
}
