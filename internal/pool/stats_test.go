package pool

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

func TestOutcomeString(t *testing.T) {
	tests := []struct {
		o    Outcome
		want string
	}{
		{OutcomeOK, "ok"},
		{OutcomeReadTimeout, "read_timeout"},
		{OutcomeWriteTimeout, "write_timeout"},
		{OutcomeUnavailable, "unavailable"},
		{OutcomeOverloaded, "overloaded"},
		{OutcomeServerError, "server_error"},
		{OutcomeRequestError, "request_error"},
		{OutcomeConnection, "connection"},
		{OutcomeClientTimeout, "client_timeout"},
		{NumOutcomes, "Outcome(9)"},
		{200, "Outcome(200)"},
	}
	for _, tt := range tests {
		if got := tt.o.String(); got != tt.want {
			t.Errorf("Outcome(%d).String() = %q, want %q", uint8(tt.o), got, tt.want)
		}
	}
}

// noDial is a dial func for pools whose hosts a test never connects.
func noDial(context.Context, string) (*protocol.Conn, error) {
	return nil, errors.New("cassandra: no dial in this test")
}

func TestRecordAndStats(t *testing.T) {
	p := New([]string{"a:9042", "b:9042"}, noDial, Options{})
	defer p.Close()
	p.SetHostDC("b:9042", "dc2")
	p.Record("a:9042", 2*time.Millisecond, OutcomeOK, false)
	p.Record("a:9042", 4*time.Millisecond, OutcomeReadTimeout, false)
	p.Record("a:9042", 6*time.Millisecond, OutcomeOK, true)
	p.Record("b:9042", time.Second, OutcomeConnection, true)
	p.Record("c:9042", time.Second, OutcomeOK, false)   // not a host: ignored
	p.Record("a:9042", time.Second, NumOutcomes, false) // out of range: ignored
	p.AddHost("c:9042")

	st := p.Stats()
	if len(st) != 3 || st[0].Addr != "a:9042" || st[1].Addr != "b:9042" || st[2].Addr != "c:9042" {
		t.Fatalf("Stats = %+v, want a, b, c in the pool's order", st)
	}
	a, b, c := st[0], st[1], st[2]
	if a.Requests != 3 || a.Retries != 1 || a.Errors[OutcomeReadTimeout] != 1 || a.Errors[OutcomeOK] != 0 {
		t.Errorf("a: %d requests, %d retries, errors %v", a.Requests, a.Retries, a.Errors)
	}
	if l := a.Latency; l.Count != 3 || l.Mean != 4*time.Millisecond || l.Max != 6*time.Millisecond || !within(l.P50, 4*time.Millisecond) {
		t.Errorf("a's latency: %+v", l)
	}
	if b.DC != "dc2" || b.Requests != 1 || b.Retries != 1 || b.Errors[OutcomeConnection] != 1 || b.Latency.Max != time.Second {
		t.Errorf("b: %+v", b)
	}
	if c.Requests != 0 || c.Latency != (LatencySummary{}) || c.State != "up" || c.Open != 0 || c.InFlight != 0 {
		t.Errorf("c, new and never used: %+v", c)
	}
}

