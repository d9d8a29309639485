package codec

import (
	"fmt"
	"reflect"
)

// tuple: one [bytes] per component, -1 for NULL (native_protocol_v5.spec
// section 5.21). A tuple decodes to []any with one entry per component;
// values shorter than the type leave the missing components nil. An empty
// (zero-byte) value decodes as NULL, so that a hostile list of empty
// tuples cannot make each 4-byte element allocate a whole []any.

func tupleDecPlan(t Type, elems []*decPlan) *decPlan {
	p := &decPlan{t: t, rt: rtAnySlice, emptyIsNull: true}
	p.fn = func(b []byte) (any, error) {
		out := make([]any, len(elems))
		rest := b
		for i, e := range elems {
			if len(rest) == 0 {
				break
			}
			var eb []byte
			var err error
			if eb, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
			if out[i], err = e.decode(eb); err != nil {
				return nil, decWrap(t, fmt.Sprintf("component %d", i), err)
			}
		}
		if err := trailing(t, rest); err != nil {
			return nil, err
		}
		return out, nil
	}
	return p
}

// appendField appends one [bytes] tuple component or UDT field, -1 for NULL.
func appendField(dst []byte, t Type, p *encPlan, v, outer any, what string) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	out, kind, err := p.encode(dst, v)
	if err != nil {
		return dst[:start], encWrap(t, outer, what, err)
	}
	switch kind {
	case KindNull:
		return putInt32(out, start, -1), nil
	case KindUnset:
		return dst[:start], encErr(t, outer, "%s is unset; only whole bind values can be unset", what)
	}
	return putInt32(out, start, int32(len(out)-start-4)), nil
}

// encTuple takes []any or any slice or array with one element per
// component, or a struct whose exported fields are the components in order.
func encTuple(t Type, elems []*encPlan) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		rv := reflect.ValueOf(v)
		var get func(i int) any
		n := 0
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			n = rv.Len()
			get = func(i int) any { return rv.Index(i).Interface() }
		case reflect.Struct:
			fields := exportedFields(rv.Type())
			n = len(fields)
			get = func(i int) any { return rv.Field(fields[i]).Interface() }
		default:
			return dst, encTypeErr(t, v)
		}
		if n != len(elems) {
			return dst, encErr(t, v, "%d values for %d components", n, len(elems))
		}
		start := len(dst)
		var err error
		for i, e := range elems {
			if dst, err = appendField(dst, t, e, get(i), v, fmt.Sprintf("component %d", i)); err != nil {
				return dst[:start], err
			}
		}
		return dst, nil
	}
}

func exportedFields(rt reflect.Type) []int {
	var idx []int
	for i := 0; i < rt.NumField(); i++ {
		if rt.Field(i).IsExported() {
			idx = append(idx, i)
		}
	}
	return idx
}
