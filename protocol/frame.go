package protocol

import (
	"encoding/binary"
	"fmt"
)

// Request is what AppendFrame encodes: a message that knows its opcode and
// how to append its body for a protocol version. Every request type of this
// package (Startup, AuthResponse, Options, Query, Prepare, Execute, Batch,
// Register) implements it, and so does every response type, so a test
// server can encode responses with the same functions.
type Request interface {
	Opcode() Opcode
	AppendBody(dst []byte, v Version) ([]byte, error)
}

// Message is a Request that can also decode its body. Every message type of
// this package implements Message: clients decode responses, test servers
// decode requests.
//
// Decode ignores bytes left after the message, as the spec asks of clients
// ("the body may contain more data than what is described"). Unless a field
// says otherwise, byte slices in a decoded message alias body: copy what
// must outlive the buffer the body was read into. Strings are copies.
type Message interface {
	Request
	Decode(body []byte, v Version) error
}

// NewResponse returns an empty message of the response type for op
// (*Error, *Ready, *Authenticate, *Supported, *Result, *Event,
// *AuthChallenge, *AuthSuccess).
func NewResponse(op Opcode) (Message, error) {
	switch op {
	case OpError:
		return &Error{}, nil
	case OpReady:
		return &Ready{}, nil
	case OpAuthenticate:
		return &Authenticate{}, nil
	case OpSupported:
		return &Supported{}, nil
	case OpResult:
		return &Result{}, nil
	case OpEvent:
		return &Event{}, nil
	case OpAuthChallenge:
		return &AuthChallenge{}, nil
	case OpAuthSuccess:
		return &AuthSuccess{}, nil
	}
	return nil, malformed("opcode %v is not a response", op)
}

// NewRequest returns an empty message of the request type for op
// (*Startup, *AuthResponse, *Options, *Query, *Prepare, *Execute, *Batch,
// *Register).
func NewRequest(op Opcode) (Message, error) {
	switch op {
	case OpStartup:
		return &Startup{}, nil
	case OpAuthResponse:
		return &AuthResponse{}, nil
	case OpOptions:
		return &Options{}, nil
	case OpQuery:
		return &Query{}, nil
	case OpPrepare:
		return &Prepare{}, nil
	case OpExecute:
		return &Execute{}, nil
	case OpBatch:
		return &Batch{}, nil
	case OpRegister:
		return &Register{}, nil
	}
	return nil, malformed("opcode %v is not a request", op)
}

// patchLength writes the body length of the frame starting at dst[start:].
func patchLength(dst []byte, start int) ([]byte, error) {
	n := len(dst) - start - HeaderSize
	if n > DefaultMaxFrameBody {
		return dst[:start], fmt.Errorf("%w: body of %d bytes", ErrFrameTooLarge, n)
	}
	binary.BigEndian.PutUint32(dst[start+5:], uint32(n))
	return dst, nil
}

// AppendFrame appends a request frame: the 9-byte header and req's body,
// then patches the header's length in place (no second buffer). It neither
// compresses (see CompressFrame) nor writes a custom payload: flags with
// FlagCustomPayload are rejected, use AppendRequestFrame. On error dst is
// returned at its original length.
func AppendFrame(dst []byte, v Version, flags Flags, stream int16, req Request) ([]byte, error) {
	if flags&FlagCustomPayload != 0 {
		return dst, fmt.Errorf("cassandra: AppendFrame cannot write a custom payload; use AppendRequestFrame")
	}
	if !v.Supported() {
		return dst, &UnsupportedVersionError{Version: v}
	}
	start := len(dst)
	dst = Header{Version: v, Flags: flags, Stream: stream, Opcode: req.Opcode()}.Append(dst)
	dst, err := req.AppendBody(dst, v)
	if err != nil {
		return dst[:start], err
	}
	return patchLength(dst, start)
}

// RequestFrame is a decoded request frame, as a test server sees it.
type RequestFrame struct {
	Header        Header
	CustomPayload map[string][]byte // present when Header.Flags has FlagCustomPayload
	Message       Message
}

