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
