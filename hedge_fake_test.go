package cassandra

import (
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// delayed answers normally after d.
func delayed(d time.Duration) action {
	return func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		path := pathSelect
		if q, ok := req.Message.(*protocol.Query); ok && len(q.Params.PagingState) > 0 {
			path = pathPage2
		}
		time.AfterFunc(d, func() { c.Reply(req, normalAnswer(path, req)) })
	}
}

// twoNodes returns a *sql.DB over a slow and a fast scripted node, in round
// robin (no discovery), with edit applied to its Config.
func twoNodes(t *testing.T, slowBy time.Duration, edit func(*Config)) (*sql.DB, *Connector, *scriptedNode, *scriptedNode) {
	slow := newScriptedNode(t, fakeserver.Options{})
	fast := newScriptedNode(t, fakeserver.Options{})
	slow.always(pathSelect, delayed(slowBy))
	db, c := fakeConnector(t, slow.srv.Addr(), func(cfg *Config) {
		cfg.Hosts = []string{slow.srv.Addr(), fast.srv.Addr()}
		cfg.ConnsPerHost = 1
		if edit != nil {
			edit(cfg)
		}
	})
	return db, c, slow, fast
}

// TestSpeculativeExecutionAnswersFromTheOtherHost: a SELECT sent to a
// host that takes 500 ms is sent to the other host after the speculative
// delay, and returns with its answer; the slow host's is abandoned.
func TestSpeculativeExecutionAnswersFromTheOtherHost(t *testing.T) {
	checkGoroutines(t)
	db, c, slow, fast := twoNodes(t, 500*time.Millisecond, func(cfg *Config) { cfg.Speculative = 20 * time.Millisecond })
	// The pool's round robin starts with the first host: the slow one.
	start := time.Now()
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if slow.count(pathSelect) != 1 || fast.count(pathSelect) != 1 {
		t.Fatalf("slow host saw %d SELECTs, fast %d; want 1 and 1 (the speculative one)", slow.count(pathSelect), fast.count(pathSelect))
	}
	if took > 300*time.Millisecond {
		t.Errorf("the query took %v: the speculative execution did not answer it", took)
	}
	t.Logf("answered after %v by the speculative execution", took)
	for _, h := range c.Hosts() {
		if h.Addr == slow.srv.Addr() && h.Errors["client_timeout"] != 1 {
			t.Errorf("slow host figures %+v: want its abandoned attempt counted as client_timeout", h)
		}
	}
}

// TestSpeculativeOff: with speculative=off, nothing is sent twice.
func TestSpeculativeOff(t *testing.T) {
	db, _, slow, fast := twoNodes(t, 100*time.Millisecond, func(cfg *Config) { cfg.Speculative = SpeculativeOff })
	for i := 0; i < 4; i++ {
		if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
			t.Fatal(err)
		}
	}
	if n := slow.count(pathSelect) + fast.count(pathSelect); n != 4 {
		t.Fatalf("%d SELECTs reached the nodes for 4 queries with speculative=off", n)
	}
}

// TestSpeculativeBudget: when every request is slow, speculative
// executions stay within 5% of the requests (plus the burst of one).
func TestSpeculativeBudget(t *testing.T) {
	checkGoroutines(t)
	slowBoth := func(cfg *Config) { cfg.Speculative = 5 * time.Millisecond }
	db, _, slow, fast := twoNodes(t, 50*time.Millisecond, slowBoth)
	fast.always(pathSelect, delayed(50*time.Millisecond))
	const workers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	requests := workers * each
	extra := slow.count(pathSelect) + fast.count(pathSelect) - requests
	t.Logf("%d requests, %d speculative executions", requests, extra)
	if limit := requests*5/100 + 1; extra > limit || extra < 1 {
		t.Fatalf("%d speculative executions for %d requests, want 1 to %d", extra, requests, limit)
	}
}

// TestSpeculativeStalledHostOutsideTheBudget: requests stuck on a host
// that has stopped answering go to the other host even when the budget is
// empty (a stall would drain it: only the requests not stuck refill it).
func TestSpeculativeStalledHostOutsideTheBudget(t *testing.T) {
	checkGoroutines(t)
	db, c, stalled, fast := twoNodes(t, 0, func(cfg *Config) {
		cfg.Speculative = 20 * time.Millisecond
		cfg.Timeout = 3 * time.Second
	})
	// It answers first (a host that never answered is not stalled, only
	// new), then stops.
	for i := 0; i < 6; i++ {
		if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
			t.Fatal(err)
		}
	}
	before, fastBefore := stalled.count(pathSelect), fast.count(pathSelect)
	if before < 2 {
		t.Fatalf("the round robin sent %d of 6 warm-up queries to the first host", before)
	}
	stalled.always(pathSelect, func(*fakeserver.Conn, *protocol.RequestFrame) {}) // never answers
	c.hedgeTokens.Store(0)
	const n = 24 // the round robin puts 12 on the stalled host: stalled from 10
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- readAllQuery(db, "SELECT v FROM t")
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	stuck := stalled.count(pathSelect) - before
	t.Logf("%d queries in %v; %d reached the stalled host, %d speculative executions", n, took, stuck, c.speculated.Load())
	if stuck < 10 {
		t.Fatalf("only %d queries reached the stalled host: the test needs 10 for it to look stalled", stuck)
	}
	if got := fast.count(pathSelect) - fastBefore; got != n {
		t.Errorf("the answering host saw %d SELECTs, want all %d", got, n)
	}
	// Without the exemption, 24 requests earn one speculative execution:
	// the others would wait for the 3 s timeout.
	if took > time.Second {
		t.Errorf("the queries took %v: those on the stalled host waited for budget", took)
	}
}

// TestSpeculativeNotForWrites: a write that is not idempotent is never
// sent twice, however slow.
func TestSpeculativeNotForWrites(t *testing.T) {
	slow := newScriptedNode(t, fakeserver.Options{})
	fast := newScriptedNode(t, fakeserver.Options{})
	slow.always(pathInsert, func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		time.AfterFunc(100*time.Millisecond, func() { c.Reply(req, &protocol.Result{Kind: protocol.ResultVoid}) })
	})
	db, _ := fakeConnector(t, slow.srv.Addr(), func(cfg *Config) {
		cfg.Hosts = []string{slow.srv.Addr(), fast.srv.Addr()}
		cfg.Speculative = time.Millisecond
	})
	for i := 0; i < 4; i++ {
		if _, err := db.Exec("INSERT INTO t (k) VALUES (1)"); err != nil {
			t.Fatal(err)
		}
	}
	if n := slow.count(pathInsert) + fast.count(pathInsert); n != 4 {
		t.Fatalf("%d INSERTs reached the nodes for 4 writes: a write was sent twice", n)
	}
}

// TestOverloadedPausesBeforeTheRetry: the retry after Overloaded waits a
// short jittered pause; one after a lost socket does not.
func TestOverloadedPausesBeforeTheRetry(t *testing.T) {
	n := newScriptedNode(t, fakeserver.Options{})
	db := fakeDB(t, n.srv.Addr(), func(cfg *Config) { cfg.Speculative = SpeculativeOff })
	n.then(pathSelect, answerError(ErrCodeOverloaded, nil))
	start := time.Now()
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < overloadPause/2 {
		t.Errorf("retried after Overloaded within %v, want a pause of at least %v", d, overloadPause/2)
	}
	if got := n.count(pathSelect); got != 2 {
		t.Fatalf("%d SELECTs, want 2 (one retry)", got)
	}
}
