package cluster

// hashIDs is FNV-1a over the host indexes, in order.
func hashIDs(ids []int32) uint64 {
	h := uint64(14695981039346656037)
	for _, id := range ids {
		h ^= uint64(uint32(id))
		h *= 1099511628211
	}
	return h
}

// interner numbers distinct replica sets, storing their hosts end to end.
type interner struct {
	ring    *Ring
	offsets []int // set i starts at flat[offsets[i]]
	flat    []*Host
	// byHash has the first set of each hash; chain[i] is 1 + the index of
	// the next set of the same hash as set i, 0 when there is none.
	byHash map[uint64]uint32
	chain  []uint32
}

func newInterner(r *Ring) *interner {
	return &interner{ring: r, byHash: make(map[uint64]uint32)}
}

// intern returns the number of the set of hosts ids, whose hash is h,
// adding the set if it is new.
func (in *interner) intern(h uint64, ids []int32) uint32 {
	first, ok := in.byHash[h]
	if ok {
		for s := first + 1; s != 0; s = in.chain[s-1] {
			if in.equal(s-1, ids) {
				return s - 1
			}
		}
	}
	set := uint32(len(in.offsets))
	if ok {
		in.chain = append(in.chain, in.chain[first])
		in.chain[first] = set + 1
	} else {
		in.byHash[h] = set
		in.chain = append(in.chain, 0)
	}
	in.offsets = append(in.offsets, len(in.flat))
	for _, id := range ids {
		in.flat = append(in.flat, &in.ring.hosts[id])
	}
	return set
}

func (in *interner) equal(s uint32, ids []int32) bool {
	end := len(in.flat)
	if int(s)+1 < len(in.offsets) {
		end = in.offsets[s+1]
	}
	set := in.flat[in.offsets[s]:end]
	if len(set) != len(ids) {
		return false
	}
	for i, id := range ids {
		if set[i] != &in.ring.hosts[id] {
			return false
		}
	}
	return true
}
