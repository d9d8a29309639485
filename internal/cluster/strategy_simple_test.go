package cluster

import (
	"reflect"
	"testing"
)

func TestSimplePlacement(t *testing.T) {
	// Ring 10:A(1) 20:B(2) 30:A(1) 40:C(3); racks and DCs do not matter.
	r := testRing(t,
		testHost(1, "dc1", "r1", 10, 30),
		testHost(2, "dc2", "r1", 20),
		testHost(3, "dc1", "r2", 40),
	)
	simple := func(rf int) Replication { return Replication{Strategy: SimpleStrategy, Factor: rf} }
	tests := []struct {
		name  string
		repl  Replication
		token int64
		want  []int
	}{
		{"RF 1 is the owner", simple(1), 15, []int{2}},
		{"RF 2 skips A's second token", simple(2), 25, []int{1, 3}},
		{"RF 2 wraps around", simple(2), 35, []int{3, 1}},
		{"past the last token", simple(2), 45, []int{1, 2}},
		{"RF 3 is every host", simple(3), 5, []int{1, 2, 3}},
		{"RF above the hosts gives every host once", simple(7), 25, []int{1, 3, 2}},
		{"RF 0 is none", simple(0), 25, []int{}},
		{"Everywhere is every host", Replication{Strategy: EverywhereStrategy}, 25, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		if got := replicasOf(t, r, tt.repl, tt.token); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: token %d: replicas %v, want %v", tt.name, tt.token, got, tt.want)
		}
	}
}
