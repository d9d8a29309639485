package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// MonitorOptions configure a Monitor. Zero durations take the defaults.
type MonitorOptions struct {
	// Contacts are host:port contact points. A DNS name stands for every
	// address it resolves to, and is resolved again when no known host
	// answers (addresses change under Kubernetes: gocql #831).
	Contacts []string
	// LocalDC is the local datacenter; "" takes the datacenter of the
	// first contact point that answers (logged at Info).
	LocalDC string
	// Dial opens a control socket to addr; onEvent must be passed to
	// protocol.DialOptions.OnEvent.
	Dial func(ctx context.Context, addr string, onEvent func(*protocol.Event)) (*protocol.Conn, error)
	// ConnectTimeout bounds each dial attempt, REGISTER included (default 5s).
	ConnectTimeout time.Duration
	// QueryTimeout bounds each topology query and liveness probe (default 5s).
	QueryTimeout time.Duration
	// Logger receives what the monitor notices; nil is silent. Nothing is
	// logged on a query's path.
	Logger *slog.Logger
	// OnTopology is called after each change of the hosts (added, removed,
	// moved to a new address, or any of their fields), not for the first
	// snapshot Start returns. A replication change alone calls
	// OnSchemaChange instead. It runs on the monitor's goroutine: it must
	// not block for long, nor call Close.
	OnTopology func(t *Topology)
	// OnStatus receives the STATUS_CHANGE UP and DOWN events, debounced
	// and coalesced per node, with addr the host:port of the node's native
	// transport (its Host.Addr when the node is known). Same goroutine.
	OnStatus func(addr string, up bool)
	// OnSchemaChange is called after a keyspace's replication changed
	// (created, altered, dropped); the TokenMap of Topology() already
	// reflects it. Same goroutine.
	OnSchemaChange func(keyspace string)
	// RefreshInterval is the period of the full refresh that catches
	// what lost events missed (default 60s, jittered ±10%).
	RefreshInterval time.Duration
	// Debounce is the event window (default 1s): reset by each event,
	// flushed at 20 events, coalesced per node.
	Debounce time.Duration
}

// Defaults of MonitorOptions, and the liveness probe: a control node that
// is frozen (SIGSTOP, a long GC pause) keeps its socket open and sends no
// events, so the monitor asks it an OPTIONS every probeInterval and moves
// away when no answer comes within QueryTimeout.
const (
	defaultConnectTimeout  = 5 * time.Second
	defaultQueryTimeout    = 5 * time.Second
	defaultRefreshInterval = 60 * time.Second
	defaultDebounce        = time.Second
	defaultProbeInterval   = 5 * time.Second
	defaultNativePort      = 9042
)

// Monitor keeps the control connection of a cluster: one connection to
// one node that reads the topology (system.local, system.peers_v2, the
// keyspaces' replication) and receives the cluster's events. It publishes
// the topology as immutable snapshots (Topology) and calls its callbacks,
// all from one goroutine. When the control node goes away it moves to
// another known host, local datacenter first, and never gives up.
type Monitor struct {
	opts          MonitorOptions
	log           *slog.Logger
	probeInterval time.Duration
	lookup        func(ctx context.Context, host string) ([]string, error)

	topo atomic.Pointer[Topology]
	ctrl atomic.Pointer[string]

	// events carries the control connection's events to the monitor's
	// goroutine; lost is set when one had to be dropped.
	events chan *protocol.Event
	lost   atomic.Bool

	mu      sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	done    chan struct{}

	// Owned by Start, then by the run goroutine.
	conn     *protocol.Conn
	addr     string // the endpoint conn dialled
	localDC  string
	peersV1  bool            // system.peers_v2 is missing: read system.peers
	problems map[string]bool // problems reported by the previous build
	noRing   string          // the ring problem last logged
	deb      debouncer
}

// NewMonitor returns a monitor; Start connects it.
func NewMonitor(opts MonitorOptions) *Monitor {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = defaultConnectTimeout
	}
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = defaultQueryTimeout
	}
	if opts.RefreshInterval <= 0 {
		opts.RefreshInterval = defaultRefreshInterval
	}
	if opts.Debounce <= 0 {
		opts.Debounce = defaultDebounce
	}
	return &Monitor{
		opts:          opts,
		log:           opts.Logger,
		probeInterval: defaultProbeInterval,
		lookup:        net.DefaultResolver.LookupHost,
		events:        make(chan *protocol.Event, 1024),
		localDC:       opts.LocalDC,
		deb:           debouncer{window: opts.Debounce},
	}
}

