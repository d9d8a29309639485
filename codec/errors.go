package codec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// ErrNull is returned by the typed decoders (DecodeInt, DecodeBigint, ...)
// when the value is NULL (nil bytes) or empty (zero bytes, which the spec
// section 5 allows for "legacy compatibility" and which has no Go value for
// a fixed-size type). Check it with errors.Is.
var ErrNull = errors.New("cassandra: value is NULL")

// Op tells what an Error was doing.
type Op string

// The operations an Error reports.
const (
	OpEncode Op = "encode"
	OpDecode Op = "decode"
	OpAssign Op = "assign"
)

// Error is what every failing function of this package returns. It names
// the CQL type and, when a Go value is involved, its Go type, so the message
// is enough to fix the call; the caller adds the column with WithColumn.
type Error struct {
	Op     Op
	Column string // set by WithColumn; empty otherwise
	CQL    string // CQL type name, as Type.String ("Go T" when Assign had only a Go value)
	GoType string // Go type involved ("" when only bytes were involved)
	Msg    string
	Err    error // wrapped cause, may be nil
}

func (e *Error) Error() string {
	s := "cassandra: "
	if e.Column != "" {
		s += fmt.Sprintf("column %q: ", e.Column)
	}
	switch e.Op {
	case OpEncode:
		s += fmt.Sprintf("cannot bind Go %s as CQL %s", e.GoType, e.CQL)
	case OpAssign:
		// Assign knows only the Go type of the value (CQL holds "Go T");
		// Decoder.Scan knows its CQL type.
		src := "CQL " + e.CQL
		if strings.HasPrefix(e.CQL, "Go ") {
			src = e.CQL
		}
		s += fmt.Sprintf("cannot store %s value into Go %s", src, e.GoType)
	default:
		s += fmt.Sprintf("cannot decode CQL %s", e.CQL)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + trimPrefix(e.Err.Error())
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "cassandra: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// WithColumn returns err annotated with the column (or bind marker) name.
// An *Error gets its Column field set (on a copy); any other non-nil error
// is wrapped. WithColumn(nil, c) is nil.
func WithColumn(err error, column string) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Column == "" {
		c := *e
		c.Column = column
		return &c
	}
	if strings.HasPrefix(err.Error(), "cassandra: ") {
		return fmt.Errorf("%w (column %q)", err, column)
	}
	return fmt.Errorf("cassandra: column %q: %w", column, err)
}

func goTypeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

func encErr(t Type, v any, format string, args ...any) error {
	return &Error{Op: OpEncode, CQL: t.String(), GoType: goTypeName(v), Msg: fmt.Sprintf(format, args...)}
}

func encWrap(t Type, v any, msg string, err error) error {
	return &Error{Op: OpEncode, CQL: t.String(), GoType: goTypeName(v), Msg: msg, Err: err}
}

func encTypeErr(t Type, v any) error {
	return &Error{Op: OpEncode, CQL: t.String(), GoType: goTypeName(v), Msg: "unsupported Go type"}
}

func decErr(t Type, format string, args ...any) error {
	return &Error{Op: OpDecode, CQL: t.String(), Msg: fmt.Sprintf(format, args...)}
}

func decWrap(t Type, msg string, err error) error {
	return &Error{Op: OpDecode, CQL: t.String(), Msg: msg, Err: err}
}
