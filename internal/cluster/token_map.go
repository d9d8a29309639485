package cluster

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// TokenMap is the routing snapshot of a cluster: its ring and the replicas
// of every keyspace. Keyspaces with the same replication setting share one
// ReplicaMap. A TokenMap is immutable: the With methods return a new one
// that shares everything unchanged, so a planner can keep reading the old
// one while the new one is swapped in.
type TokenMap struct {
	ring      *Ring
	keyspaces map[string]keyspace
	maps      map[string]*ReplicaMap // by Replication.key
}

type keyspace struct {
	replication Replication
	replicas    *ReplicaMap // nil for LocalStrategy
}

// NewTokenMap computes the replicas of each keyspace on ring, from the
// keyspaces' replication maps (system_schema.keyspaces.replication). A
// keyspace whose setting cannot be placed is left out, and the error lists
// it, so the caller routes it round robin while the others stay token aware.
func NewTokenMap(ring *Ring, replication map[string]map[string]string) (*TokenMap, error) {
	m := &TokenMap{ring: ring, keyspaces: make(map[string]keyspace, len(replication)), maps: make(map[string]*ReplicaMap)}
	var errs []error
	// Sorted names make the error text stable.
	names := make([]string, 0, len(replication))
	for name := range replication {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := m.put(name, replication[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return m, errors.Join(errs...)
}

// put adds or replaces a keyspace in m, which is still private to its
// builder.
func (m *TokenMap) put(name string, options map[string]string) error {
	repl, err := ParseReplication(options)
	if err != nil {
		return fmt.Errorf("cassandra: keyspace %q: %w", name, unprefixed(err))
	}
	return m.putParsed(name, repl)
}

func (m *TokenMap) putParsed(name string, repl Replication) error {
	k := repl.key()
	rm, ok := m.maps[k]
	if !ok {
		var err error
		if rm, err = NewReplicaMap(m.ring, repl); err != nil {
			return fmt.Errorf("cassandra: keyspace %q: %w", name, unprefixed(err))
		}
		m.maps[k] = rm
	}
	m.keyspaces[name] = keyspace{replication: repl, replicas: rm}
	return nil
}

// clone copies the small maps; the replica maps themselves are shared.
func (m *TokenMap) clone() *TokenMap {
	return &TokenMap{ring: m.ring, keyspaces: maps.Clone(m.keyspaces), maps: maps.Clone(m.maps)}
}

// dropUnused forgets replica maps no keyspace uses any more.
func (m *TokenMap) dropUnused() {
	used := make(map[string]bool, len(m.maps))
	for _, ks := range m.keyspaces {
		used[ks.replication.key()] = true
	}
	maps.DeleteFunc(m.maps, func(k string, _ *ReplicaMap) bool { return !used[k] })
}

// WithKeyspace returns a TokenMap where keyspace name has this replication,
// after a schema change. Only a setting no other keyspace has is computed.
// On error the keyspace is left out of the result (routed round robin).
func (m *TokenMap) WithKeyspace(name string, replication map[string]string) (*TokenMap, error) {
	n := m.clone()
	err := n.put(name, replication)
	if err != nil {
		delete(n.keyspaces, name)
	}
	n.dropUnused()
	return n, err
}

// WithoutKeyspace returns a TokenMap without keyspace name (dropped).
func (m *TokenMap) WithoutKeyspace(name string) *TokenMap {
	if _, ok := m.keyspaces[name]; !ok {
		return m
	}
	n := m.clone()
	delete(n.keyspaces, name)
	n.dropUnused()
	return n
}

// WithRing returns a TokenMap of the same keyspaces on a new ring, after a
// topology change: every distinct setting is computed again, once.
func (m *TokenMap) WithRing(ring *Ring) *TokenMap {
	n := &TokenMap{ring: ring, keyspaces: make(map[string]keyspace, len(m.keyspaces)), maps: make(map[string]*ReplicaMap)}
	for name, ks := range m.keyspaces {
		// The settings were placed once already, so they place again.
		_ = n.putParsed(name, ks.replication)
	}
	return n
}

// Ring returns the snapshot's ring.
func (m *TokenMap) Ring() *Ring { return m.ring }

// Replication returns a keyspace's setting, and false for a keyspace the
// map does not route (unknown, or unsupported).
func (m *TokenMap) Replication(keyspace string) (Replication, bool) {
	ks, ok := m.keyspaces[keyspace]
	return ks.replication, ok
}

// Replicas returns the replicas of token t in keyspace, primary first. It
// is nil when the caller should plan without them: an unknown keyspace, a
// LocalStrategy one (any node is a replica of its own data), an empty ring.
// The slice is shared: read only. A nil TokenMap has no replicas.
func (m *TokenMap) Replicas(keyspace string, t Token) []*Host {
	if m == nil {
		return nil
	}
	return m.keyspaces[keyspace].replicas.Replicas(t)
}

// ReplicasOfKey is Replicas of the routing key's token.
func (m *TokenMap) ReplicasOfKey(keyspace string, routingKey []byte) []*Host {
	if m == nil {
		return nil
	}
	return m.Replicas(keyspace, m.ring.Token(routingKey))
}
