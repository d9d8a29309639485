package pool

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"syscall"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// host is one node's connections and state. A host is down when its last
// dial failed and it has no open connection; while down, a background
// reconnect runs with backoff, and a successful one brings it up at once.
type host struct {
	addr string
	p    *Pool

	mu        sync.Mutex
	slots     []*slot
	draining  []*protocol.Conn // retired, kept for their late replies
	dc        string           // datacenter, once a connection reported it
	dialing   chan struct{}    // closed when the dial under way ends; nil: none
	down      bool
	lastErr   error
	backoff   time.Duration // the last background delay; 0 after a success
	retryAt   time.Time     // when the background reconnect is due
	retry     *time.Timer
	upHint    time.Time // when the cluster last said the host is up (MarkUp)
	extraDial bool      // markUp's extra dial is under way
	closed    bool      // removed from the pool, or the pool closed

	stats   counters // what Record counted (stats.go): atomics, not under mu
	signals signals  // answers and coming back up, for query plans (health_signals.go)
}

type slot struct {
	conn *protocol.Conn
}

// pick returns the least loaded live connection of h, or nil. With
// needFree, a connection with every stream id in use does not count. It
// clears dead slots, retires worn-out connections, and starts a dial for
// an empty slot when the connections there are busy (the caller goes on
// with what it found).
func (h *host) pick(needFree bool) *protocol.Conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.p.closed.Load() || h.closed {
		return nil
	}
	var best *protocol.Conn
	bestLoad, empty := 0, false
	for _, s := range h.slots {
		if s.conn != nil && s.conn.Err() != nil {
			go s.conn.Close()
			s.conn = nil
		}
		if s.conn != nil && h.wornOut(s.conn) {
			h.retire(s.conn)
			s.conn = nil
		}
		if s.conn == nil {
			empty = true
			continue
		}
		l := s.conn.InFlight()
		if needFree && l >= s.conn.MaxStreams() {
			continue
		}
		if best == nil || l < bestLoad {
			best, bestLoad = s.conn, l
		}
	}
	// More room on a busy host: dial an empty slot while the caller goes
	// on with what it found. A host with no connection at all is dialed by
	// Pool.await, one host at a time.
	if empty && !h.down && h.dialing == nil && (best != nil && bestLoad > 0 || best == nil && h.hasConn()) {
		h.startDial()
	}
	return best
}

// hasConn reports whether a slot holds a connection. h.mu is held.
func (h *host) hasConn() bool {
	for _, s := range h.slots {
		if s.conn != nil {
			return true
		}
	}
	return false
}

// wornOut reports whether c has so many orphaned stream ids that it should
// take no new requests.
func (h *host) wornOut(c *protocol.Conn) bool {
	limit := h.p.opts.OrphanLimit
	if limit <= 0 {
		limit = c.MaxStreams() / 4
		if limit < 1 {
			limit = 1
		}
	}
	return c.Orphans() >= limit
}

// retire takes c out of service: closed once every request on it is
// answered, or after RetireGrace. h.mu is held.
func (h *host) retire(c *protocol.Conn) {
	h.draining = append(h.draining, c)
	grace := h.p.opts.RetireGrace
	go func() {
		deadline := time.Now().Add(grace)
		for c.InFlight() > 0 && time.Now().Before(deadline) && c.Err() == nil {
			select {
			case <-c.Done():
			case <-h.p.ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
		c.Close()
		h.mu.Lock()
		for i, d := range h.draining {
			if d == c {
				h.draining = append(h.draining[:i], h.draining[i+1:]...)
				break
			}
		}
		h.mu.Unlock()
	}()
}

// dialNow returns the channel of the dial under way for h, starting one
// if there is an empty slot (for a down host only with evenIfDown), or nil
// when there is nothing to wait for.
func (h *host) dialNow(evenIfDown bool) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dialing != nil {
		return h.dialing
	}
	if h.down && !evenIfDown {
		return nil
	}
	for _, s := range h.slots {
		if s.conn == nil || s.conn.Err() != nil {
			return h.startDial()
		}
	}
	return nil
}

// startDial dials one connection in the background. h.mu is held.
func (h *host) startDial() chan struct{} {
	done := make(chan struct{})
	h.dialing = done
	go h.runDial(done)
	return done
}

// runDial dials h and places the connection. done is the channel of the
// dial under way (h.dialing), or nil for the extra dial of markUp, which
// leaves the verdict on a failure to the other.
func (h *host) runDial(done chan struct{}) {
	p := h.p
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.DialTimeout)
	c, err := p.dial(ctx, h.addr)
	cancel()
	h.mu.Lock()
	if done != nil {
		h.dialing = nil
	} else {
		h.extraDial = false
	}
	var changed bool
	switch {
	case err != nil:
		h.lastErr = err // the dial errors name the host
		if !h.hasLiveConn() && h.dialing == nil && !h.extraDial {
			changed = !h.down
			h.down = true
			h.scheduleRetry()
		}
	case p.closed.Load() || h.closed:
		c.Close()
	default:
		placed := false
		for _, s := range h.slots {
			if s.conn == nil || s.conn.Err() != nil {
				if s.conn != nil {
					go s.conn.Close()
				}
				s.conn, placed = c, true
				break
			}
		}
		if !placed {
			go c.Close()
		}
		changed = h.down
		if h.down {
			h.signals.upSince.Store(time.Now().UnixNano())
		}
		h.down, h.lastErr, h.backoff = false, nil, 0
		if h.retry != nil {
			h.retry.Stop()
			h.retry = nil
		}
	}
	up, lastErr := !h.down, h.lastErr
	h.mu.Unlock()
	if changed && p.opts.OnHostState != nil {
		p.opts.OnHostState(h.addr, up, lastErr) // before waiters see the outcome
	}
	if done != nil {
		close(done)
	}
}

