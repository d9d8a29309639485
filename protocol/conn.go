package protocol

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ErrConnClosed is wrapped by the error of every request that fails because
// the connection was closed by Close or lost (socket error, protocol
// violation). errors.Is(err, ErrConnClosed) tells such failures apart from
// server errors; the error also wraps the cause when there is one.
var ErrConnClosed = errors.New("cassandra: connection closed")

// Conn is one multiplexed connection to a Cassandra node, past the
// handshake (see Dial). Its methods are safe for concurrent use: up to
// MaxStreams requests are in flight at once, each on its own stream id; Do
// waits for a free id beyond that.
//
// One writer goroutine coalesces the queued requests into one socket write
// (no timer: whatever is queued when the previous write returns goes in the
// next); one reader goroutine reads responses and hands each to the request
// waiting on its stream id.
type Conn struct {
	nc       net.Conn
	addr     string
	version  Version
	comp     Compressor // nil when no compression was negotiated
	compName string
	maxBody  int
	segments bool // v5 framing (spec v5 section 2) is active

	br *bufio.Reader
	rd frameReader

	streams *streamIDs
	calls   []atomic.Pointer[call]

	wmu   sync.Mutex
	wbuf  []byte        // frames queued for the writer; guarded by wmu
	wgen  uint64        // times the writer took wbuf; guarded by wmu
	wkick chan struct{} // capacity 1: "wbuf is not empty"

	// orphans counts stream ids held by requests whose caller gave up
	// (timeout, cancel): their late replies still free them.
	orphans atomic.Int32

	// Progress, read by the health loop (conn_health.go): bytes read so
	// far, and a write sequence that is odd while a write is under way.
	readBytes atomic.Uint64
	writeSeq  atomic.Uint64
	health    healthOptions

	closed    chan struct{}
	closing   atomic.Bool
	closeOnce sync.Once
	closeErr  error // set before closed is closed
	readerEnd chan struct{}
	writerEnd chan struct{}

	onEvent func(*Event)
	events  chan *Event
	evDrops atomic.Int64

	trace *tracer // nil unless DialOptions.Trace is set
}

// result is what the reader hands to a waiting request.
type result struct {
	h    Header
	body []byte
	err  error
}

const (
	callWaiting int32 = iota
	callDelivered
	callAbandoned
)

// call is the pooled per-request state. ch has capacity 1 and receives
// exactly one result per use, so it is reused across requests.
type call struct {
	ch    chan result
	state atomic.Int32
	buf   []byte // encoding buffer, reused

	// timer enforces RequestOptions.Timeout; it travels with the pooled
	// call, so a request with a timeout allocates no timer. It sends once
	// on tick when it fires.
	timer *time.Timer
	tick  chan struct{}
}

// arm starts the call's timer and returns the channel it fires on.
func (cl *call) arm(d time.Duration) <-chan struct{} {
	if cl.timer == nil {
		tick := make(chan struct{}, 1)
		cl.timer = time.AfterFunc(d, func() { tick <- struct{}{} })
		cl.tick = tick
	} else {
		cl.timer.Reset(d)
	}
	return cl.tick
}

// disarm stops the timer. A timer that fired, or is firing right now, is
// dropped with its channel, so a late tick can never reach the call's next
// use; one stopped in time is kept for it. Only the waiter calls arm and
// disarm, and disarm always before the call can go back to the pool.
func (cl *call) disarm() {
	if cl.timer != nil && !cl.timer.Stop() {
		cl.timer, cl.tick = nil, nil
	}
}

var callPool = sync.Pool{New: func() any { return &call{ch: make(chan result, 1)} }}

func getCall() *call {
	cl := callPool.Get().(*call)
	cl.state.Store(callWaiting)
	return cl
}

func putCall(cl *call) {
	if cap(cl.buf) > 64<<10 {
		cl.buf = nil
	}
	callPool.Put(cl)
}

