package codec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// duration: three zig-zag [vint]s, months, days and nanoseconds, all of the
// same sign (native_protocol_v5.spec section 5.8).

var tDuration = Type{ID: TypeDuration}

// Duration is a CQL duration. Months and days are kept apart from
// nanoseconds because their length in time depends on the calendar.
type Duration struct {
	Months      int32
	Days        int32
	Nanoseconds int64
}

// DecodeDuration decodes a duration; mixed signs, out-of-range months or
// days and trailing bytes are errors. NULL and empty values return ErrNull.
func DecodeDuration(b []byte) (Duration, error) {
	if len(b) == 0 {
		return Duration{}, ErrNull
	}
	var vals [3]int64
	off := 0
	for i := range vals {
		v, n, err := readVint(b[off:])
		if err != nil {
			return Duration{}, decWrap(tDuration, "", err)
		}
		vals[i] = v
		off += n
	}
	if off != len(b) {
		return Duration{}, decErr(tDuration, "%d trailing bytes", len(b)-off)
	}
	for _, v := range vals[:2] {
		if v < math.MinInt32 || v > math.MaxInt32 {
			return Duration{}, decErr(tDuration, "months or days %d out of int32 range", v)
		}
	}
	d := Duration{Months: int32(vals[0]), Days: int32(vals[1]), Nanoseconds: vals[2]}
	if !d.signsAgree() {
		return Duration{}, decErr(tDuration, "months, days and nanoseconds have mixed signs")
	}
	return d, nil
}

func (d Duration) signsAgree() bool {
	neg := d.Months < 0 || d.Days < 0 || d.Nanoseconds < 0
	pos := d.Months > 0 || d.Days > 0 || d.Nanoseconds > 0
	return !(neg && pos)
}

// String formats d as CQL writes duration literals, e.g. "1y2mo3d4h5m6s7ms"
// or "-3d"; the zero duration is "0s".
func (d Duration) String() string {
	if d == (Duration{}) {
		return "0s"
	}
	var b strings.Builder
	months, days, ns := int64(d.Months), int64(d.Days), d.Nanoseconds
	var uns uint64
	if months < 0 || days < 0 || ns < 0 {
		b.WriteByte('-')
		months, days = -months, -days
		uns = uint64(-(ns + 1)) + 1 // no overflow for MinInt64
	} else {
		uns = uint64(ns)
	}
	unit := func(n uint64, s string) {
		if n != 0 {
			b.WriteString(strconv.FormatUint(n, 10))
			b.WriteString(s)
		}
	}
	unit(uint64(months/12), "y")
	unit(uint64(months%12), "mo")
	unit(uint64(days), "d")
	for _, u := range []struct {
		n uint64
		s string
	}{{uint64(time.Hour), "h"}, {uint64(time.Minute), "m"}, {uint64(time.Second), "s"}, {1e6, "ms"}, {1e3, "us"}, {1, "ns"}} {
		unit(uns/u.n, u.s)
		uns %= u.n
	}
	return b.String()
}

// encDuration takes a Duration or a time.Duration (nanoseconds only).
func encDuration(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		var d Duration
		switch x := v.(type) {
		case Duration:
			d = x
		case time.Duration:
			d = Duration{Nanoseconds: int64(x)}
		default:
			return dst, encTypeErr(t, v)
		}
		if !d.signsAgree() {
			return dst, encErr(t, v, "months, days and nanoseconds must not have mixed signs (%+v)", d)
		}
		dst = appendVint(dst, int64(d.Months))
		dst = appendVint(dst, int64(d.Days))
		return appendVint(dst, d.Nanoseconds), nil
	}
}

var _ fmt.Stringer = Duration{}
