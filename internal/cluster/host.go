package cluster

import (
	"encoding/hex"
	"fmt"

	"github.com/google/uuid"
)

// HostID is a node's host_id, the identity that survives address changes.
type HostID [16]byte

// ParseHostID reads a host_id in its textual UUID form.
func ParseHostID(s string) (HostID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return HostID{}, fmt.Errorf("cassandra: host_id %q: %w", s, err)
	}
	return HostID(u), nil
}

func (id HostID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return string(b[:])
}

func (id HostID) compare(o HostID) int {
	for i := range id {
		if id[i] != o[i] {
			if id[i] < o[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Host is one node as the topology tables describe it. A Host handed to
// NewRing must not be modified afterwards.
type Host struct {
	ID         HostID
	Addr       string   // host:port of its native transport
	Datacenter string   // data_center
	Rack       string   // rack
	Tokens     []string // tokens, as listed (decimal for Murmur3 and Random)

	ReleaseVersion string // release_version, such as "5.0.2"
	SchemaVersion  string // schema_version, a UUID: equal on every node when the schema agrees
}
