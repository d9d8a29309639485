package cassandra

import (
	"context"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// QueryOption is a per-query setting. Pass it as an extra argument of
// Query, QueryRow or Exec, anywhere in the argument list:
//
//	db.QueryContext(ctx, "SELECT * FROM ks.t WHERE id = ?", id,
//		cassandra.WithConsistency(cassandra.One), cassandra.WithPageSize(100))
//
// The driver removes it from the bound values (CheckNamedValue). Or attach
// options to a context with WithQueryOptions; options given as arguments
// win over those of the context.
//
// QueryOption implements driver.Valuer only so that mocks of database/sql
// (go-sqlmock) can compare it: its value is a string such as
// "cassandra.WithConsistency(ONE)". The cassandra driver never sends it.
type QueryOption struct {
	name  string
	apply func(*queryOptions)
}

// Value returns the description of the option, for mocks and logs.
func (o QueryOption) Value() (driver.Value, error) { return o.name, nil }

// String returns the description of the option.
func (o QueryOption) String() string { return o.name }

// BatchType selects the kind of BATCH a transaction commits as.
type BatchType uint8

// Batch types; see WithBatchType.
const (
	// LoggedBatch (the default) goes through the batch log: all or
	// nothing, eventually, even across partitions.
	LoggedBatch BatchType = 0
	// UnloggedBatch skips the batch log: faster, atomic only within one
	// partition.
	UnloggedBatch BatchType = 1
	// CounterBatch holds counter updates only.
	CounterBatch BatchType = 2
)

// String returns "LOGGED", "UNLOGGED" or "COUNTER".
func (t BatchType) String() string {
	switch t {
	case LoggedBatch:
		return "LOGGED"
	case UnloggedBatch:
		return "UNLOGGED"
	case CounterBatch:
		return "COUNTER"
	}
	return fmt.Sprintf("BatchType(%d)", uint8(t))
}

// queryOptions are the per-request settings; a zero field is unset and the
// Config's value applies.
//
// Word-sized fields first, the small ones packed at the end: every request
// (and so every query's rows) embeds one, and 24 bytes of padding put both
// in the next allocation size class (see the fake-server point select and
// insert benchmarks).
type queryOptions struct {
	pagingState    []byte
	timestamp      int64
	trace          *traceSink
	warnings       *warningSink
	pages          *pageReports // set once a query's first page is in: see deferReports
	pagingOut      *[]byte
	pageSize       int32
	consistency    Consistency
	serial         Consistency
	paging         PagingMode
	batchType      BatchType
	hasConsistency bool
	hasPaging      bool
	hasTimestamp   bool
	idempotent     bool
	hasIdempotent  bool
	hasBatchType   bool
}

// merge applies the options of o that are set over those of base.
func (base queryOptions) merge(o *queryOptions) queryOptions {
	if o.hasConsistency {
		base.consistency, base.hasConsistency = o.consistency, true
	}
	if o.serial != 0 {
		base.serial = o.serial
	}
	if o.pageSize != 0 {
		base.pageSize = o.pageSize
	}
	if o.pagingState != nil {
		base.pagingState = o.pagingState
	}
	if o.hasPaging {
		base.paging, base.hasPaging = o.paging, true
	}
	if o.hasTimestamp {
		base.timestamp, base.hasTimestamp = o.timestamp, true
	}
	if o.hasIdempotent {
		base.idempotent, base.hasIdempotent = o.idempotent, true
	}
	if o.trace != nil {
		base.trace = o.trace
	}
	if o.warnings != nil {
		base.warnings = o.warnings
	}
	if o.hasBatchType {
		base.batchType, base.hasBatchType = o.batchType, true
	}
	if o.pagingOut != nil {
		base.pagingOut = o.pagingOut
	}
	return base
}

// WithConsistency sets the consistency level of the query (of the BATCH,
// for a transaction).
func WithConsistency(c Consistency) QueryOption {
	return QueryOption{"cassandra.WithConsistency(" + c.String() + ")", func(o *queryOptions) {
		o.consistency, o.hasConsistency = c, true
	}}
}

// WithSerialConsistency sets the consistency of the Paxos phase of a
// conditional statement: Serial or LocalSerial.
func WithSerialConsistency(c Consistency) QueryOption {
	return QueryOption{"cassandra.WithSerialConsistency(" + c.String() + ")", func(o *queryOptions) {
		o.serial = c
	}}
}

// WithPageSize sets the number of rows per page; n < 1 is ignored.
func WithPageSize(n int) QueryOption {
	return QueryOption{fmt.Sprintf("cassandra.WithPageSize(%d)", n), func(o *queryOptions) {
		if n > 0 {
			o.pageSize = int32(n) // the protocol's [int]
		}
	}}
}

// WithPagingState resumes a query where a previous run of the same query
// stopped: state is what that run stored into a []byte through an
// sql.Out{Dest: &state} argument (the paging state of its next page, nil
// after the last page). A nil or empty state starts from the first page. The query
// text, its arguments and the page size must be the same as for the run
// that produced the state.
func WithPagingState(state []byte) QueryOption {
	return QueryOption{fmt.Sprintf("cassandra.WithPagingState(%x)", state), func(o *queryOptions) {
		if len(state) > 0 {
			o.pagingState = state
		}
	}}
}

// WithPaging sets the paging mode of the query: PagingAuto (Next walks
// every page) or PagingPages (each page is one result set: Next stops at
// the end of the page, NextResultSet fetches the next one).
func WithPaging(m PagingMode) QueryOption {
	return QueryOption{"cassandra.WithPaging(" + m.String() + ")", func(o *queryOptions) {
		o.paging, o.hasPaging = m, true
	}}
}

// WithTimestamp sets the client-side write timestamp of the statement (of
// every statement of a transaction's BATCH), in microseconds since the
// Unix epoch as Cassandra stores it.
func WithTimestamp(t time.Time) QueryOption {
	us := t.UnixMicro()
	return QueryOption{fmt.Sprintf("cassandra.WithTimestamp(%d)", us), func(o *queryOptions) {
		o.timestamp, o.hasTimestamp = us, true
	}}
}

// WithIdempotent says whether the statement may safely be sent again after
// it may have reached the server (its socket was lost before the answer,
// or the server answered Overloaded or with a write timeout): see the retry
// table in the README. Without it, a SELECT is idempotent and a write is as
// Config.Idempotent says.
func WithIdempotent(idempotent bool) QueryOption {
	return QueryOption{fmt.Sprintf("cassandra.WithIdempotent(%t)", idempotent), func(o *queryOptions) {
		o.idempotent, o.hasIdempotent = idempotent, true
	}}
}

// WithTracing asks the server to trace the query, every page of it, and
// stores a tracing session id in *id; the trace is then in
// system_traces.sessions and system_traces.events. The rule: *id holds the
// session of the latest page the caller has reached. When Query returns it
// is the first page's; each later page replaces it when Rows.Next (or
// Rows.NextResultSet) moves to that page, so after the last row it is the
// last page's. To see every page's session, read *id after each
// NextResultSet with WithPaging(PagingPages).
//
// The driver writes *id only during the calls of the query (Query, Exec,
// Rows.Next, Rows.NextResultSet, Commit), never from a background fetch;
// with the option on a context shared by goroutines, the writes are
// serialized, and the last query to get an answer wins.
func WithTracing(id *uuid.UUID) QueryOption {
	sink := &traceSink{id: id}
	return QueryOption{"cassandra.WithTracing()", func(o *queryOptions) {
		if id != nil {
			o.trace = sink
		}
	}}
}

// WithWarnings appends to *dst the warnings the server attaches to its
// answers (a batch above the size threshold, an aggregation without a
// partition key, tombstones...), which are otherwise dropped: those of
// every page, appended when the caller reaches the page, as for
// WithTracing.
//
// One WithWarnings may be shared: on a context used by many goroutines,
// every query appends to the same *dst, one at a time (a mutex of the
// option guards it). Read *dst once those queries are done; two
// WithWarnings options on the same slice do not share a lock.
func WithWarnings(dst *[]string) QueryOption {
	sink := &warningSink{dst: dst}
	return QueryOption{"cassandra.WithWarnings()", func(o *queryOptions) {
		if dst != nil {
			o.warnings = sink
		}
	}}
}

// WithBatchType selects the BATCH type of a transaction. Attach it to the
// context given to BeginTx:
//
//	tx, err := db.BeginTx(cassandra.WithQueryOptions(ctx,
//		cassandra.WithBatchType(cassandra.UnloggedBatch)), nil)
func WithBatchType(t BatchType) QueryOption {
	return QueryOption{"cassandra.WithBatchType(" + t.String() + ")", func(o *queryOptions) {
		o.batchType, o.hasBatchType = t, true
	}}
}

type optionsKey struct{}

// WithQueryOptions returns a context that applies opts to every query,
// Exec and transaction run with it. Options passed as query arguments win.
func WithQueryOptions(ctx context.Context, opts ...QueryOption) context.Context {
	var o queryOptions
	if prev, ok := ctx.Value(optionsKey{}).(*queryOptions); ok {
		o = *prev
	}
	for _, opt := range opts {
		if opt.apply != nil {
			opt.apply(&o)
		}
	}
	return context.WithValue(ctx, optionsKey{}, &o)
}

// contextOptions returns the options attached to ctx.
func contextOptions(ctx context.Context) queryOptions {
	if o, ok := ctx.Value(optionsKey{}).(*queryOptions); ok {
		return *o
	}
	return queryOptions{}
}
