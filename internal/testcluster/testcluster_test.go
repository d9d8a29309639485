package testcluster

import (
	"regexp"
	"strings"
	"testing"
)

func TestNameIsAFreshValidIdentifier(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)
	long := strings.Repeat("Keyspace", 10)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		for _, p := range []string{"ks", "Tbl", long} {
			n := Name(p)
			if !valid.MatchString(n) {
				t.Fatalf("Name(%q) = %q: not a valid CQL identifier of at most 48 characters", p, n)
			}
			if seen[n] {
				t.Fatalf("Name(%q) returned %q twice", p, n)
			}
			seen[n] = true
		}
	}
}

// The root package's examples that need the server are found by the
// helpers they call; those that do not (DSN parsing, go-sqlmock) are not.
func TestExamplesCalling(t *testing.T) {
	names, err := ExamplesCalling("../..", "exampleHost", "exampleKeyspace")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, n := range names {
		got[n] = true
	}
	for _, n := range []string{"Example", "ExampleNewConnector", "Example_query", "Example_transaction", "Example_tracing"} {
		if !got[n] {
			t.Errorf("%s not found among %v", n, names)
		}
	}
	for _, n := range []string{"ExampleParseDSN", "Example_sqlmock"} {
		if got[n] {
			t.Errorf("%s needs no server but was found", n)
		}
	}
}

// A node a test restarts gets the heap scripts/test.sh started its cluster
// with, not the launcher's larger default.
func TestClusterNodeRestartsWithTheClustersHeap(t *testing.T) {
	t.Setenv(TwoDCs.Var, "127.0.0.1:9072,127.0.0.2:9072,127.0.0.3:9072")
	for _, tc := range []struct{ set, want string }{{"", "512M"}, {"768M", "768M"}} {
		t.Setenv("CASSANDRA_CLUSTER_HEAP", tc.set)
		t.Setenv("CASSANDRA_HEAP", "1G") // the launcher's own default; the cluster's must win
		got := ""
		for _, kv := range TwoDCs.Node(t, 2).env {
			if v, ok := strings.CutPrefix(kv, "CASSANDRA_HEAP="); ok {
				got = v // exec uses the last value of a key
			}
		}
		if got != tc.want {
			t.Errorf("CASSANDRA_CLUSTER_HEAP=%q: the restarted node gets CASSANDRA_HEAP=%q, want %q", tc.set, got, tc.want)
		}
	}
}
