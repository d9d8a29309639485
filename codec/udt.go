package codec

import (
	"fmt"
	"reflect"
	"strings"
)

// UDT: one [bytes] per field in the type's order, -1 for NULL; a value may
// have fewer fields than the type (native_protocol_v5.spec section 6).
// A UDT decodes to map[string]any holding every field of the type: fields
// the value lacks (added to the type after it was written) are nil. Values
// after the last known field (the type grew after our metadata was read)
// are checked for well-formedness and ignored.

func udtDecPlan(t Type, elems []*decPlan) *decPlan {
	p := &decPlan{t: t, rt: rtUDTMap, emptyIsNull: true}
	p.fn = func(b []byte) (any, error) {
		out := make(map[string]any, len(elems))
		rest := b
		for i, e := range elems {
			if len(rest) == 0 {
				out[t.Fields[i]] = nil
				continue
			}
			var fb []byte
			var err error
			if fb, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
			v, err := e.decode(fb)
			if err != nil {
				return nil, decWrap(t, fmt.Sprintf("field %q", t.Fields[i]), err)
			}
			out[t.Fields[i]] = v
		}
		for len(rest) > 0 {
			var err error
			if _, rest, err = readBytes(t, rest); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return p
}

// structField is a struct field mapped to a CQL field name.
type structField struct {
	name   string
	index  int
	tagged bool
}

// cqlFields maps the exported fields of a struct type to CQL names: the
// `cql:"name"` tag, else the lower-cased field name; `cql:"-"` skips.
func cqlFields(rt reflect.Type) []structField {
	var out []structField
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, tagged := f.Tag.Lookup("cql")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name, tagged = strings.ToLower(f.Name), false
		}
		out = append(out, structField{name: name, index: i, tagged: tagged})
	}
	return out
}

// encUDT takes map[string]T (unknown keys are an error, missing fields are
// NULL) and structs mapped by cqlFields (a tagged field the UDT lacks is an
// error; an untagged one is ignored; missing fields are NULL).
func encUDT(t Type, elems []*encPlan) func([]byte, any) ([]byte, error) {
	pos := make(map[string]int, len(t.Fields))
	for i, f := range t.Fields {
		pos[f] = i
	}
	return func(dst []byte, v any) ([]byte, error) {
		vals := make([]any, len(elems))
		rv := reflect.ValueOf(v)
		switch {
		case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
			it := rv.MapRange()
			for it.Next() {
				k := it.Key().String()
				i, ok := pos[k]
				if !ok {
					return dst, encErr(t, v, "the UDT has no field %q", k)
				}
				vals[i] = it.Value().Interface()
			}
		case rv.Kind() == reflect.Struct:
			for _, f := range cqlFields(rv.Type()) {
				i, ok := pos[f.name]
				if !ok {
					if f.tagged {
						return dst, encErr(t, v, "the UDT has no field %q (struct field %s)", f.name, rv.Type().Field(f.index).Name)
					}
					continue
				}
				vals[i] = rv.Field(f.index).Interface()
			}
		default:
			return dst, encTypeErr(t, v)
		}
		start := len(dst)
		var err error
		for i, e := range elems {
			if dst, err = appendField(dst, t, e, vals[i], v, fmt.Sprintf("field %q", t.Fields[i])); err != nil {
				return dst[:start], err
			}
		}
		return dst, nil
	}
}