// Topology returns the current snapshot; never nil once Start succeeded.
func (m *Monitor) Topology() *Topology { return m.topo.Load() }

// ControlAddr returns the endpoint of the control connection (the last
// one, while it is being re-established).
func (m *Monitor) ControlAddr() string {
	if p := m.ctrl.Load(); p != nil {
		return *p
	}
	return ""
}

// Start connects to the first contact point that answers (then to a host
// of LocalDC if that one is elsewhere), registers for the cluster's
// events, reads the topology and starts the monitor's goroutine. It fails
// naming every contact point tried when none works, and naming the
// cluster's datacenters when LocalDC is not one of them. ctx bounds Start
// only.
func (m *Monitor) Start(ctx context.Context) error {
	m.mu.Lock()
	switch {
	case m.closed:
		m.mu.Unlock()
		return errors.New("cassandra: monitor closed")
	case m.started:
		m.mu.Unlock()
		return errors.New("cassandra: monitor already started")
	}
	m.started = true
	m.mu.Unlock()
	if m.opts.Dial == nil {
		return errors.New("cassandra: MonitorOptions.Dial is nil")
	}
	if len(m.opts.Contacts) == 0 {
		return errNoContacts
	}

	addrs, tried := m.resolve(ctx)
	var t *Topology
	for _, addr := range addrs {
		var err error
		if t, err = m.connect(ctx, addr); err == nil {
			break
		}
		tried = append(tried, err)
		if ctx.Err() != nil {
			break
		}
	}
	if m.conn == nil {
		return fmt.Errorf("cassandra: no contact point answered (tried %s): %w; check the addresses and that the nodes are up", strings.Join(addrs, ", "), unprefixed(errorList(tried)))
	}
	ctrl := t.HostByAddr(m.addr)
	if m.localDC == "" {
		m.localDC = ctrl.Datacenter
		m.info("local datacenter taken from the first contact point", "dc", m.localDC, "contact", m.addr)
	} else if !slices.Contains(t.DCs(), m.localDC) {
		m.conn.Close()
		return errUnknownDC(m.localDC, t)
	}
	t.LocalDC = m.localDC
	if ctrl.Datacenter != m.localDC {
		// A control node in the local datacenter sees its events first
		// and survives a WAN partition with the hosts the queries use.
		for _, h := range t.Hosts {
			if h.Datacenter != m.localDC {
				continue
			}
			old := m.conn
			m.conn = nil
			nt, err := m.connect(ctx, h.Addr)
			if err != nil {
				m.conn = old
				m.debug("cannot move the control connection to the local datacenter", "addr", h.Addr, "err", err)
				continue
			}
			old.Close()
			t = nt
			t.LocalDC = m.localDC
			m.info("control connection moved to the local datacenter", "from", ctrl.Addr, "to", h.Addr)
			break
		}
	}
	m.topo.Store(t)
	m.info("control connection up", "addr", m.addr, "hosts", len(t.Hosts), "dcs", t.DCs(), "partitioner", t.Partitioner)

	runCtx, cancel := context.WithCancel(context.Background())
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		cancel()
		m.conn.Close()
		return errors.New("cassandra: monitor closed during Start")
	}
	m.cancel, m.done = cancel, make(chan struct{})
	m.mu.Unlock()
	go m.run(runCtx)
	return nil
}

// Close stops the monitor's goroutine and closes the control connection.
// Closing twice is harmless.
func (m *Monitor) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	cancel, done := m.cancel, m.done
	m.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}

