package protocol

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Driver identity sent in STARTUP (spec section 4.1.1).
const (
	DriverName    = "cqlsql"
	DriverVersion = "0.1.0"
)

// DialOptions configure Dial. The zero value dials in clear text, without
// compression or authentication, starting at protocol v5.
type DialOptions struct {
	// Version is the highest protocol version to try; 0 means V5. When
	// the server rejects it, Dial steps down (v5, v4, v3) on a fresh
	// socket, no lower than MinVersion.
	Version Version
	// MinVersion is the lowest version to step down to; 0 means V3.
	MinVersion Version
	// VersionCache, when set, remembers per address the version that
	// worked, and Dial starts there (never above Version).
	VersionCache *VersionCache

	// Compression asks for "lz4" (v4 and v5) or "snappy" (v4 only). It is
	// used only when the server lists it in SUPPORTED; otherwise the
	// connection is uncompressed (see Conn.Compression). "" disables it.
	Compression string

	// Authenticator answers AUTHENTICATE; nil fails the handshake if the
	// server requires authentication.
	Authenticator Authenticator

	// TLS, when set, wraps the socket in TLS with this configuration. If
	// ServerName is empty the host of addr is used.
	TLS *tls.Config

	// Keyspace, when set, is selected with USE once the connection is
	// ready.
	Keyspace string

	// DialContext opens the socket; nil uses a net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// StartupOptions are extra STARTUP entries, such as
	// StartupApplicationName; they cannot override CQL_VERSION, COMPRESSION,
	// DRIVER_NAME or DRIVER_VERSION, which the handshake sets itself.
	StartupOptions map[string]string

	// MaxFrameBody bounds the body length a response header may declare
	// (checked before anything is allocated); 0 means DefaultMaxFrameBody.
	MaxFrameBody int

	// MaxStreams bounds the requests in flight on the connection; 0 or
	// more than MaxStreams means MaxStreams.
	MaxStreams int

	// HeartbeatInterval, when positive, sends an OPTIONS on a connection
	// that has read and written nothing for that long; HeartbeatTimeout,
	// when positive, closes a connection that reads nothing for that long
	// while it has requests in flight (after an OPTIONS probe went
	// unanswered), that does not answer a heartbeat within it, or whose
	// write does not complete within it. Zero turns each off. See
	// Conn.healthLoop.
	HeartbeatInterval time.Duration
	HeartbeatTimeout  time.Duration

	// OnEvent receives the EVENT messages the connection registered for
	// (see Conn.Register). It runs on a goroutine of its own, one event at
	// a time; events arriving while 256 are queued are dropped (see
	// Conn.DroppedEvents).
	OnEvent func(*Event)

	// Trace, when set, receives an annotated wire trace: a line (BATCH:
	// a few) per frame sent and received, with the header and a summary
	// of the message. Pass one *TraceWriter to every connection sharing a
	// writer (see NewTraceWriter, TraceFromEnv); another writer is wrapped
	// in one per connection. AUTH_RESPONSE tokens are never shown.
	Trace io.Writer
	// TraceValues shows bound values in hex (their first 64 bytes); by
	// default the trace shows only their lengths, NULL and UNSET.
	TraceValues bool
}

// Dial connects to the Cassandra node at addr (host:port), negotiates the
// protocol version and compression, authenticates, and returns a ready
// connection. ctx bounds the whole handshake, not the connection's life.
func Dial(ctx context.Context, addr string, opts DialOptions) (*Conn, error) {
	hi, lo := opts.Version, opts.MinVersion
	if hi == 0 {
		hi = V5
	}
	if lo == 0 {
		lo = V3
	}
	if !hi.Supported() || !lo.Supported() || lo > hi {
		return nil, fmt.Errorf("cassandra: protocol versions %v to %v asked: this driver speaks v3 to v5", lo, hi)
	}
	v := hi
	if cached := opts.VersionCache.Get(addr); cached.Supported() && cached <= hi && cached >= lo {
		v = cached
	}
	// A server that closed the socket instead of answering may have
	// failed for another reason: the version reached that way is used but
	// not remembered.
	remember := true
	for {
		c, err := dialVersion(ctx, addr, v, opts)
		if err == nil {
			if remember {
				opts.VersionCache.Put(addr, v)
			}
			return c, nil
		}
		var rej *versionRejectedError
		if errors.As(err, &rej) {
			if next := nextVersion(v, lo, rej); next != 0 {
				if rej.Server == 0 {
					remember = false
				}
				v = next
				continue
			}
		}
		return nil, err
	}
}

