package cluster

import (
	"errors"
	"reflect"
	"testing"
)

func TestTokenMap(t *testing.T) {
	r := testRing(t,
		testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r2", 20),
		testHost(3, "dc2", "r1", 30), testHost(4, "dc2", "r1", 40),
	)
	ntsClass := "org.apache.cassandra.locator.NetworkTopologyStrategy"
	m, err := NewTokenMap(r, map[string]map[string]string{
		"a":      {"class": ntsClass, "dc1": "2", "dc2": "1"},
		"b":      {"class": ntsClass, "dc2": "1/0", "dc1": "2"}, // the same placement as a
		"s":      {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "1"},
		"system": {"class": "org.apache.cassandra.locator.LocalStrategy"},
		"bad":    {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "x"},
		"odd":    {"class": "com.example.Custom"},
	})
	if err == nil {
		t.Error("no error for the keyspaces that cannot be placed")
	} else if !errors.Is(err, ErrUnsupportedStrategy) {
		t.Errorf("error %v does not wrap ErrUnsupportedStrategy for odd", err)
	}
	if len(m.maps) != 3 { // a=b, s, system (nil)
		t.Errorf("%d replica maps, want 3", len(m.maps))
	}
	if m.keyspaces["a"].replicas != m.keyspaces["b"].replicas {
		t.Error("keyspaces with the same setting do not share their replica map")
	}
	tok := Murmur3TokenOf(15)
	if got := hostNames(m.Replicas("a", tok)); !reflect.DeepEqual(got, []int{2, 3, 1}) {
		t.Errorf("a: %v", got)
	}
	if got := hostNames(m.Replicas("s", tok)); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("s: %v", got)
	}
	for _, ks := range []string{"system", "bad", "odd", "unknown"} {
		if got := m.Replicas(ks, tok); got != nil {
			t.Errorf("%s: replicas %v, want none (round robin)", ks, got)
		}
	}
	if repl, ok := m.Replication("system"); !ok || repl.Strategy != LocalStrategy {
		t.Errorf("Replication(system) = %v, %v", repl, ok)
	}
	if _, ok := m.Replication("bad"); ok {
		t.Error("a keyspace that failed to parse is listed")
	}

	// ALTER KEYSPACE b: only b's new setting is computed; a keeps its map.
	m2, err := m.WithKeyspace("b", map[string]string{"class": ntsClass, "dc1": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if m2.keyspaces["a"].replicas != m.keyspaces["a"].replicas {
		t.Error("WithKeyspace recomputed another keyspace's map")
	}
	if got := hostNames(m2.Replicas("b", tok)); !reflect.DeepEqual(got, []int{2}) {
		t.Errorf("b after the change: %v", got)
	}
	if got := hostNames(m.Replicas("b", tok)); !reflect.DeepEqual(got, []int{2, 3, 1}) {
		t.Errorf("the old snapshot changed: b is %v", got)
	}
	// A new keyspace with an existing setting reuses its map.
	m3, err := m2.WithKeyspace("c", map[string]string{"class": "SimpleStrategy", "replication_factor": "1"})
	if err != nil || m3.keyspaces["c"].replicas != m.keyspaces["s"].replicas {
		t.Errorf("c does not share s's map: %v", err)
	}
	// A bad setting removes the keyspace instead of keeping a stale one.
	m4, err := m3.WithKeyspace("c", map[string]string{"class": "SimpleStrategy"})
	if err == nil || m4.Replicas("c", tok) != nil || m4.Replicas("s", tok) == nil {
		t.Errorf("WithKeyspace with a bad setting: %v", err)
	}
	// Dropping the last user of a setting forgets its map.
	m5 := m2.WithoutKeyspace("a")
	if len(m5.maps) != len(m2.maps)-1 || m5.Replicas("a", tok) != nil {
		t.Errorf("after dropping a: %d maps (was %d)", len(m5.maps), len(m2.maps))
	}
	if m5.WithoutKeyspace("nope") != m5 {
		t.Error("dropping an unknown keyspace made a new map")
	}

	// A new ring recomputes each distinct setting once.
	r2 := testRing(t, testHost(1, "dc1", "r1", 10), testHost(3, "dc2", "r1", 30))
	m6 := m.WithRing(r2)
	if m6.Ring() != r2 || m6.keyspaces["a"].replicas != m6.keyspaces["b"].replicas || len(m6.maps) != 3 {
		t.Error("WithRing did not share the recomputed maps")
	}
	if got := hostNames(m6.Replicas("a", tok)); !reflect.DeepEqual(got, []int{3, 1}) {
		t.Errorf("a on the new ring: %v", got)
	}
}

func BenchmarkNewTokenMap(b *testing.B) {
	r := bigCluster(b)
	ks := map[string]map[string]string{}
	for i := 0; i < 50; i++ {
		ks["ks"+itoa(i)] = map[string]string{"class": "NetworkTopologyStrategy", "dc0": "3", "dc1": "3", "dc2": "3"}
	}
	ks["single"] = map[string]string{"class": "NetworkTopologyStrategy", "dc0": "1"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		NewTokenMap(r, ks)
	}
}
