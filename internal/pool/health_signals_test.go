package pool

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

func TestBusyHost(t *testing.T) {
	h := newHoldServer(t)
	addr := h.srv.Addr()
	p := New([]string{addr}, dialer, Options{})
	defer p.Close()
	c, err := acquire(p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.Busy(addr) {
		t.Fatal("an idle host is busy")
	}
	var wg sync.WaitGroup
	holdBusy(p, c, addr, &wg)
	if !p.Busy(addr) {
		t.Fatalf("%d requests in flight and no answer: not busy", p.InFlight(addr))
	}
	// Two answers within the window: no longer busy, though as loaded.
	p.Record(addr, time.Millisecond, OutcomeOK, false)
	p.Record(addr, time.Millisecond, OutcomeReadTimeout, false) // an error answer is an answer
	if p.Busy(addr) {
		t.Fatal("busy right after two answers")
	}
	// What the server did not answer does not count.
	p.Record(addr, time.Millisecond, OutcomeConnection, false)
	p.Record(addr, time.Millisecond, OutcomeClientTimeout, false)
	time.Sleep(busyWindow + 50*time.Millisecond)
	if !p.Busy(addr) {
		t.Fatal("no answer for longer than the window: not busy again")
	}
	close(h.release)
	wg.Wait()
	if p.Busy("127.0.0.1:1") {
		t.Fatal("an unknown host is busy")
	}
}

func TestYoungAfterComingBackUp(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{})
	var fail atomic.Bool
	fail.Store(true)
	p := New([]string{srv.Addr()}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		if addr == srv.Addr() && fail.Load() {
			return nil, errors.New("connection refused")
		}
		return dialer(ctx, addr)
	}, Options{BackoffBase: 20 * time.Millisecond, BackoffMax: 40 * time.Millisecond})
	defer p.Close()
	other := fakeserver.New(t, fakeserver.Options{})
	p.AddHost(other.Addr())
	if _, _, err := p.AcquirePlan(context.Background(), 0, []string{other.Addr()}, nil); err != nil {
		t.Fatal(err)
	}
	if p.Young(other.Addr()) {
		t.Fatal("a host that was never down is young")
	}
	if _, err := acquire(p, context.Background()); err != nil {
		t.Fatal(err) // the other host serves it, while the first is dialed
	}
	for deadline := time.Now().Add(2 * time.Second); !p.Down(srv.Addr()) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if !p.Down(srv.Addr()) {
		t.Fatal("the failing host is not down")
	}
	if p.Young(srv.Addr()) {
		t.Fatal("a down host is young")
	}
	fail.Store(false)
	deadline := time.Now().Add(2 * time.Second)
	for p.Down(srv.Addr()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !p.Young(srv.Addr()) {
		t.Fatal("a host back up a moment ago is not young")
	}
	h := p.host(srv.Addr())
	h.signals.upSince.Store(time.Now().Add(-youngFor - time.Second).UnixNano())
	if p.Young(srv.Addr()) {
		t.Fatal("a host up for more than a minute is young")
	}
}

func TestP99Estimate(t *testing.T) {
	var s signals
	// 1% of the latencies at 50 ms, the rest spread over 1-2 ms.
	for i := 0; i < 20000; i++ {
		x := int64(time.Millisecond) + int64(i%100)*int64(10*time.Microsecond)
		if i%100 == 99 {
			x = int64(50 * time.Millisecond)
		}
		s.observe(x)
	}
	got := time.Duration(s.p99.Load())
	if got < time.Millisecond || got > 3*time.Millisecond {
		t.Errorf("p99 estimate %v, want about 2ms (99%% of the latencies are at most 1.99ms)", got)
	}
	// It follows a slowdown within a few hundred requests.
	for i := 0; i < 500; i++ {
		s.observe(int64(20 * time.Millisecond))
	}
	if got := time.Duration(s.p99.Load()); got < 15*time.Millisecond {
		t.Errorf("p99 estimate %v after 500 latencies of 20ms", got)
	}
}

