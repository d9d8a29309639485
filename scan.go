package cassandra

import (
	"database/sql"
	"reflect"
	"time"

	"github.com/cqlsql/cassandra/codec"
)

// Scan wraps a Scan destination so that it is filled by codec.Assign, with
// the conversions database/sql does not make: collections element by
// element (list<int> into []int64, map<inet, int> into map[string]int32),
// user-defined types into structs (by `cql` tag), tuples into structs
// (exported fields in order), with integers range-checked and NULL into
// pointers at any depth:
//
//	var ids []int64
//	var addr Address // a struct with `cql:"street"`... tags
//	err := rows.Scan(cassandra.Scan(&ids), cassandra.Scan(&addr))
//
// With Go 1.27 or newer the driver does this itself for every destination
// database/sql cannot convert (plain &ids works); Scan is for code that
// must build with Go 1.22 to 1.26, where database/sql converts values
// without the driver and refuses these destinations. For them, a wrapped
// destination gets on any Go version what an unwrapped one gets with Go
// 1.27 (TestTypedScanTable checks it). A wrapped destination of another
// kind is converted by codec.Assign too, which differs from database/sql's
// conversion in places: it formats a decimal into a string, which
// database/sql refuses, and does not parse text into numbers, which
// database/sql does.
//
// dest must be a non-nil pointer. A blob value is copied.
func Scan(dest any) sql.Scanner { return assignScanner{dest} }

// As is Scan for a typed pointer: rows.Scan(cassandra.As(&ids)).
func As[T any](dest *T) sql.Scanner { return assignScanner{dest} }

type assignScanner struct{ dest any }

// Scan stores src, a value as the driver decodes it, into the destination.
func (s assignScanner) Scan(src any) error {
	if b, ok := src.([]byte); ok && b != nil {
		// database/sql hands a Scanner the driver's bytes, which belong
		// to the received page.
		src = append([]byte{}, b...)
	}
	return codec.Assign(s.dest, src)
}

var (
	rtScanner = reflect.TypeOf((*sql.Scanner)(nil)).Elem()
	rtTime    = reflect.TypeOf(time.Time{})
)

// needsAssign reports whether dest is a destination database/sql's
// conversion (sql.ConvertAssign) has no rule for, but codec.Assign has:
// a pointer (through any number of pointers) to a slice other than bytes,
// an array, a map or a struct that is not an sql.Scanner, or to one of
// database/sql's Null types holding one. Every other destination keeps
// database/sql's conversion, so that what scanned before scans the same.
func needsAssign(dest any) bool {
	switch dest.(type) {
	case *any, *string, *[]byte, *sql.RawBytes, *int64, *int32, *int, *float64, *float32,
		*bool, *time.Time, *sql.NullString, *sql.NullInt64, *sql.NullInt32, *sql.NullFloat64,
		*sql.NullBool, *sql.NullTime, assignScanner, nil:
		return false
	}
	t := reflect.TypeOf(dest)
	if t.Kind() != reflect.Pointer {
		return false
	}
	for depth := 0; depth < 8; depth++ {
		t = t.Elem()
		if isSQLNull(t) {
			t = reflect.PointerTo(t.Field(0).Type)
			continue
		}
		if reflect.PointerTo(t).Implements(rtScanner) {
			return false
		}
		switch t.Kind() {
		case reflect.Pointer:
			continue
		case reflect.Slice:
			return t.Elem().Kind() != reflect.Uint8
		case reflect.Array, reflect.Map:
			return true
		case reflect.Struct:
			return t != rtTime
		}
		return false
	}
	return false
}

// isSQLNull reports whether t is one of database/sql's Null structs (a
// value field, then Valid).
func isSQLNull(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == "database/sql" && t.NumField() == 2 &&
		t.Field(1).Name == "Valid" && t.Field(1).Type.Kind() == reflect.Bool
}
