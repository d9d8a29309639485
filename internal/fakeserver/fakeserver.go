// Package fakeserver is a scripted in-process CQL server for tests: a real
// TCP listener on 127.0.0.1 that decodes client frames with the protocol
// package's server-side decoders and answers from a handler.
//
// It speaks v3 and v4 frames and v5 segments, with the compression the
// client asks for in STARTUP. OPTIONS, STARTUP and REGISTER get default
// answers unless the handler takes them. Beyond well-formed replies, a
// handler can write raw bytes (half-written frames, huge declared lengths),
// push events and kill the socket mid-response.
package fakeserver

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

// Handler answers one request. It runs on the connection's read
// goroutine, one request at a time; to answer later or out of order, keep
// the request and call Reply from another goroutine. It returns false to
// let the server answer with its default (OPTIONS, STARTUP, REGISTER), or
// with a SERVER_ERROR for other requests.
type Handler func(c *Conn, req *protocol.RequestFrame) bool

// Options configure a Server.
type Options struct {
	// MaxVersion is the highest protocol version the server speaks (0:
	// V5). A first request in a higher version is answered, in
	// MaxVersion, with the PROTOCOL_ERROR Cassandra sends.
	MaxVersion protocol.Version
	// Compression lists the algorithms announced in SUPPORTED (nil:
	// "lz4", "snappy").
	Compression []string
	// Authenticator, when set, makes STARTUP answer AUTHENTICATE with
	// this class; AUTH_RESPONSE then goes to the handler.
	Authenticator string
	// Handler answers requests; nil answers only the defaults.
	Handler Handler
	// TLS, when set, makes the listener speak TLS with this configuration.
	TLS *tls.Config
}

// Server is a listening fake server. Close it when done (New registers
// Close with t.Cleanup).
type Server struct {
	ln   net.Listener
	opts Options

	mu     sync.Mutex
	conns  map[*Conn]struct{}
	closed bool
	wg     sync.WaitGroup

	accepted chan *Conn
}

// New starts a server on 127.0.0.1:0 and closes it at the end of the test.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on 127.0.0.1:0 (for benchmarks and non-test use).
func Start(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakeserver: listen: %w", err)
	}
	if opts.TLS != nil {
		ln = tls.NewListener(ln, opts.TLS)
	}
	if opts.MaxVersion == 0 {
		opts.MaxVersion = protocol.V5
	}
	if opts.Compression == nil {
		opts.Compression = []string{"lz4", "snappy"}
	}
	s := &Server{ln: ln, opts: opts, conns: map[*Conn]struct{}{}, accepted: make(chan *Conn, 64)}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr returns the host:port to dial.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accepted delivers each accepted connection (the 64 most recent unread
// ones; older ones are dropped from this channel, not from the server).
func (s *Server) Accepted() <-chan *Conn { return s.accepted }

// Close stops listening, closes every connection and waits for their
// goroutines.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.ln.Close()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &Conn{srv: s, nc: nc, br: bufio.NewReader(nc)}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		select {
		case s.accepted <- c:
		default:
		}
		go c.serve()
	}
}

// Conn is the server side of one client connection.
type Conn struct {
	srv *Server
	nc  net.Conn
	br  *bufio.Reader

	wmu      sync.Mutex
	version  protocol.Version
	comp     protocol.Compressor
	segments bool
	started  bool
}

// Version returns the protocol version of the connection (0 before the
// first request).
func (c *Conn) Version() protocol.Version {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.version
}

// Kill closes the socket at once, whatever is in flight.
func (c *Conn) Kill() { c.nc.Close() }

// WriteRaw writes b to the socket as is, bypassing framing: for truncated
// frames, bad headers and other malformed input.
func (c *Conn) WriteRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_, err := c.nc.Write(b)
	return err
}

// Reply answers req with msg on its stream.
func (c *Conn) Reply(req *protocol.RequestFrame, msg protocol.Message) error {
	return c.Send(&protocol.ResponseFrame{Header: protocol.Header{Stream: req.Header.Stream}, Message: msg})
}

// Send writes a response frame; the version is the connection's, the
// stream and flags (tracing, warnings, custom payload) come from
// f.Header. Use stream -1 for events.
func (c *Conn) Send(f *protocol.ResponseFrame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	f.Header.Version = c.version
	frame, err := protocol.AppendResponseFrame(nil, f)
	if err != nil {
		return fmt.Errorf("fakeserver: encoding %v: %w", f.Message.Opcode(), err)
	}
	out, err := c.frameOut(frame)
	if err != nil {
		return err
	}
	_, err = c.nc.Write(out)
	return err
}

// SendEvent pushes an EVENT on stream -1.
func (c *Conn) SendEvent(ev *protocol.Event) error {
	return c.Send(&protocol.ResponseFrame{Header: protocol.Header{Stream: -1}, Message: ev})
}

// Encode returns the bytes Send would write for f, framed and compressed
// as the connection is, so a test can write part of them with WriteRaw.
func (c *Conn) Encode(f *protocol.ResponseFrame) ([]byte, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	f.Header.Version = c.version
	frame, err := protocol.AppendResponseFrame(nil, f)
	if err != nil {
		return nil, err
	}
	return c.frameOut(frame)
}