func TestRecordConcurrentWithStats(t *testing.T) {
	addrs := []string{"a:9042", "b:9042"}
	p := New(addrs, noDial, Options{})
	defer p.Close()
	const workers, each = 8, 5000
	stop := make(chan struct{})
	var reads sync.WaitGroup
	reads.Add(1)
	go func() {
		defer reads.Done()
		prev := p.Stats()
		for {
			// Figures are read one by one, so only their growth is certain.
			now := p.Stats()
			for i, s := range now {
				if s.Requests < prev[i].Requests || s.Latency.Count < prev[i].Latency.Count || s.Latency.Max < prev[i].Latency.Max {
					t.Errorf("%s went back: %+v after %+v", s.Addr, s, prev[i])
				}
			}
			prev = now
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				p.Record(addrs[i%2], time.Duration(i)*time.Microsecond, Outcome(i%int(NumOutcomes)), w%2 == 0)
			}
		}(w)
	}
	wg.Wait()
	close(stop)
	reads.Wait()
	for k, s := range p.Stats() {
		var errs int64
		for _, n := range s.Errors {
			errs += n
		}
		if s.Requests != workers*each/2 || s.Retries != s.Requests/2 || s.Latency.Count != s.Requests || s.Latency.Max != time.Duration(each-2+k)*time.Microsecond {
			t.Errorf("%s: %d requests, %d retries, latency %+v", s.Addr, s.Requests, s.Retries, s.Latency)
		}
		if ok := s.Requests - errs; ok <= 0 || ok >= s.Requests {
			t.Errorf("%s: %d of %d attempts ok", s.Addr, ok, s.Requests)
		}
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	p := New([]string{"a:9042", "b:9042", "c:9042"}, noDial, Options{})
	defer p.Close()
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		i++
		p.Record("c:9042", time.Duration(i)*time.Microsecond, Outcome(i%int(NumOutcomes)), i%3 == 0)
		p.Record("unknown:9042", time.Millisecond, OutcomeOK, false)
	}); n != 0 {
		t.Fatalf("Record allocates %v times per call", n)
	}
}

func TestStatsState(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{})
	addr, other := srv.Addr(), "127.0.0.1:1"
	started := make(chan string, 4)
	finish := make(chan error) // each dial of addr ends with the error sent
	p := New([]string{addr, other}, func(ctx context.Context, a string) (*protocol.Conn, error) {
		started <- a
		if err := <-finish; err != nil {
			return nil, err
		}
		return dialer(ctx, a)
	}, Options{BackoffBase: time.Hour, BackoffMax: time.Hour})
	defer p.Close()
	state := func(want string, open int) {
		t.Helper()
		s := p.Stats()[0]
		if s.State != want || s.Open != open {
			t.Fatalf("state %q with %d open, want %q with %d", s.State, s.Open, want, open)
		}
	}
	state("up", 0) // never dialed, not known down

	// The first dial fails: down (no background redial for an hour).
	errc := make(chan error, 1)
	go func() {
		_, _, err := p.AcquirePlan(context.Background(), 0, []string{addr}, nil)
		errc <- err
	}()
	<-started
	state("up", 0) // dialing, not known down yet
	finish <- errors.New("cassandra: dial refused")
	if err := <-errc; err == nil {
		t.Fatal("Acquire succeeded with a failed dial")
	}
	state("down", 0)

	// An UP event redials it: reconnecting until the dial succeeds.
	p.MarkUp(addr)
	<-started
	state("reconnecting", 0)
	finish <- nil
	deadline := time.Now().Add(2 * time.Second)
	for p.Down(addr) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	state("up", 1)

	// A DOWN event for a host never dialed: down, no dial.
	p.MarkDown(other)
	if s := p.Stats()[1]; s.State != "down" || s.Addr != other {
		t.Fatalf("%s after MarkDown: %q", s.Addr, s.State)
	}
}

func BenchmarkRecord(b *testing.B) {
	addrs := []string{"10.0.0.1:9042", "10.0.0.2:9042", "10.0.0.3:9042", "10.0.0.4:9042", "10.0.0.5:9042", "10.0.0.6:9042"}
	p := New(addrs, noDial, Options{})
	defer p.Close()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Record(addrs[i%len(addrs)], time.Duration(i&0xfffff)*time.Microsecond, Outcome(i&7), i&15 == 0)
	}
}

func BenchmarkRecordParallel(b *testing.B) {
	addrs := []string{"10.0.0.1:9042", "10.0.0.2:9042", "10.0.0.3:9042", "10.0.0.4:9042", "10.0.0.5:9042", "10.0.0.6:9042"}
	p := New(addrs, noDial, Options{})
	defer p.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			p.Record(addrs[i%len(addrs)], time.Duration(i&0xfffff)*time.Microsecond, Outcome(i&7), i&15 == 0)
		}
	})
}