// Version returns the negotiated protocol version.
func (c *Conn) Version() Version { return c.version }

// Compression returns the negotiated compression ("lz4", "snappy") or "".
func (c *Conn) Compression() string { return c.compName }

// RemoteAddr returns the address of the server.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// InFlight reports how many stream ids are in use, including those of
// cancelled requests whose reply has not arrived yet.
func (c *Conn) InFlight() int { return c.streams.inUse() }

// Orphans reports how many stream ids are held by requests whose caller
// gave up (timeout or cancel) and whose reply has not arrived yet.
func (c *Conn) Orphans() int { return int(c.orphans.Load()) }

// MaxStreams reports how many requests the connection takes in flight.
func (c *Conn) MaxStreams() int { return c.streams.max }

// DroppedEvents reports how many EVENT messages were dropped because the
// event handler was not keeping up (or no handler was set).
func (c *Conn) DroppedEvents() int64 { return c.evDrops.Load() }

// Done is closed when the connection is closed or lost; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.closed }

// Err returns nil while the connection is usable, else an error wrapping
// ErrConnClosed and the cause.
func (c *Conn) Err() error {
	select {
	case <-c.closed:
		return c.closeErr
	default:
		return nil
	}
}

// Close closes the socket and fails every in-flight request with an error
// wrapping ErrConnClosed. It waits for the reader and writer goroutines to
// end. Closing twice is harmless.
func (c *Conn) Close() error {
	c.fail(fmt.Errorf("%w by Close", ErrConnClosed))
	<-c.readerEnd
	<-c.writerEnd
	return nil
}

// fail closes the connection once with err (which wraps ErrConnClosed) and
// fails every registered request.
func (c *Conn) fail(err error) {
	c.closeOnce.Do(func() {
		c.closeErr = err
		c.closing.Store(true)
		close(c.closed)
		c.nc.Close()
	})
	c.sweep()
}

// sweep fails every request still registered. Requests that register after
// closing is set see it themselves (see Do), so nothing is left waiting.
func (c *Conn) sweep() {
	for i := range c.calls {
		if cl := c.calls[i].Swap(nil); cl != nil {
			c.deliver(int16(i), cl, result{err: c.closeErr})
		}
	}
}

// deliver hands r to cl, the call that was registered on stream id. If the
// request was abandoned (context ended), the id is freed here instead.
func (c *Conn) deliver(id int16, cl *call, r result) {
	if cl.state.CompareAndSwap(callWaiting, callDelivered) {
		cl.ch <- r // capacity 1, never blocks
		return
	}
	// Abandoned: the waiter is gone; drop the late reply and free the id.
	c.orphans.Add(-1)
	c.streams.release(id)
	putCall(cl)
}

// start launches the reader, writer and event goroutines. The handshake is
// over and c.rd is set up for the negotiated framing.
func (c *Conn) start() {
	go c.readLoop()
	go c.writeLoop()
	if c.onEvent != nil {
		go c.eventLoop()
	}
	if c.health.timeout > 0 || c.health.interval > 0 {
		go c.healthLoop()
	}
}

// Do sends req and waits for its response. A server ERROR comes back as a
// *Error, with the ResponseFrame (warnings, tracing id) also returned.
//
// The ResponseFrame owns its memory: the body it was decoded from is
// allocated per response (in v5, per segment: responses that arrived in
// one segment share its at most 128 KiB) and never reused, so its byte
// slices, row cells included, stay valid for as long as the caller keeps
// them; there is nothing to release.
//
// If ctx ends first, Do returns at once with an error wrapping ctx.Err()
// that says where the request was waiting; the stream id stays in use until the server's late reply arrives (which is then dropped) or the
// connection closes, so a late reply never reaches another request.
func (c *Conn) Do(ctx context.Context, req Request) (*ResponseFrame, error) {
	return c.DoWith(ctx, req, RequestOptions{})
}

