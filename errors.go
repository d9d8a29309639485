package cassandra

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/protocol"
)

// Error is an ERROR response of the server. Match it with errors.As:
//
//	var cerr *cassandra.Error
//	if errors.As(err, &cerr) && cerr.Code == cassandra.ErrCodeSyntax { ... }
//
// or by code with errors.Is(err, &cassandra.Error{Code: cassandra.ErrCodeUnavailable}).
// Details holds the code-specific fields (*Unavailable, *ReadTimeout,
// *WriteTimeout, ...) or is nil.
//
// Error, ErrorCode, the ErrCode constants, the details types and
// ErrConnClosed are aliases of the protocol package's: use these names,
// which are the stable API (see Stability in the package documentation);
// protocol may change before v1.
type Error = protocol.Error

// ErrorCode is the code of an Error (an alias, as Error).
type ErrorCode = protocol.ErrorCode

// The error codes of the CQL native protocol.
const (
	ErrCodeServer          = protocol.ErrCodeServer
	ErrCodeProtocol        = protocol.ErrCodeProtocol
	ErrCodeBadCredentials  = protocol.ErrCodeBadCredentials
	ErrCodeUnavailable     = protocol.ErrCodeUnavailable
	ErrCodeOverloaded      = protocol.ErrCodeOverloaded
	ErrCodeIsBootstrapping = protocol.ErrCodeIsBootstrapping
	ErrCodeTruncate        = protocol.ErrCodeTruncate
	ErrCodeWriteTimeout    = protocol.ErrCodeWriteTimeout
	ErrCodeReadTimeout     = protocol.ErrCodeReadTimeout
	ErrCodeReadFailure     = protocol.ErrCodeReadFailure
	ErrCodeFunctionFailure = protocol.ErrCodeFunctionFailure
	ErrCodeWriteFailure    = protocol.ErrCodeWriteFailure
	ErrCodeCDCWriteFailure = protocol.ErrCodeCDCWriteFailure
	ErrCodeCASWriteUnknown = protocol.ErrCodeCASWriteUnknown
	ErrCodeSyntax          = protocol.ErrCodeSyntax
	ErrCodeUnauthorized    = protocol.ErrCodeUnauthorized
	ErrCodeInvalid         = protocol.ErrCodeInvalid
	ErrCodeConfig          = protocol.ErrCodeConfig
	ErrCodeAlreadyExists   = protocol.ErrCodeAlreadyExists
	ErrCodeUnprepared      = protocol.ErrCodeUnprepared
)

// The details of an Error, found in its Details field (aliases, as Error).
type (
	Unavailable     = protocol.Unavailable
	ReadTimeout     = protocol.ReadTimeout
	WriteTimeout    = protocol.WriteTimeout
	ReadFailure     = protocol.ReadFailure
	WriteFailure    = protocol.WriteFailure
	FunctionFailure = protocol.FunctionFailure
	AlreadyExists   = protocol.AlreadyExists
	Unprepared      = protocol.Unprepared
	CASWriteUnknown = protocol.CASWriteUnknown
)

// ErrConnClosed is wrapped by the error of a request whose connection
// closed before the response came: the request may or may not have been
// applied. It is protocol.ErrConnClosed itself; this name is the stable one.
var ErrConnClosed = protocol.ErrConnClosed

// ErrNotApplied is matched (errors.Is) by the error of a conditional batch
// (a transaction holding statements with IF) that the server did not apply.
// errors.As to *NotAppliedError gives the rows the server returned.
var ErrNotApplied = errors.New("cassandra: conditional batch not applied")

// NotAppliedError is returned by Commit when the conditions of a
// conditional batch did not hold. Rows holds what the server returned: one
// map per row, keyed by column name, with the "[applied]" column and the
// current values of the columns the conditions read.
type NotAppliedError struct {
	Rows []map[string]any
}

// Error lists the rows returned by the server.
func (e *NotAppliedError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNotApplied.Error())
	if len(e.Rows) > 0 {
		b.WriteString(": current values ")
		for i, r := range e.Rows {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, r)
		}
	}
	return b.String()
}

// Is reports whether target is ErrNotApplied.
func (e *NotAppliedError) Is(target error) bool { return target == ErrNotApplied }

// Row returns the first row returned by the server, or nil.
func (e *NotAppliedError) Row() map[string]any {
	if len(e.Rows) == 0 {
		return nil
	}
	return e.Rows[0]
}

// serverCode returns the code of the *Error in err's chain.
func serverCode(err error) (ErrorCode, bool) {
	if err == nil {
		return 0, false // without this errors.As allocates e on every success
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}
