package codec

import (
	"errors"
	"fmt"
	"math/big"
	"net"
	"reflect"
	"time"

	"github.com/google/uuid"
)

var (
	rtInt8     = reflect.TypeOf(int8(0))
	rtInt16    = reflect.TypeOf(int16(0))
	rtInt32    = reflect.TypeOf(int32(0))
	rtInt64    = reflect.TypeOf(int64(0))
	rtFloat32  = reflect.TypeOf(float32(0))
	rtFloat64  = reflect.TypeOf(float64(0))
	rtBool     = reflect.TypeOf(false)
	rtUUID     = reflect.TypeOf(uuid.UUID{})
	rtTime     = reflect.TypeOf(time.Time{})
	rtDuration = reflect.TypeOf(time.Duration(0))
	rtDate     = reflect.TypeOf(Date(0))
	rtCQLDur   = reflect.TypeOf(Duration{})
	rtIP       = reflect.TypeOf(net.IP(nil))
	rtBigInt   = reflect.TypeOf((*big.Int)(nil))
	rtDecimal  = reflect.TypeOf(Decimal{})
	rtAnySlice = reflect.TypeOf([]any(nil))
	rtUDTMap   = reflect.TypeOf(map[string]any(nil))
	rtEntries  = reflect.TypeOf([]MapEntry(nil))
)

// scalar builds the plan of a type decoded by a typed decoder f.
func scalar[T any](t Type, rt reflect.Type, fixed int, emptyIsNull bool, f func([]byte) (T, error)) *decPlan {
	return &decPlan{
		t: t, rt: rt, fixed: fixed, emptyIsNull: emptyIsNull,
		fn: func(b []byte) (any, error) {
			v, err := f(b)
			if err != nil {
				return nil, retype(err, t)
			}
			return v, nil
		},
		list: func(coll Type, n int, rest []byte) (any, []byte, error) {
			out := make([]T, n)
			for i := range out {
				var e []byte
				var err error
				if e, rest, err = readBytes(coll, rest); err != nil {
					return nil, nil, err
				}
				if e == nil || len(e) == 0 && emptyIsNull {
					continue // NULL element: the zero value
				}
				if out[i], err = f(e); err != nil {
					return nil, nil, decWrap(coll, fmt.Sprintf("element %d", i), retype(err, t))
				}
			}
			return out, rest, nil
		},
	}
}

// retype makes an error of a shared typed decoder name the column's own
// type (counter rather than bigint, varchar rather than text...).
func retype(err error, t Type) error {
	var e *Error
	if errors.As(err, &e) && e.Op == OpDecode {
		c := *e
		c.CQL = t.String()
		return &c
	}
	return err
}

