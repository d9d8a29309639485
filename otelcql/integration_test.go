package otelcql_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/otelcql"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// cassandraAddr returns the first of CASSANDRA_HOSTS, else 127.0.0.1:9042,
// if it answers. It skips the test when nothing does, and fails it in CI
// (CI set and not "false") or with CASSANDRA_TEST_REQUIRED=1 (as `make
// test` sets), where a Cassandra must be up. It starts none.
func cassandraAddr(t *testing.T) string {
	t.Helper()
	addr := "127.0.0.1:9042"
	if h := os.Getenv("CASSANDRA_HOSTS"); h != "" {
		addr = strings.TrimSpace(strings.Split(h, ",")[0])
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
		return addr
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" || os.Getenv("CASSANDRA_TEST_REQUIRED") == "1" {
		t.Fatalf("integration test needs Cassandra at %s (CI or CASSANDRA_TEST_REQUIRED is set): %v", addr, err)
	}
	t.Skipf("no Cassandra answers at %s (%v); set CASSANDRA_HOSTS or run `make cassandra-up` in the repository root", addr, err)
	return ""
}

func integrationConfig(addr string) *cassandra.Config {
	cfg := cassandra.NewConfig()
	cfg.Hosts = []string{addr}
	cfg.Consistency = cassandra.One
	cfg.Timeout = 30 * time.Second
	cfg.HeartbeatTimeout = 20 * time.Second // a loaded single test node can be slow
	return cfg
}

func openDB(t *testing.T, cfg *cassandra.Config) *sql.DB {
	t.Helper()
	c, err := cassandra.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestIntegrationPagedSelect reads five rows two a page through a real
// Cassandra and checks the spans of the pages and their durations.
func TestIntegrationPagedSelect(t *testing.T) {
	addr := cassandraAddr(t)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	ks := "otelcql_" + hex.EncodeToString(b[:])

	admin := openDB(t, integrationConfig(addr))
	exec(t, admin, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	t.Cleanup(func() { exec(t, admin, "DROP KEYSPACE IF EXISTS "+ks) })
	exec(t, admin, "CREATE TABLE "+ks+".items (shop text, id int, PRIMARY KEY (shop, id))")
	for i := 1; i <= 5; i++ {
		exec(t, admin, "INSERT INTO "+ks+".items (shop, id) VALUES (?, ?)", "paris", i)
	}

	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	cfg := integrationConfig(addr)
	cfg.Keyspace = ks
	cfg.PageSize = 2
	cfg.Observer = otelcql.NewObserver(otelcql.WithTracerProvider(tp), otelcql.WithMeterProvider(mp))
	db := openDB(t, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx, parent := tp.Tracer("test").Start(ctx, "read items")
	rows, err := db.QueryContext(ctx, "SELECT id FROM items WHERE shop = 'paris'")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	parent.End()
	if n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}

	var pages []sdktrace.ReadOnlySpan
	for _, sp := range spans.Ended() {
		if sp.Name() == "SELECT "+ks && attrMap(sp.Attributes())["db.query.text"].AsString() == "SELECT id FROM items WHERE shop = 'paris'" {
			pages = append(pages, sp)
		}
	}
	if len(pages) < 2 {
		t.Fatalf("%d spans for the query's pages, want 2 or more; spans: %v", len(pages), names(spans.Ended()))
	}
	t.Logf("%d spans in all (%v), %d for the query's pages", len(spans.Ended()), names(spans.Ended()), len(pages))
	rowsSeen := int64(0)
	for i, sp := range pages {
		m := attrMap(sp.Attributes())
		if got := m["cqlsql.page"].AsInt64(); got != int64(i+1) {
			t.Errorf("span %d has cqlsql.page %d", i, got)
		}
		if sp.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("page %d: parent %v, want the test's span %v", i+1, sp.Parent().SpanID(), parent.SpanContext().SpanID())
		}
		wantAttrs(t, "page", sp.Attributes(), map[string]any{
			"db.system.name": "cassandra", "db.namespace": ks, "db.operation.name": "SELECT",
			"cassandra.page.size": int64(2), "cassandra.consistency.level": "one",
		}, "error.type")
		if m["server.address"].AsString() == "" || m["cassandra.coordinator.id"].AsString() == "" {
			t.Errorf("page %d: server.address %q, cassandra.coordinator.id %q: want both", i+1, m["server.address"].AsString(), m["cassandra.coordinator.id"].AsString())
		}
		if len(sp.Events()) == 0 {
			t.Errorf("page %d: no cqlsql.attempt event", i+1)
		}
		if sp.EndTime().Before(sp.StartTime()) || sp.StartTime().IsZero() {
			t.Errorf("page %d: from %v to %v", i+1, sp.StartTime(), sp.EndTime())
		}
		rowsSeen += m["db.response.returned_rows"].AsInt64()
		more := m["cqlsql.more_pages"].AsBool()
		if last := i == len(pages)-1; more == last {
			t.Errorf("page %d of %d: cqlsql.more_pages %v", i+1, len(pages), more)
		}
	}
	if rowsSeen != 5 {
		t.Errorf("db.response.returned_rows add up to %d over the pages, want 5", rowsSeen)
	}

	h := (&harness{reader: reader}).histogram(t)
	var count uint64
	for _, dp := range h.DataPoints {
		if v, _ := dp.Attributes.Value(attribute.Key("db.operation.name")); v.AsString() == "SELECT" {
			if ns, _ := dp.Attributes.Value(attribute.Key("db.namespace")); ns.AsString() == ks {
				count += dp.Count
			}
		}
	}
	if count < uint64(len(pages)) {
		t.Errorf("db.client.operation.duration counted %d SELECTs on %s, want %d or more", count, ks, len(pages))
	}
}
