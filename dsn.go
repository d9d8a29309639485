package cassandra

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// The DSN form:
//
//	cassandra://[user[:password]@]host1[:port][,host2[:port]...][/keyspace][?param=value&...]
//
// ParseDSN documents the details; README.md lists the parameters.

const dsnScheme = "cassandra://"

// errMisplacedAt replaces any other error when an "@" follows the host list,
// because the text around it may then be part of a password.
var errMisplacedAt = errors.New(`cassandra: malformed DSN (details hidden: an "@" after the host list may belong to a password); ` +
	`percent-encode "/", "?" and "@" in the user name and password as %2F, %3F and %40, then check the hosts and parameters`)

// ParseDSN parses a DSN of the form
//
//	cassandra://[user[:password]@]host1[:port][,host2[:port]...][/keyspace][?param=value&...]
//
// into a Config. The scheme is case-insensitive. Hosts are DNS names, IPv4
// addresses or IPv6 addresses in brackets ("[::1]:9042", with a zone as
// "[fe80::1%25eth0]"); the port defaults to 9042. The user name, the password
// and parameter values may be percent-encoded, and must be where they hold
// "/", "?" or "%" ("@" and ":" in a password are read correctly without);
// "+" stays a plus sign. Parameters not given keep their defaults (see
// NewConfig); an unknown parameter, a parameter given twice or a bad value
// is an error that names it and lists what is accepted. No error ever shows
// the password.
func ParseDSN(dsn string) (*Config, error) {
	if len(dsn) < len(dsnScheme) || !strings.EqualFold(dsn[:len(dsnScheme)], dsnScheme) {
		return nil, errors.New(`cassandra: a DSN starts with "cassandra://", as in cassandra://user:password@host1,host2:9043/keyspace?consistency=QUORUM`)
	}
	rest := dsn[len(dsnScheme):]
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, rest := rest[:end], rest[end:]

	c := NewConfig()
	var hide hider
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, pw, hasPw := strings.Cut(userinfo, ":")
		var err error
		if c.Username, err = url.PathUnescape(user); err != nil {
			return nil, errors.New("cassandra: bad percent-encoding in the DSN user name: write \"%\" as %25")
		}
		if hasPw {
			if c.Password, err = url.PathUnescape(pw); err != nil {
				return nil, errors.New("cassandra: bad percent-encoding in the DSN password: write \"%\" as %25")
			}
		}
		hide = hider{pw: c.Password}
		if pw != c.Password {
			hide.pwRaw = pw
		}
	}
	if err := parseDSNRest(c, authority, rest, hide); err != nil {
		if strings.IndexByte(rest, '@') >= 0 {
			return nil, errMisplacedAt
		}
		return nil, err
	}
	return c, nil
}

// parseDSNRest parses the host list, the keyspace and the parameters into c
// and checks the result.
func parseDSNRest(c *Config, hosts, rest string, hide hider) error {
	if hosts != "" {
		for _, h := range strings.Split(hosts, ",") {
			if h == "" {
				return errors.New("cassandra: empty host in the DSN host list: remove the extra \",\"")
			}
			if h[0] == '[' {
				// In brackets, "%25" is the zone separator of RFC 6874.
				if end := strings.IndexByte(h, ']'); end > 0 {
					if addr, err := url.PathUnescape(h[1:end]); err == nil {
						h = "[" + addr + h[end:]
					}
				}
			}
			c.Hosts = append(c.Hosts, h)
		}
	}

	query := ""
	if strings.HasPrefix(rest, "/") {
		ks, q, _ := strings.Cut(rest[1:], "?")
		if ks != "" && !validKeyspace(ks) {
			return fmt.Errorf("cassandra: bad keyspace %s in the DSN: use 1 to %d letters, digits or underscores", hide.quote(ks), maxKeyspaceNameLength)
		}
		c.Keyspace, query = ks, q
	} else if strings.HasPrefix(rest, "?") {
		query = rest[1:]
	}

	seen := make(map[string]bool)
	for _, kv := range strings.Split(query, "&") {
		if kv == "" {
			continue
		}
		name, raw, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("cassandra: DSN parameter %s has no value: write name=value", hide.quote(name))
		}
		p := lookupParam(name)
		if p == nil {
			return fmt.Errorf("cassandra: unknown DSN parameter %s; accepted: %s", hide.quote(name), acceptedParams)
		}
		if seen[name] {
			return fmt.Errorf("cassandra: DSN parameter %s is given twice", name)
		}
		seen[name] = true
		v, err := url.PathUnescape(raw)
		if err != nil {
			return fmt.Errorf("cassandra: bad percent-encoding in the value of %s: write \"%%\" as %%25", name)
		}
		if !p.set(c, v) {
			shown := hide.quote(v)
			if q := hide.quote(raw); q != strconv.Quote(raw) {
				shown = q
			}
			return fmt.Errorf("cassandra: bad value %s for %s; accepted: %s", shown, name, p.accepted)
		}
	}
	return c.normalizeHiding(hide)
}

