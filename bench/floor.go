package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"
)

// The floor: a database/sql driver that does no work, so the same
// workloads run through database/sql alone. Its CPU and allocations per
// op are what database/sql (and this harness) cost before any driver does
// anything: the part of cqlsql's figures no driver can remove.
//
// It answers the bench's statements from memory: an insert succeeds, a
// point select returns the row the real table holds (boxing its two
// int64s, as any driver must), a scan returns the wide partition's rows
// from values boxed once in advance, and a transaction commits.

const (
	floorName       = "database/sql-floor" // its name in -drivers and the table
	floorDriverName = "cqlsql-bench-floor" // its name in sql.Register
)

func init() { sql.Register(floorDriverName, floorDriver{}) }

// newFloor returns the floor client: the same code as cqlsql's client,
// on a *sql.DB of the floor driver.
func newFloor() (*ours, error) {
	return openSQL(floorName, floorDriverName, "")
}

type floorDriver struct{}

func (floorDriver) Open(string) (driver.Conn, error) { return floorConn{}, nil }

type floorConn struct{}

func (floorConn) Prepare(q string) (driver.Stmt, error) {
	switch q {
	case insertQ, selectQ, scanQ:
		return floorStmt{q: q}, nil
	}
	return nil, fmt.Errorf("floor driver: no such statement: %s", q)
}
func (floorConn) Close() error              { return nil }
func (floorConn) Begin() (driver.Tx, error) { return floorTx{}, nil }
func (floorConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return floorTx{}, nil
}

type floorTx struct{}

func (floorTx) Commit() error   { return nil }
func (floorTx) Rollback() error { return nil }

type floorStmt struct{ q string }

func (s floorStmt) Close() error  { return nil }
func (s floorStmt) NumInput() int { return -1 }

func (s floorStmt) Exec([]driver.Value) (driver.Result, error) { return driver.RowsAffected(0), nil }
func (s floorStmt) ExecContext(context.Context, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(0), nil
}

func (s floorStmt) Query([]driver.Value) (driver.Rows, error) {
	return nil, errors.New("floor driver: use QueryContext")
}

func (s floorStmt) QueryContext(_ context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("floor driver: %d arguments, want 1", len(args))
	}
	switch s.q {
	case selectQ:
		pk, _ := args[0].Value.(int64)
		return &floorPoint{v1: v1Of(pk), v2: v2Of(pk)}, nil
	case scanQ:
		p, _ := args[0].Value.(int64)
		return &floorScan{rows: widePartition(int32(p))}, nil
	}
	return nil, fmt.Errorf("floor driver: %s returns no rows", s.q)
}

// floorPoint is the one row of a point select.
type floorPoint struct {
	v1, v2 int64
	done   bool
}

func (r *floorPoint) Columns() []string { return []string{"v1", "v2"} }
func (r *floorPoint) Close() error      { return nil }
func (r *floorPoint) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	dest[0], dest[1] = r.v1, r.v2
	return nil
}

// floorScan returns rows boxed in advance.
type floorScan struct {
	rows [][]driver.Value
	i    int
}

var wideColumns = []string{"p", "c", "b", "bl", "bo", "d", "f", "t", "ts", "u"}

func (r *floorScan) Columns() []string { return wideColumns }
func (r *floorScan) Close() error      { return nil }
func (r *floorScan) Next(dest []driver.Value) error {
	if r.i == len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.i])
	r.i++
	return nil
}

var (
	wideMu   sync.Mutex
	wideRows = map[int32][][]driver.Value{}
)

// widePartition returns partition p's rows as cqlsql hands them to
// database/sql (int as int64, float as float64, uuid as a string), built
// once.
func widePartition(p int32) [][]driver.Value {
	wideMu.Lock()
	defer wideMu.Unlock()
	if rows, ok := wideRows[p]; ok {
		return rows
	}
	rows := make([][]driver.Value, *flagScanRows)
	for c := range rows {
		w := wideOf(int32(c))
		rows[c] = []driver.Value{int64(p), int64(c), w.b, w.bl, w.bo, w.d, float64(w.f), w.t, w.ts, w.u}
	}
	wideRows[p] = rows
	return rows
}
