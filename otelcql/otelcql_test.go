package otelcql_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/otelcql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// harness is an observer wired to an in-memory span recorder and a manual
// metric reader.
type harness struct {
	obs    cassandra.Observer
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
}

func newHarness(t *testing.T, opts ...otelcql.Option) *harness {
	t.Helper()
	h := &harness{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	h.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	t.Cleanup(func() {
		_ = h.tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	h.obs = otelcql.NewObserver(append([]otelcql.Option{otelcql.WithTracerProvider(h.tp), otelcql.WithMeterProvider(mp)}, opts...)...)
	return h
}

// parent starts the application's span the request spans hang from.
func (h *harness) parent(t *testing.T) (context.Context, trace.Span) {
	t.Helper()
	ctx, span := h.tp.Tracer("app").Start(context.Background(), "handler")
	t.Cleanup(func() { span.End() })
	return ctx, span
}

func (h *harness) ended(t *testing.T, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	spans := h.spans.Ended()
	if len(spans) != n {
		t.Fatalf("%d spans ended, want %d: %v", len(spans), n, names(spans))
	}
	return spans
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var s []string
	for _, sp := range spans {
		s = append(s, sp.Name())
	}
	return s
}

// histogram collects db.client.operation.duration.
func (h *harness) histogram(t *testing.T) metricdata.Histogram[float64] {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := h.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != otelcql.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name != "db.client.operation.duration" {
				continue
			}
			if m.Unit != "s" {
				t.Errorf("unit %q, want s", m.Unit)
			}
			hist, ok := m.Data.(metricdata.Histogram[float64])
			if !ok {
				t.Fatalf("db.client.operation.duration is a %T", m.Data)
			}
			return hist
		}
	}
	t.Fatal("no db.client.operation.duration collected")
	return metricdata.Histogram[float64]{}
}

func attrMap(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := make(map[attribute.Key]attribute.Value, len(kvs))
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// wantAttrs checks that got has every want attribute with its value, and
// none of absent.
func wantAttrs(t *testing.T, what string, got []attribute.KeyValue, want map[string]any, absent ...string) {
	t.Helper()
	m := attrMap(got)
	for k, v := range want {
		g, ok := m[attribute.Key(k)]
		if !ok {
			t.Errorf("%s: no %s (want %v)", what, k, v)
			continue
		}
		if g.AsInterface() != v {
			t.Errorf("%s: %s = %#v, want %#v", what, k, g.AsInterface(), v)
		}
	}
	for _, k := range absent {
		if g, ok := m[attribute.Key(k)]; ok {
			t.Errorf("%s: %s = %v, want none", what, k, g.AsInterface())
		}
	}
}

var (
	t0   = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	host = cassandra.ObservedHost{Addr: "10.0.0.7:9042", HostID: "be13faa2-8574-4d71-926d-27f16cf8a7af", Datacenter: "dc1", Rack: "r1"}
)

func selectRequest() *cassandra.ObservedRequest {
	return &cassandra.ObservedRequest{
		Operation: "SELECT", Statement: "SELECT id, name FROM items WHERE shop = ?", Keyspace: "shop",
		Consistency: cassandra.LocalQuorum, PageSize: 100, Page: 1, Idempotent: true,
		Host: host, Attempts: 1, Rows: 3, Start: t0, Latency: 4 * time.Millisecond,
	}
}

func TestRequestSpan(t *testing.T) {
	h := newHarness(t)
	ctx, parent := h.parent(t)
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: selectRequest().Statement, Keyspace: "shop",
		Host: host, Attempt: 1, Start: t0.Add(time.Millisecond), Latency: 3 * time.Millisecond})
	h.obs.ObserveRequest(ctx, selectRequest())

	sp := h.ended(t, 1)[0]
	if sp.Name() != "SELECT shop" {
		t.Errorf("name %q, want %q", sp.Name(), "SELECT shop")
	}
	if sp.SpanKind() != trace.SpanKindClient {
		t.Errorf("kind %v, want client", sp.SpanKind())
	}
	if !sp.StartTime().Equal(t0) || !sp.EndTime().Equal(t0.Add(4*time.Millisecond)) {
		t.Errorf("span from %v to %v, want %v to %v", sp.StartTime(), sp.EndTime(), t0, t0.Add(4*time.Millisecond))
	}
	if sp.Parent().SpanID() != parent.SpanContext().SpanID() || sp.SpanContext().TraceID() != parent.SpanContext().TraceID() {
		t.Errorf("parent %v, want the handler span %v", sp.Parent().SpanID(), parent.SpanContext().SpanID())
	}
	if sp.Status().Code != codes.Unset {
		t.Errorf("status %v, want unset", sp.Status())
	}
	wantAttrs(t, "span", sp.Attributes(), map[string]any{
		"db.system.name":                        "cassandra",
		"db.namespace":                          "shop",
		"db.operation.name":                     "SELECT",
		"db.query.text":                         "SELECT id, name FROM items WHERE shop = ?",
		"db.response.returned_rows":             int64(3),
		"server.address":                        "10.0.0.7",
		"server.port":                           int64(9042),
		"cassandra.consistency.level":           "local_quorum",
		"cassandra.coordinator.id":              host.HostID,
		"cassandra.coordinator.dc":              "dc1",
		"cassandra.page.size":                   int64(100),
		"cassandra.query.idempotent":            true,
		"cassandra.speculative_execution.count": int64(0),
		"cqlsql.page":                           int64(1),
		"cqlsql.more_pages":                     false,
		"cqlsql.attempts":                       int64(1),
		"cqlsql.retries":                        int64(0),
		"cqlsql.coordinator.rack":               "r1",
	}, "db.response.status_code", "error.type", "db.operation.batch.size")

	ev := sp.Events()
	if len(ev) != 1 || ev[0].Name != "cqlsql.attempt" {
		t.Fatalf("events %v, want one cqlsql.attempt", ev)
	}
	if !ev[0].Time.Equal(t0.Add(time.Millisecond)) {
		t.Errorf("attempt event at %v, want its start %v", ev[0].Time, t0.Add(time.Millisecond))
	}
	wantAttrs(t, "attempt", ev[0].Attributes, map[string]any{
		"cqlsql.attempt.number":      int64(1),
		"cqlsql.attempt.speculative": false,
		"cqlsql.attempt.duration":    0.003,
		"server.address":             "10.0.0.7",
		"cassandra.coordinator.id":   host.HostID,
	}, "cqlsql.attempt.retry_reason", "error.type")

	hist := h.histogram(t)
	if len(hist.DataPoints) != 1 {
		t.Fatalf("%d data points, want 1", len(hist.DataPoints))
	}
	dp := hist.DataPoints[0]
	if dp.Count != 1 || dp.Sum != 0.004 {
		t.Errorf("count %d sum %v, want 1 and 0.004", dp.Count, dp.Sum)
	}
	if want := []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}; fmt.Sprint(dp.Bounds) != fmt.Sprint(want) {
		t.Errorf("bounds %v, want %v", dp.Bounds, want)
	}
	wantAttrs(t, "metric", dp.Attributes.ToSlice(), map[string]any{
		"db.system.name": "cassandra", "db.namespace": "shop", "db.operation.name": "SELECT",
		"server.address": "10.0.0.7", "server.port": int64(9042),
	}, "db.query.text", "cassandra.consistency.level", "error.type", "db.response.status_code")
	if n := dp.Attributes.Len(); n != 5 {
		t.Errorf("metric has %d attributes, want 5: %v", n, dp.Attributes.ToSlice())
	}
}

