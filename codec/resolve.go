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
// nil pointers and Valuers returning nil as KindNull, Unset as KindUnset,
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
			float32, float64, bool, string, []byte, time.Time, time.Duration,
			uuid.UUID, [16]byte, Decimal, Date, Duration, big.Int, net.IP, netip.Addr,
			[]any, map[string]any, []float32, []MapEntry:
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
		if rv.Kind() != reflect.Pointer {
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