// RequestOptions are per-request frame settings.
type RequestOptions struct {
	// Tracing sets the tracing flag (spec section 2.4.1.2); the server
	// then returns a tracing id (QUERY, PREPARE, EXECUTE, BATCH).
	Tracing bool
	// CustomPayload is sent as the [bytes map] custom payload (v4+).
	CustomPayload map[string][]byte
	// Timeout, when positive, bounds the whole wait (for a free stream id,
	// then for the response) as a context deadline would (the error wraps
	// context.DeadlineExceeded), without the allocations of a context and
	// timer per request.
	Timeout time.Duration
	// Abort, when closed, ends the wait for the response with
	// ErrAbandoned, as a cancelled context would, without a context per
	// request: the driver's speculative executions close it for the
	// executions that lost. The stream id stays held until the reply
	// comes (Orphans). Nil never aborts.
	Abort <-chan struct{}
}

// ErrAbandoned is the error of a request whose wait for the response was
// ended by RequestOptions.Abort.
var ErrAbandoned = errors.New("cassandra: request abandoned: another execution of it answered first")

// DoWith is Do with per-request frame options.
func (c *Conn) DoWith(ctx context.Context, req Request, o RequestOptions) (*ResponseFrame, error) {
	h, body, err := c.roundTrip(ctx, req, o)
	if err != nil {
		return nil, err
	}
	return c.decode(h, body)
}

func (c *Conn) decode(h Header, body []byte) (*ResponseFrame, error) {
	f, err := decodeResponse(h, body)
	if err != nil {
		return nil, wrapf(err, "decoding %v response from %s", h.Opcode, c.addr)
	}
	if e, ok := f.Message.(*Error); ok {
		return f, e
	}
	return f, nil
}

// resultFrame lets a RESULT and its frame share one allocation: RESULT
// answers almost every request.
type resultFrame struct {
	frame  ResponseFrame
	result Result
}

// decodeResponse is DecodeResponse returning a pointer, allocated once.
func decodeResponse(h Header, body []byte) (*ResponseFrame, error) {
	if h.Opcode != OpResult || !h.Response {
		f, err := DecodeResponse(h, body)
		return &f, err
	}
	rf := new(resultFrame)
	rest, err := DecodeResponsePrefix(h, body, &rf.frame)
	if err != nil {
		return nil, err
	}
	rf.frame.Message = &rf.result
	return &rf.frame, rf.result.Decode(rest, h.Version)
}

// roundTrip sends req and returns the raw response header and body.
//
// o.Timeout bounds the whole wait: for a free stream id, then for the
// response; one timer, pooled with the call, covers both. An error for a
// request none of whose bytes were handed to the writer is marked NotSent.
func (c *Conn) roundTrip(ctx context.Context, req Request, o RequestOptions) (Header, []byte, error) {
	if err := c.Err(); err != nil {
		return Header{}, nil, notSent(err)
	}
	if err := ctx.Err(); err != nil {
		return Header{}, nil, notSent(err) // do not send what nobody waits for
	}
	cl := getCall()
	var timeout <-chan struct{} // nil: no timeout
	if o.Timeout > 0 {
		timeout = cl.arm(o.Timeout)
	}
	id, err := c.streams.acquire(ctx, c.closed, timeout)
	if err != nil {
		if timeout != nil {
			cl.disarm()
		}
		putCall(cl)
		return Header{}, nil, notSent(c.streamWaitError(err, o.Timeout))
	}
	cl.buf, err = c.appendRequest(cl.buf[:0], id, req, o)
	if err != nil {
		if timeout != nil {
			cl.disarm()
		}
		c.streams.release(id)
		putCall(cl)
		return Header{}, nil, notSent(err)
	}
	c.calls[id].Store(cl)

	c.wmu.Lock()
	c.wbuf = append(c.wbuf, cl.buf...)
	gen := c.wgen // the writer's next take carries this request
	c.wmu.Unlock()
	select {
	case c.wkick <- struct{}{}:
	default:
	}

	if c.closing.Load() && c.calls[id].CompareAndSwap(cl, nil) {
		// Closed before the sweep could see this call: fail it here.
		if timeout != nil {
			cl.disarm()
		}
		c.streams.release(id)
		putCall(cl)
		return Header{}, nil, c.failedRequestError(gen)
	}

	var r result
	var stop error // why the wait ended without the reply, if it did
	select {
	case r = <-cl.ch:
	case <-ctx.Done():
		stop = c.waitEndedError(ctx.Err())
	case <-o.Abort:
		stop = ErrAbandoned
	case <-timeout:
		stop = fmt.Errorf("cassandra: no response from %s within %v: %w", c.addr, roundDuration(o.Timeout), context.DeadlineExceeded)
	}
	if timeout != nil {
		cl.disarm() // before giveUp: an abandoned call may go back to the pool at once
	}
	if stop != nil {
		if giveUp(cl) {
			c.orphans.Add(1)
			return Header{}, nil, stop
		}
		r = <-cl.ch // delivered just now: it arrives at once
	}
	c.streams.release(id)
	putCall(cl)
	if r.err != nil && errors.Is(r.err, ErrConnClosed) {
		return r.h, r.body, c.failedRequestError(gen)
	}
	return r.h, r.body, r.err
}

