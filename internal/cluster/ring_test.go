package cluster

import (
	"math"
	"reflect"
	"testing"
)

func TestRingOwner(t *testing.T) {
	// Ring: 10 → host 1, 20 → host 2, 30 → host 1 (vnodes).
	r := testRing(t,
		testHost(2, "dc1", "r1", 20),
		testHost(1, "dc1", "r1", 30, 10),
	)
	tests := []struct {
		token int64
		owner int
	}{
		{math.MinInt64, 1}, // before the first token: the first
		{9, 1},
		{10, 1}, // a ring token is owned by its own host
		{11, 2},
		{20, 2},
		{25, 1},
		{30, 1},
		{31, 1}, // past the last token: wraps to the first
		{math.MaxInt64, 1},
	}
	for _, tt := range tests {
		if got := r.Owner(Murmur3TokenOf(tt.token)); got == nil || int(got.ID[15]) != tt.owner {
			t.Errorf("Owner(%d) = %v, want host %d", tt.token, got, tt.owner)
		}
	}
	if r.Len() != 3 || len(r.Hosts()) != 2 || r.Hosts()[0].ID[15] != 1 {
		t.Errorf("Len %d, hosts %v", r.Len(), r.Hosts())
	}
}

func TestRingInconsistencies(t *testing.T) {
	r := testRing(t,
		testHost(3, "dc1", "r1", 10),
		testHost(1, "dc1", "r1", 10, 20), // claims token 10 too: the lower ID keeps it
		testHost(1, "dc9", "r9", 99),     // listed twice: the first listing wins
		testHost(4, "dc1", "r1"),         // no tokens: known, owns nothing
	)
	if len(r.Hosts()) != 3 {
		t.Fatalf("hosts %v", r.Hosts())
	}
	if got := r.Owner(Murmur3TokenOf(10)); got.ID[15] != 1 {
		t.Errorf("duplicate token 10 went to host %d, want 1", got.ID[15])
	}
	if r.Len() != 2 || r.owning != 1 {
		t.Errorf("Len %d owning %d, want 2 tokens of one host", r.Len(), r.owning)
	}

	empty := testRing(t, testHost(1, "dc1", "r1"))
	if empty.Owner(Token{}) != nil || empty.Len() != 0 {
		t.Error("a ring without tokens has an owner")
	}
	if _, err := NewRing(Murmur3Partitioner{}, []Host{{Tokens: []string{"12x"}}}); err == nil {
		t.Error("a bad token was accepted")
	}
	if _, err := NewRing(nil, nil); err == nil {
		t.Error("a ring without a partitioner was built")
	}
	var tm *TokenMap
	if tm.Replicas("ks", Token{}) != nil || tm.ReplicasOfKey("ks", nil) != nil {
		t.Error("a nil TokenMap has replicas")
	}
	none := testRing(t)
	if none.Owner(Token{}) != nil {
		t.Error("an empty ring has an owner")
	}
}

func TestRingDoesNotDependOnHostOrder(t *testing.T) {
	a := testRing(t, testHost(1, "d", "r", 5, -7), testHost(2, "d", "r", 5, 3), testHost(3, "d", "r", 0))
	b := testRing(t, testHost(3, "d", "r", 0), testHost(2, "d", "r", 3, 5), testHost(1, "d", "r", -7, 5))
	if !reflect.DeepEqual(a.tokens, b.tokens) || !reflect.DeepEqual(a.owners, b.owners) {
		t.Errorf("rings differ: %v %v / %v %v", a.tokens, a.owners, b.tokens, b.owners)
	}
}

func TestRingRandomPartitioner(t *testing.T) {
	r, err := NewRing(RandomPartitioner{}, []Host{
		{ID: HostID{15: 1}, Tokens: []string{"0"}},
		{ID: HostID{15: 2}, Tokens: []string{"85070591730234615865843651857942052864"}}, // 2^126
	})
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("cassandra")
	tok := r.Token(key)
	want := 2
	if randomTokenBig(key).BitLen() > 126 || tok == (Token{}) {
		want = 1
	}
	if got := r.Owner(tok); int(got.ID[15]) != want {
		t.Errorf("Owner(%s) = host %d, want %d", RandomPartitioner{}.FormatToken(tok), got.ID[15], want)
	}
}
