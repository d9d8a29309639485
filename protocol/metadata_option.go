package protocol

import (
	"fmt"

	"github.com/cqlsql/cassandra/codec"
)

// MaxTypeDepth bounds the nesting of collection, tuple, UDT and vector types
// that ReadOption accepts, so hostile input cannot exhaust the stack.
const MaxTypeDepth = 64

// MaxTypeNodes bounds the type nodes (every type, top-level or nested in a
// collection, tuple, UDT or vector) of one result metadata, counted over
// all its columns. A node costs far more memory than the 2 bytes it can
// take on the wire; the bound keeps the memory decoding metadata costs in
// proportion to the bytes received. Cassandra tables stay far below it.
const MaxTypeNodes = 1 << 15

// errTypeNodes is the error of a metadata over MaxTypeNodes.
func errTypeNodes() error {
	return malformed("result metadata has more than %d type nodes (protocol.MaxTypeNodes)", MaxTypeNodes)
}

// ReadOption reads an [option] describing a column type (spec section
// 4.2.5.2) and returns it as a codec.Type. Collections, tuples and UDTs are
// read recursively up to MaxTypeDepth levels and MaxTypeNodes types. A
// custom type whose class is
// org.apache.cassandra.db.marshal.VectorType(<elem>, <n>) is returned with
// ID codec.TypeVector, Dimension n and the element type (see
// ParseCustomType).
func (r *Reader) ReadOption() (codec.Type, error) {
	nodes := MaxTypeNodes
	return r.readOption(0, &nodes)
}

// readOption reads one [option], taking its nodes from *nodes, the budget
// left to the metadata it belongs to.
func (r *Reader) readOption(depth int, nodes *int) (codec.Type, error) {
	if depth >= MaxTypeDepth {
		return codec.Type{}, malformed("type nested deeper than %d levels", MaxTypeDepth)
	}
	if *nodes--; *nodes < 0 {
		return codec.Type{}, errTypeNodes()
	}
	id, err := r.ReadShort()
	if err != nil {
		return codec.Type{}, err
	}
	t := codec.Type{ID: codec.TypeID(id)}
	switch t.ID {
	case codec.TypeCustom:
		name, err := r.ReadString()
		if err != nil {
			return t, err
		}
		return parseCustomType(name, nodes)
	case codec.TypeASCII, codec.TypeBigint, codec.TypeBlob, codec.TypeBoolean, codec.TypeCounter,
		codec.TypeDecimal, codec.TypeDouble, codec.TypeFloat, codec.TypeInt, codec.TypeTimestamp,
		codec.TypeUUID, codec.TypeVarchar, codec.TypeVarint, codec.TypeTimeUUID, codec.TypeInet,
		codec.TypeDate, codec.TypeTime, codec.TypeSmallint, codec.TypeTinyint, codec.TypeDuration:
		return t, nil
	case codec.TypeList, codec.TypeSet:
		e, err := r.readOption(depth+1, nodes)
		if err != nil {
			return t, err
		}
		t.Elems = []codec.Type{e}
		return t, nil
	case codec.TypeMap:
		k, err := r.readOption(depth+1, nodes)
		if err != nil {
			return t, err
		}
		v, err := r.readOption(depth+1, nodes)
		if err != nil {
			return t, err
		}
		t.Elems = []codec.Type{k, v}
		return t, nil
	case codec.TypeUDT:
		if t.Keyspace, err = r.ReadString(); err != nil {
			return t, err
		}
		if t.Name, err = r.ReadString(); err != nil {
			return t, err
		}
		n, err := r.readElemCount("UDT fields", 4, *nodes) // [string] name + [option] id
		if err != nil {
			return t, err
		}
		t.Fields = make([]string, n)
		t.Elems = make([]codec.Type, n)
		for i := 0; i < n; i++ {
			if t.Fields[i], err = r.ReadString(); err != nil {
				return t, err
			}
			if t.Elems[i], err = r.readOption(depth+1, nodes); err != nil {
				return t, err
			}
		}
		return t, nil
	case codec.TypeTuple:
		n, err := r.readElemCount("tuple components", 2, *nodes)
		if err != nil {
			return t, err
		}
		t.Elems = make([]codec.Type, n)
		for i := 0; i < n; i++ {
			if t.Elems[i], err = r.readOption(depth+1, nodes); err != nil {
				return t, err
			}
		}
		return t, nil
	}
	return t, malformed("unknown type option id 0x%04x", id)
}

