package cluster

import (
	"encoding/binary"
	"fmt"
)

// ReplicaMap gives the replicas of any token under one replication setting.
// Ring positions with the same replicas share one set, so its size is one
// index per ring token plus the distinct sets. It is immutable and safe
// for concurrent use; a nil *ReplicaMap has no replicas.
type ReplicaMap struct {
	ring  *Ring
	setOf []uint32  // per ring position: index in sets
	sets  [][]*Host // distinct replica sets, primary first
}

// NewReplicaMap computes the replicas of every ring range under repl. A
// LocalStrategy keyspace has no replica list (any node serves its own
// data): the map is nil. An inconsistent ring never fails the build; it
// yields fewer replicas (a factor above the hosts of a datacenter, a
// datacenter with no hosts).
func NewReplicaMap(r *Ring, repl Replication) (*ReplicaMap, error) {
	var p placement
	switch repl.Strategy {
	case LocalStrategy:
		return nil, nil
	case SimpleStrategy:
		p = newSimplePlacement(r, repl.Factor)
	case NetworkTopologyStrategy:
		p = newNTSPlacement(r, repl.Datacenters)
	case EverywhereStrategy:
		p = newSimplePlacement(r, len(r.hosts))
	default:
		return nil, fmt.Errorf("%w %v", ErrUnsupportedStrategy, repl.Strategy)
	}
	m := &ReplicaMap{ring: r, setOf: make([]uint32, len(r.tokens))}
	if repl.Strategy == EverywhereStrategy && len(r.tokens) > 0 {
		// Every range has the same hosts: one walk, one set.
		m.sets = [][]*Host{m.hosts(p.appendReplicas(nil, 0))}
		return m, nil
	}

	var (
		ids     []int32
		key     []byte
		offsets []int // sets[i] is flat[offsets[i]:offsets[i+1]]
		flat    []*Host
		intern  = make(map[string]uint32)
	)
	for i := range r.tokens {
		ids = p.appendReplicas(ids[:0], i)
		key = key[:0]
		for _, h := range ids {
			key = binary.LittleEndian.AppendUint32(key, uint32(h))
		}
		set, ok := intern[string(key)]
		if !ok {
			set = uint32(len(offsets))
			intern[string(key)] = set
			offsets = append(offsets, len(flat))
			for _, h := range ids {
				flat = append(flat, &r.hosts[h])
			}
		}
		m.setOf[i] = set
	}
	offsets = append(offsets, len(flat))
	m.sets = make([][]*Host, len(offsets)-1)
	for i := range m.sets {
		// A capped slice: a caller's append copies instead of writing
		// into the next set.
		m.sets[i] = flat[offsets[i]:offsets[i+1]:offsets[i+1]]
	}
	return m, nil
}

func (m *ReplicaMap) hosts(ids []int32) []*Host {
	out := make([]*Host, len(ids))
	for i, h := range ids {
		out[i] = &m.ring.hosts[h]
	}
	return out
}

// Replicas returns the replicas of token t, primary first, or nil when the
// ring is empty. The slice is shared: read only.
func (m *ReplicaMap) Replicas(t Token) []*Host {
	if m == nil {
		return nil
	}
	i := m.ring.index(t)
	if i < 0 {
		return nil
	}
	return m.sets[m.setOf[i]]
}

// Ring returns the ring the map was computed on.
func (m *ReplicaMap) Ring() *Ring {
	if m == nil {
		return nil
	}
	return m.ring
}
