package cluster

import (
	"reflect"
	"testing"
)

// Each case is a ring worked by hand with Cassandra's rules: walk the ring
// from the key's token; per DC, a host of a rack not used yet is taken; a
// host of a used rack is taken only while the DC has fewer racks than its
// factor, at most factor − racks of them; each DC stops at
// min(factor, its hosts).
func TestNTSPlacement(t *testing.T) {
	tests := []struct {
		name  string
		hosts []Host
		repl  Replication
		token int64
		want  []int
	}{
		{
			// 10:1(r1) 20:2(r1) 30:3(r2) 40:4(r1) 50:5(r2); 2 racks, RF 3,
			// so one repeat is allowed: from 10, host 1 (r1, new), host 2
			// (r1 again: the one repeat), host 3 (r2, new).
			name: "2 racks, RF 3, the repeat comes first",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20), testHost(3, "dc1", "r2", 30),
				testHost(4, "dc1", "r1", 40), testHost(5, "dc1", "r2", 50)},
			repl: nts("dc1", 3), token: 10, want: []int{1, 2, 3},
		},
		{
			// From 30: 3 (r2), 4 (r1), 5 (r2 again, the repeat).
			name: "2 racks, RF 3, the repeat comes last",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20), testHost(3, "dc1", "r2", 30),
				testHost(4, "dc1", "r1", 40), testHost(5, "dc1", "r2", 50)},
			repl: nts("dc1", 3), token: 25, want: []int{3, 4, 5},
		},
		{
			// From 40: 4 (r1), 5 (r2), then wrapping 1 (r1, the repeat).
			name: "2 racks, RF 3, wrapping",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20), testHost(3, "dc1", "r2", 30),
				testHost(4, "dc1", "r1", 40), testHost(5, "dc1", "r2", 50)},
			repl: nts("dc1", 3), token: 40, want: []int{4, 5, 1},
		},
		{
			// 3 racks, RF 2: no repeat at all. From 10: 1 (r1), 2 skipped
			// (r1), 3 (r2).
			name:  "more racks than RF: distinct racks only",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20), testHost(3, "dc1", "r2", 30), testHost(4, "dc1", "r3", 40)},
			repl:  nts("dc1", 2), token: 10, want: []int{1, 3},
		},
		{
			// dc1 RF 2 on one rack (one repeat allowed), dc2 RF 1, dc3 not
			// replicated. From 10: 1 (dc1), 2 (dc3, ignored), 3 (dc2, done),
			// 4 (dc1, the repeat, done).
			name: "two DCs filled in one walk",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc3", "r1", 20), testHost(3, "dc2", "r1", 30),
				testHost(4, "dc1", "r1", 40), testHost(5, "dc2", "r1", 50)},
			repl: nts("dc1", 2, "dc2", 1), token: 5, want: []int{1, 3, 4},
		},
		{
			// dc1 has two hosts for RF 3: both, nothing more to find.
			name:  "RF above the DC's hosts",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r2", 20), testHost(3, "dc2", "r1", 30)},
			repl:  nts("dc1", 3), token: 15, want: []int{2, 1},
		},
		{
			// dcX has no hosts: skipped, dc1 still gets its replica.
			name:  "a DC with no hosts",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20)},
			repl:  nts("dcX", 3, "dc1", 1), token: 15, want: []int{2},
		},
		{
			// Host 3 in r2 owns no token, so r2 does not count: dc1 has one
			// rack, RF 2 allows one repeat, and both r1 hosts are replicas.
			// Counting host 3 would have left a single replica.
			name:  "a host without tokens counts for no rack",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc1", "r1", 20), testHost(3, "dc1", "r2")},
			repl:  nts("dc1", 2), token: 10, want: []int{1, 2},
		},
		{
			// Vnodes: host 1 holds 10 and 20; from 10, the second token of
			// host 1 is skipped, host 2 (r2) is next.
			name:  "vnodes of one host count once",
			hosts: []Host{testHost(1, "dc1", "r1", 10, 20), testHost(2, "dc1", "r2", 30)},
			repl:  nts("dc1", 2), token: 10, want: []int{1, 2},
		},
		{
			// The same rack name in two DCs is two racks: dc2's "r1" is new
			// for dc2 even though dc1 used an "r1".
			name:  "rack names are per DC",
			hosts: []Host{testHost(1, "dc1", "r1", 10), testHost(2, "dc2", "r1", 20), testHost(3, "dc1", "r2", 30), testHost(4, "dc2", "r2", 40)},
			repl:  nts("dc1", 2, "dc2", 2), token: 10, want: []int{1, 2, 3, 4},
		},
		{
			// 3 racks of 2 hosts, RF 3: one host per rack, in ring order.
			// 10:1(a) 20:2(a) 30:3(b) 40:4(b) 50:5(c) 60:6(c); from 20: 2,
			// 3, 5 (4 is b again, no repeat allowed).
			name: "3 racks, RF 3",
			hosts: []Host{testHost(1, "dc1", "a", 10), testHost(2, "dc1", "a", 20), testHost(3, "dc1", "b", 30),
				testHost(4, "dc1", "b", 40), testHost(5, "dc1", "c", 50), testHost(6, "dc1", "c", 60)},
			repl: nts("dc1", 3), token: 20, want: []int{2, 3, 5},
		},
		{
			name:  "no DC replicated",
			hosts: []Host{testHost(1, "dc1", "r1", 10)},
			repl:  nts(), token: 10, want: []int{},
		},
	}
	for _, tt := range tests {
		r := testRing(t, tt.hosts...)
		if got := replicasOf(t, r, tt.repl, tt.token); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: token %d: replicas %v, want %v", tt.name, tt.token, got, tt.want)
		}
	}
}
