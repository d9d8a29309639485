package cassandra

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Defaults of a Config made by NewConfig or ParseDSN.
const (
	defaultPort               = "9042"
	defaultConsistency        = LocalOne
	defaultSerialConsistency  = Serial
	defaultPageSize           = 5000
	defaultTimeout            = 12 * time.Second
	defaultConnectTimeout     = 5 * time.Second
	defaultConnsPerHost       = 2
	defaultMaxRequestsPerConn = 1024
	defaultMaxFrameSize       = 256 << 20 // the protocol's own limit on a frame body
	defaultRetries            = 2
	defaultHeartbeatInterval  = 30 * time.Second
	defaultHeartbeatTimeout   = 5 * time.Second
	defaultHostDiscovery      = true
	defaultSpeculativeMax     = 1
	// speculativeFloor is the least delay of an automatic speculative
	// execution: below it, a second request costs more than it saves.
	speculativeFloor  = 5 * time.Millisecond
	maxSpeculativeMax = 3
	// fallbackDialTimeout bounds a background dial when neither
	// ConnectTimeout nor Timeout does: no dial is unbounded.
	fallbackDialTimeout = 30 * time.Second

	maxConnsPerHost       = 100
	maxRequestsPerConn    = 32768 // stream ids 0..32767 of protocol v3 and later
	minMaxFrameSize       = 64 << 10
	maxMaxFrameSize       = 256 << 20
	maxRetries            = 10
	maxRemoteDCHosts      = 100
	maxPageSize           = 1<<31 - 1 // page_size is an [int] on the wire
	maxKeyspaceNameLength = 48        // Cassandra's own limit
)

// PagingMode says how rows beyond the first page of a result are fetched.
type PagingMode uint8

const (
	// PagingAuto fetches the following pages transparently: Rows.Next asks
	// the server for the next page when the current one is used up.
	PagingAuto PagingMode = iota
	// PagingPages returns only the page the server sent; the caller resumes
	// with the paging state the driver exposes.
	PagingPages
)

// String returns the DSN spelling of m: "auto" or "pages".
func (m PagingMode) String() string {
	switch m {
	case PagingAuto:
		return "auto"
	case PagingPages:
		return "pages"
	}
	return fmt.Sprintf("PagingMode(%d)", uint8(m))
}

// TLSMode says whether and how connections use TLS.
type TLSMode uint8

const (
	// TLSOff: plain TCP connections.
	TLSOff TLSMode = iota
	// TLSVerify: TLS, with the server certificate verified against the
	// system roots or Config.TLSCA and against the host name.
	TLSVerify
	// TLSSkipVerify: TLS without any verification of the server
	// certificate. It protects against eavesdropping only, not against an
	// active attacker: use it for tests.
	TLSSkipVerify
)

// String returns the DSN spelling of m: "false", "true" or "skip-verify".
func (m TLSMode) String() string {
	switch m {
	case TLSOff:
		return "false"
	case TLSVerify:
		return "true"
	case TLSSkipVerify:
		return "skip-verify"
	}
	return fmt.Sprintf("TLSMode(%d)", uint8(m))
}