// FormatDSN returns the DSN of c. Parameters equal to their defaults are
// left out and the others are written in alphabetical order, so the result
// parses back into a Config equal to c. TLSConfig cannot be written: a Config
// that uses it gives a DSN without TLS.
func (c *Config) FormatDSN() string { return c.format(false) }

// String returns the DSN of c with the password replaced by "***", for logs.
// It has a value receiver, as GoString and Format do, so that a Config, a
// *Config and a struct embedding a Config all print this way with every
// fmt verb: none shows the password or the TLS key (TLSConfig is left out).
func (c Config) String() string { return c.format(true) }

// GoString returns, for %#v, the DSN of c as String gives it, in a Go-like
// form: cassandra.Config("cassandra://user:***@host:9042"), with ", TLSConfig"
// after the DSN when TLSConfig is set.
func (c Config) GoString() string {
	s := "cassandra.Config(" + strconv.Quote(c.String())
	if c.TLSConfig != nil {
		s += ", TLSConfig"
	}
	return s + ")"
}

// Format makes every fmt verb print String (GoString for %#v), so that no
// verb shows the fields one by one.
func (c Config) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, c.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), c.String())
}

func (c *Config) format(hidePassword bool) string {
	var b strings.Builder
	b.WriteString(dsnScheme)
	if c.Username != "" || c.Password != "" {
		b.WriteString(escape(c.Username, ""))
		if c.Password != "" {
			b.WriteByte(':')
			if hidePassword {
				b.WriteString("***")
			} else {
				b.WriteString(escape(c.Password, ""))
			}
		}
		b.WriteByte('@')
	}
	for i, h := range c.Hosts {
		if i > 0 {
			b.WriteByte(',')
		}
		host, port, err := net.SplitHostPort(h)
		switch {
		case err != nil: // not normalized: write it as it is
			b.WriteString(escape(h, ":[]"))
		case strings.IndexByte(host, ':') >= 0:
			b.WriteString("[" + escape(host, ":") + "]:" + port)
		default:
			b.WriteString(escape(host, "") + ":" + port)
		}
	}
	if c.Keyspace != "" {
		b.WriteString("/" + escape(c.Keyspace, ""))
	}
	def := NewConfig()
	sep := byte('?')
	for i := range params {
		p := &params[i]
		v := p.get(c)
		if v == p.get(def) {
			continue
		}
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(p.name + "=" + escape(v, "/:"))
	}
	return b.String()
}

