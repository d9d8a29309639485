package cluster

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// callbacks records what a Monitor calls back with.
type callbacks struct {
	mu       sync.Mutex
	topo     []*Topology
	status   []statusChange
	keyspace []string
	kick     chan struct{}
}

func newCallbacks() *callbacks { return &callbacks{kick: make(chan struct{}, 100)} }

func (cb *callbacks) options(o MonitorOptions) MonitorOptions {
	o.OnTopology = func(t *Topology) { cb.record(func() { cb.topo = append(cb.topo, t) }) }
	o.OnStatus = func(a string, up bool) { cb.record(func() { cb.status = append(cb.status, statusChange{a, up}) }) }
	o.OnSchemaChange = func(ks string) { cb.record(func() { cb.keyspace = append(cb.keyspace, ks) }) }
	return o
}

func (cb *callbacks) record(f func()) {
	cb.mu.Lock()
	f()
	cb.mu.Unlock()
	select {
	case cb.kick <- struct{}{}:
	default:
	}
}

// wait waits until cond holds (checked under the lock).
func (cb *callbacks) wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		cb.mu.Lock()
		ok := cond()
		cb.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-cb.kick:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// startMonitor starts a monitor on fc's first node with fast timers, and
// checks at the end that Close leaves no goroutine behind.
func startMonitor(t *testing.T, fc *fakeCluster, o MonitorOptions) *Monitor {
	t.Helper()
	if o.Contacts == nil {
		o.Contacts = fc.addrs()[:1]
	}
	o.Dial = dialControl
	o.Logger = testLogger(t)
	if o.Debounce == 0 {
		o.Debounce = 20 * time.Millisecond
	}
	o.ConnectTimeout = time.Second
	if o.QueryTimeout == 0 {
		o.QueryTimeout = time.Second
	}
	m := NewMonitor(o)
	m.probeInterval = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
		m.Close() // twice is harmless
		fc.close()
		waitGoroutines(t, fc.before)
	})
	return m
}

func TestMonitorStartFindsHosts(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1", "dc2")
	m := startMonitor(t, fc, MonitorOptions{})
	topo := m.Topology()
	addrs := fc.addrs()
	if m.ControlAddr() != addrs[0] {
		t.Errorf("ControlAddr %s, want %s", m.ControlAddr(), addrs[0])
	}
	if len(topo.Hosts) != 3 || topo.LocalDC != "dc1" || strings.Join(topo.DCs(), ",") != "dc1,dc2" {
		t.Fatalf("hosts %v, local %q, DCs %v", topo.Hosts, topo.LocalDC, topo.DCs())
	}
	for i, n := range fc.nodes {
		h := topo.HostByAddr(addrs[i])
		if h == nil || h.ID != n.id || h.Datacenter != n.dc || topo.HostByID(n.id) != h || h.ReleaseVersion != "5.0.9" {
			t.Errorf("node %d: %+v", i, h)
		}
	}
	for i := 1; i < len(topo.Hosts); i++ {
		if topo.Hosts[i-1].ID.compare(topo.Hosts[i].ID) >= 0 {
			t.Errorf("hosts not sorted by ID")
		}
	}
	// The token map's replicas are the snapshot's hosts.
	reps := topo.Tokens.ReplicasOfKey("ks", []byte("x"))
	if len(reps) != 2 || topo.HostByID(reps[0].ID) != reps[0] {
		t.Errorf("replicas %v", reps)
	}
}

