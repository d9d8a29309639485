package cassandra

import (
	"fmt"
	"strings"
)

// Consistency is a Cassandra consistency level. Its values are the
// protocol's [consistency] codes, so the driver sends them unchanged.
type Consistency uint16

// The consistency levels of the CQL native protocol.
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

// consistencyNames holds the CQL name of each level, indexed by code.
var consistencyNames = [...]string{
	Any:         "ANY",
	One:         "ONE",
	Two:         "TWO",
	Three:       "THREE",
	Quorum:      "QUORUM",
	All:         "ALL",
	LocalQuorum: "LOCAL_QUORUM",
	EachQuorum:  "EACH_QUORUM",
	Serial:      "SERIAL",
	LocalSerial: "LOCAL_SERIAL",
	LocalOne:    "LOCAL_ONE",
}

// acceptedConsistencies lists the names ParseConsistency accepts, for error
// messages.
var acceptedConsistencies = strings.Join(consistencyNames[:], ", ")

// String returns the CQL name of c, such as "LOCAL_QUORUM", or
// "Consistency(0x00ff)" for a code the protocol does not define.
func (c Consistency) String() string {
	if int(c) < len(consistencyNames) {
		return consistencyNames[c]
	}
	return fmt.Sprintf("Consistency(%#04x)", uint16(c))
}

// valid reports whether c is one of the levels the protocol defines.
func (c Consistency) valid() bool { return int(c) < len(consistencyNames) }

// isSerial reports whether c is SERIAL or LOCAL_SERIAL, the only levels
// allowed for the Paxos phase of lightweight transactions.
func (c Consistency) isSerial() bool { return c == Serial || c == LocalSerial }

// ParseConsistency returns the level named s. Case does not matter and the
// separators "_" and "-" are ignored, so "LOCAL_QUORUM", "local_quorum",
// "local-quorum", "localQuorum" and "LocalQuorum" all name LocalQuorum.
// Numeric codes are not accepted.
func ParseConsistency(s string) (Consistency, error) {
	if c, ok := lookupConsistency(s); ok {
		return c, nil
	}
	return 0, fmt.Errorf("cassandra: unknown consistency %q; accepted: %s", s, acceptedConsistencies)
}

func lookupConsistency(s string) (Consistency, bool) {
	key := strings.Map(func(r rune) rune {
		switch {
		case r == '_' || r == '-':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	for i, name := range consistencyNames {
		if key == strings.ReplaceAll(name, "_", "") {
			return Consistency(i), true
		}
	}
	return 0, false
}
