package cassandra

import (
	"reflect"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// resultPlan is what rows need to turn the cells of a result into
// driver.Values, or (Go 1.27) straight into Scan's destinations: one
// decode function and one scan function per column, built once per set of
// result columns. A prepared statement keeps its plan (pool.Stmt.Plan), so
// a query through it builds nothing.
type resultPlan struct {
	cols      []protocol.ColumnSpec
	names     []string
	decode    []func(cell []byte) (any, error)
	scan      []scanFunc // ScanColumn's fast paths (Go 1.27)
	scanTypes []reflect.Type
}

var (
	typeString = reflect.TypeOf("")
	typeAny    = reflect.TypeOf((*any)(nil)).Elem()
)

func newResultPlan(cols []protocol.ColumnSpec) (*resultPlan, error) {
	p := &resultPlan{
		cols:      cols,
		names:     make([]string, len(cols)),
		decode:    make([]func([]byte) (any, error), len(cols)),
		scan:      make([]scanFunc, len(cols)),
		scanTypes: make([]reflect.Type, len(cols)),
	}
	var decs codec.DecoderSet // equal column types share one decoder
	for i, c := range cols {
		p.names[i] = c.Name
		p.scan[i] = scanFuncFor(c.Type)
		switch c.Type.ID {
		case codec.TypeBlob, codec.TypeCustom:
			p.decode[i], p.scanTypes[i] = decodeBlobInPlace, reflect.TypeOf([]byte(nil))
			continue
		case codec.TypeUUID, codec.TypeTimeUUID:
			p.decode[i], p.scanTypes[i] = decodeUUIDString, typeString
			continue
		}
		d, err := decs.Decoder(c.Type)
		if err != nil {
			return nil, codec.WithColumn(err, c.Name)
		}
		p.decode[i], p.scanTypes[i] = d.Decode, d.ScanType()
		if p.scanTypes[i] == nil {
			p.scanTypes[i] = typeAny
		}
	}
	return p, nil
}

// matches reports whether the plan decodes rows described by cols: the same
// slice (a prepared statement's result columns), or equal columns (a result
// that carries its own metadata, as every v3/v4 result does).
func (p *resultPlan) matches(cols []protocol.ColumnSpec) bool {
	if len(p.cols) != len(cols) {
		return false
	}
	if len(cols) == 0 || &p.cols[0] == &cols[0] {
		return true
	}
	for i := range cols {
		if p.cols[i].Name != cols[i].Name || !p.cols[i].Type.Equal(cols[i].Type) {
			return false
		}
	}
	return true
}

// decodeBlobInPlace returns a blob without copying it: the cell belongs to
// the frame of the current page, which nothing reuses, and database/sql
// copies a []byte into every destination but sql.RawBytes, which is meant
// to point into the driver's memory until the next call to Next.
func decodeBlobInPlace(cell []byte) (any, error) {
	if cell == nil {
		return nil, nil
	}
	return cell, nil
}

// decodeUUIDString returns a uuid or timeuuid as its canonical string,
// which scans into string and into uuid.UUID (whose Scan takes strings, not
// uuid.UUID). Empty is NULL, as for the other fixed-size types.
func decodeUUIDString(cell []byte) (any, error) {
	if len(cell) == 0 {
		return nil, nil
	}
	u, err := codec.DecodeUUID(cell)
	if err != nil {
		return nil, err
	}
	return u.String(), nil
}
