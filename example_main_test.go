package cassandra_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/internal/testcluster"
)

// The examples run against the test server (internal/testcluster:
// CASSANDRA_HOSTS, else 127.0.0.1:9042, else Docker), each in a keyspace of
// its own, and check their output. With no server reachable, a plain
// `go test` leaves out the examples that need one (examples cannot skip:
// see testcluster.ExamplesMain); with CASSANDRA_TEST_REQUIRED=1, as in
// `make test`, or CI, they run and fail.
func TestMain(m *testing.M) {
	os.Exit(testcluster.ExamplesMain(m, "exampleHost", "exampleKeyspace"))
}

// exampleHost returns the host:port of the test server, such as
// 127.0.0.1:9042.
func exampleHost() string {
	if hs, _ := testcluster.Lookup(); len(hs) > 0 {
		return hs[0]
	}
	return testcluster.DefaultAddr
}

// exampleKeyspace creates a fresh keyspace example_<name>_<random> (RF 1)
// on the test server and returns the DSN that selects it, with params
// (a query string without "?") added, and a function that drops it. A
// failure is printed, so that the example's output shows it.
func exampleKeyspace(name, params string) (dsn string, drop func()) {
	ks := testcluster.Name("example_" + name)
	dsn = "cassandra://" + exampleHost() + "/" + ks
	if params != "" {
		dsn += "?" + params
	}
	admin, err := sql.Open("cassandra", "cassandra://"+exampleHost()+"?timeout=30s")
	if err != nil {
		fmt.Println("example setup:", err)
		return dsn, func() {}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"); err != nil {
		fmt.Println("example setup:", err)
	}
	return dsn, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP KEYSPACE IF EXISTS "+ks); err != nil {
			fmt.Println("example cleanup:", err)
		}
		admin.Close()
	}
}

// execAll runs statements in order, stopping at the first error.
func execAll(db *sql.DB, stmts ...string) error {
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(s)[0], err)
		}
	}
	return nil
}

// createEvents creates the table events (day text, seq int, PRIMARY KEY
// (day, seq)) and writes n events of day, seq 0 to n-1.
func createEvents(db *sql.DB, day string, n int) error {
	if err := execAll(db, "CREATE TABLE events (day text, seq int, PRIMARY KEY (day, seq))"); err != nil {
		return err
	}
	ins, err := db.Prepare("INSERT INTO events (day, seq) VALUES (?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := 0; i < n; i++ {
		if _, err := ins.Exec(day, i); err != nil {
			return err
		}
	}
	return nil
}
