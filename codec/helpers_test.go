package codec

import (
	"encoding/hex"
	"math"
	"math/big"
	"net"
	"reflect"
	"strings"
	"time"
)

// h decodes hex written with spaces and newlines, for hand-written bytes.
func h(s string) []byte {
	var clean []string
	for _, line := range strings.Split(s, "\n") {
		line, _, _ = strings.Cut(line, "--")
		clean = append(clean, strings.Fields(line)...)
	}
	b, err := hex.DecodeString(strings.Join(clean, ""))
	if err != nil {
		panic(err)
	}
	if b == nil {
		b = []byte{}
	}
	return b
}

func tList(e Type) Type         { return Type{ID: TypeList, Elems: []Type{e}} }
func tSet(e Type) Type          { return Type{ID: TypeSet, Elems: []Type{e}} }
func tMap(k, v Type) Type       { return Type{ID: TypeMap, Elems: []Type{k, v}} }
func tTuple(es ...Type) Type    { return Type{ID: TypeTuple, Elems: es} }
func tVec(e Type, n int) Type   { return Type{ID: TypeVector, Elems: []Type{e}, Dimension: n} }
func frozen(t Type) Type        { t.Frozen = true; return t }
func tCustom(class string) Type { return Type{ID: TypeCustom, Custom: class} }
func bigOf(s string) *big.Int   { z, _ := new(big.Int).SetString(s, 10); return z }
func ms(v int64) time.Time      { return time.UnixMilli(v).UTC() }
func tUDT(name string, fields []string, types ...Type) Type {
	return Type{ID: TypeUDT, Keyspace: "ks", Name: name, Fields: fields, Elems: types}
}

// equal compares decoded values: NaN equals NaN bit for bit, big numbers
// and times by value, everything else as reflect.DeepEqual, recursively,
// and the dynamic types must match.
func equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return equalV(reflect.ValueOf(a), reflect.ValueOf(b))
}

func equalV(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch x := a.Interface().(type) {
	case float32:
		return math.Float32bits(x) == math.Float32bits(b.Interface().(float32))
	case float64:
		return math.Float64bits(x) == math.Float64bits(b.Interface().(float64))
	case *big.Int:
		y := b.Interface().(*big.Int)
		return (x == nil) == (y == nil) && (x == nil || x.Cmp(y) == 0)
	case Decimal:
		y := b.Interface().(Decimal)
		return x.Scale == y.Scale && x.unscaled().Cmp(y.unscaled()) == 0
	case net.IP:
		// An IPv4-mapped IPv6 address binds as 4 bytes, as Java's
		// InetAddress (and so Cassandra) treats it: the same address.
		return x.Equal(b.Interface().(net.IP)) && (x == nil) == (b.Interface().(net.IP) == nil)
	case time.Time:
		y := b.Interface().(time.Time)
		return x.Equal(y) && x.Location() == y.Location()
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalV(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		it := a.MapRange()
		for it.Next() {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() || !equalV(it.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equalV(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				return reflect.DeepEqual(a.Interface(), b.Interface())
			}
			if !equalV(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func reflectTypeOf(v any) reflect.Type { return reflect.TypeOf(v) }

// isTypedNil reports a nil slice or map inside an interface.
func isTypedNil(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.IsValid() && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map) && rv.IsNil()
}

func reflectDeref(p any) any { return reflect.ValueOf(p).Elem().Interface() }