// readElemCount is readCount for the components of a tuple or UDT, which
// must also fit in the nodes left, checked before they are allocated.
func (r *Reader) readElemCount(what string, minSize, nodes int) (int, error) {
	n, err := r.readCount(what, minSize)
	if err == nil && n > nodes {
		return 0, errTypeNodes()
	}
	return n, err
}

// AppendOption appends t as an [option]. A vector is written as the custom
// class name Cassandra uses for it (see CustomClassName).
func AppendOption(dst []byte, t codec.Type) ([]byte, error) {
	return appendOption(dst, t, 0)
}

func appendOption(dst []byte, t codec.Type, depth int) ([]byte, error) {
	if depth >= MaxTypeDepth {
		return dst, fmt.Errorf("cassandra: type nested deeper than %d levels", MaxTypeDepth)
	}
	var err error
	switch t.ID {
	case codec.TypeVector:
		name, err := CustomClassName(t)
		if err != nil {
			return dst, err
		}
		dst = AppendShort(dst, uint16(codec.TypeCustom))
		return AppendString(dst, name)
	case codec.TypeCustom:
		dst = AppendShort(dst, uint16(codec.TypeCustom))
		return AppendString(dst, t.Custom)
	case codec.TypeList, codec.TypeSet:
		if len(t.Elems) != 1 {
			return dst, fmt.Errorf("cassandra: %v type needs 1 element type, has %d", t.ID, len(t.Elems))
		}
		dst = AppendShort(dst, uint16(t.ID))
		return appendOption(dst, t.Elems[0], depth+1)
	case codec.TypeMap:
		if len(t.Elems) != 2 {
			return dst, fmt.Errorf("cassandra: map type needs 2 element types, has %d", len(t.Elems))
		}
		dst = AppendShort(dst, uint16(t.ID))
		if dst, err = appendOption(dst, t.Elems[0], depth+1); err != nil {
			return dst, err
		}
		return appendOption(dst, t.Elems[1], depth+1)
	case codec.TypeUDT:
		if len(t.Fields) != len(t.Elems) {
			return dst, fmt.Errorf("cassandra: UDT %s has %d field names and %d field types", t.Name, len(t.Fields), len(t.Elems))
		}
		dst = AppendShort(dst, uint16(t.ID))
		if dst, err = AppendString(dst, t.Keyspace); err != nil {
			return dst, err
		}
		if dst, err = AppendString(dst, t.Name); err != nil {
			return dst, err
		}
		if len(t.Elems) > 0xFFFF {
			return dst, fmt.Errorf("%w: UDT with %d fields", ErrTooLong, len(t.Elems))
		}
		dst = AppendShort(dst, uint16(len(t.Elems)))
		for i, e := range t.Elems {
			if dst, err = AppendString(dst, t.Fields[i]); err != nil {
				return dst, err
			}
			if dst, err = appendOption(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case codec.TypeTuple:
		if len(t.Elems) > 0xFFFF {
			return dst, fmt.Errorf("%w: tuple with %d components", ErrTooLong, len(t.Elems))
		}
		dst = AppendShort(dst, uint16(t.ID))
		dst = AppendShort(dst, uint16(len(t.Elems)))
		for _, e := range t.Elems {
			if dst, err = appendOption(dst, e, depth+1); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	if t.ID > 0xFF {
		return dst, fmt.Errorf("cassandra: cannot encode type id 0x%x as an [option]", uint16(t.ID))
	}
	return AppendShort(dst, uint16(t.ID)), nil
}
