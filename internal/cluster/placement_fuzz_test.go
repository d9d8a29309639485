package cluster

import (
	"math/rand"
	"slices"
	"testing"
)

// fuzzTopology decodes bytes into a ring and a replication setting: up to
// 12 hosts in up to 3 DCs (plus an unlisted one) and 3 racks, 0 to 3 tokens
// each from a small range so that tokens collide, and factors 0 to 5. Host
// IDs are distinct so that host order cannot matter.
func fuzzTopology(data []byte) ([]Host, Replication) {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	dcs := []string{"dc1", "dc2", "dc3", "other"}
	var hosts []Host
	for n := 1 + int(next())%12; n > 0; n-- {
		b := next()
		h := testHost(byte(len(hosts)+1), dcs[int(b)%4], "r"+itoa(int(b>>2)%3))
		for k := int(b>>4) % 4; k > 0; k-- {
			h.Tokens = append(h.Tokens, itoa(int(int8(next()))%40))
		}
		hosts = append(hosts, h)
	}
	var repl Replication
	switch next() % 4 {
	case 0:
		repl = Replication{Strategy: SimpleStrategy, Factor: int(next()) % 6}
	case 1:
		repl = Replication{Strategy: EverywhereStrategy}
	default:
		repl.Strategy = NetworkTopologyStrategy
		for _, dc := range []string{"dc1", "dc2", "dc3", "empty"} {
			if rf := int(next()) % 6; rf > 0 {
				repl.Datacenters = append(repl.Datacenters, DatacenterFactor{dc, rf})
			}
		}
	}
	return hosts, repl
}

func FuzzReplicaPlacement(f *testing.F) {
	f.Add([]byte{5, 0x11, 1, 2, 0x25, 3, 0x36, 4, 5, 0x17, 6, 0x2a, 7, 8, 2, 3, 2, 1, 0})
	f.Add([]byte{11, 0xff, 1, 2, 3, 0x10, 9, 0x20, 9, 9, 0x31, 9, 9, 9, 0})
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		b := make([]byte, 60)
		rng.Read(b)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hosts, repl := fuzzTopology(data)
		checkPlacement(t, hosts, repl)
	})
}

