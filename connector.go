package cassandra

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// Connector holds what every connection of a *sql.DB shares: the Config,
// the sockets (Config.ConnsPerHost multiplexed connections per host, opened
// when first needed) and the prepared-statement cache. A driver.Conn it
// returns is a cheap handle on them, so SetMaxOpenConns(500) does not open
// 500 sockets. Close (called by (*sql.DB).Close) closes the sockets.
type Connector struct {
	cfg      *Config
	pool     *pool.Pool
	prepared pool.Cache
	versions protocol.VersionCache
	closed   atomic.Bool
	tls      *tls.Config // from the Config, read once (nil: no TLS)
	disc     discovery
	// trace receives the wire trace of every socket (Config.Trace or
	// CQLSQL_TRACE): one writer, so lines of different sockets never mix.
	trace       *protocol.TraceWriter
	traceValues bool
	// hedgeTokens is the speculative executions' budget (hedge.go).
	hedgeTokens atomic.Int64
	speculated  atomic.Int64  // speculative executions started, for tests
	requestSeq  atomic.Uint64 // ObservedRequest.ID
	// c.pool's InFlight, Busy and Young, bound once for query plans.
	inFlight    func(addr string) int
	busy, young func(addr string) bool

	// onRequest, when set (tests), sees every request before it is sent.
	onRequest func(protocol.Request)
	// dialContext, when set (tests), opens the sockets.
	dialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

var _ driver.Connector = (*Connector)(nil)

// NewConnector returns a Connector for cfg, for sql.OpenDB. cfg is copied
// and checked; it can be changed afterwards without effect. No socket is
// opened until the first request. The driver.Connector it returns is a
// *Connector.
func NewConnector(cfg *Config) (driver.Connector, error) {
	c, err := newConnector(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func newConnector(cfg *Config) (*Connector, error) {
	cfg = cfg.Clone()
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	tlsConf, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	c := &Connector{cfg: cfg, tls: tlsConf}
	if cfg.Trace != nil {
		c.trace, c.traceValues = protocol.NewTraceWriter(cfg.Trace), cfg.TraceValues
	} else if w, values := protocol.TraceFromEnv(); w != nil {
		if tw, ok := w.(*protocol.TraceWriter); ok {
			c.trace, c.traceValues = tw, values
		}
	}
	c.pool = pool.New(cfg.Hosts, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		sock, err := c.dial(ctx, addr)
		if err != nil || cfg.LocalDC == "" || c.disc.topo.Load() != nil {
			return sock, err // the topology knows every host's datacenter
		}
		dc, err := datacenter(ctx, sock)
		if err != nil {
			sock.Close()
			return nil, fmt.Errorf("cassandra: reading the datacenter of %s (local_dc is set): %w", addr, unprefixed(err))
		}
		c.pool.SetHostDC(addr, dc)
		return sock, nil
	}, pool.Options{PerHost: cfg.ConnsPerHost, DialTimeout: cfg.dialTimeout(), OnHostState: c.logHostState})
	c.pool.SetLocalDC(cfg.LocalDC)
	c.inFlight, c.busy, c.young = c.pool.InFlight, c.pool.Busy, c.pool.Young
	c.hedgeTokens.Store(hedgeCost) // a burst of one to start with
	if !cfg.HostDiscovery {
		c.disc.done.Store(true)
	}
	return c, nil
}

// logHostState logs a host going down or coming back up.
func (c *Connector) logHostState(addr string, up bool, err error) {
	l := c.cfg.Logger
	if l == nil {
		return
	}
	if up {
		l.Info("cassandra: host is up", "host", addr)
		return
	}
	l.Warn("cassandra: host is down; reconnecting in the background", "host", addr, "error", err)
}

// dial opens one protocol connection to addr.
func (c *Connector) dial(ctx context.Context, addr string) (*protocol.Conn, error) {
	return c.dialWith(ctx, addr, nil)
}

// dialWith is dial with a receiver for the events the connection
// registers for (the control connection's).
func (c *Connector) dialWith(ctx context.Context, addr string, onEvent func(*protocol.Event)) (*protocol.Conn, error) {
	opts := protocol.DialOptions{
		OnEvent:      onEvent,
		TraceValues:  c.traceValues,
		Version:      protocol.Version(c.cfg.ProtocolVersion),
		VersionCache: &c.versions,
		Compression:  c.cfg.Compression,
		Keyspace:     c.cfg.Keyspace,
		MaxFrameBody: c.cfg.MaxFrameSize,
		MaxStreams:   c.cfg.MaxRequestsPerConn,
		DialContext:  c.dialContext,

		HeartbeatInterval: c.cfg.HeartbeatInterval,
		HeartbeatTimeout:  c.cfg.HeartbeatTimeout,
	}
	if c.cfg.AppName != "" || c.cfg.AppVersion != "" {
		opts.StartupOptions = map[string]string{}
		if c.cfg.AppName != "" {
			opts.StartupOptions[protocol.StartupApplicationName] = c.cfg.AppName
		}
		if c.cfg.AppVersion != "" {
			opts.StartupOptions[protocol.StartupApplicationVersion] = c.cfg.AppVersion
		}
	}
	if c.cfg.Username != "" || c.cfg.Password != "" {
		opts.Authenticator = protocol.PasswordAuthenticator{Username: c.cfg.Username, Password: c.cfg.Password}
	}
	if c.trace != nil {
		opts.Trace = c.trace // a nil *TraceWriter in the interface would not be nil
	}
	if c.tls != nil {
		tc := c.tls.Clone()
		if tc.ServerName == "" && !tc.InsecureSkipVerify {
			if h, _, err := net.SplitHostPort(addr); err == nil {
				tc.ServerName = h
			}
		}
		opts.TLS = tc
	}
	return protocol.Dial(ctx, addr, opts)
}

// Connect returns a connection handle. It opens no socket: the first
// request does, if none is open yet.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if c.closed.Load() {
		return nil, c.scrub(pool.ErrClosed)
	}
	return &conn{c: c}, nil
}

