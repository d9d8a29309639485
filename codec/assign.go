package codec

import (
	"database/sql"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Assign stores src, a value as Decode returns it (nil for NULL), into the
// variable dst points to. The driver uses it for the Scan destinations
// database/sql cannot convert into (with Go 1.27 or newer) and in its
// cassandra.Scan and cassandra.As wrappers (with any Go).
//
// Accepted destinations, beyond *T of src's own type and *any:
//   - integers of any size (range-checked) from integers and *big.Int;
//     floats from floats (an overflow to ±Inf is an error) and integers;
//   - string from text and from anything with a String method (uuid, inet,
//     varint, decimal, date, duration), numbers and booleans; []byte from
//     blob and text (copied);
//   - time.Time from timestamp and date; codec.Date from date and
//     timestamp; netip.Addr from inet; big.Int, codec.Decimal;
//   - database/sql's Null types (sql.NullInt64 ... and sql.Null[T]), filled
//     through their value field so that any T above works;
//   - sql.Scanner implementations, given src unchanged;
//   - pointers (nil for NULL, allocated otherwise), at any depth;
//   - structs from a UDT (fields matched as when encoding: the `cql` tag,
//     else the lower-cased name; UDT fields the struct lacks are ignored, a
//     tagged struct field the UDT lacks is an error) and from a tuple
//     (exported fields in order);
//   - slices, arrays and maps, converting each element as above; a map
//     decoded as []MapEntry goes into a Go map whose key type can hold the
//     converted keys (map[string]int for map<inet, int>).
//
// NULL (nil, or the typed nil of an empty collection) goes into pointers,
// slices, maps, interfaces, sql.Null types and Scanners; into any other
// destination it is an error, except for NULL UDT fields and tuple
// components, which leave the struct field at its zero value.
func Assign(dst, src any) error {
	switch d := dst.(type) {
	case *any:
		if d != nil {
			*d = src
			return nil
		}
	case *int32:
		if s, ok := src.(int32); ok && d != nil {
			*d = s
			return nil
		}
	case *int64:
		if s, ok := src.(int64); ok && d != nil {
			*d = s
			return nil
		}
	case *string:
		if s, ok := src.(string); ok && d != nil {
			*d = s
			return nil
		}
	case *float64:
		if s, ok := src.(float64); ok && d != nil {
			*d = s
			return nil
		}
	}
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return &Error{Op: OpAssign, CQL: "Go " + goTypeName(src), GoType: goTypeName(dst), Msg: "destination must be a non-nil pointer"}
	}
	return assign(dv.Elem(), src, 0)
}

// Scan decodes b and stores the value into dst as Assign does; errors name
// the decoder's CQL type.
func (d *Decoder) Scan(b []byte, dst any) error {
	v, err := d.Decode(b)
	if err != nil {
		return err
	}
	if err := Assign(dst, v); err != nil {
		if e, ok := err.(*Error); ok && e.Op == OpAssign {
			c := *e
			c.CQL = d.t.String()
			return &c
		}
		return err
	}
	return nil
}

func assignErr(dv reflect.Value, src any, format string, args ...any) error {
	return &Error{Op: OpAssign, CQL: "Go " + goTypeName(src), GoType: dv.Type().String(), Msg: fmt.Sprintf(format, args...)}
}

func isNullish(src any) bool {
	if src == nil {
		return true
	}
	rv := reflect.ValueOf(src)
	return (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map) && rv.IsNil() && rv.Type() != rtBytes
}

var rtScanner = reflect.TypeOf((*sql.Scanner)(nil)).Elem()

// sqlNull reports whether rt is one of database/sql's Null structs: a value
// field then a Valid bool.
func sqlNull(rt reflect.Type) bool {
	return rt.Kind() == reflect.Struct && rt.PkgPath() == "database/sql" && rt.NumField() == 2 &&
		rt.Field(1).Name == "Valid" && rt.Field(1).Type.Kind() == reflect.Bool
}

