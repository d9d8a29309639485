package pool

import (
	"sync/atomic"
	"time"
)

// What query plans learn of a host's health besides its requests in
// flight (the DataStax Java driver's load balancing does the same): a
// replica that has many requests in flight and has answered almost none
// lately is probably stalled (a GC pause, a full disk), and one that came
// back up a moment ago is probably still warming up (cold caches, hints to
// replay); both go behind the others.
const (
	busyInFlight = 10                     // at least this many requests in flight...
	busyWindow   = 200 * time.Millisecond // ...and fewer than 2 answers within this
	youngFor     = time.Minute            // up again for less than this
)

// signals are a host's answer times and the time it came back up, in
// Unix nanoseconds, updated with atomics on the request path.
type signals struct {
	answers [2]atomic.Int64 // the last two answers: [0] the latest
	upSince atomic.Int64    // when it last came back up; 0: never down
	p99     atomic.Int64    // recent 99th percentile of answered attempts, ns (p99 below)
}

// observe moves the p99 estimate towards latency x (Frugal streaming,
// Ma, Muthukrishnan and Sandler 2013): up by a step when x is above it,
// down by a 99th of a step when below, so it settles where 1% of the
// latencies are above it, follows changes within a few hundred requests,
// and needs one word per host. Concurrent updates may lose a step.
func (s *signals) observe(x int64) {
	q := s.p99.Load()
	if q == 0 {
		s.p99.Store(2 * x)
		return
	}
	step := q/32 + 1000 // 3% plus a microsecond
	if x > q {
		s.p99.Store(q + step)
	} else if q -= step / 99; q > 0 {
		s.p99.Store(q)
	}
}

// P99 returns the recent 99th percentile of the latency of addr's answers
// (0 before the first).
func (p *Pool) P99(addr string) time.Duration {
	if h := p.host(addr); h != nil {
		return time.Duration(h.signals.p99.Load())
	}
	return 0
}

// Len returns the number of hosts.
func (p *Pool) Len() int { return len(p.hostList()) }

// answered records an answer (any response of the server, an error one
// included) at now.
func (s *signals) answered(now int64) {
	s.answers[1].Store(s.answers[0].Swap(now))
}

// Busy reports whether addr has at least 10 requests in flight and fewer
// than 2 answers in the last 200 ms.
func (p *Pool) Busy(addr string) bool {
	h := p.host(addr)
	return h != nil && h.busy()
}

func (h *host) busy() bool {
	if h.inFlight() < busyInFlight {
		return false
	}
	return time.Now().UnixNano()-h.signals.answers[1].Load() > int64(busyWindow)
}

// Stalled reports whether addr has stopped answering while others go on:
// it is Busy, it had answered at least twice before (a host that has not
// answered yet is new, not stalled), and another host that is up is not
// Busy (when every host is, the cluster is slow, not this one).
func (p *Pool) Stalled(addr string) bool {
	h := p.host(addr)
	if h == nil || h.signals.answers[1].Load() == 0 || !h.busy() {
		return false
	}
	for _, o := range p.hostList() {
		if o != h && !o.isDown() && !o.busy() {
			return true
		}
	}
	return false
}

// Young reports whether addr came back up (after being down) less than a
// minute ago.
func (p *Pool) Young(addr string) bool {
	h := p.host(addr)
	if h == nil {
		return false
	}
	up := h.signals.upSince.Load()
	return up != 0 && time.Now().UnixNano()-up < int64(youngFor)
}
