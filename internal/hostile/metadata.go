// Package hostile builds result messages whose type metadata is as costly
// as a server (or a man in the middle) can make it per byte, for tests
// that bound the memory the driver spends decoding them.
package hostile

import "encoding/binary"

// Shape is how the tuple types of a hostile result nest.
type Shape int

const (
	// Wide: columns of tuple<int, int, ...> with 1000 components.
	Wide Shape = iota
	// Deep: columns of tuples nested 60 levels, each level
	// tuple<inner, int>.
	Deep
	// Many: as many tuple<int> columns as fit.
	Many
	// Broad: one column, a tuple of tuples of ints (as wide as the
	// [short] counts allow).
	Broad
)

// Shapes lists every Shape, with a name for subtests.
var Shapes = []struct {
	Name  string
	Shape Shape
}{{"wide", Wide}, {"deep", Deep}, {"many", Many}, {"broad", Broad}}

const (
	optInt   = 0x0009
	optTuple = 0x0031
)

// RowsBody returns the body of a ROWS result (kind, metadata, zero rows)
// of about size bytes whose column types have the given shape. The
// metadata has a global table spec "ks"."t" and empty column names.
func RowsBody(size int, s Shape) []byte {
	b := columns(be32(nil, 0x0002), size, s, false) // kind Rows
	return be32(b, 0)                               // rows count
}

// PreparedBody returns the body of a v4 PREPARED result of about size
// bytes whose bind markers have the given shape; the result metadata is
// empty (No_metadata).
func PreparedBody(size int, s Shape) []byte {
	b := be32(nil, 0x0004) // kind Prepared
	b = be16(b, 2)
	b = append(b, 0xAB, 0xCD) // statement id
	b = columns(b, size, s, true)
	b = be32(b, 0x0004) // result metadata: No_metadata
	return be32(b, 0)
}

// columns appends the flags, the count, (for prepared metadata) an empty
// partition key index list, the global table spec and the column specs.
func columns(b []byte, size int, s Shape, prepared bool) []byte {
	var one []byte
	switch s {
	case Wide:
		one = tuple(nil, 1000, func(d []byte) []byte { return be16(d, optInt) })
	case Deep:
		one = deep(nil, 60)
	case Many:
		one = tuple(nil, 1, func(d []byte) []byte { return be16(d, optInt) })
	case Broad:
		// 4 + 2*w bytes per inner tuple; w inner tuples of w ints fill
		// about size bytes.
		w := 1
		for (w+1)*(4+2*(w+1)) < size {
			w++
		}
		one = tuple(nil, w, func(d []byte) []byte {
			return tuple(d, w, func(d []byte) []byte { return be16(d, optInt) })
		})
	}
	per := 2 + len(one) // empty name + type
	n := max(1, (size-len(b)-20)/per)
	b = be32(b, 0x0001) // Global_tables_spec
	b = be32(b, int32(n))
	if prepared {
		b = be32(b, 0) // no partition key indexes
	}
	b = append(b, 0, 2, 'k', 's', 0, 1, 't')
	for i := 0; i < n; i++ {
		b = append(b, 0, 0)
		b = append(b, one...)
	}
	return b
}

func tuple(b []byte, n int, elem func([]byte) []byte) []byte {
	b = be16(b, optTuple)
	b = be16(b, uint16(n))
	for i := 0; i < n; i++ {
		b = elem(b)
	}
	return b
}

func deep(b []byte, levels int) []byte {
	if levels == 0 {
		return be16(b, optInt)
	}
	b = be16(b, optTuple)
	b = be16(b, 2)
	b = deep(b, levels-1)
	return be16(b, optInt)
}

func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func be32(b []byte, v int32) []byte  { return binary.BigEndian.AppendUint32(b, uint32(v)) }
