package cluster

// placement lists the replicas of the ring range that ends at a ring
// position (the tokens after the previous ring token up to this one).
type placement interface {
	// appendReplicas appends to dst the replicas' host indexes, primary
	// first. It walks at most once around the ring, so it ends on any ring.
	appendReplicas(dst []int32, start int) []int32
}

// stamps marks items as seen in the current walk without clearing an array
// per walk: an item is seen when its stamp equals the walk's epoch.
type stamps struct {
	mark  []uint32
	epoch uint32
}

func newStamps(n int) stamps { return stamps{mark: make([]uint32, n)} }

// next starts a walk in which nothing is seen yet.
func (s *stamps) next() {
	s.epoch++
	if s.epoch == 0 { // wrapped: old stamps could match again
		clear(s.mark)
		s.epoch = 1
	}
}

// see marks i and reports whether it was already seen in this walk.
func (s *stamps) see(i int32) bool {
	if s.mark[i] == s.epoch {
		return true
	}
	s.mark[i] = s.epoch
	return false
}
