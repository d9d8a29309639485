package cassandra

// Checking a Config: every field validated and put in canonical form,
// with errors that name the field and never show the password.

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// normalize checks every field of c and puts them in canonical form: the
// default port is added to hosts without one and Compression "none" becomes
// "". It changes c.Hosts in place: ParseDSN calls it on its own Config, the
// driver on a Clone of a Config built in code. Its errors name the Config
// field and never show the password.
func (c *Config) normalize() error { return c.normalizeHiding(hider{pw: c.Password}) }

// normalizeHiding is normalize with the hider that keeps the password out of
// its errors.
func (c *Config) normalizeHiding(hide hider) error {
	if len(c.Hosts) == 0 {
		return errors.New("cassandra: no hosts: set Config.Hosts or give hosts in the DSN")
	}
	seen := make(map[string]bool, len(c.Hosts))
	for i, h := range c.Hosts {
		hp, err := normalizeHostPort(h, hide)
		if err != nil {
			return err
		}
		if seen[hp] {
			return fmt.Errorf("cassandra: host %s is listed twice", hide.quote(hp))
		}
		seen[hp] = true
		c.Hosts[i] = hp
	}
	if c.Keyspace != "" && !validKeyspace(c.Keyspace) {
		return fmt.Errorf("cassandra: bad keyspace %s: use 1 to %d letters, digits or underscores", hide.quote(c.Keyspace), maxKeyspaceNameLength)
	}
	if !c.Consistency.Valid() {
		return fmt.Errorf("cassandra: bad Consistency %v; accepted: %s", c.Consistency, acceptedConsistencies)
	}
	if !c.SerialConsistency.IsSerial() {
		return fmt.Errorf("cassandra: bad SerialConsistency %v; accepted: SERIAL, LOCAL_SERIAL", c.SerialConsistency)
	}
	if c.PageSize < 1 || c.PageSize > maxPageSize {
		return fmt.Errorf("cassandra: bad PageSize %d; accepted: 1 to %d", c.PageSize, maxPageSize)
	}
	if c.Paging != PagingAuto && c.Paging != PagingPages {
		return fmt.Errorf("cassandra: bad Paging %v; accepted: PagingAuto, PagingPages", c.Paging)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("cassandra: bad Timeout %v: use 0 for no timeout", c.Timeout)
	}
	if c.ConnectTimeout < 0 {
		return fmt.Errorf("cassandra: bad ConnectTimeout %v: use 0 for no timeout", c.ConnectTimeout)
	}
	if c.HeartbeatInterval < 0 {
		return fmt.Errorf("cassandra: bad HeartbeatInterval %v: use 0 to turn heartbeats off", c.HeartbeatInterval)
	}
	if c.HeartbeatTimeout < 0 {
		return fmt.Errorf("cassandra: bad HeartbeatTimeout %v: use 0 to turn the socket watchdog off", c.HeartbeatTimeout)
	}
	switch c.ProtocolVersion {
	case 0, 3, 4, 5:
	default:
		return fmt.Errorf("cassandra: bad ProtocolVersion %d; accepted: 0 (auto), 3, 4, 5", c.ProtocolVersion)
	}
	switch c.Compression {
	case "none":
		c.Compression = ""
	case "", "lz4", "snappy":
	default:
		return fmt.Errorf("cassandra: bad Compression %s; accepted: \"\" (none), lz4, snappy", hide.quote(c.Compression))
	}
	if c.Compression == "snappy" && c.ProtocolVersion == 5 {
		return errors.New("cassandra: protocol v5 has no snappy compression: use compression=lz4, or protocol_version=4")
	}
	if c.TLS > TLSSkipVerify {
		return fmt.Errorf("cassandra: bad TLS %v; accepted: TLSOff, TLSVerify, TLSSkipVerify", c.TLS)
	}
	if c.TLSConfig != nil {
		if c.TLS != TLSOff || c.TLSCA != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSServerName != "" {
			return errors.New("cassandra: Config.TLSConfig is set: leave TLS, TLSCA, TLSCert, TLSKey and TLSServerName unset, and put them in TLSConfig")
		}
	} else if c.TLS == TLSOff && (c.TLSCA != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSServerName != "") {
		return errors.New("cassandra: tls_ca, tls_cert, tls_key and tls_server_name need tls=true (or skip-verify)")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return errors.New("cassandra: tls_cert and tls_key go together: give both or neither")
	}
	if c.ConnsPerHost < 1 || c.ConnsPerHost > maxConnsPerHost {
		return fmt.Errorf("cassandra: bad ConnsPerHost %d; accepted: 1 to %d", c.ConnsPerHost, maxConnsPerHost)
	}
	if c.MaxRequestsPerConn < 1 || c.MaxRequestsPerConn > maxRequestsPerConn {
		return fmt.Errorf("cassandra: bad MaxRequestsPerConn %d; accepted: 1 to %d", c.MaxRequestsPerConn, maxRequestsPerConn)
	}
	if c.MaxFrameSize < minMaxFrameSize || c.MaxFrameSize > maxMaxFrameSize {
		return fmt.Errorf("cassandra: bad MaxFrameSize %d; accepted: %d to %d", c.MaxFrameSize, minMaxFrameSize, maxMaxFrameSize)
	}
	if c.Retries < 0 || c.Retries > maxRetries {
		return fmt.Errorf("cassandra: bad Retries %d; accepted: 0 to %d", c.Retries, maxRetries)
	}
	if c.Speculative < SpeculativeOff {
		return fmt.Errorf("cassandra: bad Speculative %v: use SpeculativeOff (-1), SpeculativeAuto (0) or a positive delay", c.Speculative)
	}
	if c.SpeculativeMax < 0 || c.SpeculativeMax > maxSpeculativeMax {
		return fmt.Errorf("cassandra: bad SpeculativeMax %d; accepted: 0 to %d", c.SpeculativeMax, maxSpeculativeMax)
	}
	if c.RemoteDCHosts < 0 || c.RemoteDCHosts > maxRemoteDCHosts {
		return fmt.Errorf("cassandra: bad RemoteDCHosts %d; accepted: 0 to %d", c.RemoteDCHosts, maxRemoteDCHosts)
	}
	return nil
}

