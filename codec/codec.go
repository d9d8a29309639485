// Package codec converts CQL values (native_protocol_v5.spec section 5
// "Data Type Serialization Formats" and section 6 "User Defined Types") to
// and from Go values. It never touches the network.
//
// Decoding starts from a Type: NewDecoder compiles a plan once per result
// column (a DecoderSet once per distinct type of a result), and the plan's
// Decode turns the [bytes] of one cell into the
// natural Go value listed in TYPES.md (ScanType gives its reflect.Type).
// Encoding is append-style: NewEncoder(t).Encode(dst, v) appends the value
// bytes and reports whether the value was NULL or not set instead.
//
// # Stability
//
// This package is public so that its types (Decimal, Date, Duration,
// MapEntry...) can be used with the driver and its conversions on their
// own, but it is not yet a stable API: names and signatures may change
// before v1 of the module. The value types the driver's Scan produces and
// accepts, listed in the README's type mapping, stay as they are.
package codec

import (
	"reflect"
)

// maxDepth bounds the nesting of types (list<list<...>>) that a plan may
// have. Type descriptions come from the server; this keeps a hostile or
// corrupt one from exhausting the stack.
const maxDepth = 32

// Kind says what Encode produced.
type Kind uint8

const (
	// KindBytes: the appended bytes are the value (possibly empty).
	KindBytes Kind = iota
	// KindNull: the value is NULL ([value] length -1); nothing was appended.
	KindNull
	// KindUnset: the value is "not set" ([value] length -2, protocol v4+);
	// nothing was appended.
	KindUnset
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindUnset:
		return "unset"
	}
	return "bytes"
}

// UnsetValue is the type of Unset.
type UnsetValue struct{}

// Unset, bound to a marker, leaves the column as it is (a [value] of
// length -2, native_protocol_v5.spec section 3 and 4.1.4): no tombstone is
// written, unlike nil which writes NULL.
var Unset = UnsetValue{}

// Decoder decodes the values of one CQL type. It is immutable and safe for
// concurrent use; build it once per result column.
type Decoder struct {
	t Type
	p *decPlan
}

// decPlan is the compiled form of a Type for decoding.
type decPlan struct {
	t  Type
	rt reflect.Type // what fn returns (ScanType)
	// fn decodes a non-NULL value. For fixed-size types an empty value never
	// reaches fn: it decodes as NULL.
	fn func(b []byte) (any, error)
	// null is what a NULL decodes to: nil, or a typed nil slice/map for
	// collections (Cassandra stores an empty collection as NULL).
	null any
	// emptyIsNull: a zero-length value decodes as null (fixed-size types,
	// varint, decimal, inet, collections...), as the spec allows empty values
	// for most non-string types and Go has no value for them.
	emptyIsNull bool
	// fixed is the size of the value inside a vector when the type has a
	// fixed length there (Cassandra's valueLengthIfFixed), else 0.
	fixed int
	// list, set for scalar types, decodes n [bytes] elements of this type
	// from rest into a []T without reflection, for list<T> and set<T>.
	list func(coll Type, n int, rest []byte) (any, []byte, error)
}

// NewDecoder compiles the decoding plan of t. It fails for unknown type ids,
// malformed types (a map with one element type...) and nesting deeper
// than 32.
func NewDecoder(t Type) (*Decoder, error) {
	p, err := compileDec(t, 0, nil)
	if err != nil {
		return nil, err
	}
	return &Decoder{t: t, p: p}, nil
}

// DecoderFor is NewDecoder returning only the Decode method.
func DecoderFor(t Type) (func(b []byte) (any, error), error) {
	d, err := NewDecoder(t)
	if err != nil {
		return nil, err
	}
	return d.Decode, nil
}

// Type returns the type the decoder was built for.
func (d *Decoder) Type() Type { return d.t }

// ScanType returns the Go type of the non-NULL values Decode returns.
func (d *Decoder) ScanType() reflect.Type { return d.p.rt }

