package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// holdServer is a fake node that answers QUERY only when release is
// closed, so a test can keep requests in flight; it counts its sockets.
type holdServer struct {
	srv      *fakeserver.Server
	accepted atomic.Int32
	release  chan struct{}
	conns    chan *fakeserver.Conn
}

func newHoldServer(t *testing.T) *holdServer {
	h := &holdServer{release: make(chan struct{}), conns: make(chan *fakeserver.Conn, 64)}
	var seen sync.Map
	h.srv = fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, loaded := seen.LoadOrStore(c, true); !loaded {
			h.accepted.Add(1)
			h.conns <- c
		}
		if req.Message.Opcode() != protocol.OpQuery {
			return false
		}
		go func() {
			<-h.release
			c.Reply(req, &protocol.Result{Kind: protocol.ResultVoid})
		}()
		return true
	}})
	return h
}

func dialer(ctx context.Context, addr string) (*protocol.Conn, error) {
	return protocol.Dial(ctx, addr, protocol.DialOptions{})
}

func TestPoolDialsLazilyAndStaysBounded(t *testing.T) {
	a, b := newHoldServer(t), newHoldServer(t)
	p := New([]string{a.srv.Addr(), b.srv.Addr()}, dialer, Options{PerHost: 2, DialTimeout: 5 * time.Second})
	defer p.Close()
	ctx := context.Background()
	if n := p.Open(); n != 0 {
		t.Fatalf("%d sockets before any request", n)
	}
	// Idle sockets are reused: one per host, hosts in round robin. The
	// first request dials the first host and waits; the second host is
	// dialed on the way, in the background, for the next requests.
	if _, err := acquire(p, ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); p.Open() < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	seen := map[*protocol.Conn]bool{}
	for i := 0; i < 10; i++ {
		c, err := acquire(p, ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen[c] = true
	}
	if len(seen) != 2 || p.Open() != 2 {
		t.Fatalf("%d distinct sockets, %d open after 10 idle acquires; want 2 (one per host)", len(seen), p.Open())
	}
	// Busy sockets make the pool grow, to 2 per host at most.
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := acquire(p, ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if _, _, err := c.Query(ctx, &protocol.Query{Statement: "SELECT 1", Params: protocol.QueryParams{Consistency: protocol.One}}); err != nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.Open() < 4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(a.release)
	close(b.release)
	wg.Wait()
	if got := a.accepted.Load() + b.accepted.Load(); got != 4 {
		t.Errorf("servers accepted %d sockets for 40 concurrent requests, want 4 (2 hosts x 2)", got)
	}
	if a.accepted.Load() != 2 || b.accepted.Load() != 2 {
		t.Errorf("sockets per host: %d and %d, want 2 and 2", a.accepted.Load(), b.accepted.Load())
	}
}

func TestPoolReplacesBrokenSocket(t *testing.T) {
	a := newHoldServer(t)
	close(a.release)
	p := New([]string{a.srv.Addr()}, dialer, Options{PerHost: 1, DialTimeout: 5 * time.Second})
	defer p.Close()
	ctx := context.Background()
	c1, err := acquire(p, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c1.Query(ctx, &protocol.Query{Statement: "SELECT 1", Params: protocol.QueryParams{Consistency: protocol.One}}); err != nil {
		t.Fatal(err)
	}
	(<-a.conns).Kill()
	select {
	case <-c1.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("client did not notice the closed socket")
	}
	c2, err := acquire(p, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c2 == c1 || c2.Err() != nil {
		t.Fatal("broken socket handed out again")
	}
	if _, _, err := c2.Query(ctx, &protocol.Query{Statement: "SELECT 1", Params: protocol.QueryParams{Consistency: protocol.One}}); err != nil {
		t.Fatal(err)
	}
	if n := a.accepted.Load(); n != 2 {
		t.Errorf("%d sockets accepted, want 2", n)
	}
}

func TestPoolDownHostSkipped(t *testing.T) {
	a := newHoldServer(t)
	close(a.release)
	dead := "127.0.0.1:1"
	p := New([]string{dead, a.srv.Addr()}, dialer, Options{PerHost: 1, DialTimeout: time.Second})
	defer p.Close()
	for i := 0; i < 6; i++ {
		c, err := acquire(p, context.Background())
		if err != nil {
			t.Fatalf("acquire %d: %v", i, err)
		}
		if c.RemoteAddr().String() != a.srv.Addr() {
			t.Fatalf("acquire %d: got %v", i, c.RemoteAddr())
		}
	}
}

func TestPoolClose(t *testing.T) {
	a := newHoldServer(t)
	p := New([]string{a.srv.Addr()}, dialer, Options{PerHost: 1, DialTimeout: time.Second})
	c, err := acquire(p, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	if c.Err() == nil {
		t.Error("socket still open after Close")
	}
	if _, err := acquire(p, context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Acquire after Close: %v", err)
	}
}

func TestCachePreparesOnce(t *testing.T) {
	var c Cache
	var calls atomic.Int32
	gate := make(chan struct{})
	prep := func(ctx context.Context) (*Stmt, error) {
		calls.Add(1)
		<-gate
		return &Stmt{Query: "q"}, nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, err := c.Get(context.Background(), "ks", "q", prep); err != nil || s.Query != "q" {
				t.Error(s, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(gate)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Errorf("prepared %d times, want 1", n)
	}
	// A failure is not cached.
	boom := errors.New("boom")
	if _, err := c.Get(context.Background(), "ks", "bad", func(context.Context) (*Stmt, error) { return nil, boom }); err != boom {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "ks", "bad", func(context.Context) (*Stmt, error) { return &Stmt{}, nil }); err != nil {
		t.Errorf("failed prepare was cached: %v", err)
	}
	// Keyspaces are apart.
	if _, err := c.Get(context.Background(), "other", "q", func(context.Context) (*Stmt, error) { calls.Add(1); return &Stmt{}, nil }); err != nil || calls.Load() != 2 {
		t.Errorf("keyspace not part of the key: %v %d", err, calls.Load())
	}
}

func TestPoolPrefersLocalDC(t *testing.T) {
	a, b, c := newHoldServer(t), newHoldServer(t), newHoldServer(t)
	for _, s := range []*holdServer{a, b, c} {
		close(s.release)
	}
	p := New([]string{a.srv.Addr(), b.srv.Addr(), c.srv.Addr()}, dialer, Options{PerHost: 1, DialTimeout: time.Second})
	defer p.Close()
	p.SetLocalDC("dc2")
	p.SetHostDC(a.srv.Addr(), "dc1")
	p.SetHostDC(b.srv.Addr(), "dc2")
	// c's datacenter is unknown: it comes after b, before a.
	for i := 0; i < 6; i++ {
		conn, err := acquire(p, context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := conn.RemoteAddr().String(); got != b.srv.Addr() {
			t.Fatalf("acquire %d went to %s, want the local host %s", i, got, b.srv.Addr())
		}
	}
	if p.HostDC(b.srv.Addr()) != "dc2" {
		t.Error("HostDC")
	}
}

// acquire is Acquire with no budget of its own and nothing avoided.
func acquire(p *Pool, ctx context.Context) (*protocol.Conn, error) {
	c, _, err := p.Acquire(ctx, 0, nil)
	return c, err
}
