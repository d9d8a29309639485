package cassandra

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// TestServerAnswersCQL proves the test cluster is a real Cassandra 5.0 that
// answers CQL, independently of the driver: every other integration test
// builds on this.
func TestServerAnswersCQL(t *testing.T) {
	for _, addr := range testcluster.Hosts(t) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		v, err := testcluster.ReleaseVersion(ctx, addr, "", "", nil)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		t.Logf("cassandra release_version %s at %s", v, addr)
		if !strings.HasPrefix(v, "5.0.") {
			t.Errorf("%s: release_version %q, want 5.0.x", addr, v)
		}
	}
}