// Decode decodes one value. b == nil is NULL and decodes to nil, except for
// list, set and map, whose NULL (Cassandra's empty collection) decodes to a
// nil slice or map of the column's Go type. Decode never keeps b: every
// returned value (blobs included) is a copy.
func (d *Decoder) Decode(b []byte) (any, error) {
	return d.p.decode(b)
}

func (p *decPlan) decode(b []byte) (any, error) {
	if b == nil || (len(b) == 0 && p.emptyIsNull) {
		return p.null, nil
	}
	return p.fn(b)
}

// Decode decodes b as a value of t. It compiles t on every call: use
// NewDecoder for repeated decoding.
func Decode(t Type, b []byte) (any, error) {
	p, err := compileDec(t, 0, nil)
	if err != nil {
		return nil, err
	}
	return p.decode(b)
}

// ScanType returns the Go type Decode returns for t, or nil when t cannot
// be decoded (unknown id, malformed type).
func ScanType(t Type) reflect.Type {
	p, err := compileDec(t, 0, nil)
	if err != nil {
		return nil
	}
	return p.rt
}

// Encoder encodes Go values as one CQL type. It is immutable and safe for
// concurrent use.
type Encoder struct {
	t Type
	p *encPlan
}

type encPlan struct {
	t Type
	// fn appends the encoding of v, which is neither nil, Unset, a pointer
	// nor a driver.Valuer (resolve removed those).
	fn func(dst []byte, v any) ([]byte, error)
	// fixed: as decPlan.fixed, for vectors.
	fixed int
}

// NewEncoder compiles the encoding plan of t.
func NewEncoder(t Type) (*Encoder, error) {
	p, err := compileEnc(t, 0, nil)
	if err != nil {
		return nil, err
	}
	return &Encoder{t: t, p: p}, nil
}

// EncoderFor is NewEncoder returning only the Encode method.
func EncoderFor(t Type) (func(dst []byte, v any) ([]byte, Kind, error), error) {
	e, err := NewEncoder(t)
	if err != nil {
		return nil, err
	}
	return e.Encode, nil
}

// Type returns the type the encoder was built for.
func (e *Encoder) Type() Type { return e.t }

// Encode appends the value bytes of v to dst (without the [value] length)
// and returns them with KindBytes, or returns dst unchanged with KindNull
// (v is nil, a nil pointer, or a driver.Valuer returning nil) or KindUnset
// (v is Unset). driver.Valuer values are resolved first, except this
// package's own types and uuid.UUID; pointers are dereferenced.
func (e *Encoder) Encode(dst []byte, v any) ([]byte, Kind, error) {
	return e.p.encode(dst, v)
}

// AppendValue appends v as a protocol [value]: an [int] length then the
// bytes, length -1 for NULL and -2 for Unset.
func (e *Encoder) AppendValue(dst []byte, v any) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	out, kind, err := e.p.encode(dst, v)
	if err != nil {
		return dst[:start], err
	}
	switch kind {
	case KindNull:
		return putInt32(out, start, -1), nil
	case KindUnset:
		return putInt32(out, start, -2), nil
	}
	n := len(out) - start - 4
	if n > maxValueLen {
		return dst[:start], encErr(e.t, v, "value of %d bytes is longer than the protocol's [bytes] limit", n)
	}
	return putInt32(out, start, int32(n)), nil
}

const maxValueLen = 1<<31 - 1

func putInt32(b []byte, at int, v int32) []byte {
	b[at] = byte(v >> 24)
	b[at+1] = byte(v >> 16)
	b[at+2] = byte(v >> 8)
	b[at+3] = byte(v)
	return b
}

// Encode appends v encoded as t; see Encoder.Encode. It compiles t on every
// call: use NewEncoder for repeated encoding.
func Encode(dst []byte, t Type, v any) ([]byte, Kind, error) {
	p, err := compileEnc(t, 0, nil)
	if err != nil {
		return dst, KindBytes, err
	}
	return p.encode(dst, v)
}
