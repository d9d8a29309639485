package pool

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// silentListener accepts TCP connections and never answers: a node that
// is up at the kernel level only. It counts the connections.
func silentListener(t *testing.T) (string, *atomic.Int32) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			held = append(held, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String(), &n
}

func TestPoolDialsOncePerAcquire(t *testing.T) {
	addr, accepted := silentListener(t)
	p := New([]string{addr}, dialer, Options{DialTimeout: 300 * time.Millisecond, BackoffBase: time.Hour})
	defer p.Close()
	start := time.Now()
	_, _, err := p.Acquire(context.Background(), 5*time.Second, nil)
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Acquire against a silent node = %v, want an error naming it", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Acquire took %v with a 300ms dial timeout", d)
	}
	time.Sleep(100 * time.Millisecond)
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the node saw %d connections for one Acquire, want 1", n)
	}
	if !p.Down(addr) {
		t.Fatal("the host is not down after its dial failed")
	}
}

func TestPoolWaitIsBoundedByTheBudget(t *testing.T) {
	addr, _ := silentListener(t)
	p := New([]string{addr}, dialer, Options{DialTimeout: time.Minute})
	defer p.Close()
	start := time.Now()
	_, _, err := p.Acquire(context.Background(), 100*time.Millisecond, nil)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still connecting to "+addr) {
		t.Fatalf("Acquire = %v, want the budget's error naming the dial", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Acquire waited %v with a 100ms budget", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := p.Acquire(ctx, 0, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire with a context deadline = %v", err)
	}
}

func TestPoolSkipsDownHostAndReconnectsInBackground(t *testing.T) {
	live := newHoldServer(t)
	close(live.release)
	// A port that refuses connections now and listens later.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	later := ln.Addr().String()
	ln.Close()
	var ups atomic.Int32
	p := New([]string{later, live.srv.Addr()}, dialer, Options{BackoffBase: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		OnHostState: func(addr string, up bool, err error) {
			if addr == later && up {
				ups.Add(1)
			}
		}})
	defer p.Close()
	for i := 0; i < 6; i++ {
		c, err := acquire(p, context.Background())
		if err != nil || c.RemoteAddr().String() != live.srv.Addr() {
			t.Fatalf("acquire %d = %v, %v; want the live host", i, c, err)
		}
	}
	if !p.Down(later) {
		t.Fatal("the refusing host is not down")
	}
	// A host that starts answering is found by the background
	// reconnect, with no request.
	srv := fakeserver.New(t, fakeserver.Options{})
	var fail atomic.Bool
	fail.Store(true)
	var dials atomic.Int32
	p3 := New([]string{srv.Addr()}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		dials.Add(1)
		if fail.Load() {
			return nil, errors.New("connection refused")
		}
		return dialer(ctx, addr)
	}, Options{BackoffBase: 50 * time.Millisecond, BackoffMax: 100 * time.Millisecond,
		OnHostState: func(addr string, up bool, err error) {
			if up {
				ups.Add(1)
			}
		}})
	defer p3.Close()
	if _, err := acquire(p3, context.Background()); err == nil {
		t.Fatal("acquire succeeded with a failing dial")
	}
	time.Sleep(400 * time.Millisecond)
	if n := dials.Load(); n < 3 || n > 10 {
		t.Fatalf("%d background dials in 400ms with a 50-100ms backoff", n)
	}
	fail.Store(false)
	deadline := time.Now().Add(2 * time.Second)
	for p3.Down(srv.Addr()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p3.Down(srv.Addr()) || ups.Load() != 1 {
		t.Fatalf("host still down (ups %d) 2 s after it started answering", ups.Load())
	}
	if p3.Open() != 1 {
		t.Fatalf("%d sockets open after the background reconnect, want 1", p3.Open())
	}
}

func TestPoolRetiresConnectionWithOrphans(t *testing.T) {
	a := newHoldServer(t)
	p := New([]string{a.srv.Addr()}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		return protocol.Dial(ctx, addr, protocol.DialOptions{MaxStreams: 8})
	}, Options{RetireGrace: 5 * time.Second})
	defer p.Close()
	c1, err := acquire(p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // a quarter of 8 ids: the limit
		_, err := c1.DoWith(context.Background(), &protocol.Query{Statement: "q", Params: protocol.QueryParams{Consistency: protocol.One}},
			protocol.RequestOptions{Timeout: 10 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
	}
	c2, err := acquire(p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c2 == c1 {
		t.Fatal("a connection with 2 of 8 ids orphaned took a new request")
	}
	if c1.Err() != nil {
		t.Fatal("the retired connection was closed before its late replies")
	}
	close(a.release) // the late replies come: the old socket closes
	select {
	case <-c1.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("the retired connection is still open after its replies")
	}
	if p.Open() != 1 {
		t.Fatalf("%d sockets open, want 1", p.Open())
	}
}

func TestPoolSkipsFullConnection(t *testing.T) {
	a, b := newHoldServer(t), newHoldServer(t)
	close(b.release)
	p := New([]string{a.srv.Addr(), b.srv.Addr()}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		return protocol.Dial(ctx, addr, protocol.DialOptions{MaxStreams: 2})
	}, Options{OrphanLimit: 100})
	defer p.Close()
	ca, _, err := p.Acquire(context.Background(), 0, func(addr string) bool { return addr == b.srv.Addr() })
	if err != nil || ca.RemoteAddr().String() != a.srv.Addr() {
		t.Fatal(ca, err)
	}
	for i := 0; i < 2; i++ {
		go ca.Query(context.Background(), &protocol.Query{Statement: "q", Params: protocol.QueryParams{Consistency: protocol.One}})
	}
	for ca.InFlight() < 2 {
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 4; i++ {
		c, err := acquire(p, context.Background())
		if err != nil || c.RemoteAddr().String() != b.srv.Addr() {
			t.Fatalf("acquire %d went to %v (%v) while a's only socket is full", i, c.RemoteAddr(), err)
		}
	}
	close(a.release)
}
