package cassandra

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// Speculative (hedged) execution, after "The Tail at Scale" (Dean and
// Barroso, CACM 2013): an idempotent request that has not been answered
// after a delay (Config.Speculative: by default the host's recent p99) is
// sent to the next host of its query plan as well; the first answer wins
// and the others are abandoned (their stream ids stay held until their
// replies come). A token bucket keeps them under 5% of the requests, but
// for those stuck on a host that has stopped answering (see fire).

// forkable is an operation that can run a second attempt at the same time
// as the first: fork returns a copy with state of its own, and adopt takes
// the results of a copy that won.
type forkable interface {
	operation
	fork() operation
	adopt(operation)
}

// The hedging budget, in thousandths of a speculative execution: it
// starts with one, each eligible request earns hedgeEarn, each
// speculative execution costs hedgeCost. Tokens come only from requests,
// so speculative executions never exceed 5% of the requests plus one;
// the bucket keeps up to hedgeCap of them, so that the requests caught
// together on a node that froze can all be sent elsewhere at once.
const (
	hedgeEarn = 50 // 5%
	hedgeCost = 1000
	hedgeCap  = 20 * hedgeCost
)

// earnHedge credits the budget for one request eligible for hedging.
func (c *Connector) earnHedge() {
	if c.hedgeTokens.Add(hedgeEarn) > hedgeCap {
		c.hedgeTokens.Store(hedgeCap)
	}
}

// spendHedge takes one speculative execution from the budget, if there is
// one.
func (c *Connector) spendHedge() bool {
	if c.hedgeTokens.Add(-hedgeCost) >= 0 {
		return true
	}
	c.hedgeTokens.Add(hedgeCost)
	return false
}

// hedge is one request's speculative executions. It is pooled: a request
// whose answer comes before the delay allocates nothing. One that fired is
// not reused, as its goroutines may still hold it.
type hedge struct {
	c     *Connector
	timer *time.Timer   // runs fire after the delay
	abort chan struct{} // closed when a speculative execution won: the first attempt gives up

	// Set by arm for the request, read by fire.
	ctx      context.Context
	op       forkable
	plan     []string // a copy: the executor's buffer does not outlive its call
	deadline time.Time
	delay    time.Duration
	max      int
	obsID    uint64 // the request's ObservedRequest.ID

	mu       sync.Mutex
	closed   bool            // the first attempt ended: launch no more
	launched int             // speculative executions started
	used     []string        // hosts of the first attempt and of those started
	aborts   []chan struct{} // per speculative execution: closed to abandon it
	won      bool            // abort was closed
	results  chan hedgeResult
}

type hedgeResult struct {
	op   operation
	addr string
	err  error
}

var hedgePool sync.Pool

func (c *Connector) getHedge() *hedge {
	if h, ok := hedgePool.Get().(*hedge); ok && h.c == c {
		return h
	}
	h := &hedge{c: c, abort: make(chan struct{}), results: make(chan hedgeResult, maxSpeculativeMax)}
	h.timer = time.AfterFunc(time.Hour, h.fire)
	h.timer.Stop()
	return h
}

