package protocol

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is a native protocol version, the low 7 bits of the first header
// byte. This package speaks V3, V4 and V5.
type Version uint8

// The protocol versions this package encodes and decodes.
const (
	V3 Version = 3
	V4 Version = 4
	V5 Version = 5
)

// Supported reports whether this package can encode and decode messages of v.
func (v Version) Supported() bool { return v >= V3 && v <= V5 }

// String returns "v3", "v4", "v5" or "v<n>".
func (v Version) String() string { return "v" + strconv.Itoa(int(v)) }

// Opcode identifies the message carried by a frame (spec section 2.4.1.4).
type Opcode uint8

// Every opcode of protocol v3 to v5 (there is no 0x04).
const (
	OpError         Opcode = 0x00
	OpStartup       Opcode = 0x01
	OpReady         Opcode = 0x02
	OpAuthenticate  Opcode = 0x03
	OpOptions       Opcode = 0x05
	OpSupported     Opcode = 0x06
	OpQuery         Opcode = 0x07
	OpResult        Opcode = 0x08
	OpPrepare       Opcode = 0x09
	OpExecute       Opcode = 0x0A
	OpRegister      Opcode = 0x0B
	OpEvent         Opcode = 0x0C
	OpBatch         Opcode = 0x0D
	OpAuthChallenge Opcode = 0x0E
	OpAuthResponse  Opcode = 0x0F
	OpAuthSuccess   Opcode = 0x10
)

var opcodeNames = [...]string{
	OpError: "ERROR", OpStartup: "STARTUP", OpReady: "READY", OpAuthenticate: "AUTHENTICATE",
	OpOptions: "OPTIONS", OpSupported: "SUPPORTED", OpQuery: "QUERY", OpResult: "RESULT",
	OpPrepare: "PREPARE", OpExecute: "EXECUTE", OpRegister: "REGISTER", OpEvent: "EVENT",
	OpBatch: "BATCH", OpAuthChallenge: "AUTH_CHALLENGE", OpAuthResponse: "AUTH_RESPONSE",
	OpAuthSuccess: "AUTH_SUCCESS",
}

// Valid reports whether o is an opcode of the spec.
func (o Opcode) Valid() bool { return int(o) < len(opcodeNames) && opcodeNames[o] != "" }

// IsRequest reports whether o is sent by clients (STARTUP, AUTH_RESPONSE,
// OPTIONS, QUERY, PREPARE, EXECUTE, BATCH, REGISTER).
func (o Opcode) IsRequest() bool {
	switch o {
	case OpStartup, OpAuthResponse, OpOptions, OpQuery, OpPrepare, OpExecute, OpBatch, OpRegister:
		return true
	}
	return false
}

// String returns the spec name of the opcode, such as "QUERY", or
// "UNKNOWN(0x..)".
func (o Opcode) String() string {
	if o.Valid() {
		return opcodeNames[o]
	}
	return "UNKNOWN(0x" + strconv.FormatUint(uint64(o), 16) + ")"
}

// Flags are the header flags of a frame (spec section 2.4.1.2).
type Flags uint8

// Header flags.
const (
	FlagCompression   Flags = 0x01 // v3/v4: body is compressed; ignored in v5
	FlagTracing       Flags = 0x02 // request: trace it; response: body starts with a tracing [uuid]
	FlagCustomPayload Flags = 0x04 // v4+: a [bytes map] custom payload precedes the message
	FlagWarning       Flags = 0x08 // v4+ responses: a [string list] of warnings precedes the message
	FlagUseBeta       Flags = 0x10 // v5: the client opts in to a beta protocol version
)

// Has reports whether every flag of x is set in f.
func (f Flags) Has(x Flags) bool { return f&x == x }

// String lists the set flags, such as "TRACING|WARNING".
func (f Flags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	names := []struct {
		f Flags
		n string
	}{{FlagCompression, "COMPRESSION"}, {FlagTracing, "TRACING"}, {FlagCustomPayload, "CUSTOM_PAYLOAD"}, {FlagWarning, "WARNING"}, {FlagUseBeta, "USE_BETA"}}
	rest := f
	for _, n := range names {
		if f&n.f != 0 {
			parts = append(parts, n.n)
			rest &^= n.f
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, "|")
}

// Consistency is a [consistency] level (spec section 3).
type Consistency uint16

// Consistency levels.
const (
	Any         Consistency = 0x0000
	One         Consistency = 0x0001
	Two         Consistency = 0x0002
	Three       Consistency = 0x0003
	Quorum      Consistency = 0x0004
	All         Consistency = 0x0005
	LocalQuorum Consistency = 0x0006
	EachQuorum  Consistency = 0x0007
	Serial      Consistency = 0x0008
	LocalSerial Consistency = 0x0009
	LocalOne    Consistency = 0x000A
)

var consistencyNames = [...]string{
	Any: "ANY", One: "ONE", Two: "TWO", Three: "THREE", Quorum: "QUORUM", All: "ALL",
	LocalQuorum: "LOCAL_QUORUM", EachQuorum: "EACH_QUORUM", Serial: "SERIAL",
	LocalSerial: "LOCAL_SERIAL", LocalOne: "LOCAL_ONE",
}

// Valid reports whether c is a level of the spec.
func (c Consistency) Valid() bool { return int(c) < len(consistencyNames) }

// IsSerial reports whether c is SERIAL or LOCAL_SERIAL.
func (c Consistency) IsSerial() bool { return c == Serial || c == LocalSerial }

// IsLocal reports whether c is a LOCAL_* level, which a coordinator applies
// to its own datacenter.
func (c Consistency) IsLocal() bool { return c == LocalOne || c == LocalQuorum || c == LocalSerial }

// String returns the spec name, such as "LOCAL_QUORUM".
func (c Consistency) String() string {
	if c.Valid() {
		return consistencyNames[c]
	}
	return fmt.Sprintf("Consistency(%#04x)", uint16(c))
}

// ErrUnknownConsistency is wrapped by the error of ParseConsistency.
var ErrUnknownConsistency = errors.New("cassandra: unknown consistency level")

// ParseConsistency parses a consistency level name. Case does not matter
// and the separators "_" and "-" are ignored, so "LOCAL_QUORUM",
// "local_quorum", "local-quorum", "localQuorum" and "LocalQuorum" all name
// LocalQuorum. The error lists the accepted names.
func ParseConsistency(s string) (Consistency, error) {
	if c, ok := LookupConsistency(s); ok {
		return c, nil
	}
	return 0, fmt.Errorf("%w %q: use one of %s (any case, underscores optional)", ErrUnknownConsistency, s, strings.Join(consistencyNames[:], ", "))
}

// LookupConsistency is ParseConsistency without the error.
func LookupConsistency(s string) (Consistency, bool) {
	key := strings.Map(func(r rune) rune {
		switch {
		case r == '_' || r == '-':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(s))
	for c, n := range consistencyNames {
		if key != "" && key == strings.ReplaceAll(n, "_", "") {
			return Consistency(c), true
		}
	}
	return 0, false
}

// ConsistencyNames returns the spec names of every level, in code order.
func ConsistencyNames() []string { return append([]string(nil), consistencyNames[:]...) }
