// Package otelcql reports the requests of the cqlsql Cassandra driver
// (github.com/cqlsql/cassandra) to OpenTelemetry: a span and a
// db.client.operation.duration measurement per request, following the
// OpenTelemetry semantic conventions for Cassandra client operations
// (semconv v1.39.0 keys).
//
// Set the Observer it returns as cassandra.Config.Observer:
//
//	cfg.Observer = otelcql.NewObserver()
//
// # Spans
//
// The driver tells its Observer of a request when the request has ended, so
// each span is made after the fact, with the request's own start and end
// times, as a child of the span in the request's context. One request is one
// span: a query's page (each page is its own request), an Exec, a
// transaction's BATCH, a PREPARE, a Ping (OPTIONS). Its kind is Client and
// its name is "{db.operation.name} {db.namespace}", such as "SELECT shop"
// ("SELECT" alone with no keyspace known).
//
// Its attributes, when known:
//
//	db.system.name                        "cassandra"
//	db.namespace                          the keyspace
//	db.operation.name                     SELECT, INSERT, ..., BATCH, PREPARE, OPTIONS
//	db.query.text                         the CQL (see WithQueryText)
//	db.operation.batch.size               statements of a BATCH (not set for 1)
//	db.response.returned_rows             rows of a SELECT's page
//	db.response.status_code               the CQL error code, as "0x2200" (failures only)
//	error.type                            see below (failures only)
//	server.address, server.port           the coordinator: the host that answered, or the last one tried
//	cassandra.consistency.level           "local_quorum", ... (not for PREPARE and OPTIONS)
//	cassandra.coordinator.id              the coordinator's host_id
//	cassandra.coordinator.dc              the coordinator's data center
//	cassandra.page.size                   the page size asked for
//	cassandra.query.idempotent            whether the driver took the request as idempotent
//	cassandra.speculative_execution.count speculative executions started (0 when none)
//	cqlsql.page                           a query's page: 1 for the first
//	cqlsql.more_pages                     a query's result has a next page
//	cqlsql.attempts                       attempts sent, speculative ones included
//	cqlsql.retries                        attempts that were retries after a failure
//	cqlsql.coordinator.rack               the coordinator's rack
//
// The cqlsql.* attributes are this module's own: the conventions define
// none for them.
//
// A failed request's span has the status Error with the error's text, and
// error.type: for an error from the server (a *cassandra.Error anywhere in
// the chain) the same string as db.response.status_code, such as "0x1200"
// for a read timeout; otherwise the Go type of the error under any
// fmt.Errorf wrapping, such as "context.deadlineExceededError" or
// "*net.OpError" (as semconv.ErrorType names them), and "_OTHER" for a plain errors.New error.
//
// # Attempts
//
// Each attempt of a request (retries and speculative executions included)
// becomes a "cqlsql.attempt" event on the request's span, at the
// attempt's start, with cqlsql.attempt.number, cqlsql.attempt.speculative,
// cqlsql.attempt.retry_reason (read_timeout, unavailable, ...: the
// failure the attempt retries), cqlsql.attempt.duration (seconds),
// server.address, server.port, cassandra.coordinator.id,
// cassandra.coordinator.dc, and on failure error.type,
// db.response.status_code and error.message. Events cost far less than a
// span per attempt. See WithAttemptEvents for how attempts are matched to
// their request and what is missed.
//
// # Metric
//
// Every request records its duration in seconds in the histogram
// db.client.operation.duration (bucket boundaries 0.001, 0.005, 0.01, 0.05,
// 0.1, 0.5, 1, 5 and 10 s, as the conventions recommend) with
// db.system.name, db.namespace, db.operation.name, server.address,
// server.port and, on failure, db.response.status_code and error.type.
package otelcql

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cqlsql/cassandra"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.39.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and meter.
const ScopeName = "github.com/cqlsql/cassandra/otelcql"

// This module's own attributes (the conventions have no key for them).
const (
	pageKey         = attribute.Key("cqlsql.page")
	morePagesKey    = attribute.Key("cqlsql.more_pages")
	attemptsKey     = attribute.Key("cqlsql.attempts")
	retriesKey      = attribute.Key("cqlsql.retries")
	rackKey         = attribute.Key("cqlsql.coordinator.rack")
	attemptEvent    = "cqlsql.attempt"
	attemptNumKey   = attribute.Key("cqlsql.attempt.number")
	attemptSpecKey  = attribute.Key("cqlsql.attempt.speculative")
	attemptRetryKey = attribute.Key("cqlsql.attempt.retry_reason")
	attemptDurKey   = attribute.Key("cqlsql.attempt.duration")
)

// durationBuckets are the boundaries the conventions recommend for
// db.client.operation.duration.
var durationBuckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// Option configures NewObserver.
type Option func(*config)

type config struct {
	tp            trace.TracerProvider
	mp            metric.MeterProvider
	queryText     bool
	attemptEvents bool
}