func dialVersion(ctx context.Context, addr string, v Version, opts DialOptions) (*Conn, error) {
	dial := opts.DialContext
	if dial == nil {
		d := net.Dialer{KeepAlive: tcpKeepAlive}
		dial = d.DialContext
	}
	nc, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cassandra: dialing %s: %w", addr, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		// Also for sockets from a custom DialContext: the kernel then
		// notices a peer that vanished even on an idle socket.
		tc.SetKeepAlive(true)
		tc.SetKeepAlivePeriod(tcpKeepAlive)
	}
	var cc *clientCertSeen
	if opts.TLS != nil {
		var tc *tls.Conn
		if tc, cc, err = tlsHandshake(ctx, nc, addr, opts.TLS); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	c, err := NewConn(ctx, nc, addr, v, opts)
	if err != nil {
		return nil, mismatchHint(err, opts.TLS != nil, cc)
	}
	return c, nil
}

// tlsHandshake runs the TLS handshake on nc, noting whether the server
// asked for a client certificate. Its errors say what a failure most
// likely means: a port that does not speak TLS, a certificate the server
// wants.
func tlsHandshake(ctx context.Context, nc net.Conn, addr string, cfg *tls.Config) (*tls.Conn, *clientCertSeen, error) {
	cfg = cfg.Clone()
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			cfg.ServerName = host
		}
	}
	cc := &clientCertSeen{pick: cfg.GetClientCertificate, certs: cfg.Certificates}
	cfg.GetClientCertificate = cc.get
	tc := tls.Client(nc, cfg)
	err := tc.HandshakeContext(ctx)
	if err == nil {
		return tc, cc, nil
	}
	err = fmt.Errorf("cassandra: TLS handshake with %s: %w", addr, err)
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &rh):
		err = fmt.Errorf("%w; the server does not offer TLS on this port: connect without TLS (tls=false) or to its TLS port", err)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("%w; no TLS answer from the server in time: it may not offer TLS on this port (tls=false)", err)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		err = fmt.Errorf("%w; the server closed the connection during the TLS handshake: it may not offer TLS on this port (tls=false), or accept none of the TLS versions and ciphers offered", err)
	default:
		err = mismatchHint(err, true, cc)
	}
	return nil, cc, err
}

// clientCertSeen is a tls.Config.GetClientCertificate that notes whether
// the server asked for a client certificate and whether one was sent,
// choosing the certificate as crypto/tls does (or as pick does, when the
// configuration had its own).
type clientCertSeen struct {
	pick         func(*tls.CertificateRequestInfo) (*tls.Certificate, error)
	certs        []tls.Certificate
	asked, given bool
}

func (s *clientCertSeen) get(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	s.asked = true
	if s.pick != nil {
		c, err := s.pick(cri)
		s.given = err == nil && c != nil && len(c.Certificate) > 0
		return c, err
	}
	for i := range s.certs {
		if cri.SupportsCertificate(&s.certs[i]) == nil {
			s.given = true
			return &s.certs[i], nil
		}
	}
	return new(tls.Certificate), nil // none fits: send none
}

