package cassandra

import (
	"database/sql"
	"strconv"
	"unicode/utf8"

	"github.com/cqlsql/cassandra/codec"
)

// scanFunc is the fast path of ScanColumn (driver.RowsColumnScanner, Go
// 1.27; see rows_scan_go127.go): it stores a well-formed, non-NULL cell of
// a common type into a destination of its natural Go type, without boxing
// it into a driver.Value, and reports whether it did. Anything else, NULL
// and malformed cells included, takes the path Next takes (decode, then
// database/sql's conversion), so results and errors are the same on both
// paths.
type scanFunc func(cell []byte, dest any) bool

// scanFuncFor returns the fast path for columns of type t.
func scanFuncFor(t codec.Type) scanFunc {
	switch t.ID {
	case codec.TypeBigint, codec.TypeCounter:
		return scanBigint
	case codec.TypeInt:
		return scanInt
	case codec.TypeDouble:
		return scanDouble
	case codec.TypeFloat:
		return scanFloat
	case codec.TypeBoolean:
		return scanBoolean
	case codec.TypeVarchar:
		return scanText
	case codec.TypeASCII:
		return scanASCII
	case codec.TypeBlob, codec.TypeCustom:
		return scanBlob
	case codec.TypeTimestamp:
		return scanTimestamp
	case codec.TypeUUID, codec.TypeTimeUUID:
		return scanUUID
	}
	return scanNone
}

func scanNone([]byte, any) bool { return false }

func scanBigint(cell []byte, dest any) bool {
	v, err := codec.DecodeBigint(cell)
	if err != nil {
		return false
	}
	switch d := dest.(type) {
	case *int64:
		if d != nil {
			*d = v
			return true
		}
	case *int:
		if d != nil && strconv.IntSize == 64 {
			*d = int(v)
			return true
		}
	}
	return false
}

func scanInt(cell []byte, dest any) bool {
	v, err := codec.DecodeInt(cell)
	if err != nil {
		return false
	}
	switch d := dest.(type) {
	case *int32:
		if d != nil {
			*d = v
			return true
		}
	case *int64:
		if d != nil {
			*d = int64(v)
			return true
		}
	case *int:
		if d != nil {
			*d = int(v)
			return true
		}
	}
	return false
}

// scanDecoded stores what decode makes of cell into dest when dest is a
// non-nil *T and the cell decodes (a NULL or malformed cell does not).
func scanDecoded[T any](cell []byte, dest any, decode func([]byte) (T, error)) bool {
	d, ok := dest.(*T)
	if !ok || d == nil {
		return false
	}
	v, err := decode(cell)
	if err != nil {
		return false
	}
	*d = v
	return true
}

func scanDouble(cell []byte, dest any) bool { return scanDecoded(cell, dest, codec.DecodeDouble) }

// scanFloat handles *float32 only: database/sql converts a float32 into a
// float64 through its shortest decimal form, which the fallback keeps.
func scanFloat(cell []byte, dest any) bool { return scanDecoded(cell, dest, codec.DecodeFloat) }

func scanBoolean(cell []byte, dest any) bool { return scanDecoded(cell, dest, codec.DecodeBoolean) }

func scanTimestamp(cell []byte, dest any) bool {
	return scanDecoded(cell, dest, codec.DecodeTimestamp)
}

func scanText(cell []byte, dest any) bool {
	if cell == nil || !utf8.Valid(cell) {
		return false
	}
	return scanBytes(cell, dest)
}

func scanASCII(cell []byte, dest any) bool {
	if cell == nil {
		return false
	}
	for _, c := range cell {
		if c > 127 {
			return false
		}
	}
	return scanBytes(cell, dest)
}

func scanBlob(cell []byte, dest any) bool {
	return cell != nil && scanBytes(cell, dest)
}

// scanBytes stores a non-NULL text (valid) or blob cell as database/sql
// would a []byte or string: copied into string and []byte. sql.RawBytes
// gets the cell itself: it belongs to the frame of the current page, which
// nothing reuses, and its capacity ends where it does, so an append cannot
// reach the next cell.
func scanBytes(cell []byte, dest any) bool {
	switch d := dest.(type) {
	case *string:
		if d != nil {
			*d = string(cell)
			return true
		}
	case *[]byte:
		if d != nil {
			*d = append([]byte{}, cell...)
			return true
		}
	case *sql.RawBytes:
		if d != nil {
			*d = cell
			return true
		}
	}
	return false
}

func scanUUID(cell []byte, dest any) bool {
	if d, ok := dest.(*string); ok && d != nil {
		u, err := codec.DecodeUUID(cell)
		if err != nil {
			return false
		}
		*d = u.String()
		return true
	}
	return scanDecoded(cell, dest, codec.DecodeUUID)
}