func assign(dv reflect.Value, src any, depth int) error {
	if depth > 2*maxDepth {
		return assignErr(dv, src, "nesting too deep")
	}
	dt := dv.Type()
	if src != nil && reflect.TypeOf(src).AssignableTo(dt) && !sqlNull(dt) {
		dv.Set(reflect.ValueOf(src))
		return nil
	}
	if sqlNull(dt) {
		if isNullish(src) {
			dv.SetZero()
			return nil
		}
		if err := assign(dv.Field(0), src, depth+1); err != nil {
			return err
		}
		dv.Field(1).SetBool(true)
		return nil
	}
	if dv.CanAddr() && reflect.PointerTo(dt).Implements(rtScanner) {
		return dv.Addr().Interface().(sql.Scanner).Scan(src)
	}
	if dt.Kind() == reflect.Pointer {
		if isNullish(src) {
			dv.SetZero()
			return nil
		}
		p := reflect.New(dt.Elem())
		if err := assign(p.Elem(), src, depth+1); err != nil {
			return err
		}
		dv.Set(p)
		return nil
	}
	if src == nil {
		switch dt.Kind() {
		case reflect.Slice, reflect.Map, reflect.Interface:
			dv.SetZero()
			return nil
		}
		return assignErr(dv, src, "value is NULL; scan into a pointer or an sql.Null type")
	}
	if dt.Kind() == reflect.Interface {
		if reflect.TypeOf(src).Implements(dt) {
			dv.Set(reflect.ValueOf(src))
			return nil
		}
		return assignErr(dv, src, "value does not implement the interface")
	}
	if ok, err := assignSpecial(dv, src); ok {
		return err
	}
	return assignByKind(dv, src, depth)
}

// assignSpecial handles destinations of well-known struct and array types.
func assignSpecial(dv reflect.Value, src any) (bool, error) {
	switch d := dv.Addr().Interface().(type) {
	case *time.Time:
		switch s := src.(type) {
		case Date:
			*d = s.Time()
			return true, nil
		}
	case *Date:
		switch s := src.(type) {
		case time.Time:
			v, err := DateOf(s.UTC())
			if err != nil {
				return true, assignErr(dv, src, "%v", err)
			}
			*d = v
			return true, nil
		}
	case *netip.Addr:
		if s, ok := src.(net.IP); ok {
			a, ok := netip.AddrFromSlice(s)
			if !ok {
				return true, assignErr(dv, src, "invalid address length %d", len(s))
			}
			*d = a
			return true, nil
		}
	case *big.Int:
		switch s := src.(type) {
		case *big.Int:
			d.Set(s)
			return true, nil
		}
		if n, ok, overflow := asInt64(src); ok && !overflow {
			d.SetInt64(n)
			return true, nil
		}
	case *uuid.UUID:
		if s, ok := src.([16]byte); ok {
			*d = s
			return true, nil
		}
	}
	return false, nil
}