// Config is everything the driver needs to connect to a cluster and run
// requests. ParseDSN makes one from a DSN, NewConfig one with the defaults;
// FormatDSN turns it back into a DSN. A Config is read by the driver and
// must not be changed while connections made from it are in use: change a
// Clone instead.
type Config struct {
	// Hosts are the contact points, each "host:port" (IPv6 as
	// "[addr]:port"). At least one is required.
	Hosts []string

	// Keyspace is selected on every connection with USE. It is
	// case-sensitive (the driver quotes it); empty means none.
	Keyspace string

	// Username and Password are sent to PasswordAuthenticator (or any
	// authenticator taking the SASL PLAIN form) when the server asks for
	// authentication. Password is never shown by String or in errors.
	Username string
	Password string

	// Consistency is the level of every request that does not set its own.
	// Default LocalOne, as the DataStax drivers choose: the cheapest level
	// that still stays in the local datacenter.
	Consistency Consistency

	// SerialConsistency is the level of the Paxos phase of lightweight
	// transactions (INSERT ... IF NOT EXISTS, UPDATE ... IF): Serial or
	// LocalSerial. Default Serial.
	SerialConsistency Consistency

	// PageSize is the number of rows the server returns per page, 1 or
	// more. Default 5000.
	PageSize int

	// Paging says how pages after the first are fetched. Default PagingAuto.
	Paging PagingMode

	// Timeout bounds each request, from sending it to its response (each
	// page is a request). 0 means no limit besides the context's. Default
	// 12s, longer than the server's own read and write timeouts so that the
	// server's timeout error arrives first.
	Timeout time.Duration

	// ConnectTimeout bounds opening a connection: TCP, TLS, STARTUP and
	// authentication. 0 means no limit besides the context's. Default 5s.
	ConnectTimeout time.Duration

	// ProtocolVersion is the native protocol version to use: 3, 4 or 5, or
	// 0 to take the highest one both the driver and the server support.
	// Default 0.
	ProtocolVersion int

	// Compression of frames: "" (none), "lz4" or "snappy", used when the
	// server supports it, else the connection runs uncompressed. Protocol
	// v5 has no snappy: with snappy, set ProtocolVersion 4 (0 picks v5 on
	// servers that have it, uncompressed). Default "".
	Compression string

	// LocalDC names the local datacenter: requests go to its hosts (the
	// key's replicas first), and to other datacenters only as
	// RemoteDCHosts allows. With "" the datacenter of the first contact
	// point that answers is used (and logged). A name the cluster does not
	// have fails the first request with an error listing the cluster's
	// datacenters. LOCAL_* consistency levels are relative to the
	// coordinator's datacenter. Default "".
	LocalDC string

	// RemoteDCHosts is how many hosts of each other datacenter a request
	// may try after the local ones, for consistency levels other than
	// LOCAL_*. 0 to 100, default 0 (never leave the local datacenter).
	RemoteDCHosts int

	// Speculative is how long an idempotent request waits for its answer
	// before the driver sends it to the next host of its query plan as
	// well; the first answer wins, the other is abandoned.
	// SpeculativeAuto (0, the default) waits the first host's recent 99th
	// percentile latency (at least 5ms); SpeculativeOff (-1) never
	// speculates. Speculative executions are at most 5% of the requests
	// (one in twenty, plus one), so an overloaded cluster is not
	// loaded further; requests stuck on a host that has stopped
	// answering are sent elsewhere regardless.
	Speculative time.Duration

	// SpeculativeMax is how many speculative executions one request may
	// have, 0 to 3 (0 is SpeculativeOff). Default 1.
	SpeculativeMax int

	// HostDiscovery: the driver reads the cluster's nodes from the first
	// contact point that answers (system.local, system.peers_v2), follows
	// its topology and status events on one control connection, and routes
	// each request to the replicas of its partition key. false uses Hosts
	// only, in round robin (for a proxy or a load balancer in front of the
	// cluster). Default true.
	HostDiscovery bool

	// AppName and AppVersion are sent as APPLICATION_NAME and
	// APPLICATION_VERSION in STARTUP; the server shows them in
	// system_views.clients. Empty values are not sent.
	AppName    string
	AppVersion string

	// TLS turns TLS on. Default TLSOff.
	TLS TLSMode

	// TLSCA is a PEM file of the certificate authorities that sign the
	// server certificates, used instead of the system roots.
	TLSCA string

	// TLSCert and TLSKey are PEM files of the client certificate and its
	// private key, for servers that require client certificates. Both or
	// neither.
	TLSCert string
	TLSKey  string

	// TLSServerName is the name the server certificates must carry. Empty
	// means the host name of each host.
	TLSServerName string

	// TLSConfig, when not nil, is used for TLS as it is (a clone of it per
	// connection), and TLS, TLSCA, TLSCert, TLSKey and TLSServerName must be
	// left unset. A DSN cannot express it: FormatDSN leaves it out.
	TLSConfig *tls.Config

	// ConnsPerHost is the number of connections to each host, 1 to 100.
	// Default 2.
	ConnsPerHost int

	// MaxRequestsPerConn is the number of requests in flight on one
	// connection (stream ids in use), 1 to 32768. Further requests wait for
	// one to finish. Default 1024.
	MaxRequestsPerConn int

	// MaxFrameSize is the largest frame body accepted from the server, in
	// bytes, checked before anything is allocated. 65536 to 268435456
	// (256 MiB, the protocol's limit). Default 268435456.
	MaxFrameSize int

	// Retries caps how many more times a request that may have reached the
	// server is sent, on top of the retry table (README, "Retries"): a
	// read timeout once on the same host when the replicas answered but the
	// data did not come back; Unavailable once on the next host;
	// Overloaded, a server error or a lost socket on the next host, for
	// idempotent statements only; a write timeout once, for an idempotent
	// BATCH_LOG write only. A request that never left the process (its
	// socket was found closed) is always sent elsewhere and does not count.
	// Every retry stays within the request's Timeout. 0 to 10, default 2.
	Retries int

	// Idempotent says whether writes are idempotent unless a query says
	// otherwise (WithIdempotent), which allows them to be retried after
	// they may have reached the server. A SELECT is idempotent unless the
	// query says otherwise. Default false: a write that may have been
	// applied is never sent twice; it fails with an error matching
	// ErrMaybeApplied.
	Idempotent bool

	// HeartbeatInterval: a socket that has read and written nothing for
	// this long sends an OPTIONS, so a dead peer or a half-open TCP
	// connection is noticed while idle. 0 turns heartbeats off. Default 30s.
	HeartbeatInterval time.Duration

	// HeartbeatTimeout: a socket is closed (and its requests fail with
	// ErrConnClosed, then are retried by the retry table) when it has
	// requests in flight and reads nothing for this long although an
	// OPTIONS probe went out, when a heartbeat is not answered within it,
	// or when a write does not complete within it. 0 turns the watchdog
	// off. Default 5s, well under Timeout.
	HeartbeatTimeout time.Duration

	// Logger, when set, receives the driver's rare events: a host going
	// down or coming back up. Nothing is logged on a request's path. A DSN
	// cannot express it: FormatDSN leaves it out. Default nil (no logging).
	Logger *slog.Logger

	// Trace, when set, receives an annotated line for every frame sent
	// and received (opcode, stream, flags, the statement, the sizes of the
	// bound values, the result kind, the error code); passwords never
	// appear, and bound values only with TraceValues. The environment
	// variable CQLSQL_TRACE=1 (or =values) traces to standard error when
	// Trace is nil. Writes never block a request: a writer that cannot
	// keep up loses lines, and says how many. A DSN cannot express it.
	Trace       io.Writer
	TraceValues bool

	// Observer, when set, is told of every request and attempt when it
	// ends (see Observer); the otelcql module makes tracing spans
	// and metrics of them. A DSN cannot express it. Default nil.
	Observer Observer

	tlsKey *secret // the PEM tlsConfig read from TLSKey, for scrubbing errors (redact.go)
}

