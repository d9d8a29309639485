package cluster

import (
	"math/rand"
	"strconv"
	"testing"
)

func TestReplicaMapSharesIdenticalSets(t *testing.T) {
	// One host owning many tokens, another one token: SimpleStrategy RF 2
	// gives the same pair to every range, in two orders.
	r := testRing(t, testHost(1, "dc1", "r1", 10, 20, 30, 40), testHost(2, "dc1", "r1", 50))
	m, err := NewReplicaMap(r, Replication{Strategy: SimpleStrategy, Factor: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.sets) != 2 || len(m.setOf) != 5 {
		t.Errorf("%d distinct sets for %d ranges, want 2 for 5", len(m.sets), len(m.setOf))
	}
	// A caller appending to a set must not overwrite its neighbour.
	a := m.Replicas(Murmur3TokenOf(10))
	_ = append(a, nil)
	if b := m.Replicas(Murmur3TokenOf(50)); b[0] == nil || b[1] == nil {
		t.Error("an append to one replica set wrote into another")
	}
}

func TestReplicaMapEmptyAndLocal(t *testing.T) {
	empty := testRing(t, testHost(1, "dc1", "r1"))
	for _, repl := range []Replication{{Strategy: SimpleStrategy, Factor: 3}, nts("dc1", 3), {Strategy: EverywhereStrategy}} {
		m, err := NewReplicaMap(empty, repl)
		if err != nil || m.Replicas(Token{}) != nil {
			t.Errorf("%v on a ring without tokens: %v, %v", repl.Strategy, m.Replicas(Token{}), err)
		}
	}
	local, err := NewReplicaMap(empty, Replication{Strategy: LocalStrategy})
	if err != nil || local != nil || local.Replicas(Token{}) != nil || local.Ring() != nil {
		t.Errorf("LocalStrategy: %v, %v", local, err)
	}
	if _, err := NewReplicaMap(empty, Replication{}); err == nil {
		t.Error("a zero Replication was placed")
	}
}

// bigCluster is 300 nodes of 16 random tokens in 3 DCs of 3 racks each.
func bigCluster(tb testing.TB) *Ring {
	rng := rand.New(rand.NewSource(1))
	hosts := make([]Host, 300)
	for i := range hosts {
		h := Host{Datacenter: "dc" + strconv.Itoa(i%3), Rack: "rack" + strconv.Itoa(i/3%3)}
		rng.Read(h.ID[:])
		for k := 0; k < 16; k++ {
			h.Tokens = append(h.Tokens, strconv.FormatInt(int64(rng.Uint64()), 10))
		}
		hosts[i] = h
	}
	r, err := NewRing(Murmur3Partitioner{}, hosts)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

var bigNTS = nts("dc0", 3, "dc1", 3, "dc2", 3)

func TestReplicasDoNotAllocate(t *testing.T) {
	r := bigCluster(t)
	m, err := NewReplicaMap(r, bigNTS)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := NewTokenMap(r, map[string]map[string]string{"ks": {"class": "NetworkTopologyStrategy", "dc0": "3", "dc1": "3", "dc2": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("some partition key")
	tok := r.Token(key)
	if len(m.Replicas(tok)) != 9 {
		t.Fatalf("%d replicas, want 9", len(m.Replicas(tok)))
	}
	if n := testing.AllocsPerRun(100, func() { m.Replicas(tok) }); n != 0 {
		t.Errorf("ReplicaMap.Replicas allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { tm.ReplicasOfKey("ks", key) }); n != 0 {
		t.Errorf("TokenMap.ReplicasOfKey allocates %v times", n)
	}
}

func BenchmarkNewReplicaMap(b *testing.B) {
	r := bigCluster(b)
	for _, c := range []struct {
		name string
		repl Replication
	}{
		{"NTS_3DCx3", bigNTS},
		{"Simple3", Replication{Strategy: SimpleStrategy, Factor: 3}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var m *ReplicaMap
			for i := 0; i < b.N; i++ {
				m, _ = NewReplicaMap(r, c.repl)
			}
			b.ReportMetric(float64(len(m.sets)), "sets")
		})
	}
}

// BenchmarkNewReplicaMapSparseDC is the slow case: a DC whose one host
// holds one token of 4,801, so most walks go a long way to find it.
func BenchmarkNewReplicaMapSparseDC(b *testing.B) {
	hosts := append(bigCluster(b).Hosts(), testHost(1, "far", "r1", 12345))
	r, err := NewRing(Murmur3Partitioner{}, hosts)
	if err != nil {
		b.Fatal(err)
	}
	repl := nts("dc0", 3, "dc1", 3, "dc2", 3, "far", 3)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		NewReplicaMap(r, repl)
	}
}

func BenchmarkNewRing(b *testing.B) {
	r := bigCluster(b)
	hosts := r.Hosts()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		NewRing(Murmur3Partitioner{}, hosts)
	}
}

func BenchmarkReplicas(b *testing.B) {
	r := bigCluster(b)
	m, _ := NewReplicaMap(r, bigNTS)
	tokens := make([]Token, 1024)
	for i := range tokens {
		tokens[i] = r.Token([]byte(strconv.Itoa(i)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Replicas(tokens[i&1023])
	}
}

// TestInternerCollisions forces every set onto one hash: sets still come
// apart by their hosts.
func TestInternerCollisions(t *testing.T) {
	r := testRing(t, testHost(1, "d", "r", 1), testHost(2, "d", "r", 2), testHost(3, "d", "r", 3))
	in := newInterner(r)
	sets := [][]int32{{0, 1}, {1, 0}, {2}, {0, 1, 2}, {}, {0, 1}, {2}, {1, 0}, {}}
	want := []uint32{0, 1, 2, 3, 4, 0, 2, 1, 4}
	for i, ids := range sets {
		if got := in.intern(42, ids); got != want[i] {
			t.Errorf("intern(%v) = %d, want %d", ids, got, want[i])
		}
	}
	if len(in.offsets) != 5 || len(in.flat) != 8 {
		t.Errorf("%d sets holding %d hosts, want 5 holding 8", len(in.offsets), len(in.flat))
	}
}
