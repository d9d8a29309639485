package codec

import (
	"math"
	"reflect"
)

// asInt64 returns v as an int64 when v is a Go integer (named integer
// types included). overflow reports a uint/uint64 above math.MaxInt64.
func asInt64(v any) (n int64, ok, overflow bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true, false
	case int8:
		return int64(x), true, false
	case int16:
		return int64(x), true, false
	case int32:
		return int64(x), true, false
	case int64:
		return x, true, false
	case uint8:
		return int64(x), true, false
	case uint16:
		return int64(x), true, false
	case uint32:
		return int64(x), true, false
	case uint:
		return int64(x), true, uint64(x) > math.MaxInt64
	case uint64:
		return int64(x), true, x > math.MaxInt64
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true, false
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		return int64(u), true, u > math.MaxInt64
	}
	return 0, false, false
}

// asFloat64 returns v as a float64 when v is a Go float (named too).
func asFloat64(v any) (f float64, is32, ok bool) {
	switch x := v.(type) {
	case float64:
		return x, false, true
	case float32:
		return float64(x), true, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32:
		return rv.Float(), true, true
	case reflect.Float64:
		return rv.Float(), false, true
	}
	return 0, false, false
}

// asString returns v as a string when v is a string or byte slice (named
// types included).
func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.String:
		return rv.String(), true
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8:
		return string(rv.Bytes()), true
	}
	return "", false
}

// appendBytesLike appends v when it is a string, a byte slice or a byte
// array (named types included).
func appendBytesLike(dst []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case []byte:
		return append(dst, x...), true
	case string:
		return append(dst, x...), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return append(dst, rv.String()...), true
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return append(dst, rv.Bytes()...), true
		}
	case reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			for i := 0; i < rv.Len(); i++ {
				dst = append(dst, byte(rv.Index(i).Uint()))
			}
			return dst, true
		}
	}
	return dst, false
}
