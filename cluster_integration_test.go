package cassandra

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// The multi-node tests: against the clusters make test starts
// (testcluster.ThreeNodes, testcluster.TwoDCs), checked on the server side
// through each node's virtual tables.

// clusterConfig is a Config for a multi-node cluster naming only its first
// node.
func clusterConfig(t testing.TB, hosts []string) *Config {
	cfg := NewConfig()
	cfg.Hosts = hosts[:1]
	cfg.Timeout = 30 * time.Second
	cfg.HeartbeatTimeout = 20 * time.Second // many JVMs on two CPUs (see testConfig)
	return cfg
}

// nodeDB opens a *sql.DB on one node only, for its node-local virtual
// tables.
func nodeDB(t testing.TB, addr string) *sql.DB {
	t.Helper()
	cfg := NewConfig()
	cfg.Hosts = []string{addr}
	cfg.HostDiscovery = false
	cfg.ConnsPerHost = 1
	cfg.Timeout = 30 * time.Second
	cfg.HeartbeatTimeout = 20 * time.Second
	db := openTestDB(t, cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

// clusterKeyspace opens a *sql.DB with cfg and a fresh keyspace of the
// given replication (the CQL map), dropped at the end.
func clusterKeyspace(t *testing.T, cfg *Config, prefix, replication string) (*sql.DB, *Connector, string) {
	t.Helper()
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	ks := testcluster.Name(prefix)
	mustExec(t, db, "CREATE KEYSPACE "+ks+" WITH replication = "+replication)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP KEYSPACE IF EXISTS "+ks); err != nil {
			t.Logf("dropping keyspace %s: %v", ks, err)
		}
	})
	return db, c, ks
}

// nodeDBs opens nodeDB on each host.
func nodeDBs(t testing.TB, hosts []string) []*sql.DB {
	nodes := make([]*sql.DB, len(hosts))
	for i, h := range hosts {
		nodes[i] = nodeDB(t, h)
	}
	return nodes
}

// latencyCount reads a count of system_views.<view> (coordinator_read_latency,
// local_write_latency, ...) for one table on db's node.
func latencyCount(t testing.TB, db *sql.DB, view, ks, table string) int64 {
	t.Helper()
	var n int64
	err := db.QueryRow("SELECT count FROM system_views."+view+" WHERE keyspace_name = ? AND table_name = ?", ks, table).Scan(&n)
	if err == sql.ErrNoRows {
		return 0
	}
	if err != nil {
		t.Fatalf("system_views.%s: %v", view, err)
	}
	return n
}

