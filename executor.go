package cassandra

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// operation is one request as the executor runs it: attempt sends it once
// on a socket and keeps what came back.
type operation interface {
	attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error
}

// budget is the time a request may take in all: the caller's context, and
// Config.Timeout when the context has no deadline (the earlier of the two
// when both are set). It covers acquiring a socket (dialing included),
// waiting for a stream id, writing, reading and every retry.
type budget struct {
	deadline time.Time // zero: only the context bounds the request
	timeout  time.Duration
}

func (c *Connector) budgetOf(ctx context.Context) budget {
	t := c.cfg.Timeout
	if t <= 0 {
		return budget{}
	}
	d := time.Now().Add(t)
	if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
		return budget{} // the context's deadline comes first and bounds every wait
	}
	return budget{deadline: d, timeout: t}
}

// left returns the time left (0: unbounded by the budget itself) and
// whether the budget is spent.
func (b budget) left() (time.Duration, bool) {
	if b.deadline.IsZero() {
		return 0, false
	}
	d := time.Until(b.deadline)
	return d, d <= 0
}

// maxNotSentAttempts bounds the attempts that never left the process
// (sockets found closed): they do not count against Config.Retries.
const maxNotSentAttempts = 8

// execute runs op within the request's budget: it picks a socket (pinned,
// when set and still open, else from the pool), sends, classifies the
// outcome and retries by the retry table (decideRetry), at most
// Config.Retries times for failures that may have reached the server. It is
// the one path of every request: queries and each of their pages, Exec,
// Commit's BATCH, PREPARE, Ping and the driver's own metadata queries.
func (c *Connector) execute(ctx context.Context, op operation, idempotent bool, pinned *protocol.Conn) (err error) {
	obs := c.cfg.Observer
	var o requestObservation
	if obs != nil {
		o.id, o.start = c.requestSeq.Add(1), time.Now()
		defer func() { c.observeRequest(ctx, obs, op, idempotent, &o, err) }()
	}
	b := c.budgetOf(ctx)
	if !c.disc.done.Load() {
		wait, _ := b.left()
		if err := c.discover(ctx, wait); err != nil {
			return err
		}
	}
	var planBuf [8]string
	var tried *hostList // the hosts to avoid; allocated on the first retry only
	var avoid func(string) bool
	var last *protocol.Conn
	var lastAddr string
	var lastErr error
	retried, notSent := 0, 0
	same := false
	for {
		wait, spent := b.left()
		if spent {
			return c.budgetSpent(b, retried+notSent, lastErr)
		}
		if err := ctx.Err(); err != nil && lastErr != nil {
			return lastErr
		}
		var sock *protocol.Conn
		var addr string
		var plan []string
		switch {
		case pinned != nil && pinned.Err() == nil:
			sock, addr = pinned, pinned.RemoteAddr().String()
		case same && last != nil && last.Err() == nil:
			sock, addr = last, lastAddr
		default:
			var err error
			plan = c.plan(planBuf[:0], op)
			if sock, addr, err = c.pool.AcquirePlan(ctx, wait, plan, avoid); err != nil {
				if lastErr != nil {
					return fmt.Errorf("%w (after an earlier attempt failed: %w)", err, unprefixed(lastErr))
				}
				return err
			}
		}
		ro := protocol.RequestOptions{Timeout: wait}
		start := time.Now()
		var err, first error
		winner, specs := addr, 0
		if f, ok := op.(forkable); ok && idempotent && sock != pinned && c.mayHedge(plan) {
			c.earnHedge()
			winner, specs, first, err = c.speculate(ctx, f, sock, addr, ro, plan, c.cfg.speculativeDelay(c.pool.P99(addr)), o.id)
		} else {
			err = op.attempt(ctx, sock, ro)
			first = err
		}
		c.pool.Record(addr, time.Since(start), outcomeOf(first), retried+notSent > 0)
		if obs != nil {
			o.attempts += 1 + specs
			o.speculative += specs
			o.retries = retried + notSent
			o.addr = winner
			c.observeAttempt(ctx, obs, o.id, op, addr, o.attempts-specs, false, lastErr, start, first)
		}
		if err == nil {
			return nil
		}
		sent := !protocol.NotSent(err)
		d := decideRetry(err, idempotent, sent, retried)
		if d != rethrow && sent && retried >= c.cfg.Retries || !sent && notSent >= maxNotSentAttempts {
			d = rethrow
		}
		if d == rethrow {
			if !idempotent && maybeApplied(err, sent) {
				return &MaybeAppliedError{Addr: addr, Err: err}
			}
			return err
		}
		if sent {
			retried++
		} else {
			notSent++
		}
		last, lastAddr, lastErr, same = sock, addr, err, d == retrySame
		if isOverloaded(err) && !c.pauseAfterOverload(ctx, b) {
			return err // the budget or the context ended during the pause
		}
		if d == retryNext {
			if tried == nil {
				tried = new(hostList)
				avoid = tried.has
			}
			tried.addrs = append(tried.addrs, addr)
			pinned = nil
		}
	}
}