// Driver returns the Driver.
func (c *Connector) Driver() driver.Driver { return Driver{} }

// Close closes every socket of the Connector. Requests in flight fail with
// an error wrapping ErrConnClosed. (*sql.DB).Close calls it.
func (c *Connector) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	err := errors.Join(c.closeDiscovery(), c.pool.Close())
	if c.trace != nil {
		c.trace.Flush()
	}
	return err
}

// Config returns a copy of the Connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.Clone() }

// datacenter asks the node on sock for its datacenter.
func datacenter(ctx context.Context, sock *protocol.Conn) (string, error) {
	res, _, err := sock.Query(ctx, &protocol.Query{
		Statement: "SELECT data_center FROM system.local",
		Params:    protocol.QueryParams{Consistency: protocol.One},
	})
	if err != nil {
		return "", err
	}
	if res.Kind != protocol.ResultRows {
		return "", fmt.Errorf("cassandra: system.local answered with a %v result", res.Kind)
	}
	cells, err := res.Rows.NextRow(nil)
	if err != nil {
		return "", fmt.Errorf("cassandra: system.local has no data_center row: %w", unprefixed(err))
	}
	if len(cells) != 1 {
		return "", fmt.Errorf("cassandra: system.local answered %d columns for data_center", len(cells))
	}
	return codec.DecodeText(cells[0])
}

// Schema agreement: after a schema change the driver waits until the
// nodes that are up report one schema version, checking every
// schemaAgreementInterval, for at most schemaAgreementTimeout.
const (
	schemaAgreementTimeout  = 10 * time.Second
	schemaAgreementInterval = 200 * time.Millisecond
	// peerProbeTimeout bounds the check that a peer disagreeing on the
	// schema is up at all (a CQL handshake with it).
	peerProbeTimeout = time.Second
)

// awaitSchemaAgreement waits, after a schema change answered on sock, until
// the node and its peers that are up report one schema version, so that
// the next statement finds the new schema whichever node coordinates it.
// A peer is skipped when it is down: a host of the pool that is down, or
// one with no open socket that does not complete a CQL handshake within
// peerProbeTimeout. A failed check is tried again at the next interval. It
// gives up after schemaAgreementTimeout with a warning (WithWarnings): the
// change itself succeeded.
func (c *Connector) awaitSchemaAgreement(ctx context.Context, sock *protocol.Conn, warnings *warningSink) {
	deadline := time.Now().Add(schemaAgreementTimeout)
	_, port, _ := net.SplitHostPort(sock.RemoteAddr().String())
	up := map[string]bool{} // peer address -> up, probed once per wait
	parent := ctx
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var lastErr error
	var waiting []string // the peers up that disagreed at the last check
	for time.Now().Before(deadline) {
		local, peers, err := c.schemaVersions(ctx, sock)
		if parent.Err() != nil || errors.Is(err, pool.ErrClosed) {
			return // the caller or the connector is gone: nothing to wait for
		}
		if err != nil && ctx.Err() != nil {
			break // the wait's own deadline cut this check: warn with the last one's result
		}
		lastErr, waiting = err, waiting[:0]
		if err == nil {
			for _, p := range peers {
				if p.version == local {
					continue
				}
				addr := net.JoinHostPort(p.addr, port)
				isUp, known := up[addr]
				if !known {
					isUp = c.peerUp(ctx, addr)
					up[addr] = isUp
				}
				if isUp {
					waiting = append(waiting, addr)
				}
			}
			if len(waiting) == 0 {
				return
			}
		}
		select {
		case <-parent.Done():
			return
		case <-time.After(min(schemaAgreementInterval, time.Until(deadline))):
		}
	}
	msg := fmt.Sprintf("cassandra: schema agreement not reached within %v: ", schemaAgreementTimeout)
	if lastErr != nil {
		msg += fmt.Sprintf("the last check of the schema versions failed (%v)", unprefixed(lastErr))
	} else {
		msg += fmt.Sprintf("nodes that are up (%s) still report another schema version", strings.Join(waiting, ", "))
	}
	msg += "; the change succeeded, but a statement coordinated by one of them may not see it yet"
	if warnings != nil {
		warnings.add([]string{msg})
	}
	if l := c.cfg.Logger; l != nil {
		l.Warn(msg) // rare: after a schema change, never on a query's path
	}
}