// compileDec compiles the plan of t, found at depth; its components come
// from s when s is not nil.
func compileDec(t Type, depth int, s *DecoderSet) (*decPlan, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("cassandra: type nesting deeper than %d", maxDepth)
	}
	switch t.ID {
	case TypeInt:
		return scalar(t, rtInt32, 4, true, DecodeInt), nil
	case TypeBigint, TypeCounter:
		return scalar(t, rtInt64, 8, true, DecodeBigint), nil
	case TypeSmallint:
		return scalar(t, rtInt16, 0, true, DecodeSmallint), nil
	case TypeTinyint:
		return scalar(t, rtInt8, 0, true, DecodeTinyint), nil
	case TypeFloat:
		return scalar(t, rtFloat32, 4, true, DecodeFloat), nil
	case TypeDouble:
		return scalar(t, rtFloat64, 8, true, DecodeDouble), nil
	case TypeBoolean:
		return scalar(t, rtBool, 1, true, DecodeBoolean), nil
	case TypeUUID, TypeTimeUUID:
		return scalar(t, rtUUID, 16, true, DecodeUUID), nil
	case TypeTimestamp:
		return scalar(t, rtTime, 8, true, DecodeTimestamp), nil
	case TypeDate:
		return scalar(t, rtDate, 0, true, DecodeDate), nil
	case TypeTime:
		return scalar(t, rtDuration, 0, true, DecodeTime), nil
	case TypeDuration:
		return scalar(t, rtCQLDur, 0, true, DecodeDuration), nil
	case TypeInet:
		return scalar(t, rtIP, 0, true, DecodeInet), nil
	case TypeVarint:
		return scalar(t, rtBigInt, 0, true, DecodeVarint), nil
	case TypeDecimal:
		return scalar(t, rtDecimal, 0, true, DecodeDecimal), nil
	case TypeVarchar:
		return scalar(t, rtString, 0, false, DecodeText), nil
	case TypeASCII:
		return scalar(t, rtString, 0, false, DecodeASCII), nil
	case TypeBlob, TypeCustom:
		return &decPlan{t: t, rt: rtBytes, fn: func(b []byte) (any, error) { return DecodeBlob(b), nil }}, nil
	case TypeList, TypeSet:
		if len(t.Elems) != 1 {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 1 element type, got %d", t, len(t.Elems))
		}
		elem, err := subDec(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		return listDecPlan(t, elem), nil
	case TypeMap:
		if len(t.Elems) != 2 {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 2 element types, got %d", t, len(t.Elems))
		}
		k, err := subDec(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		v, err := subDec(t.Elems[1], depth+1, s)
		if err != nil {
			return nil, err
		}
		return mapDecPlan(t, k, v), nil
	case TypeTuple, TypeUDT:
		if t.ID == TypeUDT && len(t.Fields) != len(t.Elems) {
			return nil, fmt.Errorf("cassandra: malformed type %s: %d field names for %d field types", t, len(t.Fields), len(t.Elems))
		}
		elems := make([]*decPlan, len(t.Elems))
		for i, e := range t.Elems {
			p, err := subDec(e, depth+1, s)
			if err != nil {
				return nil, err
			}
			elems[i] = p
		}
		if t.ID == TypeTuple {
			return tupleDecPlan(t, elems), nil
		}
		return udtDecPlan(t, elems), nil
	case TypeVector:
		if len(t.Elems) != 1 || t.Dimension < 1 || t.Dimension > maxVectorDim {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 1 element type and a dimension in 1..%d", t, maxVectorDim)
		}
		elem, err := subDec(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		return vectorDecPlan(t, elem), nil
	}
	return nil, fmt.Errorf("cassandra: unknown CQL type id 0x%04x", uint16(t.ID))
}

// compileEnc compiles the plan of t, found at depth; its components come
// from s when s is not nil.
func compileEnc(t Type, depth int, s *EncoderSet) (*encPlan, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("cassandra: type nesting deeper than %d", maxDepth)
	}
	p := &encPlan{t: t}
	switch t.ID {
	case TypeInt:
		p.fn, p.fixed = encInt(t), 4
	case TypeBigint, TypeCounter:
		p.fn, p.fixed = encBigint(t), 8
	case TypeSmallint:
		p.fn = encSmallint(t)
	case TypeTinyint:
		p.fn = encTinyint(t)
	case TypeFloat:
		p.fn, p.fixed = encFloat(t), 4
	case TypeDouble:
		p.fn, p.fixed = encDouble(t), 8
	case TypeBoolean:
		p.fn, p.fixed = encBoolean(t), 1
	case TypeUUID, TypeTimeUUID:
		p.fn, p.fixed = encUUID(t), 16
	case TypeTimestamp:
		p.fn, p.fixed = encTimestamp(t), 8
	case TypeDate:
		p.fn = encDate(t)
	case TypeTime:
		p.fn = encTime(t)
	case TypeDuration:
		p.fn = encDuration(t)
	case TypeInet:
		p.fn = encInet(t)
	case TypeVarint:
		p.fn = encVarint(t)
	case TypeDecimal:
		p.fn = encDecimal(t)
	case TypeVarchar:
		p.fn = encText(t)
	case TypeASCII:
		p.fn = encASCII(t)
	case TypeBlob, TypeCustom:
		p.fn = encBlob(t)
	case TypeList, TypeSet:
		if len(t.Elems) != 1 {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 1 element type, got %d", t, len(t.Elems))
		}
		elem, err := subEnc(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		p.fn = encList(t, elem)
	case TypeMap:
		if len(t.Elems) != 2 {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 2 element types, got %d", t, len(t.Elems))
		}
		k, err := subEnc(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		v, err := subEnc(t.Elems[1], depth+1, s)
		if err != nil {
			return nil, err
		}
		p.fn = encMap(t, k, v)
	case TypeTuple, TypeUDT:
		if t.ID == TypeUDT && len(t.Fields) != len(t.Elems) {
			return nil, fmt.Errorf("cassandra: malformed type %s: %d field names for %d field types", t, len(t.Fields), len(t.Elems))
		}
		elems := make([]*encPlan, len(t.Elems))
		for i, e := range t.Elems {
			ep, err := subEnc(e, depth+1, s)
			if err != nil {
				return nil, err
			}
			elems[i] = ep
		}
		if t.ID == TypeTuple {
			p.fn = encTuple(t, elems)
		} else {
			p.fn = encUDT(t, elems)
		}
	case TypeVector:
		if len(t.Elems) != 1 || t.Dimension < 1 || t.Dimension > maxVectorDim {
			return nil, fmt.Errorf("cassandra: malformed type %s: want 1 element type and a dimension in 1..%d", t, maxVectorDim)
		}
		elem, err := subEnc(t.Elems[0], depth+1, s)
		if err != nil {
			return nil, err
		}
		p.fn = encVector(t, elem)
		if elem.fixed > 0 {
			p.fixed = elem.fixed * t.Dimension
		}
	default:
		return nil, fmt.Errorf("cassandra: unknown CQL type id 0x%04x", uint16(t.ID))
	}
	return p, nil
}
