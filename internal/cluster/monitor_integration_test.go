package cluster

import (
	"context"
	"fmt"
	"github.com/cqlsql/cassandra/internal/testcluster"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// clusterHosts returns the nodes of a real multi-node cluster from
// CASSANDRA_CLUSTER_HOSTS (host:port, comma-separated). Without it the
// test is skipped, or fails under CASSANDRA_CLUSTER_REQUIRED=1 or CI.
func clusterHosts(t *testing.T) []string {
	t.Helper()
	var hosts []string
	for _, h := range strings.Split(os.Getenv("CASSANDRA_CLUSTER_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 {
		ci := os.Getenv("CI")
		if os.Getenv("CASSANDRA_CLUSTER_REQUIRED") == "1" || ci == "true" || ci == "1" {
			t.Fatal("CASSANDRA_CLUSTER_HOSTS is not set: the multi-node tests need a cluster (scripts/cassandra.sh with CASSANDRA_NODES=3)")
		}
		t.Skip("CASSANDRA_CLUSTER_HOSTS is not set: no multi-node cluster to test against")
	}
	return hosts
}

func dialControl(ctx context.Context, addr string, onEvent func(*protocol.Event)) (*protocol.Conn, error) {
	return protocol.Dial(ctx, addr, protocol.DialOptions{OnEvent: onEvent})
}

// testLogger logs through t, at Debug.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var _ io.Writer = tWriter{}

// localRow is what a node says of itself, read on a connection of its own.
type localRow struct {
	hostID   string
	dc, rack string
	tokens   []string
}

func readLocal(t *testing.T, addr string) localRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := protocol.Dial(ctx, addr, protocol.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q := &protocol.Query{Statement: "SELECT host_id, data_center, rack, tokens FROM system.local"}
	q.Params.Consistency = protocol.One
	res, _, err := c.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	cells, err := res.Rows.NextRow(nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := res.Rows.Metadata.Columns
	var out localRow
	for i, want := range []any{&out.hostID, &out.dc, &out.rack, &out.tokens} {
		v, err := codec.Decode(cols[i].Type, cells[i])
		if err != nil {
			t.Fatal(err)
		}
		switch p := want.(type) {
		case *string:
			*p = fmt.Sprint(v)
		case *[]string:
			*p = v.([]string)
		}
	}
	return out
}

// exec runs a statement on its own connection.
func execCQL(t *testing.T, addr, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := protocol.Dial(ctx, addr, protocol.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q := &protocol.Query{Statement: stmt}
	q.Params.Consistency = protocol.One
	if _, _, err := c.Query(ctx, q); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

// waitGoroutines waits for the goroutine count to fall back to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestIntegrationMonitorFindsCluster starts from the first node only and
// must find every node with what each says of itself in system.local;
// then follows a keyspace's creation, change and drop through events.
func TestIntegrationMonitorFindsCluster(t *testing.T) {
	hosts := clusterHosts(t)
	before := runtime.NumGoroutine()
	schema := make(chan string, 16)
	m := NewMonitor(MonitorOptions{
		Contacts:       hosts[:1],
		Dial:           dialControl,
		Logger:         testLogger(t),
		OnSchemaChange: func(ks string) { schema <- ks },
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("Start took %v", time.Since(start))
	topo := m.Topology()
	if got := m.ControlAddr(); got != hosts[0] {
		t.Errorf("ControlAddr %s, want %s", got, hosts[0])
	}
	if len(topo.Hosts) != len(hosts) {
		t.Fatalf("%d hosts, want %d: %v", len(topo.Hosts), len(hosts), topo.Hosts)
	}
	totalTokens := 0
	for _, addr := range hosts {
		want := readLocal(t, addr)
		h := topo.HostByAddr(addr)
		if h == nil {
			t.Errorf("%s: not in the topology", addr)
			continue
		}
		if h.ID.String() != want.hostID || h.Datacenter != want.dc || h.Rack != want.rack {
			t.Errorf("%s: host %s %s/%s, the node says %s %s/%s", addr, h.ID, h.Datacenter, h.Rack, want.hostID, want.dc, want.rack)
		}
		if !equalSets(h.Tokens, want.tokens) {
			t.Errorf("%s: %d tokens, the node lists %d (or other ones)", addr, len(h.Tokens), len(want.tokens))
		}
		if HostID(mustID(t, want.hostID)) != h.ID || topo.HostByID(h.ID) != h {
			t.Errorf("%s: HostByID does not find it", addr)
		}
		totalTokens += len(h.Tokens)
		t.Logf("%s host_id %s dc %s rack %s, %d tokens, release %s", addr, h.ID, h.Datacenter, h.Rack, len(h.Tokens), h.ReleaseVersion)
	}
	if topo.Tokens == nil {
		t.Fatal("no token map")
	}
	if topo.Tokens.Ring().Len() != totalTokens {
		t.Errorf("ring of %d tokens, want %d", topo.Tokens.Ring().Len(), totalTokens)
	}
	if topo.LocalDC != topo.HostByAddr(hosts[0]).Datacenter {
		t.Errorf("LocalDC %q", topo.LocalDC)
	}

	// A keyspace's life through SCHEMA_CHANGE events.
	ks := fmt.Sprintf("ctl_%d", time.Now().UnixNano()%1e9)
	dc := topo.LocalDC
	waitSchema := func(step string, replicas int) {
		t.Helper()
		t0 := time.Now()
		for {
			select {
			case got := <-schema:
				if got != ks {
					continue
				}
				n := len(m.Topology().Tokens.ReplicasOfKey(ks, []byte("k")))
				t.Logf("%s: OnSchemaChange(%s) after %v, %d replicas", step, ks, time.Since(t0).Round(time.Millisecond), n)
				if n != replicas {
					t.Errorf("%s: %d replicas, want %d", step, n, replicas)
				}
				return
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: no OnSchemaChange(%s) within 30s", step, ks)
			}
		}
	}
	execCQL(t, hosts[1], "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'NetworkTopologyStrategy', '"+dc+"': 2}")
	t.Cleanup(func() { execCQL(t, hosts[1], "DROP KEYSPACE IF EXISTS "+ks) })
	waitSchema("create", 2)
	execCQL(t, hosts[1], "ALTER KEYSPACE "+ks+" WITH replication = {'class': 'NetworkTopologyStrategy', '"+dc+"': 3}")
	waitSchema("alter", 3)
	execCQL(t, hosts[1], "DROP KEYSPACE "+ks)
	waitSchema("drop", 0)
	if _, ok := m.Topology().Tokens.Replication(ks); ok {
		t.Errorf("%s still routed after DROP", ks)
	}

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	waitGoroutines(t, before)
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := make(map[string]int, len(a))
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}

func mustID(t *testing.T, s string) HostID {
	id, err := ParseHostID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// faultCluster is a cluster of the fault test's own (3 nodes on
// 127.0.0.1-3:9092, started fresh by the launcher and wiped at the end),
// so that killing its nodes disturbs no other test.
type faultCluster struct {
	t     *testing.T
	hosts []string
	j     *testcluster.Joining
}

func newFaultCluster(t *testing.T) *faultCluster {
	j := testcluster.LaunchJoining(t, 3, 3, "CASSANDRA_PORT=9092", "CASSANDRA_STORAGE_PORT=7900",
		"CASSANDRA_NUM_TOKENS=16", "CASSANDRA_HEAP=512M")
	return &faultCluster{t: t, hosts: j.Addrs(), j: j}
}

// pid returns the pid of the node at addr.
func (f *faultCluster) pid(addr string) int {
	f.t.Helper()
	return f.j.Pid(f.t, indexOf(f.hosts, addr)+1)
}

func (f *faultCluster) signal(addr, sig string) {
	f.t.Helper()
	pid := f.pid(addr)
	if out, err := exec.Command("kill", "-"+sig, strconv.Itoa(pid)).CombinedOutput(); err != nil {
		f.t.Fatalf("kill -%s %d: %v %s", sig, pid, err, out)
	}
	f.t.Logf("kill -%s %s (pid %d)", sig, addr, pid)
}

// restart brings every stopped node back and waits for each to answer CQL.
func (f *faultCluster) restart() {
	f.t.Helper()
	t0 := time.Now()
	f.j.Start(f.t, len(f.hosts))
	f.t.Logf("every node answers again after %v", time.Since(t0).Round(time.Second))
}

func answers(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := protocol.Dial(ctx, addr, protocol.DialOptions{})
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

type statusLog struct {
	mu     sync.Mutex
	events []string
	ch     chan string
}

func (s *statusLog) on(addr string, up bool) {
	e := addr + " DOWN"
	if up {
		e = addr + " UP"
	}
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	s.ch <- e
}

func (s *statusLog) wait(t *testing.T, want string, within time.Duration) time.Duration {
	t.Helper()
	t0 := time.Now()
	deadline := time.After(within)
	for {
		select {
		case e := <-s.ch:
			if e == want {
				return time.Since(t0)
			}
		case <-deadline:
			s.mu.Lock()
			defer s.mu.Unlock()
			t.Errorf("no OnStatus %q within %v; got %v", want, within, s.events)
			return 0
		}
	}
}

// waitControl waits until the control connection is on another node
// than from, and returns how long that took.
func waitControl(t *testing.T, m *Monitor, from string, within time.Duration) (string, time.Duration) {
	t.Helper()
	t0 := time.Now()
	for time.Since(t0) < within {
		if a := m.ControlAddr(); a != from {
			return a, time.Since(t0)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("control connection still on %s after %v", from, within)
	return "", 0
}

// TestIntegrationMonitorFaults freezes then kills the control node, and
// kills a node that is not the control node: the control connection
// moves each time, and the DOWN and UP of the nodes reach OnStatus.
func TestIntegrationMonitorFaults(t *testing.T) {
	clusterHosts(t) // runs where the multi-node tests run
	f := newFaultCluster(t)
	hosts := f.hosts
	status := &statusLog{ch: make(chan string, 64)}
	topoChanges := 0
	var tmu sync.Mutex
	m := NewMonitor(MonitorOptions{
		Contacts: hosts[:1],
		Dial:     dialControl,
		Logger:   testLogger(t),
		OnStatus: status.on,
		OnTopology: func(*Topology) {
			tmu.Lock()
			topoChanges++
			tmu.Unlock()
		},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	stopped := ""
	defer func() {
		if stopped != "" {
			f.signal(stopped, "CONT")
		}
	}()
	killed := false
	defer func() {
		if killed {
			f.restart()
		}
	}()

	// 1. The control node freezes: its socket stays open, nothing answers.
	first := m.ControlAddr()
	f.signal(first, "STOP")
	stopped = first
	second, d := waitControl(t, m, first, 60*time.Second)
	t.Logf("SIGSTOP of control node %s: control connection on %s after %v", first, second, d.Round(time.Millisecond))
	f.signal(first, "CONT")
	stopped = ""

	// 2. The new control node dies: its socket closes.
	f.signal(second, "KILL")
	killed = true
	third, d := waitControl(t, m, second, 60*time.Second)
	t.Logf("SIGKILL of control node %s: control connection on %s after %v", second, third, d.Round(time.Millisecond))
	if third == second {
		t.Fatal("still on the killed node")
	}
	d = status.wait(t, second+" DOWN", 90*time.Second)
	t.Logf("OnStatus(%s, DOWN) %v after the control connection moved", second, d.Round(time.Millisecond))

	// 3. A node that is not the control node dies.
	var other string
	for _, h := range hosts {
		if h != second && h != third {
			other = h
		}
	}
	f.signal(other, "KILL")
	d = status.wait(t, other+" DOWN", 90*time.Second)
	t.Logf("SIGKILL of non-control node %s: OnStatus DOWN after %v", other, d.Round(time.Millisecond))
	if a := m.ControlAddr(); a != third {
		t.Errorf("control connection moved to %s, from %s, when a non-control node died", a, third)
	}

	// 4. Both come back: UP for each.
	t0 := time.Now()
	f.restart()
	killed = false
	for _, h := range []string{second, other} {
		status.mu.Lock()
		seen := slices.Contains(status.events, h+" UP")
		status.mu.Unlock()
		if !seen {
			status.wait(t, h+" UP", 2*time.Minute)
		}
		t.Logf("OnStatus(%s, UP) %v after the restart began", h, time.Since(t0).Round(time.Millisecond))
	}
	if n := len(m.Topology().Hosts); n != len(hosts) {
		t.Errorf("%d hosts after the restarts, want %d", n, len(hosts))
	}
	status.mu.Lock()
	t.Logf("status events: %v", status.events)
	status.mu.Unlock()
	tmu.Lock()
	t.Logf("OnTopology calls: %d", topoChanges)
	tmu.Unlock()
}
