// Package testcluster tells integration tests where the test Cassandra is.
//
// The address comes from, in order: CASSANDRA_HOSTS (comma-separated
// host:port list, any existing cluster); a container started through
// dockertest where a Docker engine answers; else 127.0.0.1:9042, which
// `make cassandra-up` (scripts/cassandra.sh) serves from the Maven jars.
//
// When CI or CASSANDRA_TEST_REQUIRED=1 is set, an unreachable server fails
// the test instead of skipping it: in CI a skipped integration test is a
// failure, not a pass.
package testcluster

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultAddr is where scripts/cassandra.sh starts its single node.
const DefaultAddr = "127.0.0.1:9042"

var (
	once  sync.Once
	hosts []string
	why   string
)

// Required reports whether an unreachable server must fail tests.
func Required() bool {
	return inCI() || os.Getenv("CASSANDRA_TEST_REQUIRED") == "1"
}

func inCI() bool { return os.Getenv("CI") != "" && os.Getenv("CI") != "false" }

// Hosts returns the host:port addresses of the test cluster. It skips the
// test (or fails it, see Required) when no server answers.
func Hosts(t testing.TB) []string {
	t.Helper()
	once.Do(discover)
	if len(hosts) == 0 {
		if Required() {
			t.Fatalf("integration test needs Cassandra and none is reachable (%s); run `make cassandra-up` or set CASSANDRA_HOSTS", why)
		}
		t.Skipf("no Cassandra reachable (%s); run `make cassandra-up` or set CASSANDRA_HOSTS", why)
	}
	return append([]string(nil), hosts...)
}

// Addr returns the first address of the test cluster (see Hosts).
func Addr(t testing.TB) string {
	t.Helper()
	return Hosts(t)[0]
}

func discover() {
	if env := strings.TrimSpace(os.Getenv("CASSANDRA_HOSTS")); env != "" {
		for _, h := range strings.Split(env, ",") {
			h = strings.TrimSpace(h)
			if h == "" {
				continue
			}
			if _, _, err := net.SplitHostPort(h); err != nil {
				h = net.JoinHostPort(h, "9042")
			}
			hosts = append(hosts, h)
		}
		if len(hosts) == 0 {
			why = "CASSANDRA_HOSTS holds no address"
		}
		return
	}
	if reachable(DefaultAddr) {
		hosts = []string{DefaultAddr}
		return
	}
	if addr, err := startDocker(); err == nil {
		hosts = []string{addr}
		return
	} else {
		why = "nothing listens on " + DefaultAddr + "; docker: " + err.Error()
	}
}

func reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Name returns a fresh lower-case identifier starting with prefix, valid as
// a keyspace or table name (at most 48 characters), so that tests running in
// parallel and reruns never share a schema object.
func Name(prefix string) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	// The prefix is cut, never the random part, and the name keeps starting
	// with the prefix's letter as CQL identifiers must.
	prefix = strings.ToLower(prefix)
	if len(prefix) > 35 {
		prefix = prefix[:35]
	}
	return prefix + "_" + hex.EncodeToString(b[:])
}
