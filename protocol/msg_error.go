package protocol

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ErrorCode is the [int] code of an ERROR response (spec section 8 of v5,
// 9 of v4).
type ErrorCode int32

// Every error code of protocol v3 to v5.
const (
	ErrCodeServer          ErrorCode = 0x0000
	ErrCodeProtocol        ErrorCode = 0x000A
	ErrCodeBadCredentials  ErrorCode = 0x0100 // authentication error
	ErrCodeUnavailable     ErrorCode = 0x1000
	ErrCodeOverloaded      ErrorCode = 0x1001
	ErrCodeIsBootstrapping ErrorCode = 0x1002
	ErrCodeTruncate        ErrorCode = 0x1003
	ErrCodeWriteTimeout    ErrorCode = 0x1100
	ErrCodeReadTimeout     ErrorCode = 0x1200
	ErrCodeReadFailure     ErrorCode = 0x1300 // v4+
	ErrCodeFunctionFailure ErrorCode = 0x1400 // v4+
	ErrCodeWriteFailure    ErrorCode = 0x1500 // v4+
	ErrCodeCDCWriteFailure ErrorCode = 0x1600 // v5
	ErrCodeCASWriteUnknown ErrorCode = 0x1700 // v5
	ErrCodeSyntax          ErrorCode = 0x2000
	ErrCodeUnauthorized    ErrorCode = 0x2100
	ErrCodeInvalid         ErrorCode = 0x2200
	ErrCodeConfig          ErrorCode = 0x2300
	ErrCodeAlreadyExists   ErrorCode = 0x2400
	ErrCodeUnprepared      ErrorCode = 0x2500
)

var errorCodeNames = map[ErrorCode]string{
	ErrCodeServer: "SERVER_ERROR", ErrCodeProtocol: "PROTOCOL_ERROR", ErrCodeBadCredentials: "BAD_CREDENTIALS",
	ErrCodeUnavailable: "UNAVAILABLE", ErrCodeOverloaded: "OVERLOADED", ErrCodeIsBootstrapping: "IS_BOOTSTRAPPING",
	ErrCodeTruncate: "TRUNCATE_ERROR", ErrCodeWriteTimeout: "WRITE_TIMEOUT", ErrCodeReadTimeout: "READ_TIMEOUT",
	ErrCodeReadFailure: "READ_FAILURE", ErrCodeFunctionFailure: "FUNCTION_FAILURE", ErrCodeWriteFailure: "WRITE_FAILURE",
	ErrCodeCDCWriteFailure: "CDC_WRITE_FAILURE", ErrCodeCASWriteUnknown: "CAS_WRITE_UNKNOWN", ErrCodeSyntax: "SYNTAX_ERROR",
	ErrCodeUnauthorized: "UNAUTHORIZED", ErrCodeInvalid: "INVALID", ErrCodeConfig: "CONFIG_ERROR",
	ErrCodeAlreadyExists: "ALREADY_EXISTS", ErrCodeUnprepared: "UNPREPARED",
}

// String returns the name of the code, such as "WRITE_TIMEOUT".
func (c ErrorCode) String() string {
	if n, ok := errorCodeNames[c]; ok {
		return n
	}
	return "ERROR_0x" + strconv.FormatUint(uint64(uint32(c)), 16)
}

// Error is the ERROR response; *Error implements error. Details holds the
// code-specific fields: *Unavailable, *WriteTimeout, *ReadTimeout,
// *ReadFailure, *FunctionFailure, *WriteFailure, *CASWriteUnknown,
// *AlreadyExists or *Unprepared; it is nil for the other codes.
type Error struct {
	Code    ErrorCode
	Message string
	Details ErrorDetails
}

// ErrorDetails is the code-specific part of an ERROR. Code reports the
// error code the details belong to.
type ErrorDetails interface {
	Code() ErrorCode
	decode(r *Reader, v Version) error
	appendTo(dst []byte, v Version) ([]byte, error)
}

// Error formats the error as "cassandra: <CODE> (0x....): message", followed
// by the details in brackets when there are some, such as
// "[consistency QUORUM: 1 of 3 required replicas alive]".
func (e *Error) Error() string {
	s := fmt.Sprintf("cassandra: %v (0x%04x): %s", e.Code, uint32(e.Code), e.Message)
	if d := describeDetails(e.Details); d != "" {
		s += " [" + d + "]"
	}
	return s
}

func describeDetails(d ErrorDetails) string {
	switch d := d.(type) {
	case *Unavailable:
		return fmt.Sprintf("consistency %v: %d of %d required replicas alive", d.Consistency, d.Alive, d.Required)
	case *WriteTimeout:
		return fmt.Sprintf("consistency %v: %d of %d replicas acknowledged the %s write", d.Consistency, d.Received, d.BlockFor, d.WriteType)
	case *ReadTimeout:
		return fmt.Sprintf("consistency %v: %d of %d replicas answered, data present: %v", d.Consistency, d.Received, d.BlockFor, d.DataPresent)
	case *ReadFailure:
		return fmt.Sprintf("consistency %v: %d of %d replicas answered, %d failed", d.Consistency, d.Received, d.BlockFor, d.NumFailures)
	case *WriteFailure:
		return fmt.Sprintf("consistency %v: %d of %d replicas acknowledged the %s write, %d failed", d.Consistency, d.Received, d.BlockFor, d.WriteType, d.NumFailures)
	case *CASWriteUnknown:
		return fmt.Sprintf("consistency %v: %d of %d replicas acknowledged", d.Consistency, d.Received, d.BlockFor)
	case *FunctionFailure:
		return fmt.Sprintf("function %s.%s(%s)", d.Keyspace, d.Function, strings.Join(d.ArgTypes, ", "))
	case *AlreadyExists:
		if d.Table == "" {
			return "keyspace " + d.Keyspace
		}
		return "table " + d.Keyspace + "." + d.Table
	case *Unprepared:
		return fmt.Sprintf("statement id %x", d.ID)
	}
	return ""
}

// Is reports whether target is an *Error with the same code, so
// errors.Is(err, &protocol.Error{Code: protocol.ErrCodeUnprepared}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Opcode returns OpError.
func (*Error) Opcode() Opcode { return OpError }

// newErrorDetails returns empty details for code, or nil if it has none.
func newErrorDetails(code ErrorCode) ErrorDetails {
	switch code {
	case ErrCodeUnavailable:
		return &Unavailable{}
	case ErrCodeWriteTimeout:
		return &WriteTimeout{}
	case ErrCodeReadTimeout:
		return &ReadTimeout{}
	case ErrCodeReadFailure:
		return &ReadFailure{}
	case ErrCodeFunctionFailure:
		return &FunctionFailure{}
	case ErrCodeWriteFailure:
		return &WriteFailure{}
	case ErrCodeCASWriteUnknown:
		return &CASWriteUnknown{}
	case ErrCodeAlreadyExists:
		return &AlreadyExists{}
	case ErrCodeUnprepared:
		return &Unprepared{}
	}
	return nil
}

// Decode reads <code><message> and the details of the code.
func (e *Error) Decode(body []byte, v Version) error {
	r := Reader{buf: body}
	code, err := r.ReadInt()
	if err != nil {
		return err
	}
	e.Code = ErrorCode(code)
	if e.Message, err = r.ReadString(); err != nil {
		return err
	}
	e.Details = newErrorDetails(e.Code)
	if e.Details != nil {
		if err := e.Details.decode(&r, v); err != nil {
			return fmt.Errorf("%w (details of a %v error)", err, e.Code)
		}
	}
	return nil
}

// AppendBody appends <code><message> and the details. Details of another
// code than e.Code are an error.
func (e *Error) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst = AppendInt(dst, int32(e.Code))
	dst, err := AppendString(dst, e.Message)
	if err != nil {
		return dst[:start], err
	}
	if e.Details == nil {
		if newErrorDetails(e.Code) != nil {
			return dst[:start], fmt.Errorf("cassandra: ERROR %v needs its details", e.Code)
		}
		return dst, nil
	}
	if e.Details.Code() != e.Code {
		return dst[:start], fmt.Errorf("cassandra: ERROR %v with details of %v", e.Code, e.Details.Code())
	}
	if dst, err = e.Details.appendTo(dst, v); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// Unavailable: not enough replicas alive for the consistency level.
type Unavailable struct {
	Consistency Consistency
	Required    int32
	Alive       int32
}

// Code returns ErrCodeUnavailable.
func (*Unavailable) Code() ErrorCode { return ErrCodeUnavailable }

func (d *Unavailable) decode(r *Reader, _ Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Required, err = r.ReadInt(); err != nil {
		return err
	}
	d.Alive, err = r.ReadInt()
	return err
}

func (d *Unavailable) appendTo(dst []byte, _ Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	return AppendInt(AppendInt(dst, d.Required), d.Alive), nil
}

// Write types of WRITE_TIMEOUT and WRITE_FAILURE.
const (
	WriteTypeSimple        = "SIMPLE"
	WriteTypeBatch         = "BATCH"
	WriteTypeUnloggedBatch = "UNLOGGED_BATCH"
	WriteTypeCounter       = "COUNTER"
	WriteTypeBatchLog      = "BATCH_LOG"
	WriteTypeCAS           = "CAS"
	WriteTypeView          = "VIEW"
	WriteTypeCDC           = "CDC"
)

// WriteTimeout: a write timed out. Contentions is only on the wire in v5
// when WriteType is "CAS".
type WriteTimeout struct {
	Consistency Consistency
	Received    int32
	BlockFor    int32
	WriteType   string
	Contentions uint16
}

// Code returns ErrCodeWriteTimeout.
func (*WriteTimeout) Code() ErrorCode { return ErrCodeWriteTimeout }

func (d *WriteTimeout) decode(r *Reader, v Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Received, err = r.ReadInt(); err != nil {
		return err
	}
	if d.BlockFor, err = r.ReadInt(); err != nil {
		return err
	}
	if d.WriteType, err = r.ReadString(); err != nil {
		return err
	}
	d.Contentions = 0
	if v >= V5 && d.WriteType == WriteTypeCAS {
		d.Contentions, err = r.ReadShort()
	}
	return err
}

func (d *WriteTimeout) appendTo(dst []byte, v Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	dst = AppendInt(AppendInt(dst, d.Received), d.BlockFor)
	dst, err := AppendString(dst, d.WriteType)
	if err == nil && v >= V5 && d.WriteType == WriteTypeCAS {
		dst = AppendShort(dst, d.Contentions)
	}
	return dst, err
}

// ReadTimeout: a read timed out.
type ReadTimeout struct {
	Consistency Consistency
	Received    int32
	BlockFor    int32
	DataPresent bool
}

// Code returns ErrCodeReadTimeout.
func (*ReadTimeout) Code() ErrorCode { return ErrCodeReadTimeout }

func (d *ReadTimeout) decode(r *Reader, _ Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Received, err = r.ReadInt(); err != nil {
		return err
	}
	if d.BlockFor, err = r.ReadInt(); err != nil {
		return err
	}
	b, err := r.ReadByte()
	d.DataPresent = b != 0
	return err
}

func (d *ReadTimeout) appendTo(dst []byte, _ Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	dst = AppendInt(AppendInt(dst, d.Received), d.BlockFor)
	return append(dst, boolByte(d.DataPresent)), nil
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// FailureReason is one entry of the v5 <reasonmap>: a replica and the code
// of its failure.
type FailureReason struct {
	Endpoint netip.Addr
	Code     uint16
}

// readFailures reads <numfailures> ([int], v3/v4) or <reasonmap> (v5).
func readFailures(r *Reader, v Version) (int32, []FailureReason, error) {
	n, err := r.ReadInt()
	if err != nil || v < V5 {
		return n, nil, err
	}
	if n < 0 || int64(n)*7 > int64(r.Len()) { // [inetaddr] >= 5 bytes + [short]
		return 0, nil, malformed("reason map of %d entries cannot fit in %d bytes", n, r.Len())
	}
	reasons := make([]FailureReason, n)
	for i := range reasons {
		if reasons[i].Endpoint, err = r.ReadInetAddr(); err != nil {
			return 0, nil, err
		}
		if reasons[i].Code, err = r.ReadShort(); err != nil {
			return 0, nil, err
		}
	}
	return n, reasons, nil
}

func appendFailures(dst []byte, num int32, reasons []FailureReason, v Version) ([]byte, error) {
	if v < V5 {
		return AppendInt(dst, num), nil
	}
	dst = AppendInt(dst, int32(len(reasons)))
	var err error
	for _, fr := range reasons {
		if dst, err = AppendInetAddr(dst, fr.Endpoint); err != nil {
			return dst, err
		}
		dst = AppendShort(dst, fr.Code)
	}
	return dst, nil
}

// ReadFailure: a read failed on replicas for a reason other than a
// timeout. Before v5 only the number of failures is known (NumFailures); v5
// sends the failing replicas (Reasons, and NumFailures = len(Reasons)).
type ReadFailure struct {
	Consistency Consistency
	Received    int32
	BlockFor    int32
	NumFailures int32
	Reasons     []FailureReason
	DataPresent bool
}

// Code returns ErrCodeReadFailure.
func (*ReadFailure) Code() ErrorCode { return ErrCodeReadFailure }

func (d *ReadFailure) decode(r *Reader, v Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Received, err = r.ReadInt(); err != nil {
		return err
	}
	if d.BlockFor, err = r.ReadInt(); err != nil {
		return err
	}
	if d.NumFailures, d.Reasons, err = readFailures(r, v); err != nil {
		return err
	}
	b, err := r.ReadByte()
	d.DataPresent = b != 0
	return err
}

func (d *ReadFailure) appendTo(dst []byte, v Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	dst = AppendInt(AppendInt(dst, d.Received), d.BlockFor)
	dst, err := appendFailures(dst, d.NumFailures, d.Reasons, v)
	return append(dst, boolByte(d.DataPresent)), err
}

// WriteFailure: a write failed on replicas for a reason other than a
// timeout. NumFailures and Reasons as for ReadFailure.
type WriteFailure struct {
	Consistency Consistency
	Received    int32
	BlockFor    int32
	NumFailures int32
	Reasons     []FailureReason
	WriteType   string
}

// Code returns ErrCodeWriteFailure.
func (*WriteFailure) Code() ErrorCode { return ErrCodeWriteFailure }

func (d *WriteFailure) decode(r *Reader, v Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Received, err = r.ReadInt(); err != nil {
		return err
	}
	if d.BlockFor, err = r.ReadInt(); err != nil {
		return err
	}
	if d.NumFailures, d.Reasons, err = readFailures(r, v); err != nil {
		return err
	}
	d.WriteType, err = r.ReadString()
	return err
}

func (d *WriteFailure) appendTo(dst []byte, v Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	dst = AppendInt(AppendInt(dst, d.Received), d.BlockFor)
	dst, err := appendFailures(dst, d.NumFailures, d.Reasons, v)
	if err != nil {
		return dst, err
	}
	return AppendString(dst, d.WriteType)
}

// FunctionFailure: a user-defined function failed.
type FunctionFailure struct {
	Keyspace string
	Function string
	ArgTypes []string
}

// Code returns ErrCodeFunctionFailure.
func (*FunctionFailure) Code() ErrorCode { return ErrCodeFunctionFailure }

func (d *FunctionFailure) decode(r *Reader, _ Version) (err error) {
	if d.Keyspace, err = r.ReadString(); err != nil {
		return err
	}
	if d.Function, err = r.ReadString(); err != nil {
		return err
	}
	d.ArgTypes, err = r.ReadStringList()
	return err
}

func (d *FunctionFailure) appendTo(dst []byte, _ Version) ([]byte, error) {
	dst, err := AppendString(dst, d.Keyspace)
	if err != nil {
		return dst, err
	}
	if dst, err = AppendString(dst, d.Function); err != nil {
		return dst, err
	}
	return AppendStringList(dst, d.ArgTypes)
}

// CASWriteUnknown (v5): a contended compare-and-set write may or may not
// have been applied.
type CASWriteUnknown struct {
	Consistency Consistency
	Received    int32
	BlockFor    int32
}

// Code returns ErrCodeCASWriteUnknown.
func (*CASWriteUnknown) Code() ErrorCode { return ErrCodeCASWriteUnknown }

func (d *CASWriteUnknown) decode(r *Reader, _ Version) (err error) {
	if d.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	if d.Received, err = r.ReadInt(); err != nil {
		return err
	}
	d.BlockFor, err = r.ReadInt()
	return err
}

func (d *CASWriteUnknown) appendTo(dst []byte, _ Version) ([]byte, error) {
	dst = AppendConsistency(dst, d.Consistency)
	return AppendInt(AppendInt(dst, d.Received), d.BlockFor), nil
}

// AlreadyExists: CREATE of an existing keyspace (Table is "") or table.
type AlreadyExists struct {
	Keyspace string
	Table    string
}

// Code returns ErrCodeAlreadyExists.
func (*AlreadyExists) Code() ErrorCode { return ErrCodeAlreadyExists }

func (d *AlreadyExists) decode(r *Reader, _ Version) (err error) {
	if d.Keyspace, err = r.ReadString(); err != nil {
		return err
	}
	d.Table, err = r.ReadString()
	return err
}

func (d *AlreadyExists) appendTo(dst []byte, _ Version) ([]byte, error) {
	dst, err := AppendString(dst, d.Keyspace)
	if err != nil {
		return dst, err
	}
	return AppendString(dst, d.Table)
}

// Unprepared: the node does not know the prepared statement id (re-prepare
// and retry). ID is a copy, safe to keep.
type Unprepared struct {
	ID []byte
}

// Code returns ErrCodeUnprepared.
func (*Unprepared) Code() ErrorCode { return ErrCodeUnprepared }

func (d *Unprepared) decode(r *Reader, _ Version) error {
	id, err := r.ReadShortBytes()
	d.ID = append([]byte(nil), id...)
	return err
}

func (d *Unprepared) appendTo(dst []byte, _ Version) ([]byte, error) {
	return AppendShortBytes(dst, d.ID)
}
