package cluster

// simplePlacement is SimpleStrategy: walking the ring from the range's
// token, the first rf distinct hosts. Racks and datacenters play no part.
type simplePlacement struct {
	ring *Ring
	rf   int
	seen stamps
}

func newSimplePlacement(r *Ring, rf int) *simplePlacement {
	// A factor above the number of token owners gives every owner once.
	return &simplePlacement{ring: r, rf: min(rf, r.owning), seen: newStamps(len(r.hosts))}
}

func (p *simplePlacement) appendReplicas(dst []int32, start int) []int32 {
	p.seen.next()
	n := len(p.ring.tokens)
	found := 0
	for k := 0; k < n && found < p.rf; k++ {
		j := start + k
		if j >= n {
			j -= n
		}
		h := p.ring.owners[j]
		if !p.seen.see(h) {
			dst = append(dst, h)
			found++
		}
	}
	return dst
}
