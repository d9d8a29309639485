package protocol

import (
	"context"
	"fmt"
	"time"
)

// healthOptions configure a connection's health loop (DialOptions
// HeartbeatInterval and HeartbeatTimeout).
type healthOptions struct {
	interval time.Duration // idle time before a heartbeat; 0: none
	timeout  time.Duration // silence that kills the socket; 0: never
}

// healthLoop watches the socket's progress and closes it when it is dead:
//
//   - requests are outstanding and nothing has been read for timeout, though
//     an OPTIONS probe went out at least timeout/2 ago (it goes out after
//     timeout/5 of silence; a server that is merely slow on a long query
//     answers it at once, and any byte read counts as progress, so a large
//     response that arrives slowly is not mistaken for a dead socket);
//   - a heartbeat sent after interval of idleness is not answered within
//     timeout;
//   - one write has not completed within timeout.
//
// Every request on a dead socket fails with ErrConnClosed.
func (c *Conn) healthLoop() {
	h := c.health
	tick := time.Second
	for _, d := range []time.Duration{h.timeout / 5, h.interval / 2} {
		if d > 0 && d < tick {
			tick = d
		}
	}
	if tick < 5*time.Millisecond {
		tick = 5 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()

	now := time.Now()
	lastRead, silentSince, lastActive := c.readBytes.Load(), now, now
	lastWrite := c.writeSeq.Load()
	writeSince := now
	var probeAt time.Time // zero: no probe out in this silence
	probing := make(chan struct{}, 1)
	for {
		select {
		case <-c.closed:
			return
		case <-t.C:
		}
		now = time.Now()
		if rb := c.readBytes.Load(); rb != lastRead {
			lastRead, silentSince, lastActive, probeAt = rb, now, now, time.Time{}
		}
		if ws := c.writeSeq.Load(); ws != lastWrite {
			lastWrite, writeSince, lastActive = ws, now, now
		} else if ws%2 == 1 && h.timeout > 0 && now.Sub(writeSince) >= h.timeout {
			c.fail(fmt.Errorf("%w: a write to %s has not completed within %v (heartbeat_timeout)", ErrConnClosed, c.addr, h.timeout))
			return
		}
		probeOut := len(probing) > 0
		busy := c.streams.inUse()
		if probeOut {
			busy--
		}
		switch {
		case probeAt.IsZero():
			if busy > 0 && h.timeout > 0 && now.Sub(silentSince) >= h.timeout/5 ||
				busy == 0 && h.interval > 0 && now.Sub(lastActive) >= h.interval {
				if !probeOut {
					probing <- struct{}{}
					go c.probe(probing)
				}
				probeAt = now
			}
		case h.timeout <= 0:
		case busy > 0 && now.Sub(silentSince) >= h.timeout && now.Sub(probeAt) >= h.timeout/2:
			c.fail(fmt.Errorf("%w: %s sent nothing for %v with %d requests in flight, and did not answer a heartbeat (heartbeat_timeout)",
				ErrConnClosed, c.addr, now.Sub(silentSince).Round(time.Millisecond), busy))
			return
		case now.Sub(probeAt) >= h.timeout:
			c.fail(fmt.Errorf("%w: %s did not answer a heartbeat within %v (heartbeat_timeout)", ErrConnClosed, c.addr, h.timeout))
			return
		}
	}
}

// probe sends OPTIONS; the health loop only looks for bytes coming back,
// so the answer itself is dropped. The probe gives up when the loop would
// have closed the socket anyway.
func (c *Conn) probe(done chan struct{}) {
	defer func() { <-done }()
	timeout := 2 * c.health.timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	c.DoWith(context.Background(), &Options{}, RequestOptions{Timeout: timeout})
}
