//go:build go1.27

package cassandra

import (
	"database/sql"
	"database/sql/driver"
)

// From Go 1.27 database/sql calls NextRow and ScanColumn instead of Next,
// so a cell goes straight into its Scan destination: no driver.Value box
// per value, and text and blob cells into sql.RawBytes without a copy.
var _ driver.RowsColumnScanner = (*rows)(nil)

// NextRow makes the next row current without decoding it.
func (r *rows) NextRow() error { return r.advance() }

// ScanColumn stores column i of the current row into dest: through the
// column's fast path when it has one for dest; else it decodes the cell as
// Next does and converts the value as database/sql would, or with
// codec.Assign where database/sql has no conversion (collections into
// slices and maps of other element types, UDTs and tuples into structs:
// see needsAssign).
func (r *rows) ScanColumn(sc driver.ScanContext, i int, dest any) error {
	cell := r.cells[i]
	if r.plan.scan[i](cell, dest) {
		return nil
	}
	v, err := r.decodeCell(i, cell)
	if err != nil {
		return err
	}
	if needsAssign(dest) {
		return r.assign(i, dest, v)
	}
	return sql.ConvertAssign(sc, dest, v)
}
