package protocol

import (
	"fmt"
	"strings"
)

// contextError puts what the package was doing in front of a cause, with
// one "cassandra: " prefix whether the cause is an error of this package
// (which has its own) or of the standard library (which has none).
type contextError struct {
	context string
	err     error
}

func (e *contextError) Error() string {
	return "cassandra: " + e.context + ": " + strings.TrimPrefix(e.err.Error(), "cassandra: ")
}

func (e *contextError) Unwrap() error { return e.err }

// wrapf returns err with the context fmt.Sprintf(format, args...) in front,
// as in "cassandra: reading handshake response from host:9042: EOF".
func wrapf(err error, format string, args ...any) error {
	return &contextError{context: fmt.Sprintf(format, args...), err: err}
}

// unprefixedError is an error quoted inside another one that already starts
// with "cassandra: ": its text loses that prefix, errors.Is and errors.As
// still reach it.
type unprefixedError struct{ err error }

func (e unprefixedError) Error() string { return strings.TrimPrefix(e.err.Error(), "cassandra: ") }
func (e unprefixedError) Unwrap() error { return e.err }

func unprefixed(err error) error { return unprefixedError{err} }
