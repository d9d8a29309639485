package cluster

import (
	"encoding/hex"
	"strconv"
	"testing"
)

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func itoa(n int) string { return strconv.Itoa(n) }

// testHost is a host whose ID ends in n and whose Murmur3 tokens are given.
func testHost(n byte, dc, rack string, tokens ...int64) Host {
	h := Host{ID: HostID{15: n}, Addr: "10.0.0." + itoa(int(n)) + ":9042", Datacenter: dc, Rack: rack}
	for _, t := range tokens {
		h.Tokens = append(h.Tokens, strconv.FormatInt(t, 10))
	}
	return h
}

func testRing(t testing.TB, hosts ...Host) *Ring {
	t.Helper()
	r, err := NewRing(Murmur3Partitioner{}, hosts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// hostNames lists hosts by the last byte of their IDs.
func hostNames(hosts []*Host) []int {
	out := make([]int, len(hosts))
	for i, h := range hosts {
		out[i] = int(h.ID[15])
	}
	return out
}

// replicasOf lists the replicas of a Murmur3 token under repl by host
// number, primary first.
func replicasOf(t testing.TB, r *Ring, repl Replication, token int64) []int {
	t.Helper()
	m, err := NewReplicaMap(r, repl)
	if err != nil {
		t.Fatal(err)
	}
	return hostNames(m.Replicas(Murmur3TokenOf(token)))
}

func nts(factors ...any) Replication {
	r := Replication{Strategy: NetworkTopologyStrategy}
	for i := 0; i < len(factors); i += 2 {
		r.Datacenters = append(r.Datacenters, DatacenterFactor{factors[i].(string), factors[i+1].(int)})
	}
	return r
}