// escape percent-encodes every byte of s except letters, digits, "-", ".",
// "_", "~" and the bytes in keep.
func escape(s, keep string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// param is one DSN parameter: set parses a value into the Config and
// reports whether it was good; get formats the Config's value.
type param struct {
	name     string
	accepted string // what set accepts, for errors
	set      func(c *Config, v string) bool
	get      func(c *Config) string
}

// params is in alphabetical order, the order FormatDSN writes them in.
var params = []param{
	{"app_name", "any text", func(c *Config, v string) bool { c.AppName = v; return true },
		func(c *Config) string { return c.AppName }},
	{"app_version", "any text", func(c *Config, v string) bool { c.AppVersion = v; return true },
		func(c *Config) string { return c.AppVersion }},
	{"compression", "none, lz4, snappy", setCompression,
		func(c *Config) string {
			if c.Compression == "" {
				return "none"
			}
			return c.Compression
		}},
	{"connect_timeout", acceptedDuration, durationSetter(func(c *Config) *time.Duration { return &c.ConnectTimeout }),
		func(c *Config) string { return c.ConnectTimeout.String() }},
	{"conns_per_host", acceptedRange(1, maxConnsPerHost), intSetter(1, maxConnsPerHost, func(c *Config) *int { return &c.ConnsPerHost }),
		func(c *Config) string { return strconv.Itoa(c.ConnsPerHost) }},
	{"consistency", acceptedConsistencies, setConsistency,
		func(c *Config) string { return c.Consistency.String() }},
	{"heartbeat_interval", acceptedDuration, durationSetter(func(c *Config) *time.Duration { return &c.HeartbeatInterval }),
		func(c *Config) string { return c.HeartbeatInterval.String() }},
	{"heartbeat_timeout", acceptedDuration, durationSetter(func(c *Config) *time.Duration { return &c.HeartbeatTimeout }),
		func(c *Config) string { return c.HeartbeatTimeout.String() }},
	{"host_discovery", "true, false", boolSetter(func(c *Config) *bool { return &c.HostDiscovery }),
		func(c *Config) string { return strconv.FormatBool(c.HostDiscovery) }},
	{"idempotent", "true, false", setIdempotent,
		func(c *Config) string { return strconv.FormatBool(c.Idempotent) }},
	{"local_dc", "any text", func(c *Config, v string) bool { c.LocalDC = v; return true },
		func(c *Config) string { return c.LocalDC }},
	{"max_frame_size", acceptedRange(minMaxFrameSize, maxMaxFrameSize) + " (bytes)", intSetter(minMaxFrameSize, maxMaxFrameSize, func(c *Config) *int { return &c.MaxFrameSize }),
		func(c *Config) string { return strconv.Itoa(c.MaxFrameSize) }},
	{"max_requests_per_conn", acceptedRange(1, maxRequestsPerConn), intSetter(1, maxRequestsPerConn, func(c *Config) *int { return &c.MaxRequestsPerConn }),
		func(c *Config) string { return strconv.Itoa(c.MaxRequestsPerConn) }},
	{"page_size", acceptedRange(1, maxPageSize), intSetter(1, maxPageSize, func(c *Config) *int { return &c.PageSize }),
		func(c *Config) string { return strconv.Itoa(c.PageSize) }},
	{"paging", "auto, pages", setPaging,
		func(c *Config) string { return c.Paging.String() }},
	{"protocol_version", "auto, 3, 4, 5", setProtocolVersion,
		func(c *Config) string {
			if c.ProtocolVersion == 0 {
				return "auto"
			}
			return strconv.Itoa(c.ProtocolVersion)
		}},
	{"remote_dc_hosts", acceptedRange(0, maxRemoteDCHosts), intSetter(0, maxRemoteDCHosts, func(c *Config) *int { return &c.RemoteDCHosts }),
		func(c *Config) string { return strconv.Itoa(c.RemoteDCHosts) }},
	{"retries", acceptedRange(0, maxRetries), intSetter(0, maxRetries, func(c *Config) *int { return &c.Retries }),
		func(c *Config) string { return strconv.Itoa(c.Retries) }},
	{"serial_consistency", "SERIAL, LOCAL_SERIAL", setSerialConsistency,
		func(c *Config) string { return c.SerialConsistency.String() }},
	{"speculative", "auto, off, or a delay such as 50ms", setSpeculative,
		func(c *Config) string {
			switch {
			case c.Speculative == SpeculativeOff:
				return "off"
			case c.Speculative == SpeculativeAuto:
				return "auto"
			}
			return c.Speculative.String()
		}},
	{"speculative_max", acceptedRange(0, maxSpeculativeMax), intSetter(0, maxSpeculativeMax, func(c *Config) *int { return &c.SpeculativeMax }),
		func(c *Config) string { return strconv.Itoa(c.SpeculativeMax) }},
	{"timeout", acceptedDuration, durationSetter(func(c *Config) *time.Duration { return &c.Timeout }),
		func(c *Config) string { return c.Timeout.String() }},
	{"tls", "true, false, skip-verify", setTLS,
		func(c *Config) string { return c.TLS.String() }},
	{"tls_ca", "a file path", func(c *Config, v string) bool { c.TLSCA = v; return true },
		func(c *Config) string { return c.TLSCA }},
	{"tls_cert", "a file path", func(c *Config, v string) bool { c.TLSCert = v; return true },
		func(c *Config) string { return c.TLSCert }},
	{"tls_key", "a file path", func(c *Config, v string) bool { c.TLSKey = v; return true },
		func(c *Config) string { return c.TLSKey }},
	{"tls_server_name", "a host name", func(c *Config, v string) bool { c.TLSServerName = v; return true },
		func(c *Config) string { return c.TLSServerName }},
}

// acceptedParams lists the parameter names, for errors.
var acceptedParams = func() string {
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}()

func lookupParam(name string) *param {
	for i := range params {
		if params[i].name == name {
			return &params[i]
		}
	}
	return nil
}

const acceptedDuration = "a duration such as 500ms, 12s or 1m30s, 0 for none"

func acceptedRange(lo, hi int) string { return fmt.Sprintf("an integer from %d to %d", lo, hi) }

func durationSetter(field func(*Config) *time.Duration) func(*Config, string) bool {
	return func(c *Config, v string) bool {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return false
		}
		*field(c) = d
		return true
	}
}

