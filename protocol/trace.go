package protocol

import (
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// traceQueueMax bounds the trace bytes waiting for a slow writer; frames
// traced beyond it are dropped and counted, so a stalled writer costs
// memory up to this and never blocks a connection.
const traceQueueMax = 1 << 20

// TraceWriter serializes the wire trace of any number of connections to
// one io.Writer (DialOptions.Trace). Each Write is queued whole and
// written, in order, by a goroutine that runs while there is something to
// write, so a connection never waits for the writer: if more than 1 MiB is
// waiting, further Writes are dropped and a line says how many.
//
// Pass the same TraceWriter to every connection that shares a writer; a
// DialOptions.Trace of another type is wrapped per connection, which
// serializes the lines of that connection only.
type TraceWriter struct {
	w io.Writer

	mu      sync.Mutex
	idle    sync.Cond // signalled when the drain goroutine stops
	pending []byte
	spare   []byte
	dropped int
	running bool
}

// NewTraceWriter returns a TraceWriter writing to w.
func NewTraceWriter(w io.Writer) *TraceWriter {
	t := &TraceWriter{w: w}
	t.idle.L = &t.mu
	return t
}

// Write queues p, one or more whole trace lines, and never blocks on the
// underlying writer. It always reports success: a trace that cannot be
// written must not fail the connection.
func (t *TraceWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.pending)+len(p) > traceQueueMax {
		t.dropped++
		return len(p), nil
	}
	t.pending = append(t.pending, p...)
	if !t.running {
		t.running = true
		go t.drain()
	}
	return len(p), nil
}

// Flush waits until everything queued so far has been written.
func (t *TraceWriter) Flush() {
	t.mu.Lock()
	for t.running {
		t.idle.Wait()
	}
	t.mu.Unlock()
}

// drain writes the queue until it is empty, outside the lock, so Write
// only ever waits for an append.
func (t *TraceWriter) drain() {
	t.mu.Lock()
	for len(t.pending) > 0 || t.dropped > 0 {
		buf, dropped := t.pending, t.dropped
		t.pending, t.dropped = t.spare[:0], 0
		t.mu.Unlock()
		if dropped > 0 {
			io.WriteString(t.w, "cqlsql trace: "+strconv.Itoa(dropped)+" frame traces dropped: the trace writer is not keeping up\n")
		}
		t.w.Write(buf)
		t.mu.Lock()
		if cap(buf) <= traceQueueMax {
			t.spare = buf[:0]
		}
	}
	t.running = false
	t.idle.Broadcast()
	t.mu.Unlock()
}

// TraceFromEnv reads CQLSQL_TRACE: "" or "0" (also "false", "off", "no")
// turn the trace off; "values" traces to os.Stderr with bound values shown
// (values is true); anything else, such as "1", traces to os.Stderr with
// bound values redacted. w is nil when the trace is off.
func TraceFromEnv() (w io.Writer, values bool) {
	switch s := strings.ToLower(strings.TrimSpace(os.Getenv("CQLSQL_TRACE"))); s {
	case "", "0", "false", "off", "no":
		return nil, false
	case "values":
		return NewTraceWriter(os.Stderr), true
	}
	return NewTraceWriter(os.Stderr), false
}