// mismatchHint adds to err, an error of the handshake on a socket with TLS
// or not, what client and server most likely disagree on.
func mismatchHint(err error, withTLS bool, cc *clientCertSeen) error {
	if withTLS {
		if cc == nil || !cc.asked {
			return err
		}
		if !cc.given && len(cc.certs) > 0 {
			return fmt.Errorf("%w; the server asked for a client certificate from the CAs it trusts, and none of the certificates given is signed by one: no certificate was sent", err)
		}
		if !cc.given {
			return fmt.Errorf("%w; the server asked for a client certificate and none was sent: it requires one, set tls_cert and tls_key (Config.TLSCert and TLSKey)", err)
		}
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "remote error" || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w; the server asked for a client certificate and may have rejected the one sent: check that it is signed by a CA the server trusts", err)
		}
		return err
	}
	var uv *UnsupportedVersionError
	switch {
	case errors.As(err, &uv) && (uv.Version&0x7f == 0x15 || uv.Version&0x7f == 0x16):
		// A TLS record (alert or handshake) where a frame was expected.
		return fmt.Errorf("%w; the server answered in TLS: it requires TLS on this port, connect with tls=true", err)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w; the server closed the connection before answering: it probably requires TLS on this port (tls=true)", err)
	}
	return err
}

// NewConn runs the handshake of protocol version v on an open socket and
// returns the connection; it does not step down versions, use the
// VersionCache, wrap TLS or dial (Dial does: opts.Version, MinVersion,
// VersionCache, TLS and DialContext are ignored here). addr only labels
// errors. On error nc is closed.
func NewConn(ctx context.Context, nc net.Conn, addr string, v Version, opts DialOptions) (*Conn, error) {
	if !v.Supported() {
		nc.Close()
		return nil, fmt.Errorf("cassandra: protocol %v asked: this driver speaks v3 to v5", v)
	}
	c := newConn(nc, addr, v, opts)
	if err := c.handshake(ctx, opts); err != nil {
		nc.Close()
		return nil, err
	}
	c.start()
	if opts.Keyspace != "" {
		q := &Query{Statement: "USE " + quoteIdent(opts.Keyspace)}
		q.Params.Consistency = One
		if _, err := c.Do(ctx, q); err != nil {
			c.Close()
			return nil, wrapf(err, "selecting keyspace %q on %s", opts.Keyspace, addr)
		}
	}
	return c, nil
}

// tcpKeepAlive is the TCP keepalive period of every socket.
const tcpKeepAlive = 15 * time.Second

// progressReader counts the bytes read from the socket for the health
// loop: one atomic add per read system call.
type progressReader struct{ c *Conn }

func (r progressReader) Read(p []byte) (int, error) {
	n, err := r.c.nc.Read(p)
	r.c.readBytes.Add(uint64(n))
	return n, err
}

// quoteIdent double-quotes a CQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func newConn(nc net.Conn, addr string, v Version, opts DialOptions) *Conn {
	maxBody := opts.MaxFrameBody
	if maxBody <= 0 || maxBody > DefaultMaxFrameBody {
		maxBody = DefaultMaxFrameBody
	}
	streams := newStreamIDs(opts.MaxStreams)
	c := &Conn{
		nc:        nc,
		addr:      addr,
		version:   v,
		maxBody:   maxBody,
		health:    healthOptions{interval: opts.HeartbeatInterval, timeout: opts.HeartbeatTimeout},
		streams:   streams,
		calls:     make([]atomic.Pointer[call], streams.max),
		wkick:     make(chan struct{}, 1),
		closed:    make(chan struct{}),
		readerEnd: make(chan struct{}),
		writerEnd: make(chan struct{}),
		onEvent:   opts.OnEvent,
	}
	if c.onEvent != nil {
		c.events = make(chan *Event, 256)
	}
	if opts.Trace != nil {
		remote := addr
		if ra := nc.RemoteAddr(); ra != nil {
			remote = ra.String()
		}
		c.trace = newTracer(opts.Trace, remote, opts.TraceValues)
	}
	c.br = bufio.NewReaderSize(progressReader{c}, 64<<10)
	c.rd = frameReader{br: c.br, maxBody: maxBody, trace: c.trace}
	return c
}