func TestServerError(t *testing.T) {
	h := newHarness(t)
	ctx, _ := h.parent(t)
	cerr := &cassandra.Error{Code: cassandra.ErrCodeReadTimeout, Message: "Operation timed out - received only 0 responses."}
	r := selectRequest()
	r.Err = fmt.Errorf("cassandra: query: %w", cerr)
	r.Attempts, r.Retries = 2, 1
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: r.Statement, Host: host, Attempt: 1,
		Start: t0, Latency: time.Millisecond, Err: cerr})
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: r.Statement, Host: host, Attempt: 2,
		RetryReason: "read_timeout", Start: t0.Add(2 * time.Millisecond), Latency: time.Millisecond, Err: cerr})
	h.obs.ObserveRequest(ctx, r)

	sp := h.ended(t, 1)[0]
	if sp.Status().Code != codes.Error || sp.Status().Description != r.Err.Error() {
		t.Errorf("status %+v, want error %q", sp.Status(), r.Err.Error())
	}
	wantAttrs(t, "span", sp.Attributes(), map[string]any{
		"db.response.status_code": "0x1200",
		"error.type":              "0x1200",
		"cqlsql.attempts":         int64(2),
		"cqlsql.retries":          int64(1),
	}, "db.response.returned_rows")
	ev := sp.Events()
	if len(ev) != 2 {
		t.Fatalf("%d events, want 2", len(ev))
	}
	wantAttrs(t, "retry", ev[1].Attributes, map[string]any{
		"cqlsql.attempt.number":       int64(2),
		"cqlsql.attempt.retry_reason": "read_timeout",
		"db.response.status_code":     "0x1200",
		"error.type":                  "0x1200",
		"error.message":               cerr.Error(),
	})
	dp := h.histogram(t).DataPoints
	if len(dp) != 1 {
		t.Fatalf("%d data points, want 1", len(dp))
	}
	wantAttrs(t, "metric", dp[0].Attributes.ToSlice(), map[string]any{"db.response.status_code": "0x1200", "error.type": "0x1200"})
}