func (c *Conn) serve() {
	defer c.srv.wg.Done()
	defer func() {
		c.nc.Close()
		c.srv.mu.Lock()
		delete(c.srv.conns, c)
		c.srv.mu.Unlock()
	}()
	var in envelopeSource = &plainFrames{br: c.br}
	for {
		h, body, err := in.next(c)
		if err != nil {
			return
		}
		f, err := protocol.DecodeRequest(h, body)
		if err != nil {
			c.sendError(h.Stream, protocol.ErrCodeProtocol, "fakeserver: cannot decode request: "+err.Error())
			continue
		}
		if c.srv.opts.Handler != nil && c.srv.opts.Handler(c, &f) {
			if src := c.switchFraming(in); src != nil {
				in = src
			}
			continue
		}
		c.defaultReply(&f)
		if src := c.switchFraming(in); src != nil {
			in = src
		}
	}
}

// switchFraming returns the segment source once the v5 handshake reply has
// been sent (v5 section 2.3.1), else nil.
func (c *Conn) switchFraming(in envelopeSource) envelopeSource {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, plain := in.(*plainFrames); plain && c.segments {
		return newSegmentSource(c.br, c.comp)
	}
	return nil
}

func (c *Conn) sendError(stream int16, code protocol.ErrorCode, msg string) {
	c.Send(&protocol.ResponseFrame{Header: protocol.Header{Stream: stream},
		Message: &protocol.Error{Code: code, Message: msg}})
}

func (c *Conn) defaultReply(f *protocol.RequestFrame) {
	switch m := f.Message.(type) {
	case *protocol.Options:
		c.Reply(f, &protocol.Supported{Options: map[string][]string{
			protocol.SupportedCQLVersion:       {"3.4.7"},
			protocol.SupportedCompression:      c.srv.opts.Compression,
			protocol.SupportedProtocolVersions: {"3/v3", "4/v4", "5/v5"},
		}})
	case *protocol.Startup:
		if name := m.Options[protocol.StartupCompression]; name != "" {
			cp, err := protocol.NewCompressor(name)
			if err != nil {
				c.sendError(f.Header.Stream, protocol.ErrCodeProtocol, "fakeserver: unknown compression "+name)
				return
			}
			c.wmu.Lock()
			c.comp = cp
			c.wmu.Unlock()
		}
		var reply protocol.Message = &protocol.Ready{}
		if c.srv.opts.Authenticator != "" {
			reply = &protocol.Authenticate{Authenticator: c.srv.opts.Authenticator}
		}
		c.Reply(f, reply)
		c.StartFraming()
	case *protocol.Register:
		c.Reply(f, &protocol.Ready{})
	default:
		c.sendError(f.Header.Stream, protocol.ErrCodeServer, fmt.Sprintf("fakeserver: no handler for %v", f.Header.Opcode))
	}
}

// StartFraming marks the STARTUP reply as sent: from now on, v5 messages
// travel in segments and v3/v4 responses are compressed if negotiated. A
// handler that answers STARTUP itself must call it after its reply.
func (c *Conn) StartFraming() {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.started = true
	if c.version >= protocol.V5 {
		c.segments = true
	}
}

// envelopeSource reads request frames: plain (v3/v4, v5 handshake) or out
// of v5 segments.
type envelopeSource interface {
	next(c *Conn) (protocol.Header, []byte, error)
}

type plainFrames struct {
	br  *bufio.Reader
	hdr [protocol.HeaderSize]byte
}

func (p *plainFrames) next(c *Conn) (protocol.Header, []byte, error) {
	for {
		if _, err := io.ReadFull(p.br, p.hdr[:]); err != nil {
			return protocol.Header{}, nil, err
		}
		h, err := protocol.ParseHeader(p.hdr[:], 0)
		var uv *protocol.UnsupportedVersionError
		if errors.As(err, &uv) || err == nil && h.Version > c.srv.opts.MaxVersion {
			// Answer as Cassandra does: a PROTOCOL_ERROR in the highest
			// version the server speaks, then close.
			c.wmu.Lock()
			c.version = c.srv.opts.MaxVersion
			c.wmu.Unlock()
			c.sendError(h.Stream, protocol.ErrCodeProtocol, fmt.Sprintf(
				"Invalid or unsupported protocol version (%d); highest supported version is %d ",
				uint8(h.Version), uint8(c.srv.opts.MaxVersion)))
			return protocol.Header{}, nil, errors.New("fakeserver: unsupported version")
		}
		if err != nil {
			return h, nil, err
		}
		body := make([]byte, h.Length)
		if _, err := io.ReadFull(p.br, body); err != nil {
			return h, nil, err
		}
		c.wmu.Lock()
		if c.version == 0 {
			c.version = h.Version
		}
		comp := c.comp
		c.wmu.Unlock()
		if h.Flags&protocol.FlagCompression != 0 && h.Version < protocol.V5 {
			if comp == nil {
				return h, nil, errors.New("fakeserver: compressed frame without compression")
			}
			if body, err = comp.Decompress(nil, body, protocol.DefaultMaxFrameBody); err != nil {
				return h, nil, err
			}
			h.Flags &^= protocol.FlagCompression
			h.Length = len(body)
		}
		return h, body, nil
	}
}
