package codec

import "reflect"

// boolean: one byte, 0 is false, anything else true (native_protocol_v5.spec
// section 5.4). Encoding writes 1 for true.

var tBoolean = Type{ID: TypeBoolean}

// DecodeBoolean decodes a boolean. NULL and empty values return ErrNull.
func DecodeBoolean(b []byte) (bool, error) {
	if err := fixedLen(tBoolean, b, 1); err != nil {
		return false, err
	}
	return b[0] != 0, nil
}

func encBoolean(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		x, ok := v.(bool)
		if !ok {
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.Bool {
				return dst, encTypeErr(t, v)
			}
			x = rv.Bool()
		}
		if x {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	}
}