// TestMarkUpRetriesOften: after the cluster says a down host is up, its
// reconnects come every 250 ms rather than doubling from 1 s (gossip says
// UP before the native port accepts connections).
func TestMarkUpRetriesOften(t *testing.T) {
	var dials atomic.Int32
	p := New([]string{"127.0.0.1:1"}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		dials.Add(1)
		return nil, errors.New("connection refused")
	}, Options{BackoffBase: time.Second, BackoffMax: 30 * time.Second})
	defer p.Close()
	if _, err := acquire(p, context.Background()); err == nil {
		t.Fatal("acquire succeeded with a failing dial")
	}
	before := dials.Load()
	p.MarkUp("127.0.0.1:1")
	time.Sleep(1100 * time.Millisecond)
	// The dial at MarkUp, then about four more at 250 ms (±15%); without
	// the hint, one more at about 1 s.
	if n := dials.Load() - before; n < 4 {
		t.Fatalf("%d dials in 1.1s after MarkUp, want at least 4", n)
	}
}

// TestRefusedRetriedOften: a host whose port refuses connections is
// redialed at most 2 s apart, not backed off to 30 s.
func TestRefusedRetriedOften(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refuses from now on
	var dials atomic.Int32
	p := New([]string{addr}, func(ctx context.Context, a string) (*protocol.Conn, error) {
		dials.Add(1)
		return dialer(ctx, a)
	}, Options{BackoffBase: 100 * time.Millisecond, BackoffMax: 30 * time.Second})
	defer p.Close()
	acquire(p, context.Background())
	h := p.host(addr)
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		b, due := h.backoff, time.Until(h.retryAt)
		h.mu.Unlock()
		if b >= 3*time.Second { // doubled past the cap: the next wait must still be capped
			if due > refusedRetryMax*115/100 {
				t.Fatalf("backoff %v: next dial in %v, want at most %v", b, due, refusedRetryMax*115/100)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backoff still %v after 10s (%d dials)", b, dials.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A host is stalled when it is busy, had answered before, and another
// host goes on answering.
func TestStalledHost(t *testing.T) {
	a, b := newHoldServer(t), newHoldServer(t)
	p := New([]string{a.srv.Addr(), b.srv.Addr()}, dialer, Options{})
	defer p.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(a.release)
	defer close(b.release)
	hold := func(addr string) {
		c, got, err := p.AcquirePlan(context.Background(), 0, []string{addr}, nil)
		if err != nil || got != addr {
			t.Fatalf("acquiring %s: %s, %v", addr, got, err)
		}
		holdBusy(p, c, addr, &wg)
	}
	hold(a.srv.Addr())
	if !p.Busy(a.srv.Addr()) || p.Stalled(a.srv.Addr()) {
		t.Fatalf("a host that has never answered: busy %v (want true), stalled %v (want false)", p.Busy(a.srv.Addr()), p.Stalled(a.srv.Addr()))
	}
	p.Record(a.srv.Addr(), time.Millisecond, OutcomeOK, false)
	p.Record(a.srv.Addr(), time.Millisecond, OutcomeOK, false)
	if p.Stalled(a.srv.Addr()) {
		t.Fatal("stalled right after two answers")
	}
	time.Sleep(busyWindow + 50*time.Millisecond)
	if !p.Stalled(a.srv.Addr()) {
		t.Fatal("answered before, no answer since the window, the other host idle: not stalled")
	}
	hold(b.srv.Addr())
	if !p.Busy(b.srv.Addr()) {
		t.Fatal("the other host is not busy with its requests held")
	}
	if p.Stalled(a.srv.Addr()) {
		t.Fatal("stalled while every host is busy: that is a slow cluster")
	}
	if p.Stalled("127.0.0.1:1") {
		t.Fatal("an unknown host is stalled")
	}
}

// holdBusy sends busyInFlight requests on c, to a holdServer at addr that
// answers them when released, and waits until they are in flight.
func holdBusy(p *Pool, c *protocol.Conn, addr string, wg *sync.WaitGroup) {
	for i := 0; i < busyInFlight; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Query(context.Background(), &protocol.Query{Statement: "SELECT 1"})
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.InFlight(addr) < busyInFlight && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}