// handshake runs OPTIONS, STARTUP and the authentication exchange
// synchronously on stream 0 before the reader and writer start.
func (c *Conn) handshake(ctx context.Context, opts DialOptions) (err error) {
	if d, ok := ctx.Deadline(); ok {
		c.nc.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { c.nc.SetDeadline(time.Unix(1, 0)) })
	defer func() {
		if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
			// The socket deadline is the context's: let the context
			// catch up so the error says why.
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		if !stop() || ctx.Err() != nil {
			if err != nil {
				err = fmt.Errorf("%w; the handshake with %s was cut short: %w", err, c.addr, ctx.Err())
			} else {
				err = fmt.Errorf("cassandra: handshake with %s: %w", c.addr, ctx.Err())
			}
			return
		}
		if err == nil {
			c.nc.SetDeadline(time.Time{})
		}
	}()

	// OPTIONS -> SUPPORTED (spec section 4.1.3). Unframed in v5 (2.3.1).
	h, msg, err := c.syncRoundTrip(&Options{}, true)
	if err != nil {
		return err
	}
	sup, ok := msg.(*Supported)
	if !ok {
		return c.unexpected("OPTIONS", h, msg)
	}

	startup := make(map[string]string, len(opts.StartupOptions)+4)
	for k, v := range opts.StartupOptions {
		startup[k] = v
	}
	startup[StartupCQLVersion] = DefaultCQLVersion
	startup[StartupDriverName] = DriverName
	startup[StartupDriverVersion] = DriverVersion
	comp := chooseCompression(c.version, opts.Compression, sup.Options[SupportedCompression])
	if comp != "" {
		cp, err := NewCompressor(comp)
		if err != nil {
			return wrapf(err, "compression %q", comp)
		}
		startup[StartupCompression] = comp
		c.comp, c.compName = cp, comp
	}

	// STARTUP -> READY | AUTHENTICATE (section 4.1.1). STARTUP itself is
	// never compressed (2.3.2); in v3/v4 the reply may be.
	if err := c.syncWrite(&Startup{Options: startup}); err != nil {
		return err
	}
	if c.version < V5 {
		c.rd.comp = c.comp
	}
	h, msg, err = c.syncRead()
	if err != nil {
		return err
	}
	if c.version >= V5 {
		// From the READY or AUTHENTICATE response on, everything travels
		// in segments (v5 section 2.3.1).
		if _, ok := msg.(*Ready); ok {
			c.enableSegments()
		} else if _, ok := msg.(*Authenticate); ok {
			c.enableSegments()
		}
	}
	switch m := msg.(type) {
	case *Ready:
		return nil
	case *Authenticate:
		return c.authenticate(m.Authenticator, opts.Authenticator)
	case *Error:
		return fmt.Errorf("%w (server %s rejected STARTUP)", m, c.addr)
	}
	return c.unexpected("STARTUP", h, msg)
}

// chooseCompression returns the algorithm to use: the one asked for if the
// server supports it and the version allows it (v5: lz4 only), else "".
func chooseCompression(v Version, asked string, supported []string) string {
	asked = strings.ToLower(strings.TrimSpace(asked))
	if asked == "" || asked == "none" {
		return ""
	}
	if v >= V5 && asked != "lz4" {
		return ""
	}
	for _, s := range supported {
		if strings.EqualFold(s, asked) {
			return asked
		}
	}
	return ""
}

