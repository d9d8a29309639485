package cassandra

import (
	"context"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// Observer is told of every request the driver runs (a query's page, an
// Exec, a transaction's BATCH, a PREPARE, a Ping) when it ends, and of
// every attempt of it: what a trace span or a metric needs (see the
// otelcql module for tracing spans and metrics). Set it as Config.Observer. Its
// methods run on the request's goroutine (a speculative attempt's on its
// own), after the fact: keep them quick. The values they get are valid
// only during the call. With no Observer the driver builds none of this.
type Observer interface {
	ObserveRequest(ctx context.Context, r *ObservedRequest)
	ObserveAttempt(ctx context.Context, a *ObservedAttempt)
}

// ObservedRequest describes one request when it ended.
type ObservedRequest struct {
	// ID numbers the requests of a Connector; the request's attempts
	// carry it as RequestID (they are reported before it ends).
	ID uint64
	// Operation is the statement's first keyword in upper case (SELECT,
	// INSERT, UPDATE, DELETE, CREATE...), or BATCH, PREPARE, OPTIONS (a
	// Ping).
	Operation string
	// Statement is the CQL text (a batch's first statement; "" for a Ping).
	Statement string
	// PreparedID is the id of the prepared statement it executed, if any.
	PreparedID []byte
	// Keyspace is the statement's keyspace when the driver knows it (a
	// prepared statement's table), else the Config's.
	Keyspace    string
	Consistency Consistency
	PageSize    int
	Page        int // a query's page: 1 for the first
	Idempotent  bool
	BatchSize   int // statements of a BATCH

	// Host is the host whose answer was used, or the last one tried.
	Host ObservedHost
	// Attempts counts the attempts sent (speculative ones included);
	// Speculative how many of them were speculative; Retries how many
	// were retries after a failure.
	Attempts, Speculative, Retries int

	Rows      int  // rows in this page
	MorePages bool // the result has a next page

	Start   time.Time
	Latency time.Duration
	Err     error
}

// ObservedAttempt describes one attempt of a request, on one host.
type ObservedAttempt struct {
	RequestID                      uint64 // the ID of its ObservedRequest
	Operation, Statement, Keyspace string
	Host                           ObservedHost
	Attempt                        int  // 1 for the first
	Speculative                    bool // sent while an earlier attempt still waited
	// RetryReason says why the attempt is a retry ("" for the first and
	// for speculative ones): read_timeout, write_timeout, unavailable,
	// overloaded, server_error, connection, not_sent.
	RetryReason string
	Start       time.Time
	Latency     time.Duration
	Err         error
}

// ObservedHost is a host as the driver knows it.
type ObservedHost struct {
	Addr, HostID, Datacenter, Rack string
}

// described is an operation that can say what it is, for an Observer.
type described interface {
	describe(r *ObservedRequest)
}

// observedHost fills in what the topology knows of addr.
func (c *Connector) observedHost(addr string) ObservedHost {
	h := ObservedHost{Addr: addr}
	if t := c.disc.topo.Load(); t != nil {
		if th := t.HostByAddr(addr); th != nil {
			h.HostID, h.Datacenter, h.Rack = th.ID.String(), th.Datacenter, th.Rack
			return h
		}
	}
	h.Datacenter = c.pool.HostDC(addr)
	return h
}

// requestObservation is what execute counts for the Observer.
type requestObservation struct {
	id                             uint64
	start                          time.Time
	attempts, speculative, retries int
	addr                           string
}

// observeAttempt reports one attempt. retry is the failure that caused it
// (nil for the first).
func (c *Connector) observeAttempt(ctx context.Context, obs Observer, id uint64, op operation, addr string, n int, speculative bool, retry error, start time.Time, err error) {
	a := ObservedAttempt{RequestID: id, Host: c.observedHost(addr), Attempt: n, Speculative: speculative, Start: start, Latency: time.Since(start), Err: err}
	if d, ok := op.(described); ok {
		var r ObservedRequest
		d.describe(&r)
		a.Operation, a.Statement, a.Keyspace = r.Operation, r.Statement, r.Keyspace
	}
	if retry != nil {
		a.RetryReason = retryReason(retry)
	}
	obs.ObserveAttempt(ctx, &a)
}

// observeRequest reports the request when it ends.
func (c *Connector) observeRequest(ctx context.Context, obs Observer, op operation, idempotent bool, o *requestObservation, err error) {
	r := ObservedRequest{ID: o.id, Idempotent: idempotent, Host: c.observedHost(o.addr), Attempts: o.attempts,
		Speculative: o.speculative, Retries: o.retries, Start: o.start, Latency: time.Since(o.start), Err: err}
	if d, ok := op.(described); ok {
		d.describe(&r)
	}
	if r.Keyspace == "" {
		r.Keyspace = c.cfg.Keyspace
	}
	obs.ObserveRequest(ctx, &r)
}

// retryReason names the failure a retry follows.
func retryReason(err error) string {
	if protocol.NotSent(err) {
		return "not_sent"
	}
	return outcomeOf(err).String()
}

func (r *request) describe(o *ObservedRequest) {
	o.Operation = upperKeyword(r.query)
	o.Statement = r.query
	p := r.params(r.page)
	o.Consistency, o.PageSize = p.Consistency, int(p.PageSize)
	o.Page = int(r.pageNo)
	if r.stmt != nil {
		o.PreparedID = r.stmt.StmtID()
		if len(r.stmt.Bound) > 0 {
			o.Keyspace = r.stmt.Bound[0].Keyspace
		}
	}
	if res := r.res; res != nil && res.Kind == protocol.ResultRows {
		o.Rows = res.Rows.RowCount
		o.MorePages = len(res.Rows.Metadata.PagingState) > 0
		if o.Keyspace == "" && len(res.Rows.Metadata.Columns) > 0 {
			o.Keyspace = res.Rows.Metadata.Columns[0].Keyspace
		}
	}
}

func (op *prepareOp) describe(o *ObservedRequest) {
	o.Operation, o.Statement = "PREPARE", op.query
	if op.prepared != nil {
		o.PreparedID = op.prepared.ID
	}
}

func (op pingOp) describe(o *ObservedRequest) { o.Operation = "OPTIONS" }

func (op *metadataOp) describe(o *ObservedRequest) {
	o.Operation, o.Statement = "SELECT", op.query
}

func (op *batchOp) describe(o *ObservedRequest) {
	o.Operation, o.BatchSize = "BATCH", len(op.b.Children)
	if len(op.b.Children) > 0 {
		o.Statement = op.b.Children[0].Statement
	}
	o.Consistency = op.b.Consistency
}

// upperKeyword returns the first keyword of a statement in upper case,
// allocating only when it is not in upper case already.
func upperKeyword(q string) string {
	k := firstKeyword(q)
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 'a' && c <= 'z' {
			b := []byte(k)
			for j := range b {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return k
}
