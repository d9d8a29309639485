package cassandra

import (
	"context"
	"errors"
	"time"

	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// HostInfo is what a Connector knows of one host and what it sent there:
// for dashboards and for checking where requests went. The counts cover
// attempts (a retried request counts once per host it was sent to) since
// the host joined the Connector.
type HostInfo struct {
	Addr       string // host:port of its native transport
	HostID     string // system.local / system.peers_v2 host_id; "" before discovery
	Datacenter string
	Rack       string
	// State is "up", "down" (known down: its last dial failed, or the
	// cluster said so, and no socket is open) or "reconnecting" (down, a
	// dial under way).
	State    string
	Sockets  int // open sockets (retired ones still draining included)
	InFlight int // requests waiting for an answer
	Requests int64
	Retries  int64 // attempts that were retries of a request
	// Errors counts failed attempts by kind: "read_timeout",
	// "write_timeout", "unavailable", "overloaded", "server_error",
	// "request_error" (syntax, invalid, unauthorized...), "connection"
	// (socket lost) and "client_timeout" (the request's timeout or context
	// ended). Kinds with no error are left out.
	Errors map[string]int64
	// Latency of the attempts, from sending to the answer, with percentiles
	// within about 3%.
	Latency LatencySummary
}

// LatencySummary summarizes a latency distribution.
type LatencySummary struct {
	Count               int64
	Mean, P50, P90, P99 time.Duration
	Max                 time.Duration
}

// Hosts returns the Connector's hosts, the nodes of the cluster once it
// has been discovered (at the first request), in a stable order.
func (c *Connector) Hosts() []HostInfo {
	stats := c.pool.Stats()
	topo := c.disc.topo.Load()
	out := make([]HostInfo, 0, len(stats))
	for _, s := range stats {
		if topo != nil && topo.HostByAddr(s.Addr) == nil {
			continue // a contact point named otherwise than the topology names it
		}
		h := HostInfo{
			Addr: s.Addr, Datacenter: s.DC, State: s.State,
			Sockets: s.Open, InFlight: s.InFlight, Requests: s.Requests, Retries: s.Retries,
			Latency: LatencySummary(s.Latency),
		}
		if topo != nil {
			th := topo.HostByAddr(s.Addr)
			h.HostID, h.Datacenter, h.Rack = th.ID.String(), th.Datacenter, th.Rack
		}
		for o, n := range s.Errors {
			if n > 0 {
				if h.Errors == nil {
					h.Errors = make(map[string]int64)
				}
				h.Errors[pool.Outcome(o).String()] = n
			}
		}
		out = append(out, h)
	}
	return out
}

// outcomeOf classifies an attempt's error for the per-host figures.
func outcomeOf(err error) pool.Outcome {
	if err == nil {
		return pool.OutcomeOK
	}
	var e *Error
	if errors.As(err, &e) {
		switch e.Code {
		case ErrCodeReadTimeout, ErrCodeReadFailure:
			return pool.OutcomeReadTimeout
		case ErrCodeWriteTimeout, ErrCodeWriteFailure, ErrCodeCDCWriteFailure, ErrCodeCASWriteUnknown:
			return pool.OutcomeWriteTimeout
		case ErrCodeUnavailable:
			return pool.OutcomeUnavailable
		case ErrCodeOverloaded:
			return pool.OutcomeOverloaded
		case ErrCodeServer, ErrCodeIsBootstrapping, ErrCodeTruncate:
			return pool.OutcomeServerError
		}
		return pool.OutcomeRequestError
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), errors.Is(err, protocol.ErrAbandoned):
		return pool.OutcomeClientTimeout
	case errors.Is(err, protocol.ErrConnClosed):
		return pool.OutcomeConnection
	}
	return pool.OutcomeRequestError
}
