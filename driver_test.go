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

// TestSecureNodeAnswersCQL checks the password/TLS node of the harness: the
// right login answers over verified TLS (the certificate chains to the CA
// made at start) and over plaintext, and a wrong password is refused.
func TestSecureNodeAnswersCQL(t *testing.T) {
	node := testcluster.Secure(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tlsConf, err := testcluster.TLSConfig(node)
	if err != nil {
		t.Fatal(err)
	}
	v, err := testcluster.ReleaseVersion(ctx, node.Addr, node.Username, node.Password, tlsConf)
	if err != nil {
		t.Fatalf("TLS + password login: %v", err)
	}
	if !strings.HasPrefix(v, "5.0.") {
		t.Errorf("release_version %q, want 5.0.x", v)
	}
	if _, err := testcluster.ReleaseVersion(ctx, node.Addr, node.Username, node.Password, nil); err != nil {
		t.Fatalf("plaintext + password login: %v", err)
	}
	_, err = testcluster.ReleaseVersion(ctx, node.Addr, node.Username, "wrong-"+node.Password, nil)
	if err == nil || !strings.Contains(err.Error(), "0x0100") {
		t.Fatalf("wrong password: got %v, want a bad-credentials error (0x0100)", err)
	}
}