func intSetter(lo, hi int, field func(*Config) *int) func(*Config, string) bool {
	return func(c *Config, v string) bool {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return false
		}
		*field(c) = n
		return true
	}
}

func setCompression(c *Config, v string) bool {
	switch v {
	case "none":
		c.Compression = ""
	case "lz4", "snappy":
		c.Compression = v
	default:
		return false
	}
	return true
}

func setConsistency(c *Config, v string) bool {
	cl, ok := protocol.LookupConsistency(v)
	if ok {
		c.Consistency = cl
	}
	return ok
}

func setSerialConsistency(c *Config, v string) bool {
	cl, ok := protocol.LookupConsistency(v)
	if !ok || !cl.IsSerial() {
		return false
	}
	c.SerialConsistency = cl
	return true
}

func setSpeculative(c *Config, v string) bool {
	switch v {
	case "auto":
		c.Speculative = SpeculativeAuto
		return true
	case "off":
		c.Speculative = SpeculativeOff
		return true
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return false
	}
	c.Speculative = d
	return true
}

func boolSetter(field func(*Config) *bool) func(*Config, string) bool {
	return func(c *Config, v string) bool {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false
		}
		*field(c) = b
		return true
	}
}

func setIdempotent(c *Config, v string) bool {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false
	}
	c.Idempotent = b
	return true
}

func setPaging(c *Config, v string) bool {
	switch v {
	case "auto":
		c.Paging = PagingAuto
	case "pages":
		c.Paging = PagingPages
	default:
		return false
	}
	return true
}

func setProtocolVersion(c *Config, v string) bool {
	switch v {
	case "auto":
		c.ProtocolVersion = 0
	case "3", "4", "5":
		c.ProtocolVersion = int(v[0] - '0')
	default:
		return false
	}
	return true
}

func setTLS(c *Config, v string) bool {
	switch v {
	case "skip-verify":
		c.TLS = TLSSkipVerify
		return true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false
	}
	c.TLS = TLSOff
	if b {
		c.TLS = TLSVerify
	}
	return true
}
