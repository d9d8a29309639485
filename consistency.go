package cassandra

import (
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/protocol"
)

// Consistency is a Cassandra consistency level: the protocol's
// [consistency] code, sent unchanged. Its String method gives the CQL name,
// such as "LOCAL_QUORUM".
//
// Consistency is an alias of protocol.Consistency, and the constants below
// of protocol's: use these names, which are the stable API (see Stability
// in the package documentation); protocol may change before v1.
type Consistency = protocol.Consistency

// The consistency levels of the CQL native protocol.
const (
	Any         = protocol.Any
	One         = protocol.One
	Two         = protocol.Two
	Three       = protocol.Three
	Quorum      = protocol.Quorum
	All         = protocol.All
	LocalQuorum = protocol.LocalQuorum
	EachQuorum  = protocol.EachQuorum
	Serial      = protocol.Serial
	LocalSerial = protocol.LocalSerial
	LocalOne    = protocol.LocalOne
)

// acceptedConsistencies lists the names ParseConsistency accepts, for error
// messages.
var acceptedConsistencies = strings.Join(protocol.ConsistencyNames(), ", ")

// ParseConsistency returns the level named s. Case does not matter and the
// separators "_" and "-" are ignored, so "LOCAL_QUORUM", "local_quorum",
// "local-quorum", "localQuorum" and "LocalQuorum" all name LocalQuorum.
// Numeric codes are not accepted.
func ParseConsistency(s string) (Consistency, error) {
	if c, ok := protocol.LookupConsistency(s); ok {
		return c, nil
	}
	return 0, fmt.Errorf("cassandra: unknown consistency %q; accepted: %s", s, acceptedConsistencies)
}