// checkPlacement builds the replica map and checks what must hold for every
// ring range: replicas distinct; per DC min(factor, token owners) of them
// spread over min(that, racks) racks; the same hosts as the Java driver's
// hold-back algorithm; the same result whatever the order of the hosts.
func checkPlacement(t *testing.T, hosts []Host, repl Replication) {
	r, err := NewRing(Murmur3Partitioner{}, hosts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewReplicaMap(r, repl)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(hosts)
	slices.Reverse(shuffled)
	r2, err := NewRing(Murmur3Partitioner{}, shuffled)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := NewReplicaMap(r2, repl)

	owners := map[string]map[HostID]bool{} // DC → token owners
	racks := map[string]map[string]bool{}  // DC → racks of token owners
	all := 0
	for _, o := range r.owners {
		h := &r.hosts[o]
		if owners[h.Datacenter] == nil {
			owners[h.Datacenter], racks[h.Datacenter] = map[HostID]bool{}, map[string]bool{}
		}
		if !owners[h.Datacenter][h.ID] {
			all++
		}
		owners[h.Datacenter][h.ID] = true
		racks[h.Datacenter][h.Rack] = true
	}

	for i, tok := range r.tokens {
		got := m.Replicas(tok)
		if ids, ids2 := idsOf(got), idsOf(m2.Replicas(tok)); !slices.Equal(ids, ids2) {
			t.Fatalf("token %d: %v, with the hosts reversed %v", tok.Int64(), ids, ids2)
		}
		seen := map[HostID]bool{}
		perDC := map[string]int{}
		racksPerDC := map[string]map[string]bool{}
		for _, h := range got {
			if seen[h.ID] {
				t.Fatalf("token %d: host %v twice in %v", tok.Int64(), h.ID, hostNames(got))
			}
			seen[h.ID] = true
			perDC[h.Datacenter]++
			if racksPerDC[h.Datacenter] == nil {
				racksPerDC[h.Datacenter] = map[string]bool{}
			}
			racksPerDC[h.Datacenter][h.Rack] = true
		}
		switch repl.Strategy {
		case SimpleStrategy:
			if want := min(repl.Factor, all); len(got) != want {
				t.Fatalf("token %d: %d replicas, want %d", tok.Int64(), len(got), want)
			}
		case EverywhereStrategy:
			if len(got) != all {
				t.Fatalf("token %d: %d replicas, want all %d", tok.Int64(), len(got), all)
			}
		case NetworkTopologyStrategy:
			want := 0
			for _, f := range repl.Datacenters {
				n := min(f.Replicas, len(owners[f.Datacenter]))
				want += n
				if perDC[f.Datacenter] != n {
					t.Fatalf("token %d: %s has %d replicas, want %d", tok.Int64(), f.Datacenter, perDC[f.Datacenter], n)
				}
				if k := len(racksPerDC[f.Datacenter]); k != min(n, len(racks[f.Datacenter])) {
					t.Fatalf("token %d: %s replicas on %d racks, want %d", tok.Int64(), f.Datacenter, k, min(n, len(racks[f.Datacenter])))
				}
			}
			if len(got) != want {
				t.Fatalf("token %d: %d replicas in all, want %d", tok.Int64(), len(got), want)
			}
			if walk := hostNames(singleWalkNTS(r, repl, i)); !slices.Equal(hostNames(got), walk) {
				t.Fatalf("token %d: replicas %v, Cassandra's single walk gives %v", tok.Int64(), hostNames(got), walk)
			}
			ref := holdBackNTS(r, repl, i)
			if a, b := sortedIDs(got), sortedIDs(ref); !slices.Equal(a, b) {
				t.Fatalf("token %d: replicas %v, the hold-back algorithm gives %v", tok.Int64(), hostNames(got), hostNames(ref))
			}
		}
	}
}

func idsOf(hosts []*Host) []HostID {
	out := make([]HostID, len(hosts))
	for i, h := range hosts {
		out[i] = h.ID
	}
	return out
}

func sortedIDs(hosts []*Host) []HostID {
	ids := idsOf(hosts)
	slices.SortFunc(ids, func(a, b HostID) int { return a.compare(b) })
	return ids
}

// singleWalkNTS is NetworkTopologyStrategy.calculateNaturalReplicas as
// Cassandra writes it: one walk around the whole ring filling every DC.
func singleWalkNTS(r *Ring, repl Replication, start int) []*Host {
	type dcState struct{ left, repeats int }
	hostsIn := map[string]map[HostID]bool{}
	racksIn := map[string]map[string]bool{}
	for _, o := range r.owners {
		h := &r.hosts[o]
		if hostsIn[h.Datacenter] == nil {
			hostsIn[h.Datacenter], racksIn[h.Datacenter] = map[HostID]bool{}, map[string]bool{}
		}
		hostsIn[h.Datacenter][h.ID] = true
		racksIn[h.Datacenter][h.Rack] = true
	}
	dcs := map[string]*dcState{}
	toFill := 0
	for _, f := range repl.Datacenters {
		if f.Replicas <= 0 || len(hostsIn[f.Datacenter]) == 0 || dcs[f.Datacenter] != nil {
			continue
		}
		dcs[f.Datacenter] = &dcState{left: min(f.Replicas, len(hostsIn[f.Datacenter])), repeats: f.Replicas - len(racksIn[f.Datacenter])}
		toFill++
	}
	var out []*Host
	seenRacks := map[[2]string]bool{}
	n := len(r.tokens)
	for k := 0; k < n && toFill > 0; k++ {
		h := &r.hosts[r.owners[(start+k)%n]]
		dc := dcs[h.Datacenter]
		if dc == nil || dc.left == 0 {
			continue
		}
		loc := [2]string{h.Datacenter, h.Rack}
		if !seenRacks[loc] {
			seenRacks[loc] = true
		} else if dc.repeats <= 0 || slices.Contains(out, h) {
			continue
		} else {
			dc.repeats--
		}
		out = append(out, h)
		if dc.left--; dc.left == 0 {
			toFill--
		}
	}
	return out
}

// holdBackNTS is NetworkTopologyStrategy as the Java driver 4 writes it
// (NetworkTopologyReplicationStrategy): hosts of a rack already used are
// held back, and added once every rack of their DC has a replica.
func holdBackNTS(r *Ring, repl Replication, start int) []*Host {
	type dcState struct {
		rf, racks int
		replicas  []*Host
		seenRacks map[string]bool
		skipped   []*Host
	}
	owners := map[string]map[HostID]bool{}
	rackSets := map[string]map[string]bool{}
	for _, o := range r.owners {
		h := &r.hosts[o]
		if owners[h.Datacenter] == nil {
			owners[h.Datacenter], rackSets[h.Datacenter] = map[HostID]bool{}, map[string]bool{}
		}
		owners[h.Datacenter][h.ID] = true
		rackSets[h.Datacenter][h.Rack] = true
	}
	dcs := map[string]*dcState{}
	for _, f := range repl.Datacenters {
		dcs[f.Datacenter] = &dcState{rf: min(f.Replicas, len(owners[f.Datacenter])), racks: len(rackSets[f.Datacenter]), seenRacks: map[string]bool{}}
	}
	contains := func(hs []*Host, h *Host) bool { return slices.Contains(hs, h) }
	var out []*Host
	n := len(r.tokens)
	for k := 0; k < n; k++ {
		h := &r.hosts[r.owners[(start+k)%n]]
		dc := dcs[h.Datacenter]
		if dc == nil || len(dc.replicas) >= dc.rf || contains(dc.replicas, h) {
			continue
		}
		switch {
		case !dc.seenRacks[h.Rack]:
			dc.replicas = append(dc.replicas, h)
			out = append(out, h)
			dc.seenRacks[h.Rack] = true
			if len(dc.seenRacks) == dc.racks {
				for _, s := range dc.skipped {
					if len(dc.replicas) < dc.rf {
						dc.replicas = append(dc.replicas, s)
						out = append(out, s)
					}
				}
				dc.skipped = nil
			}
		case len(dc.seenRacks) == dc.racks:
			dc.replicas = append(dc.replicas, h)
			out = append(out, h)
		default:
			if !contains(dc.skipped, h) {
				dc.skipped = append(dc.skipped, h)
			}
		}
	}
	return out
}

// TestReplicaPlacementRandomRings runs the fuzz checks on larger random
// rings than the fuzzer builds.
func TestReplicaPlacementRandomRings(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 200; i++ {
		var hosts []Host
		nDC, nRack := 1+rng.Intn(3), 1+rng.Intn(4)
		for h := 0; h < 1+rng.Intn(40); h++ {
			host := testHost(byte(h+1), "dc"+itoa(rng.Intn(nDC)), "r"+itoa(rng.Intn(nRack)))
			for k := rng.Intn(9); k > 0; k-- {
				host.Tokens = append(host.Tokens, itoa(rng.Intn(1000)-500))
			}
			hosts = append(hosts, host)
		}
		repl := Replication{Strategy: NetworkTopologyStrategy}
		for d := 0; d < nDC+1; d++ {
			repl.Datacenters = append(repl.Datacenters, DatacenterFactor{"dc" + itoa(d), rng.Intn(6)})
		}
		checkPlacement(t, hosts, repl)
		checkPlacement(t, hosts, Replication{Strategy: SimpleStrategy, Factor: rng.Intn(6)})
	}
}
