package protocol

import (
	"fmt"
	"math"

	"github.com/cqlsql/cassandra/codec"
)

// Flag bits of result metadata (spec section 4.2.5.2).
const (
	metaFlagGlobalTablesSpec = 0x0001
	metaFlagHasMorePages     = 0x0002
	metaFlagNoMetadata       = 0x0004
	metaFlagMetadataChanged  = 0x0008 // v5
)

// ColumnSpec is a <col_spec>: the table a column belongs to, its name (or
// the bind marker's name in prepared metadata) and its type. With a global
// table spec every column gets the global keyspace and table.
type ColumnSpec struct {
	Keyspace string
	Table    string
	Name     string
	Type     codec.Type
}

// RowsMetadata is the <metadata> of a Rows result and the result metadata of
// a Prepared result.
//
// Encoding derives the flags from the fields: Global_tables_spec from
// GlobalTableSpec (the spec of Columns[0] is written; all columns must share
// it), Has_more_pages from PagingState != nil, No_metadata from NoMetadata,
// Metadata_changed (v5) from NewMetadataID != nil.
type RowsMetadata struct {
	// ColumnCount is <columns_count>. It is what rows are iterated with,
	// also when NoMetadata leaves Columns empty. Encoders use len(Columns)
	// unless NoMetadata is set.
	ColumnCount     int
	GlobalTableSpec bool
	NoMetadata      bool
	// PagingState is non-nil when the result has more pages; a copy, safe
	// to keep and send with the next QUERY or EXECUTE.
	PagingState []byte
	// NewMetadataID (v5) is non-nil when the server reports that the result
	// metadata changed; a copy. Send it as Execute.ResultMetadataID.
	NewMetadataID []byte
	Columns       []ColumnSpec
}

// HasMorePages reports whether the Has_more_pages flag was set.
func (m *RowsMetadata) HasMorePages() bool { return m.PagingState != nil }