// tlsConfig returns the TLS configuration of c, or nil when TLS is off. It
// reads the files TLSCA, TLSCert and TLSKey. When the result has no
// ServerName and verifies certificates, the dialer must set ServerName to
// the host name of each host on a clone.
func (c *Config) tlsConfig() (*tls.Config, error) {
	if c.TLSConfig != nil {
		return c.TLSConfig.Clone(), nil
	}
	if c.TLS == TLSOff {
		return nil, nil
	}
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         c.TLSServerName,
		InsecureSkipVerify: c.TLS == TLSSkipVerify,
	}
	if c.TLSCA != "" {
		pem, err := os.ReadFile(c.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("cassandra: reading tls_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cassandra: tls_ca %s holds no PEM certificate", hider{pw: c.Password}.quote(c.TLSCA))
		}
		tc.RootCAs = pool
	}
	if c.TLSCert != "" {
		cert, err := c.loadKeyPair()
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// normalizeHostPort checks a "host[:port]" of Config.Hosts and returns it as
// "host:port".
func normalizeHostPort(h string, hide hider) (string, error) {
	q := hide.quote(h)
	host, port := h, defaultPort
	if len(h) > 0 && h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", fmt.Errorf("cassandra: bad host %s: missing \"]\"", q)
		}
		host = h[1:end]
		switch rest := h[end+1:]; {
		case rest == "":
		case rest[0] == ':':
			port = rest[1:]
		default:
			return "", fmt.Errorf("cassandra: bad host %s: expected \":port\" after \"]\"", q)
		}
		if !validIPv6(host) {
			return "", fmt.Errorf("cassandra: bad host %s: not an IPv6 address inside the brackets", q)
		}
	} else {
		if i := strings.IndexByte(h, ':'); i >= 0 {
			host, port = h[:i], h[i+1:]
			if strings.IndexByte(port, ':') >= 0 {
				if validIPv6(h) {
					return "", fmt.Errorf("cassandra: bad host %s: put IPv6 addresses in brackets, as in [::1]:%s", q, defaultPort)
				}
				return "", fmt.Errorf("cassandra: bad host %s: more than one \":\"", q)
			}
		}
		if err := checkHostName(host); err != "" {
			return "", fmt.Errorf("cassandra: bad host %s: %s", q, err)
		}
	}
	if !validPort(port) {
		return "", fmt.Errorf("cassandra: bad port in host %s; accepted: 1 to 65535", q)
	}
	return net.JoinHostPort(host, trimZeros(port)), nil
}

// validIPv6 reports whether s is an IPv6 address, with or without a zone.
func validIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6()
}

// checkHostName checks a DNS name or IPv4 address and returns what is wrong
// with it, or "".
func checkHostName(h string) string {
	if h == "" {
		return "empty host name"
	}
	if len(h) > 253 {
		return "host name longer than 253 characters"
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "a host name holds only letters, digits, \"-\", \".\" and \"_\""
		}
	}
	return ""
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n >= 1 && n <= 65535
}

// trimZeros drops the leading zeros of a valid port.
func trimZeros(p string) string {
	for len(p) > 1 && p[0] == '0' {
		p = p[1:]
	}
	return p
}

func validKeyspace(ks string) bool {
	if ks == "" || len(ks) > maxKeyspaceNameLength {
		return false
	}
	for i := 0; i < len(ks); i++ {
		c := ks[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// hider keeps the password out of error messages: quote shows a value
// unless it contains the password, as decoded or as written in the DSN.
type hider struct {
	pw    string // the password
	pwRaw string // the password as written in the DSN, percent-encoded
}

func (h hider) quote(v string) string {
	if h.pw != "" && strings.Contains(v, h.pw) || h.pwRaw != "" && strings.Contains(v, h.pwRaw) {
		return "(hidden: it contains the password)"
	}
	return strconv.Quote(v)
}