// resolve turns the contact points into addresses: a DNS name into every
// address it has, in the resolver's order. Names that do not resolve are
// reported.
func (m *Monitor) resolve(ctx context.Context) (addrs []string, errs []error) {
	for _, c := range m.opts.Contacts {
		host, port, err := net.SplitHostPort(c)
		if err != nil {
			host, port = c, strconv.Itoa(defaultNativePort)
		}
		if _, err := netip.ParseAddr(host); err == nil {
			addrs = appendUnique(addrs, net.JoinHostPort(host, port))
			continue
		}
		lctx, cancel := context.WithTimeout(ctx, m.opts.ConnectTimeout)
		ips, err := m.lookup(lctx, host)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("cassandra: resolving contact point %s: %w", c, err))
			continue
		}
		for _, ip := range ips {
			addrs = appendUnique(addrs, net.JoinHostPort(ip, port))
		}
	}
	return addrs, errs
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// connect opens a control connection to addr, registers for events and
// reads the topology; on success it becomes m.conn.
func (m *Monitor) connect(ctx context.Context, addr string) (*Topology, error) {
	dctx, cancel := context.WithTimeout(ctx, m.opts.ConnectTimeout)
	defer cancel()
	c, err := m.opts.Dial(dctx, addr, m.onEvent)
	if err != nil {
		return nil, fmt.Errorf("cassandra: %s: %w", addr, unprefixed(err))
	}
	// REGISTER before reading: a change between the read and REGISTER
	// would otherwise be missed until the next full refresh (spec v4
	// section 4.1.8).
	if err := c.Register(dctx, protocol.EventTopologyChange, protocol.EventStatusChange, protocol.EventSchemaChange); err != nil {
		c.Close()
		return nil, fmt.Errorf("cassandra: %s: %w", addr, unprefixed(err))
	}
	t, err := m.read(ctx, c, addr)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("cassandra: %s: %w", addr, unprefixed(err))
	}
	m.conn, m.addr = c, addr
	m.ctrl.Store(&addr)
	return t, nil
}

// onEvent hands an event to the monitor's goroutine. It never blocks the
// connection's event goroutine: when the queue is full, the event is
// dropped and the next batch refreshes everything.
func (m *Monitor) onEvent(ev *protocol.Event) {
	select {
	case m.events <- ev:
	default:
		m.lost.Store(true)
	}
}

// run is the monitor's goroutine: events, the periodic refresh, the
// liveness probe and reconnection all happen here, one at a time.
func (m *Monitor) run(ctx context.Context) {
	defer close(m.done)
	defer func() {
		if m.conn != nil {
			m.conn.Close()
		}
	}()
	refresh := time.NewTimer(jittered(m.opts.RefreshInterval, 0.1, rand.Float64()))
	defer refresh.Stop()
	probe := time.NewTicker(m.probeInterval)
	defer probe.Stop()
	flush := time.NewTimer(time.Hour)
	flush.Stop()
	defer flush.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-m.events:
			full := m.deb.add(ev, time.Now())
			if m.lost.Swap(false) {
				full = m.deb.lost(time.Now()) || full
			}
			if full {
				m.flush(ctx)
			} else {
				flush.Reset(m.opts.Debounce)
			}
		case <-flush.C:
			// A stale tick (the timer was reset while firing) is told
			// apart by the batch's own deadline.
			if due, ok := m.deb.deadline(); ok {
				if wait := time.Until(due); wait > 0 {
					flush.Reset(wait)
				} else {
					m.flush(ctx)
				}
			}
		case <-refresh.C:
			m.fullRefresh(ctx, "periodic")
			refresh.Reset(jittered(m.opts.RefreshInterval, 0.1, rand.Float64()))
		case <-probe.C:
			m.probe(ctx)
		case <-m.conn.Done():
			m.reconnect(ctx, m.conn.Err())
		}
	}
}

// flush acts on the open batch of events.
func (m *Monitor) flush(ctx context.Context) {
	b := m.deb.take()
	refreshed := false
	if b.Refresh {
		refreshed = m.fullRefresh(ctx, "topology event")
	} else {
		for _, ks := range b.Keyspaces {
			m.refreshKeyspace(ctx, ks)
		}
	}
	for _, s := range b.Status {
		h := m.topo.Load().hostByIP(s.Addr)
		if h == nil && s.Up && !refreshed {
			// A node the snapshot does not have came up: a NEW_NODE may
			// have been missed.
			refreshed = m.fullRefresh(ctx, "UP event of an unknown node")
			h = m.topo.Load().hostByIP(s.Addr)
		}
		if h == nil {
			m.debug("status event of an unknown node ignored", "addr", s.Addr, "up", s.Up)
			continue
		}
		m.debug("status event", "addr", h.Addr, "up", s.Up)
		if m.opts.OnStatus != nil {
			m.opts.OnStatus(h.Addr, s.Up)
		}
	}
}