// failedRequestError is the error of a request queued in writer generation
// gen when the connection failed: NotSent if the writer never took it.
func (c *Conn) failedRequestError(gen uint64) error {
	c.wmu.Lock()
	taken := c.wgen > gen
	c.wmu.Unlock()
	if !taken {
		return notSent(c.closeErr)
	}
	return c.closeErr
}

// streamWaitError says why no stream id was had: the connection closed, or
// the budget ran out while every id was held, and by whom.
func (c *Conn) streamWaitError(err error, timeout time.Duration) error {
	switch err {
	case errStreamsClosed:
		return c.closeErr
	case errStreamsTimeout:
		return fmt.Errorf("cassandra: no stream id free on %s within %v: %d requests in flight, %d of them abandoned after timeouts: %w",
			c.addr, roundDuration(timeout), c.streams.inUse(), c.orphans.Load(), context.DeadlineExceeded)
	}
	return fmt.Errorf("cassandra: no stream id free on %s before the context ended: %d requests in flight, %d of them abandoned after timeouts: %w",
		c.addr, c.streams.inUse(), c.orphans.Load(), err)
}

// roundDuration rounds a request's remaining budget for an error message:
// "within 2s", not "within 1.999873s".
func roundDuration(d time.Duration) time.Duration {
	if d >= 10*time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d
}

// waitEndedError says that the caller's context ended while the request
// waited for its response.
func (c *Conn) waitEndedError(err error) error {
	if err == context.DeadlineExceeded {
		return fmt.Errorf("cassandra: no response from %s before the context's deadline: %w", c.addr, err)
	}
	return fmt.Errorf("cassandra: request to %s abandoned before its response: %w", c.addr, err)
}

// giveUp abandons cl unless its reply was delivered just now. Once
// abandoned, the reader (or the sweep) frees the stream id and the call
// when the reply comes, so the caller must not touch cl again.
func giveUp(cl *call) bool {
	return cl.state.CompareAndSwap(callWaiting, callAbandoned)
}

// appendRequest appends the frame (v5: the envelope) for req on stream id.
func (c *Conn) appendRequest(dst []byte, id int16, req Request, o RequestOptions) ([]byte, error) {
	var flags Flags
	if o.Tracing {
		flags |= FlagTracing
	}
	if o.CustomPayload != nil {
		flags |= FlagCustomPayload
	}
	start := len(dst)
	dst, err := appendRequestFrame(dst, c.version, flags, id, req, o.CustomPayload, c.frameComp())
	if c.trace != nil && err == nil {
		c.trace.sent(dst[start:], c.frameComp())
	}
	return dst, err
}