// overloadPause is the base of the short jittered pause before a retry
// after Overloaded: the next host may be as busy, and retrying at once
// adds to the load. Lost sockets and the rest are retried at once.
const overloadPause = 20 * time.Millisecond

func isOverloaded(err error) bool {
	code, ok := serverCode(err)
	return ok && code == ErrCodeOverloaded
}

// pauseAfterOverload waits overloadPause ±50% within the budget; false
// when the budget or the context ends first.
func (c *Connector) pauseAfterOverload(ctx context.Context, b budget) bool {
	d := time.Duration(float64(overloadPause) * (0.5 + rand.Float64()))
	if left, _ := b.left(); left > 0 && left <= d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// mayHedge reports whether speculative executions are on and the request
// has another host to go to: the plan's second, or another of the pool.
func (c *Connector) mayHedge(plan []string) bool {
	if c.cfg.Speculative == SpeculativeOff || c.cfg.SpeculativeMax == 0 {
		return false
	}
	if plan != nil {
		return len(plan) > 1
	}
	return c.pool.Len() > 1
}

// hostList is the hosts a request already tried.
type hostList struct{ addrs []string }

func (l *hostList) has(addr string) bool {
	for _, a := range l.addrs {
		if a == addr {
			return true
		}
	}
	return false
}

// budgetSpent is the error of a request whose budget ran out between
// attempts.
func (c *Connector) budgetSpent(b budget, attempts int, last error) error {
	if last == nil {
		return fmt.Errorf("cassandra: the request's timeout (%v) ran out before it could be sent: %w", b.timeout, context.DeadlineExceeded)
	}
	return fmt.Errorf("cassandra: the request's timeout (%v) ran out after %d attempts: %w: %w", b.timeout, attempts+1, context.DeadlineExceeded, unprefixed(last))
}

// unprefixedError is an error quoted inside another that already starts
// with "cassandra: ": its text loses that prefix, errors.Is and errors.As
// still reach it.
type unprefixedError struct{ err error }

func (e unprefixedError) Error() string { return strings.TrimPrefix(e.err.Error(), "cassandra: ") }
func (e unprefixedError) Unwrap() error { return e.err }

func unprefixed(err error) error { return unprefixedError{err} }

// ErrMaybeApplied is matched (errors.Is) by the error of a request that
// was sent and got no answer (its socket was lost, or its timeout or
// context ended first) and was not retried because it is not idempotent:
// the server may or may not have applied it. errors.As to
// *MaybeAppliedError gives the host; the error also matches the cause
// (ErrConnClosed, context.DeadlineExceeded, ...).
var ErrMaybeApplied = errors.New("cassandra: the request may have been applied")

// MaybeAppliedError is the error of a non-idempotent request left in
// doubt (see ErrMaybeApplied).
type MaybeAppliedError struct {
	Addr string // the host it was sent to
	Err  error  // why no answer came
}

func (e *MaybeAppliedError) Error() string {
	return fmt.Sprintf("cassandra: the request may have been applied: it was sent to %s and no answer came, and it was not sent again because it is not idempotent (mark it with WithIdempotent(true) or the DSN's idempotent=true if running it twice is safe): %s",
		e.Addr, strings.TrimPrefix(e.Err.Error(), "cassandra: "))
}

// Unwrap returns ErrMaybeApplied and the cause.
func (e *MaybeAppliedError) Unwrap() []error { return []error{ErrMaybeApplied, e.Err} }
