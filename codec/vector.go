package codec

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
)

// vector<T, n> (native_protocol_v5.spec section 5.25, Cassandra 5's
// VectorType): n elements and no count. Elements of a fixed-length type
// (boolean, int, bigint, float, double, timestamp, uuid, timeuuid, and
// vectors of those: Cassandra's valueLengthIfFixed) are packed back to
// back; other elements are each preceded by their length as an
// [unsigned vint]. vector<float, n> decodes to []float32 without
// reflection; other vectors to typed slices.

// maxVectorDim bounds the dimension a type may announce.
const maxVectorDim = 1 << 20

func vectorDecPlan(t Type, elem *decPlan) *decPlan {
	dim := t.Dimension
	p := &decPlan{t: t, rt: reflect.SliceOf(elem.rt), emptyIsNull: true}
	if elem.fixed > 0 {
		p.fixed = elem.fixed * dim
	}
	if t.Elems[0].ID == TypeFloat {
		p.fn = func(b []byte) (any, error) { return decodeFloatVector(t, b) }
		return p
	}
	p.fn = func(b []byte) (any, error) {
		if elem.fixed > 0 && len(b) != elem.fixed*dim {
			return nil, decErr(t, "want %d bytes, got %d", elem.fixed*dim, len(b))
		}
		if dim > len(b) { // every element takes at least one byte
			return nil, decErr(t, "%d elements cannot fit in %d bytes", dim, len(b))
		}
		s := reflect.MakeSlice(p.rt, dim, dim)
		rest := b
		for i := 0; i < dim; i++ {
			var eb []byte
			if elem.fixed > 0 {
				eb, rest = rest[:elem.fixed:elem.fixed], rest[elem.fixed:]
			} else {
				n, k, err := readUvint(rest)
				if err != nil {
					return nil, decWrap(t, fmt.Sprintf("element %d length", i), err)
				}
				rest = rest[k:]
				if n > uint64(len(rest)) {
					return nil, decErr(t, "element %d length %d beyond the %d bytes left", i, n, len(rest))
				}
				eb, rest = rest[:n:n], rest[n:]
			}
			v, err := elem.decode(eb)
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

func decodeFloatVector(t Type, b []byte) ([]float32, error) {
	if len(b) != 4*t.Dimension {
		return nil, decErr(t, "want %d bytes, got %d", 4*t.Dimension, len(b))
	}
	out := make([]float32, t.Dimension)
	for i := range out {
		out[i] = math.Float32frombits(binary.BigEndian.Uint32(b[4*i:]))
	}
	return out, nil
}

// DecodeFloatVector decodes a vector<float, dim> into dst (reused when its
// capacity is enough), so that repeated decoding need not allocate.
func DecodeFloatVector(dst []float32, dim int, b []byte) ([]float32, error) {
	if len(b) != 4*dim {
		return dst, decErr(Type{ID: TypeVector, Dimension: dim, Elems: []Type{tFloat}}, "want %d bytes, got %d", 4*dim, len(b))
	}
	dst = dst[:0]
	for i := 0; i < dim; i++ {
		dst = append(dst, math.Float32frombits(binary.BigEndian.Uint32(b[4*i:])))
	}
	return dst, nil
}

// encVector takes a slice or array of exactly Dimension elements
// ([]float32 without reflection).
func encVector(t Type, elem *encPlan) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		if fs, ok := v.([]float32); ok && t.Elems[0].ID == TypeFloat {
			if len(fs) != t.Dimension {
				return dst, encErr(t, v, "%d elements for dimension %d", len(fs), t.Dimension)
			}
			for _, f := range fs {
				dst = binary.BigEndian.AppendUint32(dst, math.Float32bits(f))
			}
			return dst, nil
		}
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return dst, encTypeErr(t, v)
		}
		if rv.Len() != t.Dimension {
			return dst, encErr(t, v, "%d elements for dimension %d", rv.Len(), t.Dimension)
		}
		start := len(dst)
		var scratch []byte
		for i := 0; i < t.Dimension; i++ {
			x := rv.Index(i).Interface()
			var out []byte
			var kind Kind
			var err error
			if elem.fixed > 0 {
				out, kind, err = elem.encode(dst, x)
			} else {
				out, kind, err = elem.encode(scratch[:0], x)
			}
			if err != nil {
				return dst[:start], encWrap(t, v, fmt.Sprintf("element %d", i), err)
			}
			if kind != KindBytes {
				return dst[:start], encErr(t, v, "element %d is %s; vectors cannot hold NULL or unset", i, kind)
			}
			if elem.fixed > 0 {
				if len(out)-len(dst) != elem.fixed {
					return dst[:start], encErr(t, v, "element %d: empty value in a fixed-length vector", i)
				}
				dst = out
				continue
			}
			scratch = out
			dst = appendUvint(dst, uint64(len(out)))
			dst = append(dst, out...)
		}
		return dst, nil
	}
}
