package cluster

import (
	"fmt"
	"reflect"
	"testing"
)

func planHosts() []*Host {
	var hs []*Host
	for i, dc := range []string{"dc1", "dc1", "dc1", "dc1", "dc2", "dc2", "dc3"} {
		hs = append(hs, &Host{Addr: fmt.Sprintf("10.0.0.%d:9042", i+1), Datacenter: dc})
	}
	return hs
}

func TestPlanOrder(t *testing.T) {
	hs := planHosts()
	in := PlanInput{Hosts: hs, Replicas: []*Host{hs[2], hs[4], hs[0]}, LocalDC: "dc1", Rand: 7, Next: 1}
	got := Plan(nil, in)
	// Local replicas (shuffled) first, then the other local hosts.
	if len(got) != 4 {
		t.Fatalf("plan %v, want the 4 local hosts only", got)
	}
	reps := map[string]bool{got[0]: true, got[1]: true}
	if !reps[hs[0].Addr] || !reps[hs[2].Addr] {
		t.Fatalf("plan %v does not start with the local replicas %s and %s", got, hs[0].Addr, hs[2].Addr)
	}
	// Remote datacenters only when allowed, and never for LOCAL_*.
	in.RemoteHostsPerDC = 1
	got = Plan(nil, in)
	if len(got) != 6 || got[4] != hs[4].Addr || got[5] != hs[6].Addr {
		t.Fatalf("plan with one remote host per DC = %v, want the dc2 replica then dc3's host after the local ones", got)
	}
	in.LocalOnly = true
	if got := Plan(nil, in); len(got) != 4 {
		t.Fatalf("LOCAL_* plan %v goes to remote hosts", got)
	}
	// Conditional statements keep the ring order of the replicas.
	in.LocalOnly, in.FixedOrder = false, true
	for r := uint64(0); r < 20; r++ {
		in.Rand = r
		got := Plan(nil, in)
		if got[0] != hs[2].Addr || got[1] != hs[0].Addr {
			t.Fatalf("fixed order plan %v, want %s then %s", got, hs[2].Addr, hs[0].Addr)
		}
	}
	// No key: the local hosts in round robin.
	for next := uint64(0); next < 4; next++ {
		got := Plan(nil, PlanInput{Hosts: hs, LocalDC: "dc1", Next: next})
		if got[0] != hs[next].Addr || len(got) != 4 {
			t.Fatalf("plan without replicas, Next %d = %v", next, got)
		}
	}
}

func TestPlanPowerOfTwoChoices(t *testing.T) {
	hs := planHosts()
	busy := hs[0].Addr
	in := PlanInput{Hosts: hs, Replicas: []*Host{hs[0], hs[1]}, LocalDC: "dc1",
		InFlight: func(a string) int {
			if a == busy {
				return 100
			}
			return 0
		}}
	for r := uint64(0); r < 50; r++ {
		in.Rand = r
		if got := Plan(nil, in); got[0] == busy {
			t.Fatalf("Rand %d: plan %v starts with the busy replica", r, got)
		}
	}
	// Both orders appear when the load is equal.
	in.InFlight = nil
	first := map[string]bool{}
	for r := uint64(0); r < 50; r++ {
		in.Rand = r
		first[Plan(nil, in)[0]] = true
	}
	if len(first) != 2 {
		t.Fatalf("replicas not shuffled: always %v first", first)
	}
}

func TestPlanAllocatesNothing(t *testing.T) {
	hs := planHosts()
	in := PlanInput{Hosts: hs, Replicas: []*Host{hs[2], hs[1], hs[0]}, LocalDC: "dc1", RemoteHostsPerDC: 1,
		InFlight: func(string) int { return 1 },
		Busy:     func(a string) bool { return a == hs[1].Addr },
		Young:    func(a string) bool { return a == hs[0].Addr }}
	dst := make([]string, 0, 16)
	if n := testing.AllocsPerRun(100, func() { in.Rand++; dst = Plan(dst[:0], in) }); n != 0 {
		t.Fatalf("Plan allocates %v times", n)
	}
}

