// Package pool holds the sockets of one database/sql Connector: a fixed
// number of multiplexed protocol connections per host, dialed lazily and
// replaced when broken or worn out, shared by every driver.Conn of the
// Connector. A host whose dial fails is down: requests skip it while
// another host is up, and it is redialed in the background with
// exponential backoff until it answers (never giving up).
package pool

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// ErrClosed is returned by Acquire once Close has been called.
var ErrClosed = errors.New("cassandra: connector closed: open a new *sql.DB")

// DialFunc opens one connection to addr.
type DialFunc func(ctx context.Context, addr string) (*protocol.Conn, error)

// Options configure a Pool.
type Options struct {
	// PerHost is the number of connections per host (at least 1).
	PerHost int
	// DialTimeout bounds each dial, which runs in the background: a
	// request waits for it only as long as its own budget allows. 0
	// means 30 s: a dial is never unbounded.
	DialTimeout time.Duration
	// OrphanLimit retires a connection once that many of its stream ids
	// are held by requests whose caller gave up: a replacement is dialed
	// and the old one closed when its requests are answered or after
	// RetireGrace. 0 means a quarter of the connection's stream ids.
	OrphanLimit int
	// RetireGrace bounds how long a retired connection is kept for its
	// late replies; 0 means 10 s.
	RetireGrace time.Duration
	// BackoffBase and BackoffMax bound the delay between background
	// reconnects of a down host (doubling, ±15% jitter); 0 means 1 s and
	// 30 s.
	BackoffBase, BackoffMax time.Duration
	// OnHostState, when set, is told when a host goes down or comes back
	// up (not on the request path's hot loop: only on changes).
	OnHostState func(addr string, up bool, err error)
}

// Pool spreads requests over the hosts' connections: hosts in round robin,
// within a host the connection with the fewest requests in flight. A
// connection is dialed the first time it would be used, so an idle pool
// holds no sockets, and a busy one never more than PerHost per host (plus
// retired ones draining).
type Pool struct {
	hosts  atomic.Pointer[[]*host]          // copy on write (AddHost, RemoveHost)
	byAddr atomic.Pointer[map[string]*host] // the same hosts by address, swapped after hosts
	hmu    sync.Mutex                       // serializes the writers of hosts
	next   atomic.Uint32
	dial   DialFunc
	opts   Options

	localDC atomic.Pointer[string] // "" or unset: no preference

	ctx    context.Context // ends at Close; bounds dials
	cancel context.CancelFunc
	closed atomic.Bool
}

// New returns a pool over addrs.
func New(addrs []string, dial DialFunc, opts Options) *Pool {
	if opts.PerHost < 1 {
		opts.PerHost = 1
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 30 * time.Second
	}
	if opts.RetireGrace <= 0 {
		opts.RetireGrace = 10 * time.Second
	}
	if opts.BackoffBase <= 0 {
		opts.BackoffBase = time.Second
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{dial: dial, opts: opts, ctx: ctx, cancel: cancel}
	hosts := make([]*host, 0, len(addrs))
	for _, a := range addrs {
		hosts = append(hosts, p.newHost(a))
	}
	p.setHosts(hosts)
	return p
}

func (p *Pool) newHost(addr string) *host {
	h := &host{addr: addr, p: p, slots: make([]*slot, p.opts.PerHost)}
	for i := range h.slots {
		h.slots[i] = &slot{}
	}
	return h
}

func (p *Pool) hostList() []*host { return *p.hosts.Load() }

// setHosts publishes a new host list and its index. p.hmu is held, or p
// is not shared yet.
func (p *Pool) setHosts(hosts []*host) {
	m := make(map[string]*host, len(hosts))
	for _, h := range hosts {
		m[h.addr] = h
	}
	p.hosts.Store(&hosts)
	p.byAddr.Store(&m)
}

// Hosts returns the addresses of the pool's hosts.
func (p *Pool) Hosts() []string {
	hosts := p.hostList()
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.addr
	}
	return out
}

// AddHost adds a host (a node that joined, or was discovered); it is
// dialed when first chosen. It reports whether addr was new.
func (p *Pool) AddHost(addr string) bool {
	p.hmu.Lock()
	defer p.hmu.Unlock()
	old := p.hostList()
	for _, h := range old {
		if h.addr == addr {
			return false
		}
	}
	hosts := append(append(make([]*host, 0, len(old)+1), old...), p.newHost(addr))
	p.setHosts(hosts)
	return true
}