func assignByKind(dv reflect.Value, src any, depth int) error {
	dt := dv.Type()
	sv := reflect.ValueOf(src)
	switch dt.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok, overflow := asInt64(src)
		if b, isBig := src.(*big.Int); isBig {
			ok, overflow, n = true, !b.IsInt64(), b.Int64()
		}
		if !ok {
			break
		}
		if overflow || dv.OverflowInt(n) {
			return assignErr(dv, src, "value %v out of range", src)
		}
		dv.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if b, isBig := src.(*big.Int); isBig {
			if !b.IsUint64() || dv.OverflowUint(b.Uint64()) {
				return assignErr(dv, src, "value %v out of range", src)
			}
			dv.SetUint(b.Uint64())
			return nil
		}
		n, ok, overflow := asInt64(src)
		if !ok {
			break
		}
		if !overflow && n < 0 || dv.OverflowUint(uint64(n)) {
			return assignErr(dv, src, "value %v out of range", src)
		}
		dv.SetUint(uint64(n))
		return nil
	case reflect.Float32, reflect.Float64:
		f, _, ok := asFloat64(src)
		if !ok {
			n, isInt, overflow := asInt64(src)
			if !isInt || overflow {
				break
			}
			f = float64(n)
		}
		if dv.OverflowFloat(f) && !math.IsInf(f, 0) {
			return assignErr(dv, src, "value %v out of range", src)
		}
		dv.SetFloat(f)
		return nil
	case reflect.Bool:
		if b, ok := src.(bool); ok {
			dv.SetBool(b)
			return nil
		}
	case reflect.String:
		if s, ok := toText(src); ok {
			dv.SetString(s)
			return nil
		}
	case reflect.Slice:
		if dt.Elem().Kind() == reflect.Uint8 {
			if s, ok := asString(src); ok {
				dv.SetBytes([]byte(s))
				return nil
			}
		}
		if sv.Kind() == reflect.Slice || sv.Kind() == reflect.Array {
			if sv.Kind() == reflect.Slice && sv.IsNil() {
				dv.SetZero()
				return nil
			}
			s := reflect.MakeSlice(dt, sv.Len(), sv.Len())
			for i := 0; i < sv.Len(); i++ {
				if err := assign(s.Index(i), sv.Index(i).Interface(), depth+1); err != nil {
					return err
				}
			}
			dv.Set(s)
			return nil
		}
	case reflect.Array:
		if (sv.Kind() == reflect.Slice || sv.Kind() == reflect.Array) && sv.Len() == dt.Len() {
			for i := 0; i < sv.Len(); i++ {
				if err := assign(dv.Index(i), sv.Index(i).Interface(), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
	case reflect.Map:
		return assignMap(dv, src, depth)
	case reflect.Struct:
		return assignStruct(dv, src, depth)
	}
	if sv.Kind() == dt.Kind() && sv.Type().ConvertibleTo(dt) {
		dv.Set(sv.Convert(dt))
		return nil
	}
	return assignErr(dv, src, "unsupported conversion")
}

// toText formats src for a string destination.
func toText(src any) (string, bool) {
	switch s := src.(type) {
	case string:
		return s, true
	case []byte:
		return string(s), true
	case time.Time:
		return s.Format(time.RFC3339Nano), true
	case bool:
		return strconv.FormatBool(s), true
	case float32:
		return strconv.FormatFloat(float64(s), 'g', -1, 32), true
	case float64:
		return strconv.FormatFloat(s, 'g', -1, 64), true
	case fmt.Stringer:
		return s.String(), true
	}
	if _, ok, _ := asInt64(src); ok {
		return fmt.Sprint(src), true
	}
	return "", false
}

func assignMap(dv reflect.Value, src any, depth int) error {
	dt := dv.Type()
	if es, ok := src.([]MapEntry); ok {
		if es == nil {
			dv.SetZero()
			return nil
		}
		m := reflect.MakeMapWithSize(dt, len(es))
		for _, e := range es {
			k := reflect.New(dt.Key()).Elem()
			v := reflect.New(dt.Elem()).Elem()
			if err := assign(k, e.Key, depth+1); err != nil {
				return err
			}
			if err := assign(v, e.Value, depth+1); err != nil {
				return err
			}
			m.SetMapIndex(k, v)
		}
		dv.Set(m)
		return nil
	}
	sv := reflect.ValueOf(src)
	if sv.Kind() != reflect.Map {
		return assignErr(dv, src, "unsupported conversion")
	}
	if sv.IsNil() {
		dv.SetZero()
		return nil
	}
	m := reflect.MakeMapWithSize(dt, sv.Len())
	it := sv.MapRange()
	for it.Next() {
		k := reflect.New(dt.Key()).Elem()
		v := reflect.New(dt.Elem()).Elem()
		if err := assign(k, it.Key().Interface(), depth+1); err != nil {
			return err
		}
		if err := assign(v, it.Value().Interface(), depth+1); err != nil {
			return err
		}
		m.SetMapIndex(k, v)
	}
	dv.Set(m)
	return nil
}

// assignStruct fills a struct from a UDT map or a tuple slice.
func assignStruct(dv reflect.Value, src any, depth int) error {
	switch s := src.(type) {
	case map[string]any:
		for _, f := range cqlFields(dv.Type()) {
			v, ok := s[f.name]
			if !ok {
				if f.tagged {
					return assignErr(dv, src, "the UDT has no field %q", f.name)
				}
				continue
			}
			fv := dv.Field(f.index)
			if v == nil { // a NULL field is the zero value, nil for pointers
				fv.SetZero()
				continue
			}
			if err := assign(fv, v, depth+1); err != nil {
				return fmt.Errorf("%w (UDT field %q)", err, f.name)
			}
		}
		return nil
	case []any:
		fields := exportedFields(dv.Type())
		if len(fields) != len(s) {
			return assignErr(dv, src, "%d tuple components for %d exported fields", len(s), len(fields))
		}
		for i, fi := range fields {
			fv := dv.Field(fi)
			if s[i] == nil {
				fv.SetZero()
				continue
			}
			if err := assign(fv, s[i], depth+1); err != nil {
				return fmt.Errorf("%w (tuple component %d)", err, i)
			}
		}
		return nil
	}
	return assignErr(dv, src, "unsupported conversion")
}
