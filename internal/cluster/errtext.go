package cluster

import "strings"

// unprefixedError is an error quoted inside another that already starts
// with "cassandra: ": its text loses that prefix, errors.Is and errors.As
// still reach it.
type unprefixedError struct{ err error }

func (e unprefixedError) Error() string { return strings.TrimPrefix(e.err.Error(), "cassandra: ") }
func (e unprefixedError) Unwrap() error { return e.err }

func unprefixed(err error) error { return unprefixedError{err} }
