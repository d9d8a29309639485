package protocol_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// holdSlow answers every QUERY with a Set_keyspace result naming it, except
// those whose statement starts with "slow", which it keeps until release.
type holdSlow struct {
	mu   sync.Mutex
	conn *fakeserver.Conn
	held []*protocol.RequestFrame
}

func (h *holdSlow) handle(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	q, ok := req.Message.(*protocol.Query)
	if !ok {
		return false
	}
	if strings.HasPrefix(q.Statement, "slow") {
		h.mu.Lock()
		h.conn = c
		h.held = append(h.held, req)
		h.mu.Unlock()
		return true
	}
	c.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: q.Statement})
	return true
}

// release answers every held request.
func (h *holdSlow) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, req := range h.held {
		q := req.Message.(*protocol.Query)
		h.conn.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: q.Statement})
	}
	h.held = nil
}

func TestConnRequestTimeout(t *testing.T) {
	h := &holdSlow{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: h.handle})
	c := dial(t, srv, protocol.DialOptions{})

	start := time.Now()
	_, err := c.DoWith(context.Background(), query("slow-a"), protocol.RequestOptions{Timeout: 30 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no response from") {
		t.Fatalf("DoWith(slow, Timeout 30ms) = %v, want an error that wraps context.DeadlineExceeded and names the node", err)
	}
	if d := time.Since(start); d < 30*time.Millisecond || d > 2*time.Second {
		t.Fatalf("timed out after %v, want about 30ms", d)
	}
	if c.InFlight() != 1 {
		t.Fatalf("InFlight = %d after the timeout, want 1 (the id waits for the late reply)", c.InFlight())
	}

	// A timeout that does not expire changes nothing.
	f, err := c.DoWith(context.Background(), query("b"), protocol.RequestOptions{Timeout: 5 * time.Second})
	if err != nil || keyspaceOf(t, f) != "b" {
		t.Fatalf("DoWith(b, Timeout 5s) = %v, %v; want its own answer", f, err)
	}

	// The late reply is dropped and frees the id.
	h.release()
	deadline := time.Now().Add(5 * time.Second)
	for c.InFlight() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.InFlight() != 0 {
		t.Fatalf("InFlight = %d after the late reply", c.InFlight())
	}

	// The context still wins when it ends first.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.DoWith(ctx, query("slow-c"), protocol.RequestOptions{Timeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "before the context's deadline") {
		t.Fatalf("DoWith(slow, ctx 20ms, Timeout 1m) = %v, want the context's deadline named", err)
	}
	h.release()
}

// Timers travel with pooled calls: a timer that fired must never time out
// a later request, and a request that returns must have its own answer.
// Timeouts about as long as a round trip make timers fire while replies
// arrive, in every order.
func TestConnTimeoutTimersAreNotShared(t *testing.T) {
	h := &holdSlow{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: h.handle})
	c := dial(t, srv, protocol.DialOptions{})

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	var timedOut, answered sync.Map
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				stmt := fmt.Sprintf("q-%d-%d", g, i)
				short := i%2 == 0
				timeout := 5 * time.Second
				if short {
					timeout = time.Duration(20+i%60) * time.Microsecond
				}
				f, err := c.DoWith(context.Background(), query(stmt), protocol.RequestOptions{Timeout: timeout})
				switch {
				case err == nil && keyspaceOf(t, f) != stmt:
					errs <- fmt.Errorf("%s got the answer %q", stmt, keyspaceOf(t, f))
					return
				case err == nil:
					answered.Store(stmt, true)
				case short && errors.Is(err, context.DeadlineExceeded):
					timedOut.Store(stmt, true)
				default:
					errs <- fmt.Errorf("%s (timeout %v): %v", stmt, timeout, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	timedOut.Range(func(any, any) bool { n++; return true })
	t.Logf("%d short-timeout requests timed out", n)
	deadline := time.Now().Add(5 * time.Second)
	for c.InFlight() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.InFlight() != 0 {
		t.Fatalf("InFlight = %d after every reply came", c.InFlight())
	}
}