func TestClientErrorType(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("cassandra: query: %w", context.DeadlineExceeded), "context.deadlineExceededError"},
		{errors.New("cassandra: no host answered"), "_OTHER"},
		{&cassandra.MaybeAppliedError{Addr: "10.0.0.7:9042", Err: context.DeadlineExceeded}, "*cassandra.MaybeAppliedError"},
		{&cassandra.MaybeAppliedError{Addr: "10.0.0.7:9042", Err: &cassandra.Error{Code: cassandra.ErrCodeWriteTimeout}}, "0x1100"},
	} {
		h := newHarness(t)
		r := selectRequest()
		r.Err = c.err
		h.obs.ObserveRequest(context.Background(), r)
		sp := h.ended(t, 1)[0]
		got := attrMap(sp.Attributes())["error.type"].AsString()
		if got != c.want {
			t.Errorf("%v: error.type %q, want %q", c.err, got, c.want)
		}
	}
}

func TestSpeculativeExecution(t *testing.T) {
	h := newHarness(t)
	ctx, _ := h.parent(t)
	r := selectRequest()
	r.Attempts, r.Speculative = 2, 1
	r.Host = cassandra.ObservedHost{Addr: "10.0.0.8:9042", HostID: "b0b0b0b0-0000-4000-8000-000000000008", Datacenter: "dc1"}
	// The speculative execution wins and is told of first; the first
	// attempt, given way, after.
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: r.Statement, Host: r.Host, Attempt: 2,
		Speculative: true, Start: t0.Add(2 * time.Millisecond), Latency: time.Millisecond})
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: r.Statement, Host: host, Attempt: 1,
		Start: t0, Latency: 3 * time.Millisecond, Err: errors.New("cassandra: request abandoned")})
	h.obs.ObserveRequest(ctx, r)

	sp := h.ended(t, 1)[0]
	wantAttrs(t, "span", sp.Attributes(), map[string]any{
		"cassandra.speculative_execution.count": int64(1),
		"cqlsql.attempts":                       int64(2),
		"server.address":                        "10.0.0.8",
		"cassandra.coordinator.id":              r.Host.HostID,
	})
	ev := sp.Events()
	if len(ev) != 2 {
		t.Fatalf("%d events, want 2", len(ev))
	}
	wantAttrs(t, "speculative", ev[0].Attributes, map[string]any{"cqlsql.attempt.number": int64(2), "cqlsql.attempt.speculative": true, "server.address": "10.0.0.8"})
	wantAttrs(t, "first", ev[1].Attributes, map[string]any{"cqlsql.attempt.number": int64(1), "cqlsql.attempt.speculative": false, "error.type": "_OTHER"})
}

func TestSecondPage(t *testing.T) {
	h := newHarness(t)
	ctx, _ := h.parent(t)
	for page := 1; page <= 2; page++ {
		r := selectRequest()
		r.Page, r.MorePages, r.Rows = page, page == 1, 2
		r.Start = t0.Add(time.Duration(page) * 10 * time.Millisecond)
		h.obs.ObserveRequest(ctx, r)
	}
	spans := h.ended(t, 2)
	wantAttrs(t, "page 1", spans[0].Attributes(), map[string]any{"cqlsql.page": int64(1), "cqlsql.more_pages": true})
	wantAttrs(t, "page 2", spans[1].Attributes(), map[string]any{"cqlsql.page": int64(2), "cqlsql.more_pages": false, "db.response.returned_rows": int64(2)})
	dp := h.histogram(t).DataPoints
	if len(dp) != 1 || dp[0].Count != 2 {
		t.Fatalf("data points %+v, want one with count 2 (pages share their attributes)", dp)
	}
}

func TestOtherOperations(t *testing.T) {
	h := newHarness(t, otelcql.WithQueryText(false))
	ctx := context.Background()
	h.obs.ObserveRequest(ctx, &cassandra.ObservedRequest{Operation: "PREPARE", Statement: "SELECT * FROM t WHERE k = ?", Keyspace: "shop", Host: host, Attempts: 1, Start: t0, Latency: time.Millisecond})
	h.obs.ObserveRequest(ctx, &cassandra.ObservedRequest{Operation: "BATCH", Statement: "INSERT INTO t (k) VALUES (?)", BatchSize: 3, Consistency: cassandra.Quorum, Host: host, Attempts: 1, Start: t0, Latency: time.Millisecond})
	h.obs.ObserveRequest(ctx, &cassandra.ObservedRequest{Host: cassandra.ObservedHost{Addr: "db.example"}, Start: t0, Latency: time.Millisecond})
	spans := h.ended(t, 3)
	if got := names(spans); fmt.Sprint(got) != "[PREPARE shop BATCH cassandra]" {
		t.Errorf("names %q", got)
	}
	wantAttrs(t, "prepare", spans[0].Attributes(), nil, "cassandra.consistency.level", "db.query.text", "cqlsql.page", "cassandra.page.size")
	wantAttrs(t, "batch", spans[1].Attributes(), map[string]any{"db.operation.batch.size": int64(3), "cassandra.consistency.level": "quorum"}, "db.namespace", "db.query.text")
	wantAttrs(t, "no port", spans[2].Attributes(), map[string]any{"server.address": "db.example"}, "server.port", "db.operation.name")
}

