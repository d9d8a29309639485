package cassandra

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// recorder is an Observer that keeps copies of what it is told.
type recorder struct {
	mu       sync.Mutex
	requests []ObservedRequest
	attempts []ObservedAttempt
}

func (r *recorder) ObserveRequest(_ context.Context, o *ObservedRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, *o)
}

func (r *recorder) ObserveAttempt(_ context.Context, a *ObservedAttempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts = append(r.attempts, *a)
}

func (r *recorder) snapshot() ([]ObservedRequest, []ObservedAttempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ObservedRequest(nil), r.requests...), append([]ObservedAttempt(nil), r.attempts...)
}

// TestObserverSeesPagesAttemptsAndSpeculation: a paged SELECT whose first
// page was answered by a speculative execution is reported as two
// requests (one per page) and three attempts.
func TestObserverSeesPagesAttemptsAndSpeculation(t *testing.T) {
	rec := &recorder{}
	db, _, slow, fast := twoNodes(t, 300*time.Millisecond, func(cfg *Config) {
		cfg.Speculative = 20 * time.Millisecond
		cfg.Observer = rec
		cfg.Consistency = LocalQuorum
		cfg.PageSize = 1
	})
	rows, err := db.Query("SELECT v FROM t -- paged")
	if err != nil {
		t.Fatal(err)
	}
	if err := readAll(rows, 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond) // the abandoned attempt's report comes when it gives up
	reqs, atts := rec.snapshot()
	if len(reqs) != 2 {
		t.Fatalf("%d requests observed, want 2 (one per page): %+v", len(reqs), reqs)
	}
	first, second := reqs[0], reqs[1]
	if first.Operation != "SELECT" || first.Statement != "SELECT v FROM t -- paged" || first.Page != 1 ||
		first.Consistency != LocalQuorum || first.PageSize != 1 || !first.Idempotent ||
		first.Attempts != 2 || first.Speculative != 1 || first.Retries != 0 ||
		first.Host.Addr != fast.srv.Addr() || first.Rows != 1 || !first.MorePages || first.Err != nil || first.Latency <= 0 || first.Start.IsZero() {
		t.Errorf("first page observed as %+v", first)
	}
	if second.Page != 2 || second.MorePages || second.Attempts != 1 || second.Speculative != 0 || second.Rows != 1 || second.Err != nil {
		t.Errorf("second page observed as %+v", second)
	}
	var primary, spec *ObservedAttempt
	for i := range atts {
		a := &atts[i]
		switch {
		case a.Speculative:
			spec = a
		case a.Host.Addr == slow.srv.Addr() && primary == nil: // page 2 may go there too
			primary = a
		}
	}
	if primary == nil || !errors.Is(primary.Err, protocol.ErrAbandoned) || primary.Attempt != 1 || primary.Operation != "SELECT" {
		t.Errorf("first attempt observed as %+v, want abandoned on the slow host", primary)
	}
	if spec == nil || spec.Err != nil || spec.Host.Addr != fast.srv.Addr() || spec.Attempt != 2 {
		t.Errorf("speculative attempt observed as %+v", spec)
	}
	if len(atts) != 3 {
		t.Errorf("%d attempts observed, want 3: %+v", len(atts), atts)
	}
}

// TestObserverRetryReason: a retry after Unavailable says so.
func TestObserverRetryReason(t *testing.T) {
	rec := &recorder{}
	n := newScriptedNode(t, fakeserver.Options{})
	n.then(pathSelect, answerError(ErrCodeUnavailable, &protocol.Unavailable{Consistency: protocol.Quorum, Required: 2, Alive: 1}))
	db := fakeDB(t, n.srv.Addr(), func(cfg *Config) { cfg.Observer = rec })
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Fatal(err)
	}
	reqs, atts := rec.snapshot()
	if len(atts) != 2 || atts[0].RetryReason != "" || atts[1].RetryReason != "unavailable" || atts[1].Attempt != 2 {
		t.Fatalf("attempts observed: %+v", atts)
	}
	var cerr *Error
	if !errors.As(atts[0].Err, &cerr) || cerr.Code != ErrCodeUnavailable {
		t.Errorf("first attempt's error: %v", atts[0].Err)
	}
	if len(reqs) != 1 || reqs[0].Retries != 1 || reqs[0].Attempts != 2 || reqs[0].Err != nil {
		t.Fatalf("request observed: %+v", reqs)
	}
	if id := reqs[0].ID; id == 0 || atts[0].RequestID != id || atts[1].RequestID != id {
		t.Errorf("request ID %d, attempts' %d and %d", id, atts[0].RequestID, atts[1].RequestID)
	}
}

type nopObserver struct{}

func (nopObserver) ObserveRequest(context.Context, *ObservedRequest) {}
func (nopObserver) ObserveAttempt(context.Context, *ObservedAttempt) {}

// BenchmarkFakePointSelectObserved is BenchmarkFakePointSelect with an
// Observer that does nothing: what building the reports costs. Without
// one (BenchmarkFakePointSelect) nothing is built.
func BenchmarkFakePointSelectObserved(b *testing.B) {
	srv := pointSelectNode(b)
	db := fakeDB(b, srv.Addr(), func(cfg *Config) { cfg.Observer = nopObserver{} })
	st, err := db.Prepare("SELECT v1, v2 FROM kv WHERE pk = ?")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var v1, v2 int64
		if err := st.QueryRow(int64(i)).Scan(&v1, &v2); err != nil {
			b.Fatal(err)
		}
	}
}