// fullRefresh reads the whole topology again and publishes it. A query
// that fails on a live connection leaves the snapshot as it was until the
// next try; a lost connection is handled by run. It reports success.
func (m *Monitor) fullRefresh(ctx context.Context, why string) bool {
	if m.conn.Err() != nil {
		return false
	}
	t, err := m.read(ctx, m.conn, m.addr)
	if err != nil {
		if ctx.Err() == nil && m.conn.Err() == nil {
			m.warn("topology refresh failed: keeping the previous topology", "why", why, "addr", m.addr, "err", err)
			if errors.Is(err, context.DeadlineExceeded) {
				m.conn.Close() // a node that does not answer in time: move away (run reconnects)
			}
		}
		return false
	}
	m.publish(t)
	return true
}

// publish swaps in t and tells the callbacks what changed.
func (m *Monitor) publish(t *Topology) {
	old := m.topo.Load()
	d := diffTopology(old, t)
	if t.Tokens == nil && t.Partitioner != "" {
		if _, err := PartitionerByName(t.Partitioner); err != nil && m.noRing != t.Partitioner {
			m.noRing = t.Partitioner
			m.info("queries go round robin: no token map", "err", err)
		}
	}
	m.topo.Store(t)
	for _, h := range d.Added {
		m.info("host added", "addr", h.Addr, "host_id", h.ID.String(), "dc", h.Datacenter, "rack", h.Rack)
	}
	for _, h := range d.Removed {
		m.info("host removed", "addr", h.Addr, "host_id", h.ID.String())
	}
	for _, mv := range d.Moved {
		m.info("host moved to a new address", "from", mv.From, "to", mv.Host.Addr, "host_id", mv.Host.ID.String())
	}
	for _, h := range d.Changed {
		m.debug("host changed", "addr", h.Addr, "host_id", h.ID.String(), "release", h.ReleaseVersion, "schema", h.SchemaVersion, "tokens", len(h.Tokens))
	}
	if d.hostsChanged() && m.opts.OnTopology != nil {
		m.opts.OnTopology(t)
	}
	if m.opts.OnSchemaChange != nil {
		for _, ks := range d.Keyspaces {
			m.opts.OnSchemaChange(ks)
		}
	}
}

// refreshKeyspace reads one keyspace's replication after a SCHEMA_CHANGE
// and swaps in a snapshot with only that keyspace placed again.
func (m *Monitor) refreshKeyspace(ctx context.Context, name string) {
	rows, err := m.query(ctx, m.conn, keyspaceQ, name)
	if err != nil {
		if ctx.Err() == nil && m.conn.Err() == nil {
			m.warn("reading a changed keyspace failed: refreshing everything", "keyspace", name, "err", err)
			m.fullRefresh(ctx, "keyspace read failed")
		}
		return
	}
	ks, bad, err := decodeKeyspaceRows(rows)
	if err != nil || len(bad) > 0 {
		m.warn("a changed keyspace does not decode", "keyspace", name, "err", err, "rows", bad)
		return
	}
	t, changed, err := m.topo.Load().withKeyspace(name, ks[name])
	if err != nil {
		m.warn("keyspace routed round robin", "keyspace", name, "err", err)
	}
	if !changed {
		return
	}
	m.topo.Store(t)
	if m.opts.OnSchemaChange != nil {
		m.opts.OnSchemaChange(name)
	}
}

// probe asks the control node an OPTIONS; a node that does not answer in
// QueryTimeout is treated as gone.
func (m *Monitor) probe(ctx context.Context) {
	if m.conn.Err() != nil {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, m.opts.QueryTimeout)
	_, err := m.conn.Do(pctx, &protocol.Options{})
	cancel()
	if err != nil && ctx.Err() == nil {
		m.warn("control node does not answer: reconnecting", "addr", m.addr, "err", err)
		m.conn.Close() // run sees Done and reconnects
	}
}
