// Package pool holds the sockets of one database/sql Connector: a fixed
// number of multiplexed protocol connections per host, dialed lazily and
// replaced when broken, shared by every driver.Conn of the Connector.
package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// ErrClosed is returned by Acquire once Close has been called.
var ErrClosed = errors.New("cassandra: connector closed: open a new *sql.DB")

// DialFunc opens one connection to addr.
type DialFunc func(ctx context.Context, addr string) (*protocol.Conn, error)

// Pool spreads requests over ConnsPerHost connections per host: hosts in
// round robin, and within a host the connection with the fewest requests in
// flight. A connection is dialed the first time it would be used, so an idle
// pool holds no sockets, and a busy one never more than ConnsPerHost per host.
type Pool struct {
	hosts []*host
	next  atomic.Uint32

	dial           DialFunc
	connectTimeout time.Duration

	localDC string

	ctx    context.Context // ends at Close; bounds dials
	cancel context.CancelFunc
	closed atomic.Bool
}

// New returns a pool over addrs with perHost connections each. dial runs
// under a context bounded by connectTimeout (0: no bound) and by Close, not
// by the context of the request that needed the connection, so a cancelled
// request does not waste a half-made connection.
func New(addrs []string, perHost int, connectTimeout time.Duration, dial DialFunc) *Pool {
	if perHost < 1 {
		perHost = 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{dial: dial, connectTimeout: connectTimeout, ctx: ctx, cancel: cancel}
	for _, a := range addrs {
		p.hosts = append(p.hosts, &host{addr: a, slots: make([]*slot, perHost)})
	}
	for _, h := range p.hosts {
		for i := range h.slots {
			h.slots[i] = &slot{}
		}
	}
	return p
}

// Hosts returns the addresses of the pool's hosts.
func (p *Pool) Hosts() []string {
	out := make([]string, len(p.hosts))
	for i, h := range p.hosts {
		out[i] = h.addr
	}
	return out
}

// Acquire returns a usable connection, dialing one if needed. Hosts are
// tried in round robin; a host whose dial failed recently is skipped while
// another is up. The error of the last host tried is returned when none
// answers.
func (p *Pool) Acquire(ctx context.Context) (*protocol.Conn, error) {
	return p.AcquireExcept(ctx, nil)
}

// AcquireExcept is Acquire avoiding the connection not, when another is
// available (to retry on a different socket).
func (p *Pool) AcquireExcept(ctx context.Context, not *protocol.Conn) (*protocol.Conn, error) {
	if p.closed.Load() {
		return nil, ErrClosed
	}
	n := len(p.hosts)
	if n == 0 {
		return nil, errors.New("cassandra: no hosts configured")
	}
	start := int(p.next.Add(1)-1) % n
	var lastErr error
	// Hosts by preference: up and in the local datacenter (or no local
	// datacenter set), up with a datacenter not known yet, up elsewhere,
	// then the hosts marked down.
	for rank := 0; rank < 4; rank++ {
		for i := 0; i < n; i++ {
			h := p.hosts[(start+i)%n]
			if p.rank(h) != rank {
				continue
			}
			c, err := p.fromHost(ctx, h, not)
			if err == nil {
				return c, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			lastErr = err
		}
	}
	return nil, lastErr
}

// SetLocalDC makes the pool prefer hosts whose datacenter (see SetHostDC)
// is dc. Call it before the first Acquire.
func (p *Pool) SetLocalDC(dc string) { p.localDC = dc }

// SetHostDC records the datacenter of the host at addr, as a connection to
// it reported.
func (p *Pool) SetHostDC(addr, dc string) {
	for _, h := range p.hosts {
		if h.addr == addr {
			h.mu.Lock()
			h.dc = dc
			h.mu.Unlock()
		}
	}
}

// HostDC returns the datacenter recorded for addr, or "".
func (p *Pool) HostDC(addr string) string {
	for _, h := range p.hosts {
		if h.addr == addr {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.dc
		}
	}
	return ""
}

func (p *Pool) rank(h *host) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case time.Now().Before(h.downUntil):
		return 3
	case p.localDC == "" || h.dc == p.localDC:
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
	for _, h := range p.hosts {
		h.mu.Lock()
		for _, s := range h.slots {
			if s.conn != nil {
				if err := s.conn.Close(); err != nil {
					errs = append(errs, err)
				}
				s.conn = nil
			}
		}
		h.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Open counts the connections currently open (for tests and stats).
func (p *Pool) Open() int {
	n := 0
	for _, h := range p.hosts {
		h.mu.Lock()
		for _, s := range h.slots {
			if s.conn != nil && s.conn.Err() == nil {
				n++
			}
		}
		h.mu.Unlock()
	}
	return n
}

type host struct {
	addr string

	mu        sync.Mutex
	slots     []*slot
	dc        string // datacenter, once a connection reported it
	downUntil time.Time
	lastErr   error
}

type slot struct {
	conn    *protocol.Conn
	dialing chan struct{} // non-nil while a dial for this slot runs
	err     error         // the last dial error
}

const downFor = time.Second

// fromHost returns the least loaded live connection of h. When a slot is
// empty it starts a dial: a caller with no live connection to use waits for
// it, others take the best live one meanwhile.
func (p *Pool) fromHost(ctx context.Context, h *host, not *protocol.Conn) (*protocol.Conn, error) {
	for {
		h.mu.Lock()
		if p.closed.Load() {
			h.mu.Unlock()
			return nil, ErrClosed
		}
		var best *protocol.Conn
		bestLoad := 0
		var empty *slot
		var wait chan struct{}
		for _, s := range h.slots {
			if s.conn != nil && s.conn.Err() != nil {
				go s.conn.Close()
				s.conn = nil
			}
			switch {
			case s.conn != nil:
				if s.conn == not {
					continue
				}
				if l := s.conn.InFlight(); best == nil || l < bestLoad {
					best, bestLoad = s.conn, l
				}
			case s.dialing != nil:
				wait = s.dialing
			case empty == nil:
				empty = s
			}
		}
		if best != nil && (bestLoad == 0 || empty == nil) {
			h.mu.Unlock()
			return best, nil
		}
		if empty != nil {
			ch := make(chan struct{})
			empty.dialing = ch
			wait = ch
			go p.dialSlot(h, empty, ch)
		}
		h.mu.Unlock()
		if best != nil {
			return best, nil
		}
		if wait == nil {
			// Only the excluded connection is live: use it.
			if not != nil && not.Err() == nil {
				return not, nil
			}
			return nil, fmt.Errorf("cassandra: no connection to %s", h.addr)
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		h.mu.Lock()
		err := h.lastErr
		down := time.Now().Before(h.downUntil)
		h.mu.Unlock()
		if down && err != nil {
			return nil, err
		}
	}
}

func (p *Pool) dialSlot(h *host, s *slot, done chan struct{}) {
	ctx := p.ctx
	if p.connectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.connectTimeout)
		defer cancel()
	}
	c, err := p.dial(ctx, h.addr)
	h.mu.Lock()
	s.dialing = nil
	if err != nil {
		s.err = err
		h.lastErr = fmt.Errorf("cassandra: connecting to %s: %w", h.addr, err)
		h.downUntil = time.Now().Add(downFor)
	} else if p.closed.Load() {
		c.Close()
	} else {
		s.conn, s.err = c, nil
		h.lastErr, h.downUntil = nil, time.Time{}
	}
	h.mu.Unlock()
	close(done)
}
