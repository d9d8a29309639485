package codec

import (
	"encoding/binary"
	"time"
)

// time: 8-byte signed nanoseconds since midnight, 0 to 86399999999999
// (native_protocol_v5.spec section 5.17).

var tTime = Type{ID: TypeTime}

const maxTimeOfDay = 24*time.Hour - 1

// DecodeTime decodes a time as a time.Duration since midnight; a value
// outside 0..86399999999999 is an error. NULL and empty values return ErrNull.
func DecodeTime(b []byte) (time.Duration, error) {
	if err := fixedLen(tTime, b, 8); err != nil {
		return 0, err
	}
	d := time.Duration(binary.BigEndian.Uint64(b))
	if d < 0 || d > maxTimeOfDay {
		return 0, decErr(tTime, "%d nanoseconds is outside 0..86399999999999", int64(d))
	}
	return d, nil
}

// encTime takes a time.Duration since midnight (or a time.Time, whose clock
// reading in its own location is used).
func encTime(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		var d time.Duration
		switch x := v.(type) {
		case time.Duration:
			d = x
		case time.Time:
			h, m, s := x.Clock()
			d = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
				time.Duration(s)*time.Second + time.Duration(x.Nanosecond())
		default:
			return dst, encTypeErr(t, v)
		}
		if d < 0 || d > maxTimeOfDay {
			return dst, encErr(t, v, "%v is outside 0..23:59:59.999999999", d)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(d)), nil
	}
}
