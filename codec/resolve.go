package codec

import (
	"database/sql/driver"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"time"

	"github.com/google/uuid"
)

// resolve reduces v to a value the encoders understand: it reports nil,
// nil pointers, nil slices and maps and Valuers returning nil as KindNull, Unset as KindUnset,
// calls driver.Valuer (except on this package's types and uuid.UUID, which
// the encoders take directly) and dereferences pointers (except *big.Int).
func resolve(t Type, v any) (any, Kind, error) {
	for range 16 {
		switch x := v.(type) {
		case nil:
			return nil, KindNull, nil
		case UnsetValue, *UnsetValue:
			return nil, KindUnset, nil
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
			float32, float64, bool, string, time.Time, time.Duration,
			uuid.UUID, [16]byte, Decimal, Date, Duration, big.Int, netip.Addr:
			return v, KindBytes, nil
		case []byte:
			if x == nil {
				return nil, KindNull, nil
			}
			return v, KindBytes, nil
		case net.IP:
			if x == nil {
				return nil, KindNull, nil
			}
			return v, KindBytes, nil
		case *big.Int:
			if x == nil {
				return nil, KindNull, nil
			}
			return v, KindBytes, nil
		case *Decimal:
			if x == nil {
				return nil, KindNull, nil
			}
			return *x, KindBytes, nil
		case driver.Valuer:
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
				return nil, KindNull, nil
			}
			nv, err := x.Value()
			if err != nil {
				return nil, KindBytes, encWrap(t, v, "driver.Valuer failed", err)
			}
			v = nv
			continue
		}
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Slice, reflect.Map:
			// A nil slice or map is NULL, as database/sql does for nil
			// []byte; Cassandra stores an empty collection as NULL anyway.
			// Send an empty non-nil one for an empty frozen collection.
			if rv.IsNil() {
				return nil, KindNull, nil
			}
			return v, KindBytes, nil
		case reflect.Pointer:
		default:
			return v, KindBytes, nil
		}
		if rv.IsNil() {
			return nil, KindNull, nil
		}
		v = rv.Elem().Interface()
	}
	return nil, KindBytes, encErr(t, v, "too many pointer or driver.Valuer indirections")
}

func (p *encPlan) encode(dst []byte, v any) ([]byte, Kind, error) {
	v, kind, err := resolve(p.t, v)
	if err != nil || kind != KindBytes {
		return dst, kind, err
	}
	out, err := p.fn(dst, v)
	if err != nil {
		return dst, KindBytes, err
	}
	return out, KindBytes, nil
}