func TestBatchOfMoreKeepsNoPartialText(t *testing.T) {
	h := newHarness(t)
	h.obs.ObserveRequest(context.Background(), &cassandra.ObservedRequest{Operation: "BATCH", Statement: "INSERT INTO t (k) VALUES (?)", BatchSize: 2, Host: host, Start: t0, Latency: time.Millisecond})
	h.obs.ObserveRequest(context.Background(), &cassandra.ObservedRequest{Operation: "BATCH", Statement: "INSERT INTO t (k) VALUES (?)", BatchSize: 1, Host: host, Start: t0, Latency: time.Millisecond})
	spans := h.ended(t, 2)
	wantAttrs(t, "batch of 2", spans[0].Attributes(), nil, "db.query.text")
	wantAttrs(t, "batch of 1", spans[1].Attributes(), map[string]any{"db.query.text": "INSERT INTO t (k) VALUES (?)"}, "db.operation.batch.size")
}

func TestAttemptsMatchTheirRequest(t *testing.T) {
	h := newHarness(t)
	ctx, _ := h.parent(t)
	r := selectRequest()
	r.ID = 7
	at := func(id uint64, stmt string) {
		h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{RequestID: id, Operation: "SELECT", Statement: stmt, Host: host, Attempt: 1, Start: t0.Add(time.Millisecond), Latency: time.Millisecond})
	}
	at(7, r.Statement)           // this request's
	at(8, "SELECT * FROM other") // another request's
	at(9, r.Statement)           // another request of the same statement
	h.obs.ObserveRequest(ctx, r)
	if ev := h.ended(t, 1)[0].Events(); len(ev) != 1 {
		t.Fatalf("%d events, want only the request's own attempt", len(ev))
	}

	// The others wait for their own request.
	r2 := selectRequest()
	r2.ID, r2.Statement, r2.Start = 8, "SELECT * FROM other", t0
	h.obs.ObserveRequest(context.Background(), r2)
	if ev := h.ended(t, 2)[1].Events(); len(ev) != 1 {
		t.Fatalf("%d events on the other request's span, want 1", len(ev))
	}
}

func TestNoAttemptEvents(t *testing.T) {
	h := newHarness(t, otelcql.WithAttemptEvents(false))
	ctx, _ := h.parent(t)
	r := selectRequest()
	h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{Operation: "SELECT", Statement: r.Statement, Host: host, Attempt: 1, Start: t0, Latency: time.Millisecond})
	h.obs.ObserveRequest(ctx, r)
	if ev := h.ended(t, 1)[0].Events(); len(ev) != 0 {
		t.Fatalf("%d events, want none", len(ev))
	}
}

// TestConcurrent runs requests on many goroutines, as the driver does (run
// it with -race).
func TestConcurrent(t *testing.T) {
	h := newHarness(t)
	const n = 32
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, span := h.tp.Tracer("app").Start(context.Background(), "job")
			defer span.End()
			r := selectRequest()
			r.ID, r.Start = uint64(i+1), time.Now()
			h.obs.ObserveAttempt(ctx, &cassandra.ObservedAttempt{RequestID: r.ID, Operation: "SELECT", Statement: r.Statement, Host: host, Attempt: 1, Start: r.Start, Latency: time.Millisecond})
			r.Latency = time.Millisecond
			h.obs.ObserveRequest(ctx, r)
		}(i)
	}
	wg.Wait()
	spans := h.spans.Ended()
	requests := 0
	for _, sp := range spans {
		if sp.Name() == "SELECT shop" {
			requests++
			if len(sp.Events()) != 1 {
				t.Errorf("request span with %d events, want 1", len(sp.Events()))
			}
		}
	}
	if requests != n {
		t.Errorf("%d request spans, want %d", requests, n)
	}
	if dp := h.histogram(t).DataPoints; len(dp) != 1 || dp[0].Count != n {
		t.Errorf("data points %+v, want one with count %d", dp, n)
	}
}
