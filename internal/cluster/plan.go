package cluster

// PlanInput is everything a query plan depends on: the planner is a pure
// function of it (see Plan), so it is tested and fuzzed as one.
type PlanInput struct {
	// Hosts are every known host of the cluster.
	Hosts []*Host
	// Replicas are the replicas of the statement's partition key,
	// primary first (ReplicaMap.Replicas), or nil when the key or its
	// keyspace's placement is unknown.
	Replicas []*Host
	// LocalDC is the local datacenter; "" treats every host as local.
	LocalDC string
	// RemoteHostsPerDC is how many hosts of each other datacenter may
	// follow the local ones (DSN remote_dc_hosts); never with LocalOnly.
	RemoteHostsPerDC int
	// LocalOnly: a LOCAL_* consistency level, which a remote coordinator
	// would apply to its own datacenter.
	LocalOnly bool
	// FixedOrder keeps the replicas in ring order (conditional statements:
	// every client asking the same replica first avoids Paxos contention).
	FixedOrder bool
	// InFlight returns the requests in flight to a host (nil: unknown).
	InFlight func(addr string) int
	// Busy reports a host with many requests in flight and almost no
	// answers lately; Young one that came back up a moment ago (nil:
	// none is). Such replicas go behind the others (see Plan).
	Busy, Young func(addr string) bool
	// Rand shuffles the replicas; Next rotates the other local hosts
	// (round robin). Both are the caller's counters, so that a plan is
	// deterministic for a given input.
	Rand, Next uint64
}

// Plan appends to dst the addresses to try, in order: the local replicas of
// the key (shuffled, then the less loaded of the first two first: the power
// of two choices), the other local hosts in round robin, then up to
// RemoteHostsPerDC hosts of each other datacenter (replicas first), unless
// LocalOnly. It allocates nothing beyond dst's growth.
func Plan(dst []string, in PlanInput) []string {
	start := len(dst)
	local := func(h *Host) bool { return in.LocalDC == "" || h.Datacenter == in.LocalDC }
	for _, r := range in.Replicas {
		if local(r) {
			dst = appendNew(dst, start, r.Addr)
		}
	}
	replicas := dst[start:]
	if !in.FixedOrder && len(replicas) > 1 {
		x := in.Rand
		for i := len(replicas) - 1; i > 0; i-- {
			x = splitmix(x)
			j := int(x % uint64(i+1))
			replicas[i], replicas[j] = replicas[j], replicas[i]
		}
		// Busy replicas to the back, unless half of them or more are
		// (then the cluster is busy, not they); young ones too, three
		// times out of four, so that they warm up on a trickle.
		if in.Busy != nil && len(replicas) > 2 {
			if n := count(replicas, in.Busy); n > 0 && 2*n < len(replicas) {
				toBack(replicas, in.Busy)
			}
		}
		if in.Young != nil {
			x = splitmix(x)
			if x%4 != 0 {
				toBack(replicas, in.Young)
			}
		}
		if in.InFlight != nil && in.InFlight(replicas[0]) > in.InFlight(replicas[1]) {
			replicas[0], replicas[1] = replicas[1], replicas[0]
		}
	}
	nrep := len(dst)
	if n := len(in.Hosts); n > 0 {
		off := int(in.Next % uint64(n))
		for i := 0; i < n; i++ {
			h := in.Hosts[(off+i)%n]
			if local(h) && !contains(dst[start:nrep], h.Addr) {
				dst = append(dst, h.Addr)
			}
		}
	}
	if in.LocalOnly || in.RemoteHostsPerDC <= 0 || in.LocalDC == "" {
		return dst
	}
	// Remote datacenters: replicas first, then the others, at most
	// RemoteHostsPerDC each, datacenters in the order the hosts list them.
	localEnd := len(dst)
	for _, pass := range [2][]*Host{in.Replicas, in.Hosts} {
		for _, h := range pass {
			if local(h) || contains(dst[localEnd:], h.Addr) || countDC(dst[localEnd:], h.Datacenter, in.Hosts) >= in.RemoteHostsPerDC {
				continue
			}
			dst = append(dst, h.Addr)
		}
	}
	return dst
}

// count counts the addresses of list for which f is true.
func count(list []string, f func(string) bool) int {
	n := 0
	for _, a := range list {
		if f(a) {
			n++
		}
	}
	return n
}

// toBack moves the addresses for which f is true behind the others,
// keeping the order within each group, in place.
func toBack(list []string, f func(string) bool) {
	var back [8]string // plans name few replicas; more keep their place
	nb, w := 0, 0
	for _, a := range list {
		if f(a) && nb < len(back) {
			back[nb] = a
			nb++
			continue
		}
		list[w] = a
		w++
	}
	copy(list[w:], back[:nb])
}

// appendNew appends addr unless dst[start:] has it.
func appendNew(dst []string, start int, addr string) []string {
	if contains(dst[start:], addr) {
		return dst
	}
	return append(dst, addr)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// countDC counts the addresses of list that belong to hosts of dc.
func countDC(list []string, dc string, hosts []*Host) int {
	n := 0
	for _, a := range list {
		for _, h := range hosts {
			if h.Addr == a {
				if h.Datacenter == dc {
					n++
				}
				break
			}
		}
	}
	return n
}

// splitmix is one step of SplitMix64: a cheap, well-mixed sequence from a
// counter, enough to shuffle a few replicas.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
