package codec

import (
	"reflect"
	"unicode/utf8"
)

// text/varchar (UTF-8), ascii (bytes 0..127) and blob (any bytes):
// native_protocol_v5.spec sections 5.16, 5.1 and 5.3. An empty value is
// the empty string or blob, distinct from NULL.

var (
	tText  = Type{ID: TypeVarchar}
	tASCII = Type{ID: TypeASCII}
	tBlob  = Type{ID: TypeBlob}
)

// DecodeText decodes text or varchar; invalid UTF-8 is an error. NULL (nil)
// returns ErrNull; an empty value is "".
func DecodeText(b []byte) (string, error) {
	if b == nil {
		return "", ErrNull
	}
	if !utf8.Valid(b) {
		return "", decErr(tText, "invalid UTF-8")
	}
	return string(b), nil
}

// DecodeASCII decodes ascii; a byte above 127 is an error. NULL (nil)
// returns ErrNull; an empty value is "".
func DecodeASCII(b []byte) (string, error) {
	if b == nil {
		return "", ErrNull
	}
	if i := nonASCII(b); i >= 0 {
		return "", decErr(tASCII, "byte 0x%02x at offset %d is not ASCII", b[i], i)
	}
	return string(b), nil
}

// DecodeBlob returns a copy of b (never b itself, which belongs to the
// connection's read buffer). An empty blob is a non-nil empty slice.
func DecodeBlob(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}

func nonASCII[T string | []byte](s T) int {
	for i := 0; i < len(s); i++ {
		if s[i] > 127 {
			return i
		}
	}
	return -1
}

func encText(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) {
				return dst, encErr(t, v, "invalid UTF-8")
			}
			return append(dst, x...), nil
		case []byte:
			if !utf8.Valid(x) {
				return dst, encErr(t, v, "invalid UTF-8")
			}
			return append(dst, x...), nil
		}
		if s, ok := asString(v); ok {
			return encText(t)(dst, s)
		}
		return dst, encTypeErr(t, v)
	}
}

func encASCII(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		s, ok := asString(v)
		if !ok {
			return dst, encTypeErr(t, v)
		}
		if i := nonASCII(s); i >= 0 {
			return dst, encErr(t, v, "byte 0x%02x at offset %d is not ASCII", s[i], i)
		}
		return append(dst, s...), nil
	}
}

// encBlob takes []byte, string and byte arrays (named types too).
func encBlob(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if out, ok := appendBytesLike(dst, v); ok {
			return out, nil
		}
		return dst, encTypeErr(t, v)
	}
}

var (
	rtString = reflect.TypeOf("")
	rtBytes  = reflect.TypeOf([]byte(nil))
)