// RemoveHost removes a host (a node that left the ring) and closes its
// connections; requests in flight on them fail with ErrConnClosed.
func (p *Pool) RemoveHost(addr string) {
	p.hmu.Lock()
	old := p.hostList()
	var gone *host
	hosts := make([]*host, 0, len(old))
	for _, h := range old {
		if h.addr == addr {
			gone = h
			continue
		}
		hosts = append(hosts, h)
	}
	p.setHosts(hosts)
	p.hmu.Unlock()
	if gone != nil {
		gone.close()
	}
}

// MarkDown records that the cluster says addr is down (a STATUS_CHANGE
// event): a host with no open connection is then skipped while another is
// up, and reconnected in the background; live connections stay, as they
// are the better witness.
func (p *Pool) MarkDown(addr string) {
	if h := p.host(addr); h != nil {
		h.markDown()
	}
}

// MarkUp records that the cluster says addr is up: a host that is down is
// dialed at once, its backoff reset.
func (p *Pool) MarkUp(addr string) {
	if h := p.host(addr); h != nil {
		h.markUp()
	}
}

// InFlight reports the requests in flight on addr's connections.
func (p *Pool) InFlight(addr string) int {
	if h := p.host(addr); h != nil {
		return h.inFlight()
	}
	return 0
}

// Acquire returns a usable connection and its host's address. Hosts are
// taken in round robin, local datacenter first; a host that is down is
// skipped while another is up; a connection whose stream ids are all in
// use is skipped while another has free ones. Hosts for which avoid
// returns true (the hosts a request already tried) come last. wait, when
// positive, bounds the time spent waiting for a dial, as ctx does. Each
// host is dialed at most once per call.
func (p *Pool) Acquire(ctx context.Context, wait time.Duration, avoid func(addr string) bool) (*protocol.Conn, string, error) {
	if p.closed.Load() {
		return nil, "", ErrClosed
	}
	return p.AcquirePlan(ctx, wait, nil, avoid)
}

// AcquirePlan is Acquire with the hosts tried in the order of plan (a query
// plan: addresses of the pool's hosts; unknown ones are skipped), avoided
// ones last. A nil plan is Acquire's round robin.
func (p *Pool) AcquirePlan(ctx context.Context, wait time.Duration, plan []string, avoid func(addr string) bool) (*protocol.Conn, string, error) {
	if p.closed.Load() {
		return nil, "", ErrClosed
	}
	all := p.hostList()
	n := len(all)
	if n == 0 {
		return nil, "", errors.New("cassandra: no hosts configured")
	}
	order := make([]*host, 0, 8)
	split := 0 // order[:split] are not avoided
	if plan != nil {
		for pass := 0; pass < 2; pass++ {
			if pass == 1 {
				split = len(order)
			}
			for _, a := range plan {
				if h := p.host(a); h != nil && (avoid != nil && avoid(a)) == (pass == 1) {
					order = append(order, h)
				}
			}
		}
	} else {
		start := int(p.next.Add(1)-1) % n
		// Hosts by preference: local (or no local datacenter set),
		// datacenter not known yet, elsewhere; avoided ones after all.
		for pass := 0; pass < 2; pass++ {
			if pass == 1 {
				split = len(order)
			}
			for rank := 0; rank < 3; rank++ {
				for i := 0; i < n; i++ {
					h := all[(start+i)%n]
					if p.rank(h) == rank && (avoid != nil && avoid(h.addr)) == (pass == 1) {
						order = append(order, h)
					}
				}
			}
		}
	}
	if len(order) == 0 {
		return nil, "", errors.New("cassandra: the query plan names no host of the pool")
	}
	// The first host, in order, with a live connection that has a free
	// stream id. A host not connected yet (and not down) is dialed in the
	// background as the loop passes it, and waited for only when no host
	// has a connection to offer: a request never waits on a dial (to a
	// node that accepts TCP but does not answer, say) while another host
	// can serve it.
	// The avoided hosts (those a request already tried) only after the
	// others, dials included.
	var pending [8]*host
	var errs []error
	var tried []*host // dialed by this call: never twice
	for _, part := range [2][]*host{order[:split], order[split:]} {
		dialing := pending[:0]
		for _, h := range part {
			if c := h.pick(true); c != nil {
				return c, h.addr, nil
			}
			if h.unconnected() && h.dialNow(false) != nil {
				dialing = append(dialing, h)
			}
		}
		for _, h := range dialing {
			c, err := p.await(ctx, wait, h, false)
			if c != nil || ctx.Err() != nil || isBudget(err) {
				return c, h.addr, err
			}
			errs = append(errs, err)
			tried = append(tried, h)
		}
	}
	// Every connection is full: the least loaded one (the wait for a
	// stream id is bounded by the request's budget).
	for _, h := range order {
		if c := h.pick(false); c != nil {
			return c, h.addr, nil
		}
	}
	// Every host is down: redial the one whose reconnect is due first, now.
	if h := p.soonestDown(order); h != nil && !contains(tried, h) {
		c, err := p.await(ctx, wait, h, true)
		if c != nil || ctx.Err() != nil || isBudget(err) || len(errs) == 0 {
			return c, h.addr, err
		}
		errs = append(errs, err)
	}
	return nil, "", noHostError(errs)
}