// copyBytes returns a copy of b that is non-nil (even when empty).
func copyBytes(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

// decode reads the metadata, reusing m's column slice and strings.
func (m *RowsMetadata) decode(r *Reader, v Version) error {
	flags, err := r.ReadInt()
	if err != nil {
		return err
	}
	n, err := r.ReadInt()
	if err != nil {
		return err
	}
	if n < 0 {
		return malformed("columns count %d", n)
	}
	m.ColumnCount = int(n)
	m.GlobalTableSpec = flags&metaFlagGlobalTablesSpec != 0
	m.NoMetadata = flags&metaFlagNoMetadata != 0
	m.PagingState, m.NewMetadataID = nil, nil
	if flags&metaFlagHasMorePages != 0 {
		ps, err := r.ReadBytes()
		if err != nil {
			return err
		}
		m.PagingState = copyBytes(ps)
	}
	if v >= V5 && flags&metaFlagMetadataChanged != 0 {
		id, err := r.ReadShortBytes()
		if err != nil {
			return err
		}
		m.NewMetadataID = copyBytes(id)
	}
	if m.NoMetadata {
		m.Columns = m.Columns[:0]
		return nil
	}
	m.Columns, err = readColumnSpecs(r, m.Columns, m.ColumnCount, m.GlobalTableSpec)
	return err
}

// readColumnSpecs reads n <col_spec>, preceded by a <global_table_spec> when
// global, into cols (reusing its capacity and equal strings).
func readColumnSpecs(r *Reader, cols []ColumnSpec, n int, global bool) ([]ColumnSpec, error) {
	minSize := 8 // ks, table, name [string]s and an [option] id
	if global {
		minSize = 4
	}
	if int64(n)*int64(minSize) > int64(r.Len()) {
		return nil, malformed("%d column specs cannot fit in %d bytes", n, r.Len())
	}
	// Every column is a type node: check before allocating n of them.
	nodes := MaxTypeNodes
	if n > nodes {
		return nil, errTypeNodes()
	}
	var shared sharedTypes
	var gks, gtable string
	var err error
	if global {
		old := ColumnSpec{}
		if len(cols) > 0 {
			old = cols[0]
		}
		if gks, err = r.readStringReuse(old.Keyspace); err != nil {
			return nil, err
		}
		if gtable, err = r.readStringReuse(old.Table); err != nil {
			return nil, err
		}
	}
	prev := cols
	if cap(cols) >= n {
		cols = cols[:n]
	} else {
		cols = make([]ColumnSpec, n)
		copy(cols, prev)
	}
	for i := range cols {
		c := &cols[i]
		if i >= len(prev) {
			*c = ColumnSpec{}
		}
		if global {
			c.Keyspace, c.Table = gks, gtable
		} else {
			if c.Keyspace, err = r.readStringReuse(c.Keyspace); err != nil {
				return nil, err
			}
			if c.Table, err = r.readStringReuse(c.Table); err != nil {
				return nil, err
			}
		}
		if c.Name, err = r.readStringReuse(c.Name); err != nil {
			return nil, err
		}
		if c.Type, err = shared.read(r, &nodes); err != nil {
			return nil, fmt.Errorf("%w (type of column %q)", err, c.Name)
		}
	}
	return cols, nil
}

func appendColumnSpecs(dst []byte, cols []ColumnSpec, global bool) ([]byte, error) {
	var err error
	if global {
		var ks, table string
		if len(cols) > 0 {
			ks, table = cols[0].Keyspace, cols[0].Table
		}
		for _, c := range cols {
			if c.Keyspace != ks || c.Table != table {
				return dst, fmt.Errorf("cassandra: global table spec %s.%s but column %q is in %s.%s", ks, table, c.Name, c.Keyspace, c.Table)
			}
		}
		if dst, err = AppendString(dst, ks); err != nil {
			return dst, err
		}
		if dst, err = AppendString(dst, table); err != nil {
			return dst, err
		}
	}
	for _, c := range cols {
		if !global {
			if dst, err = AppendString(dst, c.Keyspace); err != nil {
				return dst, err
			}
			if dst, err = AppendString(dst, c.Table); err != nil {
				return dst, err
			}
		}
		if dst, err = AppendString(dst, c.Name); err != nil {
			return dst, err
		}
		if dst, err = AppendOption(dst, c.Type); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendTo appends the metadata for version v.
func (m *RowsMetadata) appendTo(dst []byte, v Version) ([]byte, error) {
	var flags int32
	count := len(m.Columns)
	if m.GlobalTableSpec && !m.NoMetadata {
		flags |= metaFlagGlobalTablesSpec
	}
	if m.PagingState != nil {
		flags |= metaFlagHasMorePages
	}
	if m.NoMetadata {
		flags |= metaFlagNoMetadata
		count = m.ColumnCount
	}
	if m.NewMetadataID != nil {
		if v < V5 {
			return dst, fmt.Errorf("cassandra: new result metadata id needs protocol v5")
		}
		flags |= metaFlagMetadataChanged
	}
	if count > math.MaxInt32 || count < 0 {
		return dst, fmt.Errorf("cassandra: bad columns count %d", count)
	}
	dst = AppendInt(AppendInt(dst, flags), int32(count))
	var err error
	if m.PagingState != nil {
		if dst, err = AppendBytes(dst, m.PagingState); err != nil {
			return dst, err
		}
	}
	if m.NewMetadataID != nil {
		if dst, err = AppendShortBytes(dst, m.NewMetadataID); err != nil {
			return dst, err
		}
	}
	if m.NoMetadata {
		return dst, nil
	}
	return appendColumnSpecs(dst, m.Columns, m.GlobalTableSpec)
}

// PreparedMetadata is the <metadata> of a Prepared result: the bind markers
// of the statement.
type PreparedMetadata struct {
	GlobalTableSpec bool
	// PKIndexes (v4+) gives, for each partition key column in order, the
	// index of the bind marker that supplies it; empty when some partition
	// key column has no plain bind marker.
	PKIndexes []uint16
	Columns   []ColumnSpec
}

func (m *PreparedMetadata) decode(r *Reader, v Version) error {
	flags, err := r.ReadInt()
	if err != nil {
		return err
	}
	n, err := r.ReadInt()
	if err != nil {
		return err
	}
	if n < 0 {
		return malformed("bind marker count %d", n)
	}
	m.GlobalTableSpec = flags&metaFlagGlobalTablesSpec != 0
	m.PKIndexes = m.PKIndexes[:0]
	if v >= V4 {
		pk, err := r.ReadInt()
		if err != nil {
			return err
		}
		if pk < 0 || int64(pk)*2 > int64(r.Len()) {
			return malformed("%d partition key indexes cannot fit in %d bytes", pk, r.Len())
		}
		for i := int32(0); i < pk; i++ {
			idx, err := r.ReadShort()
			if err != nil {
				return err
			}
			m.PKIndexes = append(m.PKIndexes, idx)
		}
	}
	m.Columns, err = readColumnSpecs(r, m.Columns, int(n), m.GlobalTableSpec)
	return err
}

func (m *PreparedMetadata) appendTo(dst []byte, v Version) ([]byte, error) {
	var flags int32
	if m.GlobalTableSpec {
		flags |= metaFlagGlobalTablesSpec
	}
	dst = AppendInt(AppendInt(dst, flags), int32(len(m.Columns)))
	if v >= V4 {
		dst = AppendInt(dst, int32(len(m.PKIndexes)))
		for _, i := range m.PKIndexes {
			dst = AppendShort(dst, i)
		}
	}
	return appendColumnSpecs(dst, m.Columns, m.GlobalTableSpec)
}