// WithTracerProvider sets where spans go. Default: otel.GetTracerProvider().
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider sets where the duration histogram goes. Default:
// otel.GetMeterProvider().
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// WithQueryText sets whether spans carry the CQL text as db.query.text.
// Default true: the driver sends the values of a query's arguments apart
// from its text (bind markers), so the text holds none of them; turn it off
// if your statements put literal values in the text itself.
func WithQueryText(on bool) Option {
	return func(c *config) { c.queryText = on }
}

// WithAttemptEvents sets whether attempts become "cqlsql.attempt"
// events on their request's span. Default true. The driver tells of an
// attempt before its request ends; the observer keeps it, by its
// RequestID, until the request ends. A speculative execution that ends
// after the request it lost gets no event (the span has ended);
// unmatched attempts are dropped after a minute.
func WithAttemptEvents(on bool) Option {
	return func(c *config) { c.attemptEvents = on }
}

// NewObserver returns a cassandra.Observer that makes a span and records
// db.client.operation.duration for every request of the driver.
func NewObserver(opts ...Option) cassandra.Observer {
	c := config{queryText: true, attemptEvents: true}
	for _, o := range opts {
		o(&c)
	}
	if c.tp == nil {
		c.tp = otel.GetTracerProvider()
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	o := &observer{
		tracer:        c.tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		queryText:     c.queryText,
		attemptEvents: c.attemptEvents,
	}
	meter := c.mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	h, err := meter.Float64Histogram("db.client.operation.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	if err != nil {
		otel.Handle(err) // h is then a no-op instrument
	}
	o.duration = h
	return o
}

type observer struct {
	tracer        trace.Tracer
	duration      metric.Float64Histogram
	queryText     bool
	attemptEvents bool
	pending       pendingAttempts
}

// ObserveRequest makes the request's span and records its duration.
func (o *observer) ObserveRequest(ctx context.Context, r *cassandra.ObservedRequest) {
	end := r.Start.Add(r.Latency)
	status, etype := errorAttrs(r.Err)

	common := make([]attribute.KeyValue, 0, 24)
	common = append(common, semconv.DBSystemNameCassandra)
	if r.Keyspace != "" {
		common = append(common, semconv.DBNamespace(r.Keyspace))
	}
	if r.Operation != "" {
		common = append(common, semconv.DBOperationName(r.Operation))
	}
	common = appendServer(common, r.Host.Addr)
	if status != "" {
		common = append(common, semconv.DBResponseStatusCode(status))
	}
	if etype != "" {
		common = append(common, semconv.ErrorTypeKey.String(etype))
	}
	metricAttrs := len(common)

	attrs := common
	if o.queryText && r.Statement != "" && (r.Operation != "BATCH" || r.BatchSize <= 1) {
		// A BATCH's observation has its first statement only: no text
		// rather than part of it.
		attrs = append(attrs, semconv.DBQueryText(r.Statement))
	}
	if r.Operation == "BATCH" && r.BatchSize != 1 {
		attrs = append(attrs, semconv.DBOperationBatchSize(r.BatchSize))
	}
	if r.Operation == "SELECT" && r.Err == nil {
		attrs = append(attrs, semconv.DBResponseReturnedRows(r.Rows))
	}
	if r.Operation != "PREPARE" && r.Operation != "OPTIONS" {
		attrs = append(attrs, semconv.CassandraConsistencyLevelKey.String(consistencyName(r.Consistency)))
	}
	attrs = appendCoordinator(attrs, r.Host)
	if r.Host.Rack != "" {
		attrs = append(attrs, rackKey.String(r.Host.Rack))
	}
	if r.PageSize > 0 {
		attrs = append(attrs, semconv.CassandraPageSize(r.PageSize))
	}
	attrs = append(attrs,
		semconv.CassandraQueryIdempotent(r.Idempotent),
		semconv.CassandraSpeculativeExecutionCount(r.Speculative),
		attemptsKey.Int(r.Attempts),
		retriesKey.Int(r.Retries))
	if r.Page > 0 {
		attrs = append(attrs, pageKey.Int(r.Page), morePagesKey.Bool(r.MorePages))
	}

	_, span := o.tracer.Start(ctx, spanName(r.Operation, r.Keyspace),
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(r.Start),
		trace.WithAttributes(attrs...))
	if o.attemptEvents {
		for _, a := range o.pending.take(r.ID, end) {
			span.AddEvent(attemptEvent, trace.WithTimestamp(a.Start), trace.WithAttributes(a.attrs...))
		}
	}
	if r.Err != nil {
		span.SetStatus(codes.Error, r.Err.Error())
	}
	span.End(trace.WithTimestamp(end))

	o.duration.Record(ctx, r.Latency.Seconds(), metric.WithAttributes(common[:metricAttrs]...))
}

// ObserveAttempt keeps the attempt for its request's span.
func (o *observer) ObserveAttempt(ctx context.Context, a *cassandra.ObservedAttempt) {
	if !o.attemptEvents {
		return
	}
	attrs := make([]attribute.KeyValue, 0, 12)
	attrs = append(attrs,
		attemptNumKey.Int(a.Attempt),
		attemptSpecKey.Bool(a.Speculative),
		attemptDurKey.Float64(a.Latency.Seconds()))
	if a.RetryReason != "" {
		attrs = append(attrs, attemptRetryKey.String(a.RetryReason))
	}
	attrs = appendServer(attrs, a.Host.Addr)
	attrs = appendCoordinator(attrs, a.Host)
	if a.Err != nil {
		status, etype := errorAttrs(a.Err)
		if status != "" {
			attrs = append(attrs, semconv.DBResponseStatusCode(status))
		}
		attrs = append(attrs, semconv.ErrorTypeKey.String(etype), semconv.ErrorMessage(a.Err.Error()))
	}
	o.pending.add(a.RequestID, attempt{
		operation: a.Operation, statement: a.Statement,
		Start: a.Start, end: a.Start.Add(a.Latency), attrs: attrs,
	})
}

// spanName follows the conventions: "{db.operation.name} {db.namespace}",
// the operation alone without a keyspace, the keyspace alone without an
// operation, else "cassandra".
func spanName(op, keyspace string) string {
	switch {
	case op != "" && keyspace != "":
		return op + " " + keyspace
	case op != "":
		return op
	case keyspace != "":
		return keyspace
	}
	return "cassandra"
}

// appendServer appends server.address and server.port from host:port (an
// address without a port is all host).
func appendServer(dst []attribute.KeyValue, hostport string) []attribute.KeyValue {
	if hostport == "" {
		return dst
	}
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return append(dst, semconv.ServerAddress(hostport))
	}
	dst = append(dst, semconv.ServerAddress(h))
	if port, err := strconv.Atoi(p); err == nil && port > 0 {
		dst = append(dst, semconv.ServerPort(port))
	}
	return dst
}