// await dials h (or joins its dial under way) and waits for it within the
// budget.
func (p *Pool) await(ctx context.Context, wait time.Duration, h *host, evenIfDown bool) (*protocol.Conn, error) {
	done := h.dialNow(evenIfDown)
	if done == nil {
		if c := h.pick(false); c != nil {
			return c, nil
		}
		return nil, h.downError()
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("cassandra: still connecting to %s when the context ended: %w", h.addr, ctx.Err())
	case <-timeout:
		return nil, &budgetError{fmt.Errorf("cassandra: still connecting to %s after %v (the request's timeout): %w", h.addr, wait.Round(time.Millisecond), context.DeadlineExceeded)}
	case <-p.ctx.Done():
		return nil, ErrClosed
	}
	if c := h.pick(false); c != nil {
		return c, nil
	}
	return nil, h.downError()
}

// budgetError is a wait that ran out of the request's budget.
type budgetError struct{ error }

func (e *budgetError) Unwrap() error { return e.error }

func isBudget(err error) bool {
	var b *budgetError
	return errors.As(err, &b)
}

// noHostError is the error of an Acquire that reached no host: the one
// dial error, or all of them.
func noHostError(errs []error) error {
	switch len(errs) {
	case 0:
		return errors.New("cassandra: no host could be reached")
	case 1:
		return errs[0]
	}
	return &hostsError{errs}
}

type hostsError struct{ errs []error }

func (e *hostsError) Error() string {
	var b strings.Builder
	b.WriteString("cassandra: no host could be reached: ")
	for i, err := range e.errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(err.Error(), "cassandra: "))
	}
	return b.String()
}

func (e *hostsError) Unwrap() []error { return e.errs }

func contains(hs []*host, h *host) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

// soonestDown returns the down host whose background reconnect is due
// first.
func (p *Pool) soonestDown(order []*host) *host {
	var best *host
	var due time.Time
	for _, h := range order {
		h.mu.Lock()
		d, down := h.retryAt, h.down
		h.mu.Unlock()
		if down && (best == nil || d.Before(due)) {
			best, due = h, d
		}
	}
	return best
}

// SetLocalDC makes the pool prefer hosts whose datacenter (see SetHostDC)
// is dc. The cluster layer sets it once it knows the local datacenter.
func (p *Pool) SetLocalDC(dc string) { p.localDC.Store(&dc) }

// Connect starts a background dial to addr when it has no connection yet
// and is not known down, so that the first request to choose it finds a
// socket open (the local datacenter's hosts, once discovered).
func (p *Pool) Connect(addr string) {
	if h := p.host(addr); h != nil && h.unconnected() {
		h.dialNow(false)
	}
}

// SetHostDC records the datacenter of the host at addr, as a connection to
// it reported.
func (p *Pool) SetHostDC(addr, dc string) {
	if h := p.host(addr); h != nil {
		h.mu.Lock()
		h.dc = dc
		h.mu.Unlock()
	}
}

// HostDC returns the datacenter recorded for addr, or "".
func (p *Pool) HostDC(addr string) string {
	if h := p.host(addr); h != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.dc
	}
	return ""
}

// Down reports whether addr is a host of the pool that is down: it has no
// open connection and its last dial failed.
func (p *Pool) Down(addr string) bool {
	h := p.host(addr)
	return h != nil && h.isDown()
}

// Connected reports whether addr is a host of the pool with an open
// connection: it answered a handshake, and its socket has not failed since.
func (p *Pool) Connected(addr string) bool {
	h := p.host(addr)
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hasLiveConn()
}

func (p *Pool) host(addr string) *host { return (*p.byAddr.Load())[addr] }

func (p *Pool) rank(h *host) int {
	local := ""
	if dc := p.localDC.Load(); dc != nil {
		local = *dc
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case local == "" || h.dc == local:
		return 0
	case h.dc == "":
		return 1
	}
	return 2
}

// Close closes every connection; in-flight requests fail with an error
// wrapping protocol.ErrConnClosed. Later Acquires return ErrClosed.
func (p *Pool) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	p.cancel()
	var errs []error
	for _, h := range p.hostList() {
		errs = append(errs, h.close()...)
	}
	return errors.Join(errs...)
}

// Open counts the connections currently open (for tests and stats),
// retired ones still draining included.
func (p *Pool) Open() int {
	n := 0
	for _, h := range p.hostList() {
		n += h.open()
	}
	return n
}
