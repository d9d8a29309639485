package cluster

import "fmt"

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
		ids []int32
		in  = newInterner(r)
	)
	for i := range r.tokens {
		ids = p.appendReplicas(ids[:0], i)
		m.setOf[i] = in.intern(hashIDs(ids), ids)
	}
	offsets := append(in.offsets, len(in.flat))
	flat := in.flat
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