// appendCoordinator appends what the topology knows of the host.
func appendCoordinator(dst []attribute.KeyValue, h cassandra.ObservedHost) []attribute.KeyValue {
	if h.HostID != "" {
		dst = append(dst, semconv.CassandraCoordinatorID(h.HostID))
	}
	if h.Datacenter != "" {
		dst = append(dst, semconv.CassandraCoordinatorDC(h.Datacenter))
	}
	return dst
}

// consistencyName is the conventions' spelling of a level: "local_quorum".
func consistencyName(c cassandra.Consistency) string {
	return strings.ToLower(c.String())
}

// errorAttrs returns db.response.status_code (the CQL error code in hex,
// "0x2200", for an error from the server; else "") and error.type ("" for
// nil).
func errorAttrs(err error) (status, etype string) {
	if err == nil {
		return "", ""
	}
	var cerr *cassandra.Error
	if errors.As(err, &cerr) {
		s := fmt.Sprintf("0x%04x", uint32(cerr.Code))
		return s, s
	}
	return "", errorType(err)
}

var (
	fmtWrapError   = reflect.TypeOf(fmt.Errorf("%w", errors.New("x")))
	errorsNewError = reflect.TypeOf(errors.New("x"))
)

// errorType is the Go type of err under fmt.Errorf wrappers ("_OTHER" for
// errors.New's).
func errorType(err error) string {
	for reflect.TypeOf(err) == fmtWrapError {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	t := reflect.TypeOf(err)
	if t == errorsNewError {
		return semconv.ErrorTypeOther.Value.AsString()
	}
	if t.PkgPath() != "" && t.Name() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// attempt is an observed attempt waiting for its request's span.
type attempt struct {
	operation, statement string
	Start, end           time.Time
	attrs                []attribute.KeyValue
}

// Bounds of the attempts kept for their requests.
const (
	maxPendingRequests = 4096
	pendingMaxAge      = time.Minute
	sweepEvery         = 10 * time.Second
)

// pendingAttempts keeps attempts by their request's ID until it ends.
type pendingAttempts struct {
	mu    sync.Mutex
	byID  map[uint64][]attempt
	swept time.Time
}

func (p *pendingAttempts) add(id uint64, a attempt) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byID == nil {
		p.byID = make(map[uint64][]attempt)
	}
	list, ok := p.byID[id]
	if !ok && len(p.byID) >= maxPendingRequests {
		return
	}
	p.byID[id] = append(list, a)
}

// take removes and returns, in the order observed, the attempts of the
// request id.
func (p *pendingAttempts) take(id uint64, end time.Time) []attempt {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sweep(end)
	list := p.byID[id]
	delete(p.byID, id)
	return list
}

// sweep drops, every sweepEvery, the attempts that ended pendingMaxAge
// before now and were never taken.
func (p *pendingAttempts) sweep(now time.Time) {
	if now.Sub(p.swept) < sweepEvery {
		return
	}
	p.swept = now
	for id, list := range p.byID {
		keep := list[:0]
		for _, a := range list {
			if now.Sub(a.end) < pendingMaxAge {
				keep = append(keep, a)
			}
		}
		if len(keep) == 0 {
			delete(p.byID, id)
		} else {
			p.byID[id] = keep
		}
	}
}