// clientsNamed counts the connections of system_views.clients on db's node
// whose APPLICATION_NAME is app.
func clientsNamed(t testing.TB, db *sql.DB, app string) int {
	t.Helper()
	rows, err := db.Query("SELECT client_options FROM system_views.clients")
	if err != nil {
		t.Fatalf("system_views.clients: %v", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var opts map[string]string
		if err := rows.Scan(&opts); err != nil {
			t.Fatal(err)
		}
		if opts["APPLICATION_NAME"] == app {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClusterDiscoversEveryNode: a DSN naming one node of three has
// sockets to all three within 2 s of the first request, as each node's
// system_views.clients shows, and Hosts reports them; db.Close leaves no
// goroutine and no socket behind.
func TestClusterDiscoversEveryNode(t *testing.T) {
	hosts := testcluster.ThreeNodes.Hosts(t)
	checkGoroutines(t) // once db and the node DBs are closed
	app := testcluster.Name("disc")
	cfg := clusterConfig(t, hosts)
	cfg.AppName = app
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	start := time.Now()
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	nodes := nodeDBs(t, hosts)
	for {
		missing := []string{}
		for i, h := range hosts {
			if clientsNamed(t, nodes[i], app) == 0 {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 {
			t.Logf("sockets to all %d nodes %v after the first request", len(hosts), time.Since(start).Round(time.Millisecond))
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("2s after the first request, no socket of ours on %v (system_views.clients)", missing)
		}
		time.Sleep(50 * time.Millisecond)
	}
	infos := c.Hosts()
	if len(infos) != len(hosts) {
		t.Fatalf("Hosts() = %d hosts, want %d: %+v", len(infos), len(hosts), infos)
	}
	for _, h := range infos {
		if h.HostID == "" || h.Datacenter == "" || h.Rack == "" || h.State != "up" || h.Sockets < 1 {
			t.Errorf("Hosts(): %+v, want host_id, datacenter, rack, up, a socket", h)
		}
	}
	if !strings.Contains(logs.String(), "local datacenter taken from the first contact point") {
		t.Errorf("local_dc unset: no log line saying which datacenter was taken:\n%s", logs.String())
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if n := c.pool.Open(); n != 0 {
		t.Errorf("%d sockets open after db.Close", n)
	}
	for i, h := range hosts {
		deadline := time.Now().Add(5 * time.Second)
		for clientsNamed(t, nodes[i], app) != 0 {
			if time.Now().After(deadline) {
				t.Errorf("node %s still lists a connection of ours 5s after db.Close", h)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestClusterTokenAware: in an RF=1 keyspace, every read and write of a
// prepared statement is coordinated by the node that owns its key: on each
// node, the coordinator count of the table grew as much as its local
// count, and as much as the driver's own count of requests to that node.
func TestClusterTokenAware(t *testing.T) {
	hosts := testcluster.ThreeNodes.Hosts(t)
	cfg := clusterConfig(t, hosts)
	// A speculative execution goes to the next host of the plan, not an
	// owner with RF 1: the counts below are of routing alone.
	cfg.Speculative = SpeculativeOff
	db, c, ks := clusterKeyspace(t, cfg, "tok", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
	mustExec(t, db, "CREATE TABLE "+ks+".big (k bigint PRIMARY KEY, v int)")
	mustExec(t, db, "CREATE TABLE "+ks+".comp (a text, b int, v int, PRIMARY KEY ((a, b)))")
	nodes := nodeDBs(t, hosts)

	const keys = 1000
	for _, tc := range []struct {
		table, insert, sel string
		args               func(i int) []any
	}{
		{"big", "INSERT INTO " + ks + ".big (k, v) VALUES (?, ?)", "SELECT v FROM " + ks + ".big WHERE k = ?",
			func(i int) []any { return []any{int64(i)*7919 - 3_000_000_000, i} }},
		{"comp", "INSERT INTO " + ks + ".comp (a, b, v) VALUES (?, ?, ?)", "SELECT v FROM " + ks + ".comp WHERE a = ? AND b = ?",
			func(i int) []any { return []any{fmt.Sprintf("key-%d", i), i % 97, i} }},
	} {
		ins, err := db.Prepare(tc.insert)
		if err != nil {
			t.Fatal(err)
		}
		sel, err := db.Prepare(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		for _, phase := range []string{"write", "read"} {
			coordBefore, localBefore := make([]int64, len(hosts)), make([]int64, len(hosts))
			for i := range hosts {
				coordBefore[i] = latencyCount(t, nodes[i], "coordinator_"+phase+"_latency", ks, tc.table)
				localBefore[i] = latencyCount(t, nodes[i], "local_"+phase+"_latency", ks, tc.table)
			}
			sentBefore := requestsByAddr(c)
			for i := 0; i < keys; i++ {
				args := tc.args(i)
				if phase == "write" {
					if _, err := ins.Exec(args...); err != nil {
						t.Fatalf("%s %d: %v", tc.insert, i, err)
					}
					continue
				}
				var v int
				if err := sel.QueryRow(args[:len(args)-1]...).Scan(&v); err != nil || v != i {
					t.Fatalf("%s %d: %v (v = %d)", tc.sel, i, err, v)
				}
			}
			sentAfter := requestsByAddr(c)
			var total int64
			for i, h := range hosts {
				coord := latencyCount(t, nodes[i], "coordinator_"+phase+"_latency", ks, tc.table) - coordBefore[i]
				local := latencyCount(t, nodes[i], "local_"+phase+"_latency", ks, tc.table) - localBefore[i]
				sent := sentAfter[h] - sentBefore[h]
				t.Logf("%s %s on %s: coordinated %d, applied locally %d, sent by the driver %d", tc.table, phase, h, coord, local, sent)
				if coord != local || sent != coord {
					t.Errorf("%s %s on %s: coordinated %d, local %d, driver sent %d: want all equal (every request to the key's owner)", tc.table, phase, h, coord, local, sent)
				}
				total += local
			}
			if total != keys {
				t.Errorf("%s %s: %d local operations in all, want %d", tc.table, phase, total, keys)
			}
		}
		ins.Close()
		sel.Close()
	}
}

func requestsByAddr(c *Connector) map[string]int64 {
	m := map[string]int64{}
	for _, h := range c.Hosts() {
		m[h.Addr] = h.Requests
	}
	return m
}

// TestClusterLocalDCStaysLocal: with local_dc=dc1 and LOCAL_QUORUM, no
// request is coordinated by the dc2 node; an unknown datacenter fails with
// an error naming the cluster's.
func TestClusterLocalDCStaysLocal(t *testing.T) {
	hosts := testcluster.TwoDCs.Hosts(t)
	cfg := clusterConfig(t, hosts)
	cfg.LocalDC = "dc1"
	cfg.Consistency = LocalQuorum
	db, c, ks := clusterKeyspace(t, cfg, "dcs", "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}")
	mustExec(t, db, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v int)")
	nodes := nodeDBs(t, hosts)
	dcOf := map[string]string{}
	for _, h := range c.Hosts() {
		dcOf[h.Addr] = h.Datacenter
	}
	before := map[string]int64{}
	for i, h := range hosts {
		before[h] = latencyCount(t, nodes[i], "coordinator_write_latency", ks, "kv") + latencyCount(t, nodes[i], "coordinator_read_latency", ks, "kv")
	}
	const n = 300
	for i := 0; i < n; i++ {
		mustExec(t, db, "INSERT INTO "+ks+".kv (k, v) VALUES (?, ?)", i, i)
		var v int
		if err := db.QueryRow("SELECT v FROM "+ks+".kv WHERE k = ?", i).Scan(&v); err != nil || v != i {
			t.Fatalf("read %d: %v (v = %d)", i, err, v)
		}
	}
	var local int64
	for i, h := range hosts {
		d := latencyCount(t, nodes[i], "coordinator_write_latency", ks, "kv") + latencyCount(t, nodes[i], "coordinator_read_latency", ks, "kv") - before[h]
		t.Logf("%s (%s) coordinated %d requests", h, dcOf[h], d)
		switch dcOf[h] {
		case "dc1":
			local += d
		case "dc2":
			if d != 0 {
				t.Errorf("%s is in dc2 and coordinated %d requests; want 0 with local_dc=dc1 and LOCAL_QUORUM", h, d)
			}
		default:
			t.Errorf("%s: datacenter %q unknown to Hosts()", h, dcOf[h])
		}
	}
	// Speculative executions (at most 5% + 1) are coordinated in dc1 too.
	if local < 2*n || local > 2*n+2*n/20+1 {
		t.Errorf("dc1 coordinated %d requests, want %d plus at most 5%% + 1", local, 2*n)
	}

	cfg = clusterConfig(t, hosts)
	cfg.LocalDC = "dc3"
	other := openTestDB(t, cfg)
	defer other.Close()
	err := other.Ping()
	if err == nil || !strings.Contains(err.Error(), `"dc3"`) || !strings.Contains(err.Error(), "dc1") || !strings.Contains(err.Error(), "dc2") {
		t.Fatalf("local_dc=dc3: %v, want an error naming dc3 and the cluster's dc1 and dc2", err)
	}
}

// TestClusterNodeRestart: a node killed with SIGKILL gets no requests
// while down (the others serve them), and gets requests again within 5 s
// of answering CQL after its restart.
func TestClusterNodeRestart(t *testing.T) {
	hosts := testcluster.TwoDCs.Hosts(t)
	node := testcluster.TwoDCs.Node(t, 2) // dc1's second node
	cfg := clusterConfig(t, hosts)
	cfg.LocalDC = "dc1"
	cfg.Consistency = LocalOne
	cfg.Timeout = 5 * time.Second
	db, c, ks := clusterKeyspace(t, cfg, "rst", "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}")
	mustExec(t, db, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v int)")
	ins, err := db.Prepare("INSERT INTO " + ks + ".kv (k, v) VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	stop := writeLoad(ins)
	defer stop()
	requestsTo := func(addr string) int64 { return requestsByAddr(c)[addr] }
	time.Sleep(time.Second)
	if requestsTo(node.Addr) == 0 {
		t.Fatalf("%s got no request before the kill", node.Addr)
	}

	pid := node.Pid(t)
	t.Logf("kill -9 %d (%s)", pid, node.Addr)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			node.Restart(t) // the cluster is shared with later tests
		}
	}()
	time.Sleep(3 * time.Second)
	down := requestsTo(node.Addr)
	time.Sleep(2 * time.Second)
	if d := requestsTo(node.Addr) - down; d > 0 {
		t.Errorf("%s is dead and got %d requests in 2s", node.Addr, d)
	}

	node.Restart(t)
	restarted = true
	back := time.Now()
	base := requestsTo(node.Addr)
	for requestsTo(node.Addr) == base {
		if time.Since(back) > 5*time.Second {
			t.Fatalf("%s answers CQL again and got no request within 5s: %+v", node.Addr, c.Hosts())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%s got requests %v after answering CQL again", node.Addr, time.Since(back).Round(time.Millisecond))
	failures := stop()
	for i, err := range failures {
		if i < 3 {
			t.Logf("a write failed while the node was down: %v", err)
		}
	}
	t.Logf("%d writes failed in all", len(failures))
}

// writeLoad runs ins(i, i) for i = 0, 1, ... on one goroutine until the
// returned stop is called; stop returns the errors (at most 1,000).
func writeLoad(ins *sql.Stmt) (stop func() []error) {
	ctx, cancel := context.WithCancel(context.Background())
	var failures []error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := ins.ExecContext(ctx, i, i); err != nil && ctx.Err() == nil && len(failures) < 1000 {
				failures = append(failures, err)
			}
		}
	}()
	var once sync.Once
	return func() []error {
		once.Do(func() { cancel(); <-done })
		return failures
	}
}

// TestClusterNodeJoins: a node that joins a running cluster (a cluster of
// the test's own, started with two of its three nodes) coordinates
// requests within 10 s of answering CQL, without a restart of the
// *sql.DB.
func TestClusterNodeJoins(t *testing.T) {
	testcluster.ThreeNodes.Hosts(t) // runs where the multi-node tests run
	j := testcluster.LaunchJoining(t, 3, 2, "CASSANDRA_PORT=9082", "CASSANDRA_STORAGE_PORT=7800",
		"CASSANDRA_NUM_TOKENS=16", "CASSANDRA_HEAP=512M")
	addrs := j.Addrs()
	cfg := clusterConfig(t, addrs)
	cfg.Consistency = One
	cfg.Timeout = 10 * time.Second
	db, c, ks := clusterKeyspace(t, cfg, "join", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
	mustExec(t, db, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v int)")
	ins, err := db.Prepare("INSERT INTO " + ks + ".kv (k, v) VALUES (?, ?)")
	if err != nil {
		t.Fatal(err)
	}
	defer ins.Close()
	stop := writeLoad(ins)
	defer stop()
	time.Sleep(time.Second)
	if n := len(c.Hosts()); n != 2 {
		t.Fatalf("Hosts() = %d hosts before the join, want 2: %+v", n, c.Hosts())
	}

	j.Start(t, 3)
	joined := time.Now()
	newcomer := addrs[2]
	for requestsByAddr(c)[newcomer] == 0 {
		if time.Since(joined) > 10*time.Second {
			t.Fatalf("%s answers CQL and coordinated no request within 10s: %+v", newcomer, c.Hosts())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("%s got requests %v after answering CQL", newcomer, time.Since(joined).Round(time.Millisecond))
	// A node that joins without bootstrapping (the launcher's
	// auto_bootstrap: false) can take writes before it has pulled the
	// schema and fail them with INCOMPATIBLE_SCHEMA, or answer a PREPARE with
	// "keyspace does not exist": the server's doing,
	// reported rather than asserted. Anything else is the driver's.
	for i, err := range stop() {
		var cerr *Error
		schemaLag := errors.As(err, &cerr) && (cerr.Code == ErrCodeWriteFailure && strings.Contains(err.Error(), "INCOMPATIBLE_SCHEMA") ||
			cerr.Code == ErrCodeInvalid && strings.Contains(err.Error(), "does not exist"))
		if schemaLag {
			if i == 0 {
				t.Logf("a write failed on the new node: %v", err)
			}
			continue
		}
		t.Errorf("a write failed during the join: %v", err)
	}
}
