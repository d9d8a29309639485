package codec

import (
	"encoding/binary"
	"fmt"
	"reflect"
)

// list, set and map: an [int] count then that many [bytes] elements, or
// key/value pairs for map (native_protocol_v5.spec sections 5.12-5.14).
// A NULL collection (which is what Cassandra returns for an empty one that
// is not frozen) decodes to a nil slice or map of the column's Go type; a
// value with count 0 (an empty frozen collection) to an empty non-nil one,
// so that re-encoding keeps the difference.
// A list or set decodes to a typed slice ([]int32, [][]string...); a map to
// a typed Go map, or to []MapEntry when the key's Go type cannot be a Go
// map key (blob, inet, collections, tuples, UDTs, vectors) or has no useful
// equality (varint, decimal).

// MapEntry is one key/value pair of a CQL map whose keys cannot be Go map
// keys. Decoding keeps the wire order (Cassandra sorts map keys).
type MapEntry struct {
	Key   any
	Value any
}

// readCount reads the [int] element count of a collection and checks that
// the rest of b can hold n elements of at least per bytes each, before
// anything is allocated for them.
func readCount(t Type, b []byte, per int) (int, []byte, error) {
	if len(b) < 4 {
		return 0, nil, decErr(t, "want a 4-byte element count, got %d bytes", len(b))
	}
	n := int32(binary.BigEndian.Uint32(b))
	rest := b[4:]
	if n < 0 {
		return 0, nil, decErr(t, "negative element count %d", n)
	}
	if int64(n)*int64(per) > int64(len(rest)) {
		return 0, nil, decErr(t, "%d elements cannot fit in %d bytes", n, len(rest))
	}
	return int(n), rest, nil
}

// readBytes reads one [bytes]: nil for length -1 (NULL).
func readBytes(t Type, b []byte) ([]byte, []byte, error) {
	if len(b) < 4 {
		return nil, nil, decErr(t, "truncated element length")
	}
	n := int32(binary.BigEndian.Uint32(b))
	b = b[4:]
	switch {
	case n == -1:
		return nil, b, nil
	case n < 0:
		return nil, nil, decErr(t, "invalid element length %d", n)
	case int64(n) > int64(len(b)):
		return nil, nil, decErr(t, "element length %d beyond the %d bytes left", n, len(b))
	}
	return b[:n:n], b[n:], nil
}

func trailing(t Type, rest []byte) error {
	if len(rest) != 0 {
		return decErr(t, "%d trailing bytes", len(rest))
	}
	return nil
}

// setElem stores a decoded value into a slice element or map slot;
// NULL elements (which Cassandra never sends in collections) stay zero.
func setElem(dst reflect.Value, v any) {
	if v != nil {
		dst.Set(reflect.ValueOf(v))
	}
}