func TestMonitorStartErrors(t *testing.T) {
	before := runtime.NumGoroutine()
	dead := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		return ln.Addr().String()
	}
	a, b := dead(), dead()
	m := NewMonitor(MonitorOptions{Contacts: []string{a, "db.example.invalid:9042", b}, Dial: dialControl, ConnectTimeout: time.Second})
	m.lookup = func(ctx context.Context, host string) ([]string, error) {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	err := m.Start(context.Background())
	if err == nil {
		t.Fatal("Start succeeded")
	}
	for _, s := range []string{a, b, "db.example.invalid"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error does not name %s: %v", s, err)
		}
	}
	t.Log(err)
	if m.Topology() != nil {
		t.Error("a topology without a start")
	}
	m.Close()

	fc := newFakeCluster(t, "dc1", "dc2")
	m = NewMonitor(MonitorOptions{Contacts: fc.addrs(), Dial: dialControl, LocalDC: "dc9"})
	err = m.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"dc9"`) || !strings.Contains(err.Error(), `["dc1" "dc2"]`) {
		t.Errorf("unknown local DC: %v", err)
	}
	m.Close()

	if err := NewMonitor(MonitorOptions{Dial: dialControl}).Start(context.Background()); !errors.Is(err, errNoContacts) {
		t.Errorf("no contacts: %v", err)
	}
	fc.close()
	waitGoroutines(t, before)
}

func TestMonitorResolvesContacts(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1")
	_, port, _ := net.SplitHostPort(fc.addrs()[1])
	m := NewMonitor(MonitorOptions{Contacts: []string{"cassandra.test:" + port}, Dial: dialControl})
	m.lookup = func(ctx context.Context, host string) ([]string, error) {
		if host != "cassandra.test" {
			t.Errorf("lookup %q", host)
		}
		return []string{"127.0.0.9", "127.0.0.1"}, nil // the first does not answer
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.ControlAddr() != fc.addrs()[1] || len(m.Topology().Hosts) != 2 {
		t.Errorf("control %s, %d hosts", m.ControlAddr(), len(m.Topology().Hosts))
	}
}

func TestMonitorLocalDCFirst(t *testing.T) {
	fc := newFakeCluster(t, "dc2", "dc1")
	m := startMonitor(t, fc, MonitorOptions{LocalDC: "dc1"})
	if m.ControlAddr() != fc.addrs()[1] {
		t.Errorf("control on %s, want the dc1 node %s", m.ControlAddr(), fc.addrs()[1])
	}
	if m.Topology().LocalDC != "dc1" {
		t.Errorf("LocalDC %q", m.Topology().LocalDC)
	}
}

func TestMonitorPeersFallback(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1", "dc1")
	fc.noPeersV2 = true
	m := startMonitor(t, fc, MonitorOptions{})
	topo := m.Topology()
	if len(topo.Hosts) != 3 {
		t.Fatalf("%d hosts", len(topo.Hosts))
	}
	// system.peers has no port: rpc_address with the control port.
	_, port, _ := net.SplitHostPort(fc.addrs()[0])
	if h := topo.HostByID(fc.nodes[1].id); h == nil || h.Addr != "127.0.1.2:"+port {
		t.Errorf("peer from system.peers: %+v", h)
	}
	fc.nodes[0].event(t, &protocol.Event{Type: protocol.EventTopologyChange, Change: protocol.TopologyNewNode, Address: addrPort(t, "127.0.0.1:1")})
	deadline := time.Now().Add(5 * time.Second)
	for fc.peersQueries.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if fc.peersV2Queries.Load() != 1 || fc.peersQueries.Load() < 2 {
		t.Errorf("peers_v2 asked %d times, peers %d: want once, then peers for good", fc.peersV2Queries.Load(), fc.peersQueries.Load())
	}
}

func TestMonitorEvents(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1", "dc1")
	cb := newCallbacks()
	m := startMonitor(t, fc, cb.options(MonitorOptions{}))
	ctl := fc.nodes[0]
	addrs := fc.addrs()

	// DOWN then UP of one node within a window: one UP, the last.
	ctl.event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusDown, Address: addrPort(t, addrs[1])})
	ctl.event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusUp, Address: addrPort(t, addrs[1])})
	ctl.event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusDown, Address: addrPort(t, addrs[2])})
	cb.wait(t, "status", func() bool { return len(cb.status) >= 2 })
	time.Sleep(50 * time.Millisecond)
	cb.mu.Lock()
	if got := cb.status; len(got) != 2 || got[0] != (statusChange{addrs[1], true}) || got[1] != (statusChange{addrs[2], false}) {
		t.Errorf("status %v", got)
	}
	if len(cb.topo) != 0 {
		t.Errorf("OnTopology called for status events")
	}
	cb.mu.Unlock()

	// A new node, announced: a refresh, OnTopology with 4 hosts.
	n := fc.addNode("dc1", 5000)
	ctl.event(t, &protocol.Event{Type: protocol.EventTopologyChange, Change: protocol.TopologyNewNode, Address: addrPort(t, n.addr)})
	cb.wait(t, "OnTopology", func() bool { return len(cb.topo) == 1 })
	if got := m.Topology(); len(got.Hosts) != 4 || got.HostByAddr(n.addr) == nil || got.Tokens.Ring().Len() != 4 {
		t.Errorf("after NEW_NODE: %v", got.Hosts)
	}

	// A node that was never announced comes UP: a refresh finds it, then
	// OnStatus names it.
	n2 := fc.addNode("dc1", 7000)
	ctl.event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusUp, Address: addrPort(t, n2.addr)})
	cb.wait(t, "UP of the unknown node", func() bool {
		return len(cb.status) == 3 && cb.status[2] == statusChange{n2.addr, true} && len(cb.topo) == 2
	})

	// A keyspace altered: only it is read again.
	fc.mu.Lock()
	fc.keyspaces["ks"] = map[string]string{"class": "SimpleStrategy", "replication_factor": "3"}
	fc.keyspaces["new"] = map[string]string{"class": "SimpleStrategy", "replication_factor": "1"}
	fc.mu.Unlock()
	before := fc.peersV2Queries.Load()
	for _, ks := range []string{"ks", "ks", "new"} {
		ctl.event(t, &protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Change: "UPDATED", Target: protocol.TargetKeyspace, Keyspace: ks}})
	}
	ctl.event(t, &protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Change: "CREATED", Target: protocol.TargetTable, Keyspace: "ks", Name: "t"}})
	cb.wait(t, "OnSchemaChange", func() bool { return len(cb.keyspace) == 2 })
	cb.mu.Lock()
	if strings.Join(cb.keyspace, ",") != "ks,new" {
		t.Errorf("OnSchemaChange %v", cb.keyspace)
	}
	cb.mu.Unlock()
	if got := len(m.Topology().Tokens.ReplicasOfKey("ks", []byte("x"))); got != 3 {
		t.Errorf("ks: %d replicas after ALTER, want 3", got)
	}
	if fc.peersV2Queries.Load() != before {
		t.Errorf("a keyspace change read the peers again")
	}

	// Dropped.
	fc.mu.Lock()
	delete(fc.keyspaces, "new")
	fc.mu.Unlock()
	ctl.event(t, &protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Change: "DROPPED", Target: protocol.TargetKeyspace, Keyspace: "new"}})
	cb.wait(t, "OnSchemaChange(new) after DROP", func() bool { return len(cb.keyspace) == 3 })
	if _, ok := m.Topology().Tokens.Replication("new"); ok {
		t.Error("dropped keyspace still routed")
	}
}

func TestMonitorFlushesAt20Events(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1")
	cb := newCallbacks()
	startMonitor(t, fc, cb.options(MonitorOptions{Debounce: time.Hour}))
	for i := 0; i < maxBatch; i++ {
		fc.nodes[0].event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusDown, Address: addrPort(t, fc.addrs()[1])})
	}
	cb.wait(t, "a batch of 20 flushed without waiting for the window", func() bool { return len(cb.status) == 1 })
}

func TestMonitorIPChange(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1", "dc1")
	cb := newCallbacks()
	m := startMonitor(t, fc, cb.options(MonitorOptions{RefreshInterval: 100 * time.Millisecond}))
	n := fc.nodes[2]
	old := n.addr
	first := m.Topology().HostByID(n.id)
	n.srv.Close()
	fc.serve(n) // same host_id, new address
	cb.wait(t, "the periodic refresh to see the new address", func() bool { return len(cb.topo) >= 1 })
	topo := m.Topology()
	h := topo.HostByID(n.id)
	if h == nil || h.Addr != n.addr || topo.HostByAddr(old) != nil || len(topo.Hosts) != 3 {
		t.Errorf("after the IP change: %+v (old %s, new %s)", h, old, n.addr)
	}
	if first.Addr != old {
		t.Error("the old snapshot changed")
	}
}

func TestMonitorReconnects(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1", "dc2")
	cb := newCallbacks()
	m := startMonitor(t, fc, cb.options(MonitorOptions{QueryTimeout: 200 * time.Millisecond}))
	addrs := fc.addrs()

	// The control node dies: the other dc1 node takes over (local first).
	t0 := time.Now()
	fc.nodes[0].srv.Close()
	waitFor(t, "the control connection to move", func() bool { return m.ControlAddr() == addrs[1] })
	t.Logf("moved after the socket closed in %v", time.Since(t0))

	// The new control node freezes: the probe notices.
	t0 = time.Now()
	fc.nodes[1].mute(true)
	waitFor(t, "the control connection to leave the frozen node", func() bool { return m.ControlAddr() == addrs[2] })
	t.Logf("moved off the frozen node in %v", time.Since(t0))

	// Events still arrive on the new control connection.
	fc.nodes[2].event(t, &protocol.Event{Type: protocol.EventStatusChange, Change: protocol.StatusDown, Address: addrPort(t, addrs[0])})
	cb.wait(t, "a status event on the new control connection", func() bool { return len(cb.status) == 1 })
}

func TestMonitorNeverGivesUp(t *testing.T) {
	fc := newFakeCluster(t, "dc1", "dc1")
	m := startMonitor(t, fc, MonitorOptions{})
	other := fc.nodes[1]
	other.mute(true) // its handshake never completes
	fc.nodes[0].srv.Close()
	time.Sleep(2500 * time.Millisecond) // rounds of 1 s dial timeouts and backoffs fail
	if m.ControlAddr() != fc.nodes[0].addr {
		t.Fatalf("control on %s while no node answers", m.ControlAddr())
	}
	other.mute(false)
	waitFor(t, "the control connection to come back", func() bool { return m.ControlAddr() == other.addr })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
