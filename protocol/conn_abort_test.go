package protocol_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

func TestConnAbortEndsTheWait(t *testing.T) {
	h := &holdSlow{}
	srv := fakeserver.New(t, fakeserver.Options{Handler: h.handle})
	c := dial(t, srv, protocol.DialOptions{})

	abort := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := c.DoWith(context.Background(), query("slow-a"), protocol.RequestOptions{Abort: abort})
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	close(abort)
	select {
	case err := <-done:
		if !errors.Is(err, protocol.ErrAbandoned) {
			t.Fatalf("aborted request: %v, want ErrAbandoned", err)
		}
		if protocol.NotSent(err) {
			t.Fatal("an aborted request that was sent is marked NotSent")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("closing Abort did not end the wait")
	}
	t.Logf("the wait ended %v after Abort closed", time.Since(start))
	if c.Orphans() != 1 || c.InFlight() != 1 {
		t.Fatalf("after the abort: %d orphans, %d in flight; want 1 and 1 (the id waits for the reply)", c.Orphans(), c.InFlight())
	}
	// The connection stays usable.
	if f, err := c.DoWith(context.Background(), query("b"), protocol.RequestOptions{}); err != nil || keyspaceOf(t, f) != "b" {
		t.Fatalf("next request: %v, %v", f, err)
	}
	h.release()
	deadline := time.Now().Add(5 * time.Second)
	for (c.Orphans() != 0 || c.InFlight() != 0) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if c.Orphans() != 0 || c.InFlight() != 0 {
		t.Fatalf("after the late reply: %d orphans, %d in flight", c.Orphans(), c.InFlight())
	}
}
