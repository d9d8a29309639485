package cassandra

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// scanRef is a database/sql driver whose one row holds the value under
// test, so that database/sql's own conversion (the path Next takes) gives
// the reference result for each fast path.
type scanRef struct{}

var (
	scanRefOnce  sync.Once
	scanRefMu    sync.Mutex
	scanRefValue driver.Value
)

func (scanRef) Open(string) (driver.Conn, error) { return scanRefConn{}, nil }

type scanRefConn struct{}

func (scanRefConn) Prepare(string) (driver.Stmt, error) { return scanRefStmt{}, nil }
func (scanRefConn) Close() error                        { return nil }
func (scanRefConn) Begin() (driver.Tx, error)           { return nil, fmt.Errorf("no transactions") }

type scanRefStmt struct{}

func (scanRefStmt) Close() error                               { return nil }
func (scanRefStmt) NumInput() int                              { return 0 }
func (scanRefStmt) Exec([]driver.Value) (driver.Result, error) { return nil, fmt.Errorf("no exec") }
func (scanRefStmt) Query([]driver.Value) (driver.Rows, error) {
	return &scanRefRows{v: scanRefValue}, nil
}

type scanRefRows struct {
	v    driver.Value
	done bool
}

func (r *scanRefRows) Columns() []string { return []string{"c"} }
func (r *scanRefRows) Close() error      { return nil }
func (r *scanRefRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done, dest[0] = true, r.v
	return nil
}

// refScan scans v into dest through database/sql's conversion and returns
// dest's value, read before the rows close (sql.RawBytes is valid only
// until then).
func refScan(t *testing.T, v driver.Value, dest any) (any, error) {
	t.Helper()
	scanRefOnce.Do(func() { sql.Register("cqlsql-scanref", scanRef{}) })
	db, err := sql.Open("cqlsql-scanref", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	scanRefMu.Lock()
	scanRefValue = v
	rows, err := db.Query("q")
	scanRefMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal("no row")
	}
	if err := rows.Scan(dest); err != nil {
		return nil, err
	}
	got := reflect.ValueOf(dest).Elem().Interface()
	if rb, ok := got.(sql.RawBytes); ok {
		got = sql.RawBytes(bytes.Clone(rb))
	}
	return got, nil
}

