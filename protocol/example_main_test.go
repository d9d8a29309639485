package protocol_test

import (
	"os"
	"testing"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// The examples that call exampleHost run against the test server; with no
// server reachable and none required, a plain `go test` leaves them out
// (see testcluster.ExamplesMain).
func TestMain(m *testing.M) {
	os.Exit(testcluster.ExamplesMain(m, "exampleHost", "exampleKeyspaceName"))
}

// exampleHost returns the host:port of the test server, such as
// 127.0.0.1:9042.
func exampleHost() string {
	if hs, _ := testcluster.Lookup(); len(hs) > 0 {
		return hs[0]
	}
	return testcluster.DefaultAddr
}

// exampleKeyspaceName returns a fresh keyspace name example_<name>_<random>.
func exampleKeyspaceName(name string) string { return testcluster.Name("example_" + name) }
