package cluster

import (
	"fmt"
	"slices"
)

// Ring is the sorted token ring of a cluster: which host owns which token.
// A Ring is immutable and safe for concurrent use.
type Ring struct {
	partitioner Partitioner
	hosts       []Host  // distinct by ID, in ID order
	tokens      []Token // ascending, distinct
	owners      []int32 // owners[i] indexes hosts: the owner of tokens[i]
	owning      int     // how many hosts own at least one token
}

// NewRing builds the ring of hosts under partitioner p. A host listed twice
// (same ID) is kept once, the first listing winning; a token two hosts claim
// goes to the lower ID; a host with no tokens is known but owns nothing (a
// node still joining). A token that does not parse fails the whole ring, as
// routing on a guess would be worse than routing round robin.
func NewRing(p Partitioner, hosts []Host) (*Ring, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: none given", ErrUnsupportedPartitioner)
	}
	r := &Ring{partitioner: p}
	seen := make(map[HostID]bool, len(hosts))
	for _, h := range hosts {
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		h.Tokens = slices.Clone(h.Tokens)
		r.hosts = append(r.hosts, h)
	}
	slices.SortFunc(r.hosts, func(a, b Host) int { return a.ID.compare(b.ID) })

	type entry struct {
		t     Token
		owner int32
	}
	var entries []entry
	for i, h := range r.hosts {
		for _, s := range h.Tokens {
			t, err := p.ParseToken(s)
			if err != nil {
				return nil, fmt.Errorf("cassandra: host %s (%s): %w", h.ID, h.Addr, unprefixed(err))
			}
			entries = append(entries, entry{t, int32(i)})
		}
	}
	// Sorting by (token, owner) and keeping the first of equal tokens gives
	// a duplicate to the lower ID whatever order the hosts came in.
	slices.SortFunc(entries, func(a, b entry) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return int(a.owner - b.owner)
	})
	r.tokens = make([]Token, 0, len(entries))
	r.owners = make([]int32, 0, len(entries))
	owns := make([]bool, len(r.hosts))
	for i, e := range entries {
		if i > 0 && e.t == entries[i-1].t {
			continue
		}
		r.tokens = append(r.tokens, e.t)
		r.owners = append(r.owners, e.owner)
		if !owns[e.owner] {
			owns[e.owner] = true
			r.owning++
		}
	}
	return r, nil
}

// Partitioner returns the ring's partitioner.
func (r *Ring) Partitioner() Partitioner { return r.partitioner }

// Hosts returns every host, in ID order. The slice is shared: read only.
func (r *Ring) Hosts() []Host { return r.hosts }

// Len is the number of tokens on the ring.
func (r *Ring) Len() int { return len(r.tokens) }

// Token is the token of a routing key under the ring's partitioner.
func (r *Ring) Token(routingKey []byte) Token { return r.partitioner.Token(routingKey) }

// Owner returns the host owning t: the owner of the first ring token at or
// after t, wrapping past the last. It is nil on an empty ring.
func (r *Ring) Owner(t Token) *Host {
	i := r.index(t)
	if i < 0 {
		return nil
	}
	return &r.hosts[r.owners[i]]
}

// index is the position of the first ring token ≥ t, wrapping to 0, or -1
// on an empty ring. A hand-written search keeps the lookup free of
// allocations and indirect calls.
func (r *Ring) index(t Token) int {
	if len(r.tokens) == 0 {
		return -1
	}
	lo, hi := 0, len(r.tokens)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.tokens[m].Compare(t) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(r.tokens) {
		return 0
	}
	return lo
}