// peerUp reports whether the node at addr is up: a host of the pool with an
// open socket, or one that is not known to be down and completes a CQL
// handshake now. A peer with an open socket is not probed: on a loaded
// machine a new handshake can take longer than peerProbeTimeout, and the
// wait would skip a node that is up.
func (c *Connector) peerUp(ctx context.Context, addr string) bool {
	if c.pool.Connected(addr) {
		return true
	}
	if c.pool.Down(addr) {
		if l := c.cfg.Logger; l != nil {
			l.Debug("cassandra: schema agreement skips a peer that is down", "addr", addr)
		}
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, peerProbeTimeout)
	defer cancel()
	sock, err := c.dial(ctx, addr)
	if err != nil {
		if l := c.cfg.Logger; l != nil {
			l.Debug("cassandra: schema agreement skips a peer that does not answer a handshake", "addr", addr, "err", err)
		}
		return false
	}
	sock.Close()
	return true
}

// peerVersion is a peer's address and schema version from system.peers.
type peerVersion struct {
	addr, version string
}

// schemaVersions returns the schema version of the node on sock and those
// its peers report, asked through the executor (on sock while it is open).
func (c *Connector) schemaVersions(ctx context.Context, sock *protocol.Conn) (string, []peerVersion, error) {
	rows, err := c.metadataRows(ctx, sock, "SELECT schema_version FROM system.local")
	if err != nil {
		return "", nil, err
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		return "", nil, fmt.Errorf("cassandra: system.local has %d rows", len(rows))
	}
	local := string(rows[0][0])
	rows, err = c.metadataRows(ctx, sock, "SELECT peer, rpc_address, schema_version FROM system.peers")
	if err != nil {
		return "", nil, err
	}
	var peers []peerVersion
	for _, r := range rows {
		if len(r) != 3 || r[2] == nil {
			continue
		}
		ip, err := codec.DecodeInet(r[1])
		if err != nil || ip == nil || ip.IsUnspecified() {
			if ip, err = codec.DecodeInet(r[0]); err != nil || ip == nil {
				continue
			}
		}
		peers = append(peers, peerVersion{addr: ip.String(), version: string(r[2])})
	}
	return local, peers, nil
}

// metadataRows runs a query of the driver's own through the executor,
// on sock while it is open, and returns its cells.
func (c *Connector) metadataRows(ctx context.Context, sock *protocol.Conn, q string) ([][][]byte, error) {
	op := metadataOp{query: q}
	if err := c.execute(ctx, &op, true, sock); err != nil {
		return nil, err
	}
	return op.rows, nil
}

// metadataOp is a query of the driver's own (system tables) as the
// executor runs it.
type metadataOp struct {
	query string
	rows  [][][]byte
}

func (op *metadataOp) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	res, _, err := sock.QueryWith(ctx, &protocol.Query{Statement: op.query, Params: protocol.QueryParams{Consistency: protocol.One}}, ro)
	if err != nil {
		return err
	}
	if res.Kind != protocol.ResultRows {
		return fmt.Errorf("cassandra: %q answered with a %v result", op.query, res.Kind)
	}
	op.rows = op.rows[:0]
	for {
		cells, err := res.Rows.NextRow(nil)
		if err != nil {
			break
		}
		op.rows = append(op.rows, cells)
	}
	return nil
}
