package pool

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

func TestPoolAddAndRemoveHosts(t *testing.T) {
	a, b := newHoldServer(t), newHoldServer(t)
	close(a.release)
	close(b.release)
	p := New([]string{a.srv.Addr()}, dialer, Options{})
	defer p.Close()
	if !p.AddHost(b.srv.Addr()) || p.AddHost(b.srv.Addr()) {
		t.Fatal("AddHost: want true for a new host, false for a known one")
	}
	c, addr, err := p.AcquirePlan(context.Background(), 0, []string{b.srv.Addr(), a.srv.Addr()}, nil)
	if err != nil || addr != b.srv.Addr() || c.RemoteAddr().String() != b.srv.Addr() {
		t.Fatalf("AcquirePlan(b, a) = %v %s %v, want b", c, addr, err)
	}
	// An avoided host comes last, even first in the plan.
	_, addr, err = p.AcquirePlan(context.Background(), 0, []string{b.srv.Addr(), a.srv.Addr()}, func(s string) bool { return s == b.srv.Addr() })
	if err != nil || addr != a.srv.Addr() {
		t.Fatalf("AcquirePlan avoiding b = %s %v, want a", addr, err)
	}
	p.RemoveHost(b.srv.Addr())
	select {
	case <-c.Done():
	case <-time.After(2 * time.Second):
		t.Fatal("the removed host's connection is still open")
	}
	for i := 0; i < 4; i++ {
		if _, addr, err := p.Acquire(context.Background(), 0, nil); err != nil || addr != a.srv.Addr() {
			t.Fatalf("after RemoveHost: %s %v", addr, err)
		}
	}
	if _, _, err := p.AcquirePlan(context.Background(), 0, []string{"127.0.0.1:1"}, nil); err == nil {
		t.Fatal("a plan of unknown hosts gave a connection")
	}
}

func TestPoolMarkDownAndUp(t *testing.T) {
	a := newHoldServer(t)
	close(a.release)
	var fail atomic.Bool
	var dials atomic.Int32
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	other := ln.Addr().String()
	ln.Close()
	p := New([]string{other, a.srv.Addr()}, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		if addr == other {
			dials.Add(1)
			if fail.Load() {
				return nil, errors.New("refused")
			}
			return dialer(ctx, a.srv.Addr()) // "other" comes back: served by a
		}
		return dialer(ctx, addr)
	}, Options{BackoffBase: time.Hour, BackoffMax: time.Hour})
	defer p.Close()
	fail.Store(true)
	// A DOWN event for a host with no socket: requests skip it, no dial.
	p.MarkDown(other)
	if !p.Down(other) {
		t.Fatal("MarkDown of an unconnected host: not down")
	}
	for i := 0; i < 4; i++ {
		if _, addr, err := p.Acquire(context.Background(), 0, nil); err != nil || addr != a.srv.Addr() {
			t.Fatalf("acquire %d = %s %v, want the up host", i, addr, err)
		}
	}
	if n := dials.Load(); n != 0 {
		t.Fatalf("%d dials of a host marked down", n)
	}
	// An UP event: dialed at once, its long backoff notwithstanding.
	fail.Store(false)
	p.MarkUp(other)
	deadline := time.Now().Add(2 * time.Second)
	for p.Down(other) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if p.Down(other) || dials.Load() != 1 {
		t.Fatalf("after MarkUp: down %v, %d dials", p.Down(other), dials.Load())
	}
	// A DOWN event for a host with a live socket changes nothing.
	p.MarkDown(other)
	if p.Down(other) {
		t.Fatal("MarkDown closed off a host with a live socket")
	}
	if p.InFlight(other) != 0 {
		t.Fatalf("InFlight = %d", p.InFlight(other))
	}
}
