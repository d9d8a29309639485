package codec

import (
	"encoding/binary"
	"fmt"
	"time"
)

// date: an unsigned 32-bit count of days with 2^31 at 1970-01-01
// (native_protocol_v5.spec section 5.5).

var tDate = Type{ID: TypeDate}

// Date is a CQL date: days since -5877641-06-23 such that 1<<31 is
// 1970-01-01. Its whole range (years -5877641 to 5881580) fits in
// time.Time, so Time never fails; the other direction, DateOf, can.
type Date uint32

// DateEpoch is the Date of 1970-01-01.
const DateEpoch Date = 1 << 31

const secondsPerDay = 86400

// DecodeDate decodes a date. NULL and empty values return ErrNull.
func DecodeDate(b []byte) (Date, error) {
	if err := fixedLen(tDate, b, 4); err != nil {
		return 0, err
	}
	return Date(binary.BigEndian.Uint32(b)), nil
}

// DateOf returns the Date of the calendar day of t in t's own location
// (2024-01-02T23:00-05:00 is 2024-01-02). It fails outside the CQL date range.
func DateOf(t time.Time) (Date, error) {
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / secondsPerDay
	return DateFromDays(days)
}

// DateFromDays returns the Date days after (or before, if negative)
// 1970-01-01, failing outside the CQL date range.
func DateFromDays(days int64) (Date, error) {
	n := days + int64(DateEpoch)
	if n < 0 || n > 1<<32-1 {
		return 0, fmt.Errorf("cassandra: %d days from 1970-01-01 is outside the CQL date range", days)
	}
	return Date(n), nil
}

// Days returns the signed number of days since 1970-01-01.
func (d Date) Days() int64 { return int64(d) - int64(DateEpoch) }

// Time returns midnight UTC of the day.
func (d Date) Time() time.Time {
	return time.Unix(d.Days()*secondsPerDay, 0).UTC()
}

// String formats the date as Cassandra does: YYYY-MM-DD, with a minus sign
// and more digits for years outside 0..9999 (0 is "-5877641-06-23").
func (d Date) String() string {
	y, m, day := d.Time().Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), day)
}

// encDate takes a Date, a time.Time (its calendar day, see DateOf) or a
// "YYYY-MM-DD" string.
func encDate(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		var d Date
		switch x := v.(type) {
		case Date:
			d = x
		case time.Time:
			var err error
			if d, err = DateOf(x); err != nil {
				return dst, encWrap(t, v, "", err)
			}
		case string:
			p, err := time.Parse("2006-01-02", x)
			if err != nil {
				return dst, encWrap(t, v, "want YYYY-MM-DD", err)
			}
			if d, err = DateOf(p); err != nil {
				return dst, encWrap(t, v, "", err)
			}
		default:
			return dst, encTypeErr(t, v)
		}
		return binary.BigEndian.AppendUint32(dst, uint32(d)), nil
	}
}
