package cluster

// ntsPlacement is NetworkTopologyStrategy as Cassandra computes it
// (NetworkTopologyStrategy.calculateNaturalReplicas). Walking the ring from
// the range's token, per datacenter: a host of a rack not used yet is
// always taken; a host of a used rack is taken only while the datacenter
// has fewer racks than its factor (at most factor − racks such repeats, the
// first ones met); the datacenter stops at min(factor, its hosts).
//
// The Java driver's version holds repeat-rack hosts back and adds them once
// every rack has a replica: the same hosts, in another order. Hosts that
// own no token count for nothing, as in Cassandra's topology.
//
// A datacenter's choices depend on its own tokens only, so each one is
// walked over its own tokens: a datacenter with few tokens costs a short
// walk, not a trip around the whole ring. Sorting the replicas by where the
// walk met them gives Cassandra's order back, primary first.
type ntsPlacement struct {
	ring     *Ring
	rackOf   []int32 // per host: a number for its (datacenter, rack)
	dcs      []ntsDatacenter
	picked   []pick
	hostSeen stamps
	rackSeen stamps
}

type ntsDatacenter struct {
	rf, hosts, racks int
	positions        []int32 // ring positions of the datacenter's tokens, ascending
}

// pick is a replica and how far from the walk's start it was met.
type pick struct {
	distance int
	host     int32
}

func newNTSPlacement(r *Ring, factors []DatacenterFactor) *ntsPlacement {
	p := &ntsPlacement{ring: r, rackOf: make([]int32, len(r.hosts))}
	slot := make(map[string]int, len(factors))
	for _, f := range factors {
		if _, dup := slot[f.Datacenter]; f.Replicas > 0 && !dup {
			slot[f.Datacenter] = len(p.dcs)
			p.dcs = append(p.dcs, ntsDatacenter{rf: f.Replicas})
		}
	}
	dcOf := make([]int, len(r.hosts))
	for i := range dcOf {
		dcOf[i] = -1
	}
	racks := make(map[[2]string]int32)
	for pos, h := range r.owners {
		host := &r.hosts[h]
		d, ok := slot[host.Datacenter]
		if !ok {
			continue
		}
		dc := &p.dcs[d]
		dc.positions = append(dc.positions, int32(pos))
		if dcOf[h] >= 0 {
			continue // counted at its first token
		}
		dcOf[h] = d
		dc.hosts++
		loc := [2]string{host.Datacenter, host.Rack}
		id, ok := racks[loc]
		if !ok {
			id = int32(len(racks))
			racks[loc] = id
			dc.racks++
		}
		p.rackOf[h] = id
	}
	p.hostSeen = newStamps(len(r.hosts))
	p.rackSeen = newStamps(len(racks))
	return p
}

func (p *ntsPlacement) appendReplicas(dst []int32, start int) []int32 {
	p.hostSeen.next()
	p.rackSeen.next()
	p.picked = p.picked[:0]
	n := len(p.ring.tokens)
	for d := range p.dcs {
		dc := &p.dcs[d]
		left := min(dc.rf, dc.hosts)
		repeats := dc.rf - dc.racks
		m := len(dc.positions)
		j := firstAtOrAfter(dc.positions, int32(start))
		for k := 0; k < m && left > 0; k++ {
			pos := dc.positions[j]
			if j++; j == m {
				j = 0
			}
			h := p.ring.owners[pos]
			if p.hostSeen.see(h) {
				continue
			}
			// A host turned down here is turned down at its other tokens
			// too: repeats only go down.
			if p.rackSeen.see(p.rackOf[h]) {
				if repeats <= 0 {
					continue
				}
				repeats--
			}
			distance := int(pos) - start
			if distance < 0 {
				distance += n
			}
			p.picked = append(p.picked, pick{distance, h})
			left--
		}
	}
	// Insertion sort: a handful of replicas, and no allocation.
	for i := 1; i < len(p.picked); i++ {
		for j := i; j > 0 && p.picked[j].distance < p.picked[j-1].distance; j-- {
			p.picked[j], p.picked[j-1] = p.picked[j-1], p.picked[j]
		}
	}
	for _, pk := range p.picked {
		dst = append(dst, pk.host)
	}
	return dst
}

// firstAtOrAfter is the index of the first position ≥ start, wrapping to 0.
func firstAtOrAfter(positions []int32, start int32) int {
	lo, hi := 0, len(positions)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if positions[m] < start {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(positions) {
		return 0
	}
	return lo
}