// hasLiveConn reports whether a slot holds an open connection. h.mu is
// held.
func (h *host) hasLiveConn() bool {
	for _, s := range h.slots {
		if s.conn != nil && s.conn.Err() == nil {
			return true
		}
	}
	return false
}

// scheduleRetry arms the background reconnect: base, doubling up to max,
// ±15% jitter, so a fleet of clients does not redial in step. h.mu is held.
func (h *host) scheduleRetry() {
	o := h.p.opts
	switch {
	case h.backoff == 0:
		h.backoff = o.BackoffBase
	case h.backoff < o.BackoffMax:
		h.backoff *= 2
		if h.backoff > o.BackoffMax {
			h.backoff = o.BackoffMax
		}
	}
	b := h.backoff
	// The cluster says the host is up: gossip often says so seconds before
	// its native port accepts connections, so try often for a minute
	// rather than doubling past the moment it does.
	if !h.upHint.IsZero() && time.Since(h.upHint) < upHintFor && b > upHintRetry {
		b = upHintRetry
	}
	// A refused connection costs the node nothing (its port is closed: the
	// process is restarting or gone), and the cluster's UP event can come
	// many seconds after the port opens: retry it often. Timeouts and
	// failed handshakes, which do cost, back off fully.
	if b > refusedRetryMax && errors.Is(h.lastErr, syscall.ECONNREFUSED) {
		b = refusedRetryMax
	}
	d := time.Duration(float64(b) * (0.85 + 0.3*rand.Float64()))
	h.retryAt = time.Now().Add(d)
	if h.retry != nil {
		h.retry.Stop()
	}
	h.retry = time.AfterFunc(d, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.p.closed.Load() || h.closed || !h.down || h.dialing != nil {
			return
		}
		h.startDial()
	})
}

// unconnected reports whether h is not down and has no connection, open
// (a dial may be under way: the caller joins it).
func (h *host) unconnected() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.down && !h.hasLiveConn()
}

func (h *host) markDown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down || h.hasLiveConn() || h.p.closed.Load() {
		return
	}
	h.down = true
	if h.dialing == nil {
		h.scheduleRetry()
	}
}

// After an UP event, a down host is retried every upHintRetry for
// upHintFor.
const (
	upHintRetry = 250 * time.Millisecond
	upHintFor   = time.Minute
)

// refusedRetryMax caps the backoff of a host whose last dial was refused.
const refusedRetryMax = 2 * time.Second

func (h *host) markUp() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.backoff = 0
	h.upHint = time.Now()
	if h.p.closed.Load() || h.closed || h.hasLiveConn() {
		return
	}
	if h.dialing != nil {
		// The dial under way may have started before the node could
		// answer and wait its full timeout: one more, now.
		if !h.extraDial {
			h.extraDial = true
			go h.runDial(nil)
		}
		return
	}
	if h.retry != nil {
		h.retry.Stop()
		h.retry = nil
	}
	h.startDial()
}

func (h *host) inFlight() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.slots {
		if s.conn != nil {
			n += s.conn.InFlight()
		}
	}
	return n
}

func (h *host) isDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down && !h.hasLiveConn()
}

func (h *host) downError() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lastErr != nil {
		return h.lastErr
	}
	return fmt.Errorf("cassandra: no connection to %s", h.addr)
}

func (h *host) close() []error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if h.retry != nil {
		h.retry.Stop()
	}
	var errs []error
	for _, s := range h.slots {
		if s.conn != nil {
			if err := s.conn.Close(); err != nil {
				errs = append(errs, err)
			}
			s.conn = nil
		}
	}
	for _, c := range h.draining {
		c.Close()
	}
	return errs
}

func (h *host) open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.slots {
		if s.conn != nil && s.conn.Err() == nil {
			n++
		}
	}
	for _, c := range h.draining {
		if c.Err() == nil {
			n++
		}
	}
	return n
}
