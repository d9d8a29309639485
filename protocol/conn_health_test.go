package protocol_test

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// wedgeServer answers QUERY "wedge" with the first 100 bytes of a frame
// declaring a 1 MiB body, then goes silent on that socket: no more bytes,
// not even for OPTIONS. Other queries echo their statement.
type wedgeServer struct {
	wedged  atomic.Bool
	options atomic.Int32
	silent  atomic.Bool // answer nothing at all, OPTIONS included
}

func (w *wedgeServer) handle(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	if w.wedged.Load() || w.silent.Load() {
		return true
	}
	switch m := req.Message.(type) {
	case *protocol.Options:
		w.options.Add(1)
		return false
	case *protocol.Query:
		if m.Statement == "wedge" {
			w.wedged.Store(true)
			hdr := make([]byte, 9, 109)
			hdr[0] = 0x84 // v4 response
			binary.BigEndian.PutUint16(hdr[2:], uint16(req.Header.Stream))
			hdr[4] = byte(protocol.OpResult)
			binary.BigEndian.PutUint32(hdr[5:], 1<<20)
			c.WriteRaw(append(hdr, make([]byte, 100)...))
			return true
		}
		if strings.HasPrefix(m.Statement, "slow") {
			go func() {
				time.Sleep(time.Second)
				c.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: m.Statement})
			}()
			return true
		}
		c.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: m.Statement})
		return true
	}
	return false
}

func TestConnWedgedReadIsClosed(t *testing.T) {
	w := &wedgeServer{}
	srv := fakeserver.New(t, fakeserver.Options{MaxVersion: protocol.V4, Handler: w.handle})
	const hb = 300 * time.Millisecond
	c := dial(t, srv, protocol.DialOptions{Version: protocol.V4, HeartbeatTimeout: hb})

	start := time.Now()
	_, err := c.Do(context.Background(), query("wedge"))
	took := time.Since(start)
	if !errors.Is(err, protocol.ErrConnClosed) || !strings.Contains(err.Error(), "heartbeat_timeout") {
		t.Fatalf("Do on a wedged socket = %v, want ErrConnClosed naming heartbeat_timeout", err)
	}
	if took < hb || took > hb+time.Second {
		t.Fatalf("the wedged socket was closed after %v, want about heartbeat_timeout (%v)", took, hb)
	}
	if c.Err() == nil {
		t.Fatal("the connection still reports no error")
	}
	if protocol.NotSent(err) {
		t.Fatal("a request that was written is reported as not sent")
	}
}

func TestConnSlowAnswerIsNotDead(t *testing.T) {
	w := &wedgeServer{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: w.handle})
	// The query takes 1 s, over three heartbeat timeouts: the socket
	// lives because the server answers the probes meanwhile.
	c := dial(t, srv, protocol.DialOptions{HeartbeatTimeout: 300 * time.Millisecond})
	f, err := c.Do(context.Background(), query("slow-1"))
	if err != nil || keyspaceOf(t, f) != "slow-1" {
		t.Fatalf("slow query = %v, %v; want its answer", keyspaceOf(t, f), err)
	}
	if c.Err() != nil {
		t.Fatalf("the connection was closed: %v", c.Err())
	}
	if w.options.Load() == 0 {
		t.Fatal("no probe was sent while the query was outstanding")
	}
}

func TestConnIdleHeartbeat(t *testing.T) {
	w := &wedgeServer{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: w.handle})
	c := dial(t, srv, protocol.DialOptions{HeartbeatInterval: 100 * time.Millisecond, HeartbeatTimeout: 300 * time.Millisecond})
	base := w.options.Load() // the handshake's
	time.Sleep(time.Second)
	if n := w.options.Load() - base; n < 3 || n > 12 {
		t.Fatalf("%d heartbeats in 1 s of idleness with a 100 ms interval", n)
	}
	if c.Err() != nil {
		t.Fatalf("an answering idle connection was closed: %v", c.Err())
	}
	w.silent.Store(true)
	select {
	case <-c.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("an idle connection whose heartbeats go unanswered is still open after 2 s")
	}
	if err := c.Err(); !strings.Contains(err.Error(), "did not answer a heartbeat") {
		t.Fatalf("Err = %v, want it to say the heartbeat went unanswered", err)
	}
}

func TestConnStreamWaitIsBounded(t *testing.T) {
	h := &holdSlow{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: h.handle})
	c := dial(t, srv, protocol.DialOptions{MaxStreams: 4})
	for i := 0; i < 4; i++ {
		_, err := c.DoWith(context.Background(), query("slow"), protocol.RequestOptions{Timeout: 20 * time.Millisecond})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("slow request %d = %v, want a timeout", i, err)
		}
	}
	if c.Orphans() != 4 {
		t.Fatalf("Orphans = %d after 4 timeouts, want 4", c.Orphans())
	}
	start := time.Now()
	_, err := c.DoWith(context.Background(), query("x"), protocol.RequestOptions{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) || !protocol.NotSent(err) ||
		!strings.Contains(err.Error(), "no stream id free on "+srv.Addr()+" within 100ms: 4 requests in flight, 4 of them abandoned after timeouts") {
		t.Fatalf("request with every id orphaned = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the wait for a stream id took %v with a 100ms timeout", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Do(ctx, query("x"))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no stream id free") {
		t.Fatalf("request with a context deadline and every id orphaned = %v", err)
	}
	h.release()
	deadline := time.Now().Add(2 * time.Second)
	for c.Orphans() != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.Orphans() != 0 || c.InFlight() != 0 {
		t.Fatalf("after the late replies: Orphans %d, InFlight %d, want 0", c.Orphans(), c.InFlight())
	}
	if f, err := c.Do(context.Background(), query("y")); err != nil || keyspaceOf(t, f) != "y" {
		t.Fatalf("after the late replies: %v", err)
	}
}

func TestConnNotSent(t *testing.T) {
	h := &holdSlow{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: h.handle})
	c := dial(t, srv, protocol.DialOptions{})
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), query("slow"))
		done <- err
	}()
	for c.InFlight() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // written by now
	c.Close()
	if err := <-done; !errors.Is(err, protocol.ErrConnClosed) || protocol.NotSent(err) {
		t.Fatalf("request in flight at Close = %v (NotSent %v), want ErrConnClosed, maybe sent", err, protocol.NotSent(err))
	}
	_, err := c.Do(context.Background(), query("after"))
	if !errors.Is(err, protocol.ErrConnClosed) || !protocol.NotSent(err) {
		t.Fatalf("request after Close = %v (NotSent %v), want ErrConnClosed, not sent", err, protocol.NotSent(err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c2 := dial(t, srv, protocol.DialOptions{})
	if _, err := c2.Do(ctx, query("x")); !errors.Is(err, context.Canceled) || !protocol.NotSent(err) {
		t.Fatalf("request with a done context = %v, want context.Canceled, not sent", err)
	}
}