func listDecPlan(t Type, elem *decPlan) *decPlan {
	rt := reflect.SliceOf(elem.rt)
	null := reflect.Zero(rt).Interface()
	p := &decPlan{t: t, rt: rt, null: null, emptyIsNull: true}
	p.fn = func(b []byte) (any, error) {
		n, rest, err := readCount(t, b, 4)
		if err != nil {
			return nil, err
		}
		if elem.list != nil {
			v, rest, err := elem.list(t, n, rest)
			if err == nil {
				err = trailing(t, rest)
			}
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		s := reflect.MakeSlice(rt, n, n)
		for i := 0; i < n; i++ {
			var e []byte
			if e, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
			v, err := elem.decode(e)
			if err != nil {
				return nil, decWrap(t, fmt.Sprintf("element %d", i), err)
			}
			setElem(s.Index(i), v)
		}
		if err := trailing(t, rest); err != nil {
			return nil, err
		}
		return s.Interface(), nil
	}
	return p
}

// usableKey reports whether values of rt can be Go map keys that compare
// by value.
func usableKey(rt reflect.Type) bool {
	return rt.Comparable() && rt != rtBigInt && rt != rtDecimal
}

func mapDecPlan(t Type, kp, vp *decPlan) *decPlan {
	asMap := usableKey(kp.rt)
	rt := rtEntries
	if asMap {
		rt = reflect.MapOf(kp.rt, vp.rt)
	}
	null := reflect.Zero(rt).Interface()
	p := &decPlan{t: t, rt: rt, null: null, emptyIsNull: true}
	p.fn = func(b []byte) (any, error) {
		n, rest, err := readCount(t, b, 8)
		if err != nil {
			return nil, err
		}
		var m reflect.Value
		var entries []MapEntry
		if asMap {
			m = reflect.MakeMapWithSize(rt, n)
		} else {
			entries = make([]MapEntry, n)
		}
		kv := reflect.New(kp.rt).Elem()
		vv := reflect.New(vp.rt).Elem()
		for i := 0; i < n; i++ {
			var kb, vb []byte
			if kb, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
			if vb, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
			k, err := kp.decode(kb)
			if err != nil {
				return nil, decWrap(t, fmt.Sprintf("key %d", i), err)
			}
			v, err := vp.decode(vb)
			if err != nil {
				return nil, decWrap(t, fmt.Sprintf("value %d", i), err)
			}
			if !asMap {
				entries[i] = MapEntry{Key: k, Value: v}
				continue
			}
			kv.SetZero()
			vv.SetZero()
			setElem(kv, k)
			setElem(vv, v)
			m.SetMapIndex(kv, vv)
		}
		if err := trailing(t, rest); err != nil {
			return nil, err
		}
		if !asMap {
			return entries, nil
		}
		return m.Interface(), nil
	}
	return p
}

// appendElem appends one [bytes] collection element; NULL and Unset are
// refused (Cassandra rejects null inside list, set and map).
// Errors name the whole collection (outer) and the element's own type.
func appendElem(dst []byte, t Type, p *encPlan, v, outer any, what string) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	out, kind, err := p.encode(dst, v)
	if err != nil {
		return dst[:start], encWrap(t, outer, what, err)
	}
	if kind != KindBytes {
		return dst[:start], encErr(t, outer, "%s is %s; collections cannot hold NULL or unset", what, kind)
	}
	return putInt32(out, start, int32(len(out)-start-4)), nil
}

// encList takes any slice or array (not a string); []byte is a list of
// tinyint-sized numbers here, not a blob.
func encList(t Type, elem *encPlan) func([]byte, any) ([]byte, error) {
	fast := sliceEncoderFor(t, t.Elems[0])
	return func(dst []byte, v any) ([]byte, error) {
		if fast != nil {
			if out, ok, err := fast(dst, v); ok {
				return out, err
			}
		}
		if xs, ok := v.([]any); ok {
			dst = binary.BigEndian.AppendUint32(dst, uint32(len(xs)))
			var err error
			for i, x := range xs {
				if dst, err = appendElem(dst, t, elem, x, v, fmt.Sprintf("element %d", i)); err != nil {
					return dst, err
				}
			}
			return dst, nil
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return dst, encTypeErr(t, v)
		}
		start := len(dst)
		n := rv.Len()
		dst = binary.BigEndian.AppendUint32(dst, uint32(n))
		var err error
		for i := 0; i < n; i++ {
			if dst, err = appendElem(dst, t, elem, rv.Index(i).Interface(), v, fmt.Sprintf("element %d", i)); err != nil {
				return dst[:start], err
			}
		}
		return dst, nil
	}
}

// encMap takes any Go map and []MapEntry (written in slice order).
func encMap(t Type, kp, vp *encPlan) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		start := len(dst)
		var err error
		if es, ok := v.([]MapEntry); ok {
			dst = binary.BigEndian.AppendUint32(dst, uint32(len(es)))
			for i, e := range es {
				if dst, err = appendElem(dst, t, kp, e.Key, v, fmt.Sprintf("key %d", i)); err != nil {
					return dst[:start], err
				}
				if dst, err = appendElem(dst, t, vp, e.Value, v, fmt.Sprintf("value %d", i)); err != nil {
					return dst[:start], err
				}
			}
			return dst, nil
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map {
			return dst, encTypeErr(t, v)
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(rv.Len()))
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().Interface()
			if dst, err = appendElem(dst, t, kp, k, v, fmt.Sprintf("key %v", k)); err != nil {
				return dst[:start], err
			}
			if dst, err = appendElem(dst, t, vp, it.Value().Interface(), v, fmt.Sprintf("value of key %v", k)); err != nil {
				return dst[:start], err
			}
		}
		return dst, nil
	}
}
