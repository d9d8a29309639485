package codec

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Encoding list<T> and set<T> from the natural Go slice of T ([]int32 for
// list<int>, []string for list<text>...) without boxing each element.

// sliceEncoder appends a whole []T as a collection, or reports that v is
// not a []T.
type sliceEncoder func(dst []byte, v any) ([]byte, bool, error)

func encSliceOf[T any](t Type, app func(dst []byte, x T) ([]byte, error)) sliceEncoder {
	return func(dst []byte, v any) ([]byte, bool, error) {
		xs, ok := v.([]T)
		if !ok {
			return dst, false, nil
		}
		start := len(dst)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(xs)))
		for i, x := range xs {
			at := len(dst)
			out, err := app(append(dst, 0, 0, 0, 0), x)
			if err != nil {
				return dst[:start], true, encWrap(t, v, "element "+strconv.Itoa(i), err)
			}
			dst = putInt32(out, at, int32(len(out)-at-4))
		}
		return dst, true, nil
	}
}

// sliceEncoderFor returns the fast path of list<elem> and set<elem>, or nil.
func sliceEncoderFor(coll Type, elem Type) sliceEncoder {
	switch elem.ID {
	case TypeInt:
		return encSliceOf(coll, func(dst []byte, x int32) ([]byte, error) {
			return binary.BigEndian.AppendUint32(dst, uint32(x)), nil
		})
	case TypeBigint, TypeCounter:
		return encSliceOf(coll, func(dst []byte, x int64) ([]byte, error) {
			return binary.BigEndian.AppendUint64(dst, uint64(x)), nil
		})
	case TypeDouble:
		return encSliceOf(coll, func(dst []byte, x float64) ([]byte, error) {
			return binary.BigEndian.AppendUint64(dst, math.Float64bits(x)), nil
		})
	case TypeFloat:
		return encSliceOf(coll, func(dst []byte, x float32) ([]byte, error) {
			return binary.BigEndian.AppendUint32(dst, math.Float32bits(x)), nil
		})
	case TypeBoolean:
		return encSliceOf(coll, func(dst []byte, x bool) ([]byte, error) {
			if x {
				return append(dst, 1), nil
			}
			return append(dst, 0), nil
		})
	case TypeVarchar:
		return encSliceOf(coll, func(dst []byte, x string) ([]byte, error) {
			if !utf8.ValidString(x) {
				return dst, encErr(elem, x, "invalid UTF-8")
			}
			return append(dst, x...), nil
		})
	case TypeUUID:
		return encSliceOf(coll, func(dst []byte, x uuid.UUID) ([]byte, error) {
			return append(dst, x[:]...), nil
		})
	case TypeTimestamp:
		return encSliceOf(coll, func(dst []byte, x time.Time) ([]byte, error) {
			if !msInRange(x) {
				return dst, encErr(elem, x, "%v is outside the range of an int64 of milliseconds", x)
			}
			return binary.BigEndian.AppendUint64(dst, uint64(x.UnixMilli())), nil
		})
	}
	return nil
}
