package protocol

import (
	"testing"
	"time"
)

// A call's timer is reused while it never fires, so a request with a
// timeout allocates nothing; one that fired is replaced, so its tick cannot
// reach a later use of the call.
func TestCallTimerReuse(t *testing.T) {
	cl := &call{ch: make(chan result, 1)}
	cl.arm(time.Minute)
	timer, tick := cl.timer, cl.tick
	cl.disarm()
	if n := testing.AllocsPerRun(100, func() {
		cl.arm(time.Minute)
		cl.disarm()
	}); n != 0 {
		t.Errorf("arm and disarm of a call's timer allocate %v times", n)
	}
	if cl.timer != timer || cl.tick != tick {
		t.Fatal("a timer stopped in time was not kept for the next use")
	}

	fired := cl.arm(time.Millisecond)
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("the timer did not fire")
	}
	cl.disarm()
	if cl.timer != nil || cl.tick != nil {
		t.Fatal("a timer that fired was kept")
	}
	next := cl.arm(time.Minute)
	defer cl.disarm()
	if next == fired {
		t.Fatal("the next use got the fired timer's channel")
	}
	select {
	case <-next:
		t.Fatal("a fresh timer ticked at once")
	case <-time.After(10 * time.Millisecond):
	}
}
