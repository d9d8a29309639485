package cassandra

import (
	"context"
	"crypto/tls"
	"database/sql/driver"
	"fmt"
	"net"
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
	c := &Connector{cfg: cfg}
	c.pool = pool.New(cfg.Hosts, cfg.ConnsPerHost, cfg.ConnectTimeout, func(ctx context.Context, addr string) (*protocol.Conn, error) {
		sock, err := c.dial(ctx, addr, tlsConf)
		if err != nil || cfg.LocalDC == "" {
			return sock, err
		}
		dc, err := datacenter(ctx, sock)
		if err != nil {
			sock.Close()
			return nil, fmt.Errorf("cassandra: reading the datacenter of %s (local_dc is set): %w", addr, err)
		}
		c.pool.SetHostDC(addr, dc)
		return sock, nil
	})
	c.pool.SetLocalDC(cfg.LocalDC)
	return c, nil
}

// dial opens one protocol connection to addr.
func (c *Connector) dial(ctx context.Context, addr string, tlsConf *tls.Config) (*protocol.Conn, error) {
	opts := protocol.DialOptions{
		Version:      protocol.Version(c.cfg.ProtocolVersion),
		VersionCache: &c.versions,
		Compression:  c.cfg.Compression,
		Keyspace:     c.cfg.Keyspace,
		MaxFrameBody: c.cfg.MaxFrameSize,
		MaxStreams:   c.cfg.MaxRequestsPerConn,
		DialContext:  c.dialContext,
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
	if tlsConf != nil {
		tc := tlsConf.Clone()
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
	return c.pool.Close()
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
	if err != nil || len(cells) != 1 {
		return "", fmt.Errorf("cassandra: system.local has no data_center row (%v)", err)
	}
	return codec.DecodeText(cells[0])
}

// schemaAgreementTimeout bounds the wait for every node to report the same
// schema version after a schema change.
const schemaAgreementTimeout = 10 * time.Second

// awaitSchemaAgreement waits, after a schema change answered on sock, until
// the node and its peers (system.local and system.peers) report one schema
// version, so that the next statement finds the new schema whichever node
// coordinates it. It gives up silently after schemaAgreementTimeout: the
// change itself succeeded.
func (c *Connector) awaitSchemaAgreement(ctx context.Context, sock *protocol.Conn) {
	ctx, cancel := context.WithTimeout(ctx, schemaAgreementTimeout)
	defer cancel()
	for {
		versions, err := schemaVersions(ctx, sock)
		if err != nil || len(versions) <= 1 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// schemaVersions returns the distinct schema versions the node on sock and
// its live peers report.
func schemaVersions(ctx context.Context, sock *protocol.Conn) (map[string]bool, error) {
	versions := map[string]bool{}
	for _, q := range []string{"SELECT schema_version FROM system.local", "SELECT schema_version FROM system.peers"} {
		res, _, err := sock.Query(ctx, &protocol.Query{Statement: q, Params: protocol.QueryParams{Consistency: protocol.One}})
		if err != nil {
			return nil, err
		}
		if res.Kind != protocol.ResultRows {
			continue
		}
		var cells [][]byte
		for {
			cells, err = res.Rows.NextRow(cells)
			if err != nil {
				break
			}
			if len(cells) == 1 && cells[0] != nil {
				versions[string(cells[0])] = true
			}
		}
	}
	return versions, nil
}