func FuzzPlan(f *testing.F) {
	f.Add(uint8(7), uint8(3), uint8(2), "dc1", uint8(1), false, false, uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, nhosts, nrep, ndc uint8, localDC string, remote uint8, localOnly, fixed bool, rnd, next uint64) {
		n := int(nhosts % 40)
		dcs := int(ndc%4) + 1
		var hs []*Host
		for i := 0; i < n; i++ {
			hs = append(hs, &Host{Addr: fmt.Sprintf("h%d", i), Datacenter: fmt.Sprintf("dc%d", i%dcs+1)})
		}
		var reps []*Host
		for i := 0; i < int(nrep%5) && n > 0; i++ {
			reps = append(reps, hs[(i*7)%n])
		}
		in := PlanInput{Hosts: hs, Replicas: reps, LocalDC: localDC, RemoteHostsPerDC: int(remote % 4),
			LocalOnly: localOnly, FixedOrder: fixed, Rand: rnd, Next: next}
		got := Plan(nil, in)
		if !reflect.DeepEqual(got, Plan(nil, in)) {
			t.Fatal("not deterministic")
		}
		seen := map[string]bool{}
		byAddr := map[string]*Host{}
		for _, h := range hs {
			byAddr[h.Addr] = h
		}
		perDC := map[string]int{}
		remoteSeen := false
		for _, a := range got {
			h := byAddr[a]
			if h == nil || seen[a] {
				t.Fatalf("plan %v: unknown or repeated %q", got, a)
			}
			seen[a] = true
			isLocal := localDC == "" || h.Datacenter == localDC
			if !isLocal {
				remoteSeen = true
				perDC[h.Datacenter]++
				if localOnly || perDC[h.Datacenter] > in.RemoteHostsPerDC {
					t.Fatalf("plan %v: remote host %s not allowed", got, a)
				}
			} else if remoteSeen {
				t.Fatalf("plan %v: local host %s after a remote one", got, a)
			}
		}
		for _, h := range hs {
			if (localDC == "" || h.Datacenter == localDC) && !seen[h.Addr] {
				t.Fatalf("plan %v misses local host %s", got, h.Addr)
			}
		}
	})
}

func TestPlanBusyAndYoungReplicasGoBehind(t *testing.T) {
	hs := planHosts()
	replicas := []*Host{hs[0], hs[1], hs[2]}
	is := func(addr string) func(string) bool { return func(a string) bool { return a == addr } }
	// A busy replica (one of three) is never first, nor second.
	for r := uint64(0); r < 50; r++ {
		got := Plan(nil, PlanInput{Hosts: hs, Replicas: replicas, LocalDC: "dc1", Rand: r, Busy: is(hs[1].Addr)})
		if got[2] != hs[1].Addr {
			t.Fatalf("Rand %d: plan %v, want the busy %s third", r, got, hs[1].Addr)
		}
	}
	// Two busy replicas of three: the cluster is busy, not they; the
	// order stays random.
	both := func(a string) bool { return a == hs[0].Addr || a == hs[1].Addr }
	first := map[string]bool{}
	for r := uint64(0); r < 50; r++ {
		first[Plan(nil, PlanInput{Hosts: hs, Replicas: replicas, LocalDC: "dc1", Rand: r, Busy: both})[0]] = true
	}
	if !first[hs[0].Addr] || !first[hs[1].Addr] {
		t.Errorf("two busy replicas of three were demoted: first hosts %v", first)
	}
	// A young replica goes last about three times out of four.
	last := 0
	const runs = 400
	for r := uint64(0); r < runs; r++ {
		got := Plan(nil, PlanInput{Hosts: hs, Replicas: replicas, LocalDC: "dc1", Rand: r * 0x9e3779b97f4a7c15, Young: is(hs[2].Addr)})
		if got[2] == hs[2].Addr {
			last++
		}
	}
	// Uniform shuffling alone puts it last a third of the time; demoted
	// three times out of four, 3/4 + 1/4 * 1/3 = 5/6.
	if last < runs*3/4 || last > runs*19/20 {
		t.Errorf("young replica last in %d of %d plans, want about %d", last, runs, runs*5/6)
	}
	// Conditional statements keep their order whatever the health.
	got := Plan(nil, PlanInput{Hosts: hs, Replicas: replicas, LocalDC: "dc1", FixedOrder: true, Busy: is(hs[0].Addr), Young: is(hs[0].Addr)})
	if got[0] != hs[0].Addr {
		t.Errorf("fixed order plan %v reordered for health", got)
	}
}

func TestToBack(t *testing.T) {
	list := []string{"a", "b", "c", "d", "e"}
	toBack(list, func(s string) bool { return s == "b" || s == "d" })
	if want := []string{"a", "c", "e", "b", "d"}; !reflect.DeepEqual(list, want) {
		t.Errorf("toBack = %v, want %v", list, want)
	}
}
