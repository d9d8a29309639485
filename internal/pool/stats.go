package pool

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Outcome classifies one attempt of a request on a host.
type Outcome uint8

const (
	OutcomeOK            Outcome = iota
	OutcomeReadTimeout           // server READ_TIMEOUT / READ_FAILURE
	OutcomeWriteTimeout          // server WRITE_TIMEOUT / WRITE_FAILURE
	OutcomeUnavailable           // server UNAVAILABLE
	OutcomeOverloaded            // server OVERLOADED
	OutcomeServerError           // SERVER_ERROR, IS_BOOTSTRAPPING, TRUNCATE_ERROR
	OutcomeRequestError          // syntax, invalid, unauthorized, already exists, unprepared...: the request's fault
	OutcomeConnection            // socket lost / closed / write failed
	OutcomeClientTimeout         // the request's own timeout or context ended while waiting on this host
	NumOutcomes
)

var outcomeNames = [NumOutcomes]string{
	"ok", "read_timeout", "write_timeout", "unavailable", "overloaded",
	"server_error", "request_error", "connection", "client_timeout",
}

func (o Outcome) String() string {
	if o < NumOutcomes {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// counters are one host's figures, allocated with the host and updated
// with atomics only: Record runs on every request.
type counters struct {
	requests, retries atomic.Int64
	errors            [NumOutcomes]atomic.Int64
	latency           histogram
}

// Record counts one attempt on addr; retry says it was a retry. It is a
// no-op for an address that is not a host of the pool, or an Outcome out
// of range. It takes no lock and allocates nothing.
func (p *Pool) Record(addr string, latency time.Duration, o Outcome, retry bool) {
	h := p.host(addr)
	if h == nil || o >= NumOutcomes {
		return
	}
	c := &h.stats
	c.requests.Add(1)
	if retry {
		c.retries.Add(1)
	}
	if o != OutcomeOK {
		c.errors[o].Add(1)
	}
	c.latency.record(latency)
	if o != OutcomeConnection && o != OutcomeClientTimeout { // the server answered
		h.signals.answered(time.Now().UnixNano())
		h.signals.observe(int64(latency))
	}
}

// HostStats are the figures of one host. Each is read on its own while
// requests go on, so they may disagree by the attempts recorded meanwhile.
type HostStats struct {
	Addr     string
	DC       string // as SetHostDC recorded it
	State    string // "up", "down" or "reconnecting" (see Pool.Stats)
	Open     int    // open sockets, draining ones included
	InFlight int    // requests in flight on the host's sockets (as Pool.InFlight)
	Requests int64  // attempts recorded
	Retries  int64
	// Errors counts attempts by outcome; Errors[OutcomeOK] stays 0: the
	// attempts that went well are Requests minus the errors.
	Errors  [NumOutcomes]int64
	Latency LatencySummary // of all recorded attempts
}

// Stats returns the figures of each host, in the pool's order. A host is
// "down" when it is known down (a STATUS DOWN event, or its dial failed)
// with no open socket and no dial under way, "reconnecting" when it is so
// with a dial under way, and "up" otherwise (an open socket, or not known
// down).
func (p *Pool) Stats() []HostStats {
	hosts := p.hostList()
	out := make([]HostStats, len(hosts))
	for i, h := range hosts {
		s := &out[i]
		s.Addr = h.addr
		s.DC, s.State = h.state()
		s.Open = h.open()
		s.InFlight = h.inFlight()
		c := &h.stats
		s.Requests = c.requests.Load()
		s.Retries = c.retries.Load()
		for o := range c.errors {
			s.Errors[o] = c.errors[o].Load()
		}
		s.Latency = c.latency.summary()
	}
	return out
}

// state returns h's datacenter and state name.
func (h *host) state() (dc, state string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.down || h.hasLiveConn():
		return h.dc, "up"
	case h.dialing != nil:
		return h.dc, "reconnecting"
	}
	return h.dc, "down"
}