// AppendRequestFrame appends f as a request frame. The version, flags and
// stream come from f.Header (Response and Length are ignored), the opcode
// from f.Message; the custom payload is written when f.Header.Flags has
// FlagCustomPayload.
func AppendRequestFrame(dst []byte, f *RequestFrame) ([]byte, error) {
	start := len(dst)
	h := f.Header
	h.Response, h.Opcode, h.Length = false, f.Message.Opcode(), 0
	if !h.Version.Supported() {
		return dst, &UnsupportedVersionError{Version: h.Version}
	}
	dst = h.Append(dst)
	var err error
	if h.Flags&FlagCustomPayload != 0 {
		if dst, err = AppendBytesMap(dst, f.CustomPayload); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = f.Message.AppendBody(dst, h.Version); err != nil {
		return dst[:start], err
	}
	return patchLength(dst, start)
}

// DecodeRequest decodes the (already decompressed) body of a request frame
// with header h: the custom payload if flagged, then the message.
func DecodeRequest(h Header, body []byte) (RequestFrame, error) {
	f := RequestFrame{Header: h}
	if h.Response {
		return f, malformed("response frame where a request was expected")
	}
	r := Reader{buf: body}
	var err error
	if h.Flags&FlagCustomPayload != 0 {
		if f.CustomPayload, err = r.ReadBytesMap(); err != nil {
			return f, err
		}
	}
	if f.Message, err = NewRequest(h.Opcode); err != nil {
		return f, err
	}
	return f, f.Message.Decode(r.Remaining(), h.Version)
}

// ResponseFrame is a decoded response frame: the optional elements that
// precede the message (spec section 4 of v5, 2.2 of v4) and the message.
type ResponseFrame struct {
	Header        Header
	TracingID     UUID              // valid when Header.Flags has FlagTracing
	Warnings      []string          // present when Header.Flags has FlagWarning
	CustomPayload map[string][]byte // present when Header.Flags has FlagCustomPayload; values alias the body
	Message       Message           // *Error, *Ready, *Result, ...
}

// Traced reports whether the frame carries a tracing id.
func (f *ResponseFrame) Traced() bool { return f.Header.Flags&FlagTracing != 0 }

// DecodeResponsePrefix reads, in the order of the spec, the tracing id
// ([uuid], flag 0x02), the warnings ([string list], flag 0x08) and the custom
// payload ([bytes map], flag 0x04) at the start of a response body, stores
// them and h in f, and returns the rest of the body: the message. Use it to
// decode the message into a reused value; DecodeResponse does both steps.
func DecodeResponsePrefix(h Header, body []byte, f *ResponseFrame) ([]byte, error) {
	f.Header = h
	r := Reader{buf: body}
	var err error
	if h.Flags&FlagTracing != 0 {
		if f.TracingID, err = r.ReadUUID(); err != nil {
			return nil, err
		}
	}
	if h.Flags&FlagWarning != 0 {
		if f.Warnings, err = r.ReadStringList(); err != nil {
			return nil, err
		}
	}
	if h.Flags&FlagCustomPayload != 0 {
		if f.CustomPayload, err = r.ReadBytesMap(); err != nil {
			return nil, err
		}
	}
	return r.Remaining(), nil
}

// DecodeResponse decodes the body of a response frame with header h. body
// must already be decompressed (v4 frame compression) or come out of v5
// segments. The message is a new value of the type for h.Opcode; its byte
// slices alias body.
func DecodeResponse(h Header, body []byte) (ResponseFrame, error) {
	var f ResponseFrame
	if !h.Response {
		return f, malformed("request frame where a response was expected")
	}
	rest, err := DecodeResponsePrefix(h, body, &f)
	if err != nil {
		return f, err
	}
	if f.Message, err = NewResponse(h.Opcode); err != nil {
		return f, err
	}
	return f, f.Message.Decode(rest, h.Version)
}

// AppendResponseFrame appends f as a response frame (for test servers):
// the header from f.Header (Response set, opcode from f.Message, length
// patched), then the tracing id, warnings and custom payload selected by
// f.Header.Flags, then the message body.
func AppendResponseFrame(dst []byte, f *ResponseFrame) ([]byte, error) {
	start := len(dst)
	h := f.Header
	h.Response, h.Opcode, h.Length = true, f.Message.Opcode(), 0
	if !h.Version.Supported() {
		return dst, &UnsupportedVersionError{Version: h.Version, Response: true}
	}
	dst = h.Append(dst)
	var err error
	if h.Flags&FlagTracing != 0 {
		dst = AppendUUID(dst, f.TracingID)
	}
	if h.Flags&FlagWarning != 0 {
		if dst, err = AppendStringList(dst, f.Warnings); err != nil {
			return dst[:start], err
		}
	}
	if h.Flags&FlagCustomPayload != 0 {
		if dst, err = AppendBytesMap(dst, f.CustomPayload); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = f.Message.AppendBody(dst, h.Version); err != nil {
		return dst[:start], err
	}
	return patchLength(dst, start)
}