// speculate runs op on sock, as the executor's attempt, with speculative
// executions on other hosts of plan after delay. It returns the address
// of the host whose answer was used, how many speculative executions were
// started, the outcome of the first attempt and that of the request.
func (c *Connector) speculate(ctx context.Context, op forkable, sock *protocol.Conn, addr string, ro protocol.RequestOptions,
	plan []string, delay time.Duration, obsID uint64) (winner string, specs int, first, err error) {
	h := c.getHedge()
	h.ctx, h.op, h.delay, h.max, h.obsID = ctx, op, delay, c.cfg.SpeculativeMax, obsID
	if plan == nil {
		h.plan = nil // the pool's round robin (an empty plan names no host)
	} else {
		h.plan = append(h.plan[:0], plan...)
	}
	h.used = append(h.used[:0], addr)
	h.deadline = time.Time{}
	if ro.Timeout > 0 {
		h.deadline = time.Now().Add(ro.Timeout)
	}
	h.closed, h.launched = false, 0
	h.timer.Reset(delay)

	ro.Abort = h.abort
	first = op.attempt(ctx, sock, ro)
	err = first

	h.mu.Lock()
	h.closed = true
	n := h.launched
	stopped := h.timer.Stop()
	h.mu.Unlock()
	if n == 0 {
		if stopped { // fire never runs: safe to reuse
			h.ctx, h.op = nil, nil
			hedgePool.Put(h)
		}
		return addr, 0, first, err
	}
	if err == nil {
		h.abandon()
		return addr, n, first, nil
	}
	// The first attempt failed or gave way: the speculative executions
	// decide (each is bounded by the request's budget).
	for i := 0; i < n; i++ {
		r := <-h.results
		if r.err == nil {
			h.abandon()
			op.adopt(r.op)
			return r.addr, n, first, nil
		}
		if errors.Is(err, protocol.ErrAbandoned) {
			err = r.err
		}
	}
	return addr, n, first, err
}

// abandon closes the abort channels of the speculative executions (all;
// the winner's close is harmless, it has answered).
func (h *hedge) abandon() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, a := range h.aborts {
		close(a)
	}
	h.aborts = nil
}

// fire starts one speculative execution, on its own goroutine (the
// timer's), and arms the next one if the request may have more.
func (h *hedge) fire() {
	c := h.c
	h.mu.Lock()
	if h.closed || h.launched >= h.max {
		h.mu.Unlock()
		return
	}
	// A request stuck on a host that has stopped answering while others
	// go on (pool.Stalled, as in a GC pause or SIGSTOP) is not
	// speculating: it goes elsewhere whatever the budget, which would
	// otherwise run dry just then, refilled only by the requests not yet
	// stuck. Such executions are bounded by the requests in flight there.
	if !c.spendHedge() && !c.pool.Stalled(h.used[0]) {
		// Out of budget: try again a delay later (the budget refills
		// with the requests), within the request's own budget.
		if h.deadline.IsZero() || time.Until(h.deadline) > h.delay {
			h.timer.Reset(h.delay)
		}
		h.mu.Unlock()
		return
	}
	h.launched++
	c.speculated.Add(1)
	abort := make(chan struct{})
	h.aborts = append(h.aborts, abort)
	used := append([]string(nil), h.used...)
	if h.launched < h.max {
		h.timer.Reset(h.delay)
	}
	// Under h.mu: the first attempt's caller cannot return (and reuse the
	// operation for its next page) while the copy is made.
	f := h.op.fork()
	h.mu.Unlock()

	var wait time.Duration
	if !h.deadline.IsZero() {
		if wait = time.Until(h.deadline); wait <= 0 {
			h.results <- hedgeResult{err: context.DeadlineExceeded}
			return
		}
	}
	avoid := func(a string) bool { return contains(used, a) }
	sock, addr, err := c.pool.AcquirePlan(h.ctx, wait, h.plan, avoid)
	if err == nil && avoid(addr) {
		err = errNoOtherHost // the plan has no other host to try
	}
	if err != nil {
		h.results <- hedgeResult{err: err}
		return
	}
	h.mu.Lock()
	h.used = append(h.used, addr)
	h.mu.Unlock()
	start := time.Now()
	err = f.attempt(h.ctx, sock, protocol.RequestOptions{Timeout: wait, Abort: abort})
	c.pool.Record(addr, time.Since(start), outcomeOf(err), false)
	if obs := c.cfg.Observer; obs != nil {
		c.observeAttempt(h.ctx, obs, h.obsID, f, addr, 1+h.launchedNow(), true, nil, start, err)
	}
	if err == nil {
		h.mu.Lock()
		if !h.won {
			h.won = true
			close(h.abort)
		}
		h.mu.Unlock()
	}
	h.results <- hedgeResult{op: f, addr: addr, err: err}
}

// launchedNow returns how many speculative executions have started.
func (h *hedge) launchedNow() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.launched
}

var errNoOtherHost = errors.New("cassandra: no other host to send a speculative execution to")

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