// frameComp returns the compressor for frame bodies: v3/v4 compress each
// frame body (flag 0x01); v5 compresses segments instead.
func (c *Conn) frameComp() Compressor {
	if c.segments {
		return nil
	}
	return c.comp
}

func (c *Conn) writeLoop() {
	defer close(c.writerEnd)
	var spare, out, segBuf []byte
	sw := c.newSegmentWriter()
	for {
		select {
		case <-c.wkick:
		case <-c.closed:
			return
		}
		// Let the goroutines that are about to queue a request do so
		// first, so that one write carries more of them: under load this
		// saves a third of the write syscalls' CPU per request, and with
		// nothing else runnable it returns at once (no timer, no delay).
		runtime.Gosched()
		c.wmu.Lock()
		buf := c.wbuf
		c.wbuf = spare[:0] // spare now belongs to the queue
		if len(buf) > 0 {
			c.wgen++
		}
		c.wmu.Unlock()
		if len(buf) == 0 {
			spare = buf
			continue
		}
		out = buf
		if sw != nil {
			var err error
			out, err = sw.appendSegments(segBuf[:0], buf)
			segBuf = out
			if err != nil {
				c.fail(fmt.Errorf("%w: framing requests for %s: %w", ErrConnClosed, c.addr, unprefixed(err)))
				return
			}
		}
		c.writeSeq.Add(1) // odd: writing
		_, err := c.nc.Write(out)
		c.writeSeq.Add(1)
		if err != nil {
			c.fail(fmt.Errorf("%w: connection to %s lost while writing: %w", ErrConnClosed, c.addr, err))
			return
		}
		if cap(buf) > 1<<20 {
			buf = nil // do not keep a huge buffer after one large request
		}
		if cap(segBuf) > 1<<20 {
			segBuf = nil
		}
		spare = buf
	}
}

func (c *Conn) readLoop() {
	defer close(c.readerEnd)
	for {
		h, body, err := c.rd.next()
		if err != nil {
			if c.closing.Load() {
				c.fail(c.closeErr)
			} else if errors.Is(err, io.EOF) {
				c.fail(fmt.Errorf("%w: server %s closed the connection: %w", ErrConnClosed, c.addr, unprefixed(err)))
			} else {
				c.fail(fmt.Errorf("%w: connection to %s lost while reading: %w", ErrConnClosed, c.addr, unprefixed(err)))
			}
			return
		}
		if !h.Response || h.Version != c.version {
			c.fail(fmt.Errorf("%w: server %s sent a frame with header %v on a %v connection", ErrConnClosed, c.addr, h, c.version))
			return
		}
		if h.Stream < 0 {
			c.handleServerPush(h, body)
			continue
		}
		if int(h.Stream) >= len(c.calls) {
			continue // never handed out: a server bug; ignore the frame
		}
		cl := c.calls[h.Stream].Swap(nil)
		if cl == nil {
			continue // no request on this stream: ignore the stray reply
		}
		c.deliver(h.Stream, cl, result{h: h, body: body})
	}
}

// handleServerPush handles frames on negative stream ids: EVENT on -1
// (spec section 4.2.6). Anything else is ignored.
func (c *Conn) handleServerPush(h Header, body []byte) {
	if h.Opcode != OpEvent {
		return
	}
	if c.onEvent == nil {
		c.evDrops.Add(1)
		return
	}
	f, err := DecodeResponse(h, body)
	if err != nil {
		c.evDrops.Add(1)
		return
	}
	ev, ok := f.Message.(*Event)
	if !ok {
		c.evDrops.Add(1)
		return
	}
	select {
	case c.events <- ev:
	default:
		c.evDrops.Add(1)
	}
}

func (c *Conn) eventLoop() {
	for {
		select {
		case ev := <-c.events:
			c.onEvent(ev)
		case <-c.closed:
			return
		}
	}
}