// authenticate runs the SASL exchange (spec sections 4.2.3, 4.1.2, 4.2.7,
// 4.2.8). Errors never include tokens: they may hold the password.
func (c *Conn) authenticate(class string, a Authenticator) error {
	if a == nil {
		return fmt.Errorf("cassandra: server %s requires authentication (%s); set an Authenticator such as PasswordAuthenticator", c.addr, class)
	}
	tok, ch, err := a.InitialResponse(class)
	if err != nil {
		return wrapf(err, "authenticator for %s (%s)", c.addr, class)
	}
	for i := 0; ; i++ {
		if i > 100 {
			return fmt.Errorf("cassandra: server %s sent more than 100 AUTH_CHALLENGE messages", c.addr)
		}
		h, msg, err := c.syncRoundTrip(&AuthResponse{Token: tok}, false)
		if err != nil {
			return err
		}
		switch m := msg.(type) {
		case *AuthSuccess:
			if ch != nil {
				if err := ch.Success(m.Token); err != nil {
					return wrapf(err, "authentication with %s", c.addr)
				}
			}
			return nil
		case *AuthChallenge:
			if ch == nil {
				return fmt.Errorf("cassandra: server %s sent AUTH_CHALLENGE but the authenticator expects none", c.addr)
			}
			if tok, err = ch.Challenge(m.Token); err != nil {
				return wrapf(err, "authentication with %s", c.addr)
			}
		case *Error:
			return fmt.Errorf("%w (authentication with %s failed, %s)", m, c.addr, class)
		default:
			return c.unexpected("AUTH_RESPONSE", h, msg)
		}
	}
}

func (c *Conn) unexpected(req string, h Header, msg Message) error {
	if e, ok := msg.(*Error); ok {
		return fmt.Errorf("%w (server %s answered %s with it)", e, c.addr, req)
	}
	return fmt.Errorf("cassandra: server %s answered %s with an unexpected %v message", c.addr, req, h.Opcode)
}

// syncWrite writes req on stream 0, framed as the connection currently is.
func (c *Conn) syncWrite(req Request) error {
	buf, err := c.appendRequest(nil, 0, req, RequestOptions{})
	if err != nil {
		return err
	}
	if c.segments {
		if buf, err = c.newSegmentWriter().appendSegments(nil, buf); err != nil {
			return err
		}
	}
	if _, err := c.nc.Write(buf); err != nil {
		return fmt.Errorf("cassandra: writing %v to %s: %w", req.Opcode(), c.addr, err)
	}
	return nil
}

// syncRead reads and decodes one response.
func (c *Conn) syncRead() (Header, Message, error) {
	h, body, err := c.rd.next()
	if err != nil {
		return h, nil, wrapf(err, "reading handshake response from %s", c.addr)
	}
	if h.Version != c.version {
		return h, nil, fmt.Errorf("cassandra: server %s answered in %v on a %v connection", c.addr, h.Version, c.version)
	}
	f, err := DecodeResponse(h, body)
	if err != nil {
		return h, nil, wrapf(err, "decoding %v from %s", h.Opcode, c.addr)
	}
	return h, f.Message, nil
}

// syncRoundTrip writes req and reads its response. With first set, it is
// the connection's first exchange, where a version rejection shows.
func (c *Conn) syncRoundTrip(req Request, first bool) (Header, Message, error) {
	if err := c.syncWrite(req); err != nil {
		return Header{}, nil, err
	}
	if !first {
		return c.syncRead()
	}
	h, body, err := c.rd.next()
	if err != nil {
		var uv *UnsupportedVersionError
		switch {
		case errors.As(err, &uv):
			return h, nil, &versionRejectedError{Tried: c.version, Server: uv.Version,
				Cause: fmt.Errorf("%w, from server %s", err, c.addr)}
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			// Some servers close the socket on a version they do not know.
			return h, nil, &versionRejectedError{Tried: c.version,
				Cause: wrapf(err, "server %s closed the connection after %v", c.addr, req.Opcode())}
		}
		return h, nil, wrapf(err, "reading handshake response from %s", c.addr)
	}
	f, derr := DecodeResponse(h, body)
	if derr == nil && isVersionRejection(c.version, h, f.Message) || derr != nil && h.Version != c.version {
		var cause error = derr
		if e, ok := f.Message.(*Error); ok {
			cause = e
		}
		return h, nil, &versionRejectedError{Tried: c.version, Server: h.Version, Cause: cause}
	}
	if derr != nil {
		return h, nil, wrapf(derr, "decoding %v from %s", h.Opcode, c.addr)
	}
	if h.Version != c.version {
		return h, nil, fmt.Errorf("cassandra: server %s answered in %v on a %v connection", c.addr, h.Version, c.version)
	}
	return h, f.Message, nil
}
