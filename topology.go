package cassandra

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqlsql/cassandra/internal/cluster"
	"github.com/cqlsql/cassandra/protocol"
)

// discovery is the Connector's view of the cluster (Config.HostDiscovery):
// a control connection (cluster.Monitor) that reads the nodes and follows
// their events, and the topology snapshot query plans read without locks.
type discovery struct {
	mu      sync.Mutex // serializes start and Close
	tmu     sync.Mutex // serializes installTopology
	mon     *cluster.Monitor
	done    atomic.Bool // started, or given up for Hosts only
	closed  bool
	dialed  atomic.Bool // a control socket was opened at least once
	topo    atomic.Pointer[cluster.Topology]
	retryer *time.Timer // background start after a topology read failed

	rnd, next atomic.Uint64 // the query plans' shuffle and round-robin counters
}

// discoverRetry is the delay before the background start is tried again
// after the topology could not be read (the contact points answered).
const discoverRetry = 30 * time.Second

// discover starts the control connection at the first request, within its
// budget. When no contact point can be reached, the request fails with the
// dial errors (one dial per host: the pool would fail the same way). When
// a contact point answers but its topology cannot be read (a proxy, an old
// server), the driver logs it, uses Config.Hosts in round robin, and tries
// again in the background.
func (c *Connector) discover(ctx context.Context, wait time.Duration) error {
	d := &c.disc
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done.Load() || d.closed {
		return nil
	}
	if wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, wait)
		defer cancel()
	}
	err := c.startMonitor(ctx)
	if err == nil || errors.Is(err, cluster.ErrUnknownDC) || !d.dialed.Load() || ctx.Err() != nil {
		return err
	}
	d.done.Store(true)
	if l := c.cfg.Logger; l != nil {
		l.Warn("cassandra: cannot read the cluster's topology; using the DSN's hosts only, in round robin, and trying again in the background",
			"error", err, "retry_in", discoverRetry)
	}
	d.retryer = time.AfterFunc(discoverRetry, c.discoverInBackground)
	return nil
}

// discoverInBackground retries the control connection until it works or
// the Connector is closed.
func (c *Connector) discoverInBackground() {
	d := &c.disc
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.mon != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*c.cfg.dialTimeout())
	defer cancel()
	if err := c.startMonitor(ctx); err != nil {
		d.retryer = time.AfterFunc(discoverRetry, c.discoverInBackground)
	}
}

// startMonitor starts the control connection and installs its first
// topology. d.mu is held.
func (c *Connector) startMonitor(ctx context.Context) error {
	d := &c.disc
	var m *cluster.Monitor // set before Start, which runs the callbacks' goroutine
	m = cluster.NewMonitor(cluster.MonitorOptions{
		Contacts:       c.cfg.Hosts,
		LocalDC:        c.cfg.LocalDC,
		Dial:           c.dialControl,
		ConnectTimeout: c.cfg.dialTimeout(),
		QueryTimeout:   c.cfg.dialTimeout(),
		Logger:         c.cfg.Logger,
		OnTopology:     c.installTopology,
		OnStatus:       c.hostStatus,
		// A keyspace's replication changed: the monitor's snapshot has
		// its replicas; the hosts are the same.
		OnSchemaChange: func(string) { d.topo.Store(m.Topology()) },
	})
	if err := m.Start(ctx); err != nil {
		return err
	}
	d.mon = m
	c.installTopology(m.Topology())
	d.done.Store(true)
	return nil
}

// dialControl opens the control socket: one like the pool's, which also
// receives the events it registers for.
func (c *Connector) dialControl(ctx context.Context, addr string, onEvent func(*protocol.Event)) (*protocol.Conn, error) {
	sock, err := c.dialWith(ctx, addr, onEvent)
	if err == nil {
		c.disc.dialed.Store(true)
	}
	return sock, err
}

// connectLocalAtDiscovery: the local datacenter's hosts are dialed as
// soon as the topology is known, rather than when a query plan first
// names them (a host without a socket is passed over for one that has
// one, so lazily a key's first requests would go to a non-replica).
// A variable only so that BenchmarkClusterFirstRequests can measure the
// other way.
var connectLocalAtDiscovery = true

// installTopology makes the pool's hosts those of t: new nodes join, nodes
// that left are closed, datacenters are recorded, and the local
// datacenter's hosts are connected in the background so that the first
// requests routed to them find a socket open.
// Contact points the topology does not list (a name rather than the
// node's address) stay in the pool unused: query plans name only the
// topology's hosts, and a socket a request still uses is not cut.
func (c *Connector) installTopology(t *cluster.Topology) {
	if t == nil {
		return
	}
	d := &c.disc
	d.tmu.Lock()
	defer d.tmu.Unlock()
	old := d.topo.Swap(t)
	c.pool.SetLocalDC(t.LocalDC)
	for _, h := range t.Hosts {
		c.pool.AddHost(h.Addr)
		c.pool.SetHostDC(h.Addr, h.Datacenter)
		if connectLocalAtDiscovery && (t.LocalDC == "" || h.Datacenter == t.LocalDC) {
			c.pool.Connect(h.Addr)
		}
	}
	if old == nil {
		return
	}
	for _, h := range old.Hosts {
		if t.HostByAddr(h.Addr) == nil {
			c.pool.RemoveHost(h.Addr)
		}
	}
}

// hostStatus follows a STATUS_CHANGE event: DOWN stops new requests from
// choosing a host without a live socket; UP dials it at once.
func (c *Connector) hostStatus(addr string, up bool) {
	if up {
		c.pool.MarkUp(addr)
	} else {
		c.pool.MarkDown(addr)
	}
}

// closeDiscovery stops the control connection and its retries.
func (c *Connector) closeDiscovery() error {
	d := &c.disc
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.retryer != nil {
		d.retryer.Stop()
	}
	if d.mon != nil {
		return d.mon.Close()
	}
	return nil
}

// routed is an operation that can name its partition key (a bound
// prepared statement), its consistency and whether it is conditional.
type routed interface {
	route(dst []byte) (key []byte, keyspace string, ok bool)
	localOnly() bool
	conditional() bool
}

// plan appends to dst the hosts to try for op, in order (cluster.Plan):
// the local replicas of its partition key, the other local hosts, then
// remote ones as RemoteDCHosts allows. It returns nil without a topology
// (discovery off or not available): the pool's round robin then.
func (c *Connector) plan(dst []string, op operation) []string {
	t := c.disc.topo.Load()
	if t == nil {
		return nil
	}
	in := cluster.PlanInput{
		Hosts:            t.Hosts,
		LocalDC:          t.LocalDC,
		RemoteHostsPerDC: c.cfg.RemoteDCHosts,
		InFlight:         c.inFlight,
		Busy:             c.busy,
		Young:            c.young,
		Rand:             c.disc.rnd.Add(0x9e3779b97f4a7c15),
		Next:             c.disc.next.Add(1),
	}
	if r, ok := op.(routed); ok {
		in.LocalOnly, in.FixedOrder = r.localOnly(), r.conditional()
		if t.Tokens != nil {
			if key, ks, ok := r.route(nil); ok {
				in.Replicas = t.Tokens.ReplicasOfKey(ks, key)
			}
		}
	} else {
		in.LocalOnly = c.cfg.Consistency.IsLocal()
	}
	return cluster.Plan(dst, in)
}