// Every fast path stores exactly what database/sql would have stored from
// the value Next returns, and declines whatever that path would refuse
// (NULL, malformed cells, conversions it does otherwise), for each column
// type that has one and each destination type.
func TestScanFastPathsMatchDatabaseSQL(t *testing.T) {
	u := uuid.MustParse("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
	be := func(n int, x uint64) []byte {
		b := make([]byte, n)
		for i := n - 1; i >= 0; i-- {
			b[i], x = byte(x), x>>8
		}
		return b
	}
	cells := map[codec.TypeID][][]byte{
		codec.TypeBigint:    {be(8, 1<<40+7), be(8, 0xffffffffffffff85), be(8, 300), be(4, 1), {}, nil},
		codec.TypeCounter:   {be(8, 42), nil},
		codec.TypeInt:       {be(4, 70000), be(4, 0xfffffffe), be(8, 1), {}, nil},
		codec.TypeDouble:    {be(8, 0x400921fb54442d18), be(4, 1), {}, nil},
		codec.TypeFloat:     {be(4, 0x3dcccccd), be(8, 1), {}, nil},
		codec.TypeBoolean:   {{1}, {0}, {7}, {1, 1}, {}, nil},
		codec.TypeVarchar:   {[]byte("héllo"), {}, {0xff, 0xfe}, nil},
		codec.TypeASCII:     {[]byte("plain"), {}, []byte("non-ascii é"), nil},
		codec.TypeBlob:      {{0, 1, 2, 0xff}, {}, nil},
		codec.TypeTimestamp: {be(8, 1700000000123), be(8, 0xfffffffffffffc18), be(4, 1), {}, nil},
		codec.TypeUUID:      {u[:], be(8, 1), {}, nil},
		codec.TypeTimeUUID:  {u[:], nil},
		codec.TypeDecimal:   {{0, 0, 0, 2, 0x30, 0x39}, nil}, // no fast path: always declined
	}
	handled := 0
	for id, cs := range cells {
		for _, cell := range cs {
			handled += checkScanFastPaths(t, id, cell)
		}
	}
	if handled < 30 {
		t.Errorf("only %d combinations took a fast path", handled)
	}
}

// scanDests makes one of each destination type the fast paths are checked
// with: theirs, and others they must leave to database/sql.
var scanDests = []func() any{
	func() any { return new(int64) }, func() any { return new(int32) }, func() any { return new(int) },
	func() any { return new(int16) }, func() any { return new(uint64) },
	func() any { return new(float64) }, func() any { return new(float32) }, func() any { return new(bool) },
	func() any { return new(string) }, func() any { return new([]byte) }, func() any { return new(sql.RawBytes) },
	func() any { return new(time.Time) }, func() any { return new(uuid.UUID) }, func() any { return new(any) },
	func() any { return new(sql.NullInt64) }, func() any { return new(*int64) },
}

// checkScanFastPaths scans cell, of a column of type id, into each of
// scanDests through the fast path and, where the fast path takes it,
// checks the result against database/sql's conversion of the decoded
// value. It returns how many destinations the fast path took.
func checkScanFastPaths(t *testing.T, id codec.TypeID, cell []byte) int {
	t.Helper()
	plan, err := newResultPlan([]protocol.ColumnSpec{{Name: "c", Type: codec.Type{ID: id, Custom: "org.example.T"}}})
	if err != nil {
		t.Fatal(err)
	}
	handled := 0
	for _, mk := range scanDests {
		dest := mk()
		name := fmt.Sprintf("%v cell %x (nil %v) into %T", codec.Type{ID: id}, cell, cell == nil, dest)
		if !plan.scan[0](cell, dest) {
			continue // the fallback is the reference path itself
		}
		handled++
		v, err := plan.decode[0](cell)
		if err != nil {
			t.Errorf("%s: fast path took a cell the decoder refuses: %v", name, err)
			continue
		}
		want, err := refScan(t, v, mk())
		if err != nil {
			t.Errorf("%s: fast path took what database/sql refuses: %v", name, err)
			continue
		}
		got := reflect.ValueOf(dest).Elem().Interface()
		if rb, ok := got.(sql.RawBytes); ok {
			// database/sql's copy of an empty text is nil; the cell
			// itself is empty and not nil, which is not NULL.
			if rb == nil || !bytes.Equal(rb, want.(sql.RawBytes)) {
				t.Errorf("%s: got %q (nil %v), want %q", name, rb, rb == nil, want)
			}
			continue
		}
		if !sameScan(got, want) {
			t.Errorf("%s: got %#v, want %#v", name, got, want)
		}
	}
	return handled
}

// sameScan is reflect.DeepEqual, except that floats are compared bit for
// bit, so that a NaN equals the same NaN.
func sameScan(got, want any) bool {
	switch g := got.(type) {
	case float32:
		w, ok := want.(float32)
		return ok && math.Float32bits(g) == math.Float32bits(w)
	case float64:
		w, ok := want.(float64)
		return ok && math.Float64bits(g) == math.Float64bits(w)
	}
	return reflect.DeepEqual(got, want)
}

// A text or blob cell scanned into sql.RawBytes is the cell itself, capped
// so that an append cannot write into the next cell.
func TestScanRawBytesIsTheCell(t *testing.T) {
	frame := []byte("abcdefgh")
	for _, fn := range []scanFunc{scanText, scanASCII, scanBlob} {
		cell := frame[2:5:5]
		var rb sql.RawBytes
		if !fn(cell, &rb) {
			t.Fatal("declined")
		}
		if &rb[0] != &frame[2] {
			t.Error("RawBytes is a copy, not the cell")
		}
		rb = append(rb, 'X')
		if string(frame) != "abcdefgh" {
			t.Fatalf("append to RawBytes wrote into the frame: %q", frame)
		}
	}
}
