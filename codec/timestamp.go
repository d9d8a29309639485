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
		sec := x.Unix()
		if sec > math.MaxInt64/1000-1 || sec < math.MinInt64/1000+1 {
			return dst, encErr(t, v, "%v is outside the range of a millisecond timestamp", x)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(x.UnixMilli())), nil
	}
}