// dialTimeout bounds each dial, which runs in the background: a request
// waits for it only within its own budget.
func (c *Config) dialTimeout() time.Duration {
	switch {
	case c.ConnectTimeout > 0:
		return c.ConnectTimeout
	case c.Timeout > 0:
		return c.Timeout
	}
	return fallbackDialTimeout
}

// NewConfig returns a Config with every default set and no hosts.
func NewConfig() *Config {
	return &Config{
		Consistency:        defaultConsistency,
		SerialConsistency:  defaultSerialConsistency,
		PageSize:           defaultPageSize,
		Timeout:            defaultTimeout,
		ConnectTimeout:     defaultConnectTimeout,
		ConnsPerHost:       defaultConnsPerHost,
		MaxRequestsPerConn: defaultMaxRequestsPerConn,
		MaxFrameSize:       defaultMaxFrameSize,
		Retries:            defaultRetries,
		HeartbeatInterval:  defaultHeartbeatInterval,
		HeartbeatTimeout:   defaultHeartbeatTimeout,
		HostDiscovery:      defaultHostDiscovery,
		SpeculativeMax:     defaultSpeculativeMax,
	}
}

// Speculative execution settings of Config.Speculative.
const (
	SpeculativeAuto time.Duration = 0  // wait the host's recent p99 latency, at least 5ms
	SpeculativeOff  time.Duration = -1 // never send a request twice at once
)

// speculativeDelay is the wait before a speculative execution of a request
// first sent to a host whose recent p99 is p99; 0: none.
func (c *Config) speculativeDelay(p99 time.Duration) time.Duration {
	switch {
	case c.Speculative < 0 || c.SpeculativeMax == 0:
		return 0
	case c.Speculative > 0:
		return c.Speculative
	case p99 < speculativeFloor:
		return speculativeFloor
	}
	return p99
}

// Clone returns a deep copy of c: changing the copy's Hosts or TLSConfig
// leaves c alone.
func (c *Config) Clone() *Config {
	cp := *c
	if c.Hosts != nil {
		cp.Hosts = append([]string(nil), c.Hosts...)
	}
	if c.TLSConfig != nil {
		cp.TLSConfig = c.TLSConfig.Clone()
	}
	return &cp
}
