package cassandra

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// testConfig returns a Config for the test cluster.
func testConfig(t testing.TB) *Config {
	t.Helper()
	cfg := NewConfig()
	cfg.Hosts = testcluster.Hosts(t)
	cfg.Consistency = One
	cfg.Timeout = 30 * time.Second
	// make test runs four JVMs on two CPUs: a node there can go 5 s (the
	// default) without answering anything. The watchdog is tested with its
	// default against a node of its own (TestIntegrationStalledNode).
	cfg.HeartbeatTimeout = 20 * time.Second
	return cfg
}

// testDB opens a *sql.DB on a fresh keyspace (SimpleStrategy, RF 1) that
// is dropped when the test ends. It returns the DB, its Connector and the
// keyspace name.
func testDB(t testing.TB, edit ...func(*Config)) (*sql.DB, *Connector, string) {
	t.Helper()
	ks := testcluster.Name("drv")
	admin := openTestDB(t, testConfig(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	mustExec(t, admin, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP KEYSPACE IF EXISTS "+ks); err != nil {
			t.Errorf("dropping keyspace %s: %v", ks, err)
		}
		admin.Close()
	})
	cfg := testConfig(t)
	cfg.Keyspace = ks
	for _, e := range edit {
		e(cfg)
	}
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	return db, c, ks
}

func openTestDB(t testing.TB, cfg *Config) *sql.DB {
	t.Helper()
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sql.OpenDB(c)
}

func mustExec(t testing.TB, db *sql.DB, query string, args ...any) sql.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := db.ExecContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(query), err)
	}
	return r
}

func timeAtMicro(us int64) time.Time { return time.UnixMicro(us) }
