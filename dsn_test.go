package cassandra

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewConfigDefaults(t *testing.T) {
	c := NewConfig()
	want := &Config{
		Consistency:        LocalOne,
		SerialConsistency:  Serial,
		PageSize:           5000,
		Paging:             PagingAuto,
		Timeout:            12 * time.Second,
		ConnectTimeout:     5 * time.Second,
		ConnsPerHost:       2,
		MaxRequestsPerConn: 1024,
		MaxFrameSize:       256 << 20,
		Retries:            2,
		HeartbeatInterval:  30 * time.Second,
		HeartbeatTimeout:   5 * time.Second,
		HostDiscovery:      true,
		SpeculativeMax:     1,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("NewConfig() = %#v, want %#v", c, want)
	}
	parsed, err := ParseDSN("cassandra://h")
	if err != nil {
		t.Fatal(err)
	}
	want.Hosts = []string{"h:9042"}
	if !reflect.DeepEqual(parsed, want) {
		t.Fatalf("ParseDSN with no parameters = %#v, want the defaults %#v", parsed, want)
	}
	if got := parsed.FormatDSN(); got != "cassandra://h:9042" {
		t.Fatalf("FormatDSN of the defaults = %q, want no parameters", got)
	}
}

// paramTests holds, for every DSN parameter, values it accepts (with the
// Config they give) and values it rejects. TestEveryParamTested checks that
// none is missing.
var paramTests = []struct {
	param string
	good  map[string]func(*Config)
	bad   []string
}{
	{"app_name", map[string]func(*Config){
		"myapp":           func(c *Config) { c.AppName = "myapp" },
		"my%20app%26more": func(c *Config) { c.AppName = "my app&more" },
		"a+b":             func(c *Config) { c.AppName = "a+b" },
		"":                func(c *Config) {},
	}, nil},
	{"app_version", map[string]func(*Config){
		"1.2.3": func(c *Config) { c.AppVersion = "1.2.3" },
	}, nil},
	{"compression", map[string]func(*Config){
		"none":   func(c *Config) {},
		"lz4":    func(c *Config) { c.Compression = "lz4" },
		"snappy": func(c *Config) { c.Compression = "snappy" },
	}, []string{"", "LZ4", "gzip", "zstd"}},
	{"connect_timeout", map[string]func(*Config){
		"0":     func(c *Config) { c.ConnectTimeout = 0 },
		"250ms": func(c *Config) { c.ConnectTimeout = 250 * time.Millisecond },
		"1m30s": func(c *Config) { c.ConnectTimeout = 90 * time.Second },
	}, []string{"", "5", "-1s", "soon", "1d"}},
	{"conns_per_host", map[string]func(*Config){
		"1":   func(c *Config) { c.ConnsPerHost = 1 },
		"100": func(c *Config) { c.ConnsPerHost = 100 },
	}, []string{"", "0", "-1", "101", "two", "1.5"}},
	{"consistency", map[string]func(*Config){
		"ANY":          func(c *Config) { c.Consistency = Any },
		"one":          func(c *Config) { c.Consistency = One },
		"Two":          func(c *Config) { c.Consistency = Two },
		"THREE":        func(c *Config) { c.Consistency = Three },
		"QUORUM":       func(c *Config) { c.Consistency = Quorum },
		"all":          func(c *Config) { c.Consistency = All },
		"LOCAL_QUORUM": func(c *Config) { c.Consistency = LocalQuorum },
		"local-quorum": func(c *Config) { c.Consistency = LocalQuorum },
		"localQuorum":  func(c *Config) { c.Consistency = LocalQuorum },
		"EachQuorum":   func(c *Config) { c.Consistency = EachQuorum },
		"serial":       func(c *Config) { c.Consistency = Serial },
		"LOCAL_SERIAL": func(c *Config) { c.Consistency = LocalSerial },
		"local_one":    func(c *Config) { c.Consistency = LocalOne },
	}, []string{"", "LOCL_ONE", "1", "0x0001", "FOUR", "LOCAL QUORUM"}},
	{"host_discovery", map[string]func(*Config){
		"true":  func(c *Config) {},
		"false": func(c *Config) { c.HostDiscovery = false },
		"0":     func(c *Config) { c.HostDiscovery = false },
	}, []string{"", "off", "maybe"}},
	{"idempotent", map[string]func(*Config){
		"true":  func(c *Config) { c.Idempotent = true },
		"1":     func(c *Config) { c.Idempotent = true },
		"false": func(c *Config) {},
	}, []string{"", "yes", "maybe"}},
	{"local_dc", map[string]func(*Config){
		"dc1":         func(c *Config) { c.LocalDC = "dc1" },
		"us-east%2F1": func(c *Config) { c.LocalDC = "us-east/1" },
	}, nil},
	{"max_frame_size", map[string]func(*Config){
		"65536":     func(c *Config) { c.MaxFrameSize = 65536 },
		"16777216":  func(c *Config) { c.MaxFrameSize = 16 << 20 },
		"268435456": func(c *Config) { c.MaxFrameSize = 256 << 20 },
	}, []string{"", "65535", "268435457", "16MiB"}},
	{"max_requests_per_conn", map[string]func(*Config){
		"1":     func(c *Config) { c.MaxRequestsPerConn = 1 },
		"32768": func(c *Config) { c.MaxRequestsPerConn = 32768 },
	}, []string{"", "0", "32769", "all"}},
	{"page_size", map[string]func(*Config){
		"1":          func(c *Config) { c.PageSize = 1 },
		"100":        func(c *Config) { c.PageSize = 100 },
		"2147483647": func(c *Config) { c.PageSize = 2147483647 },
	}, []string{"", "0", "-1", "2147483648", "1e3", "many"}},
	{"paging", map[string]func(*Config){
		"auto":  func(c *Config) {},
		"pages": func(c *Config) { c.Paging = PagingPages },
	}, []string{"", "manual", "AUTO", "off"}},
	{"protocol_version", map[string]func(*Config){
		"auto": func(c *Config) {},
		"3":    func(c *Config) { c.ProtocolVersion = 3 },
		"4":    func(c *Config) { c.ProtocolVersion = 4 },
		"5":    func(c *Config) { c.ProtocolVersion = 5 },
	}, []string{"", "0", "2", "6", "v4", "65"}},
	{"heartbeat_interval", map[string]func(*Config){
		"30s": func(c *Config) {},
		"0":   func(c *Config) { c.HeartbeatInterval = 0 },
		"1m":  func(c *Config) { c.HeartbeatInterval = time.Minute },
	}, []string{"", "-1s", "soon", "30"}},
	{"heartbeat_timeout", map[string]func(*Config){
		"5s":    func(c *Config) {},
		"0":     func(c *Config) { c.HeartbeatTimeout = 0 },
		"500ms": func(c *Config) { c.HeartbeatTimeout = 500 * time.Millisecond },
	}, []string{"", "-1s", "later"}},
	{"remote_dc_hosts", map[string]func(*Config){
		"0":   func(c *Config) {},
		"1":   func(c *Config) { c.RemoteDCHosts = 1 },
		"100": func(c *Config) { c.RemoteDCHosts = 100 },
	}, []string{"", "-1", "101", "all"}},
	{"retries", map[string]func(*Config){
		"0":  func(c *Config) { c.Retries = 0 },
		"2":  func(c *Config) {},
		"3":  func(c *Config) { c.Retries = 3 },
		"10": func(c *Config) { c.Retries = 10 },
	}, []string{"", "-1", "11", "always"}},
	{"speculative", map[string]func(*Config){
		"auto": func(c *Config) {},
		"off":  func(c *Config) { c.Speculative = SpeculativeOff },
		"50ms": func(c *Config) { c.Speculative = 50 * time.Millisecond },
	}, []string{"", "0", "-1s", "on", "fast"}},
	{"speculative_max", map[string]func(*Config){
		"0": func(c *Config) { c.SpeculativeMax = 0 },
		"1": func(c *Config) {},
		"3": func(c *Config) { c.SpeculativeMax = 3 },
	}, []string{"", "-1", "4", "many"}},
	{"serial_consistency", map[string]func(*Config){
		"SERIAL":       func(c *Config) {},
		"local_serial": func(c *Config) { c.SerialConsistency = LocalSerial },
		"LocalSerial":  func(c *Config) { c.SerialConsistency = LocalSerial },
	}, []string{"", "QUORUM", "LOCAL_QUORUM", "serial2"}},
	{"timeout", map[string]func(*Config){
		"0":     func(c *Config) { c.Timeout = 0 },
		"500ms": func(c *Config) { c.Timeout = 500 * time.Millisecond },
		"1h":    func(c *Config) { c.Timeout = time.Hour },
	}, []string{"", "12", "-5s", "forever"}},
	{"tls", map[string]func(*Config){
		"true":        func(c *Config) { c.TLS = TLSVerify },
		"false":       func(c *Config) {},
		"skip-verify": func(c *Config) { c.TLS = TLSSkipVerify },
	}, []string{"", "yes", "skip_verify", "custom"}},
	// The tls_* file parameters need tls=true; the test adds it.
	{"tls_ca", map[string]func(*Config){
		"%2Fetc%2Fca.pem": func(c *Config) { c.TLSCA = "/etc/ca.pem" },
		"/etc/ca.pem":     func(c *Config) { c.TLSCA = "/etc/ca.pem" },
	}, nil},
	{"tls_cert", map[string]func(*Config){
		"/c.pem&tls_key=/k.pem": func(c *Config) { c.TLSCert, c.TLSKey = "/c.pem", "/k.pem" },
	}, nil},
	{"tls_key", map[string]func(*Config){
		"/k.pem&tls_cert=/c.pem": func(c *Config) { c.TLSCert, c.TLSKey = "/c.pem", "/k.pem" },
	}, nil},
	{"tls_server_name", map[string]func(*Config){
		"db.example.com": func(c *Config) { c.TLSServerName = "db.example.com" },
	}, nil},
}

func TestEveryParamTested(t *testing.T) {
	tested := make(map[string]bool)
	for _, pt := range paramTests {
		tested[pt.param] = true
		if lookupParam(pt.param) == nil {
			t.Errorf("paramTests has %q, which is no DSN parameter", pt.param)
		}
	}
	for _, p := range params {
		if !tested[p.name] {
			t.Errorf("DSN parameter %q has no test in paramTests", p.name)
		}
	}
	for i := 1; i < len(params); i++ {
		if params[i-1].name >= params[i].name {
			t.Errorf("params not in alphabetical order: %q before %q", params[i-1].name, params[i].name)
		}
	}
}

func TestParseDSNParams(t *testing.T) {
	for _, pt := range paramTests {
		extra := ""
		if strings.HasPrefix(pt.param, "tls_") {
			extra = "&tls=true"
		}
		for value, change := range pt.good {
			dsn := "cassandra://h?" + pt.param + "=" + value + extra
			t.Run(dsn, func(t *testing.T) {
				want := NewConfig()
				want.Hosts = []string{"h:9042"}
				if extra != "" {
					want.TLS = TLSVerify
				}
				change(want)
				got, err := ParseDSN(dsn)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("got  %#v\nwant %#v", got, want)
				}
				checkRoundTrip(t, got)
			})
		}
		for _, value := range pt.bad {
			dsn := "cassandra://h?" + pt.param + "=" + value
			t.Run(dsn, func(t *testing.T) {
				_, err := ParseDSN(dsn)
				if err == nil {
					t.Fatal("no error")
				}
				p := lookupParam(pt.param)
				want := "cassandra: bad value \"" + value + "\" for " + pt.param + "; accepted: " + p.accepted
				if err.Error() != want {
					t.Fatalf("error %q\nwant  %q", err, want)
				}
			})
		}
	}
}

// checkRoundTrip checks that c formats into a DSN that parses back into c.
func checkRoundTrip(t *testing.T, c *Config) {
	t.Helper()
	dsn := c.FormatDSN()
	again, err := ParseDSN(dsn)
	if err != nil {
		t.Fatalf("FormatDSN() = %q: %v", dsn, err)
	}
	if !reflect.DeepEqual(c, again) {
		t.Fatalf("FormatDSN() = %q parses into\n%#v, want\n%#v", dsn, again, c)
	}
}

func TestParseDSNErrorMessages(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"cassandra://h?consitency=ONE", `cassandra: unknown DSN parameter "consitency"; accepted: app_name, app_version, compression, connect_timeout, conns_per_host, consistency, heartbeat_interval, heartbeat_timeout, host_discovery, idempotent, local_dc, max_frame_size, max_requests_per_conn, page_size, paging, protocol_version, remote_dc_hosts, retries, serial_consistency, speculative, speculative_max, timeout, tls, tls_ca, tls_cert, tls_key, tls_server_name`},
		{"cassandra://h?Consistency=ONE", `cassandra: unknown DSN parameter "Consistency"; accepted: app_name,`},
		{"cassandra://h?consistency=LOCL_ONE", `cassandra: bad value "LOCL_ONE" for consistency; accepted: ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL, LOCAL_ONE`},
		{"cassandra://h?consistency=ONE&consistency=TWO", `cassandra: DSN parameter consistency is given twice`},
		{"cassandra://h?consistency", `cassandra: DSN parameter "consistency" has no value: write name=value`},
		{"cassandra://h?app_name=%zz", `cassandra: bad percent-encoding in the value of app_name: write "%" as %25`},
		{"cassandra://h?tls_ca=/ca.pem", `cassandra: tls_ca, tls_cert, tls_key and tls_server_name need tls=true (or skip-verify)`},
		{"cassandra://h?tls=true&tls_cert=/c.pem", `cassandra: tls_cert and tls_key go together: give both or neither`},
		{"cassandra://h?compression=snappy&protocol_version=5", `cassandra: protocol v5 has no snappy compression: use compression=lz4, or protocol_version=4`},
		{"mysql://h", `cassandra: a DSN starts with "cassandra://"`},
		{"user:pw@h", `cassandra: a DSN starts with "cassandra://"`},
		{"", `cassandra: a DSN starts with "cassandra://"`},
		{"cassandra://", `cassandra: no hosts: set Config.Hosts or give hosts in the DSN`},
		{"cassandra:///ks", `cassandra: no hosts`},
		{"cassandra://u:p@/ks", `cassandra: no hosts`},
		{"cassandra://h/bad-ks", `cassandra: bad keyspace "bad-ks" in the DSN: use 1 to 48 letters, digits or underscores`},
		{"cassandra://h/" + strings.Repeat("k", 49), `cassandra: bad keyspace "kkkk`},
		{"cassandra://u%zz:p@h", `cassandra: bad percent-encoding in the DSN user name: write "%" as %25`},
		{"cassandra://u:p%zz@h", `cassandra: bad percent-encoding in the DSN password: write "%" as %25`},
	}
	for _, tt := range tests {
		_, err := ParseDSN(tt.dsn)
		if err == nil {
			t.Errorf("ParseDSN(%q): no error, want %q", tt.dsn, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseDSN(%q): error\n%q\nwant it to start with\n%q", tt.dsn, err, tt.want)
		}
	}
}

func TestParseDSNHosts(t *testing.T) {
	tests := []struct {
		dsn   string
		hosts []string
	}{
		{"cassandra://localhost", []string{"localhost:9042"}},
		{"cassandra://localhost:9043", []string{"localhost:9043"}},
		{"cassandra://10.0.0.1,10.0.0.2:9043,db-3.example.com", []string{"10.0.0.1:9042", "10.0.0.2:9043", "db-3.example.com:9042"}},
		{"cassandra://cassandra_node_1:19042/ks", []string{"cassandra_node_1:19042"}},
		{"cassandra://h:09042", []string{"h:9042"}},
		{"cassandra://h:1,h:2", []string{"h:1", "h:2"}},
		{"cassandra://[::1]", []string{"[::1]:9042"}},
		{"cassandra://[::1]:9043", []string{"[::1]:9043"}},
		{"cassandra://[2001:db8::1]:9042,10.0.0.1", []string{"[2001:db8::1]:9042", "10.0.0.1:9042"}},
		{"cassandra://[::ffff:10.0.0.1]", []string{"[::ffff:10.0.0.1]:9042"}},
		{"cassandra://[fe80::1%25eth0]:9042", []string{"[fe80::1%eth0]:9042"}},
		{"cassandra://[fe80::1%eth0]", []string{"[fe80::1%eth0]:9042"}},
		{"CASSANDRA://H", []string{"H:9042"}},
	}
	for _, tt := range tests {
		c, err := ParseDSN(tt.dsn)
		if err != nil {
			t.Errorf("ParseDSN(%q): %v", tt.dsn, err)
			continue
		}
		if !reflect.DeepEqual(c.Hosts, tt.hosts) {
			t.Errorf("ParseDSN(%q).Hosts = %q, want %q", tt.dsn, c.Hosts, tt.hosts)
		}
		checkRoundTrip(t, c)
	}

	bad := []struct{ dsn, want string }{
		{"cassandra://h1,,h2", `cassandra: empty host in the DSN host list: remove the extra ","`},
		{"cassandra://h1,", `cassandra: empty host in the DSN host list`},
		{"cassandra://::1", `cassandra: bad host "::1": put IPv6 addresses in brackets, as in [::1]:9042`},
		{"cassandra://2001:db8::1:9042", `cassandra: bad host "2001:db8::1:9042": put IPv6 addresses in brackets`},
		{"cassandra://h:1:2", `cassandra: bad host "h:1:2": more than one ":"`},
		{"cassandra://[::1", `cassandra: bad host "[::1": missing "]"`},
		{"cassandra://[::1]9042", `cassandra: bad host "[::1]9042": expected ":port" after "]"`},
		{"cassandra://[10.0.0.1]", `cassandra: bad host "[10.0.0.1]": not an IPv6 address inside the brackets`},
		{"cassandra://[host]:9042", `cassandra: bad host "[host]:9042": not an IPv6 address`},
		{"cassandra://h:", `cassandra: bad port in host "h:"; accepted: 1 to 65535`},
		{"cassandra://h:0", `cassandra: bad port in host "h:0"`},
		{"cassandra://h:65536", `cassandra: bad port in host "h:65536"`},
		{"cassandra://h:port", `cassandra: bad port in host "h:port"`},
		{"cassandra://[::1]:", `cassandra: bad port in host "[::1]:"`},
		{"cassandra://:9042", `cassandra: bad host ":9042": empty host name`},
		{"cassandra://h%20x", `cassandra: bad host "h%20x": a host name holds only letters, digits, "-", "." and "_"`},
		{"cassandra://h x", `cassandra: bad host "h x": a host name holds only`},
		{"cassandra://" + strings.Repeat("a", 254), `cassandra: bad host "aaa`},
		{"cassandra://h,h:9042", `cassandra: host "h:9042" is listed twice`},
	}
	for _, tt := range bad {
		_, err := ParseDSN(tt.dsn)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseDSN(%q): error %v, want it to start with %q", tt.dsn, err, tt.want)
		}
	}
}

func TestParseDSNUserinfoAndKeyspace(t *testing.T) {
	tests := []struct {
		dsn, user, password, keyspace string
	}{
		{"cassandra://h", "", "", ""},
		{"cassandra://h/", "", "", ""},
		{"cassandra://h/ks", "", "", "ks"},
		{"cassandra://h/MixedCase_1", "", "", "MixedCase_1"},
		{"cassandra://h/ks?", "", "", "ks"},
		{"cassandra://bob@h", "bob", "", ""},
		{"cassandra://bob:@h", "bob", "", ""},
		{"cassandra://:pw@h", "", "pw", ""},
		{"cassandra://bob:pw@h/ks", "bob", "pw", "ks"},
		{"cassandra://bob:p:w@h", "bob", "p:w", ""},
		{"cassandra://bob:p@w@h", "bob", "p@w", ""},
		{"cassandra://bob:p%40w%2F%3F%25%20+@h", "bob", "p@w/?% +", ""},
		{"cassandra://b%3Ab%40x:pw@h", "b:b@x", "pw", ""},
		{"cassandra://bob:p%C3%A4ss@h", "bob", "päss", ""},
		{"cassandra://bob:pw@h?app_name=x@y", "bob", "pw", ""},
	}
	for _, tt := range tests {
		c, err := ParseDSN(tt.dsn)
		if err != nil {
			t.Errorf("ParseDSN(%q): %v", tt.dsn, err)
			continue
		}
		if c.Username != tt.user || c.Password != tt.password || c.Keyspace != tt.keyspace {
			t.Errorf("ParseDSN(%q): user %q, password %q, keyspace %q; want %q, %q, %q",
				tt.dsn, c.Username, c.Password, c.Keyspace, tt.user, tt.password, tt.keyspace)
		}
		checkRoundTrip(t, c)
	}
}

// An "@" after the host list is fine in a parameter value, but when the DSN
// has an error too, the error hides its details: the "@" may end a password
// holding an unencoded "/" or "?".
func TestParseDSNAtAfterHosts(t *testing.T) {
	c, err := ParseDSN("cassandra://u:p@h/ks?app_name=me@corp")
	if err != nil || c.AppName != "me@corp" || c.Password != "p" {
		t.Fatalf("ParseDSN: %#v, %v", c, err)
	}
	_, err = ParseDSN("cassandra://u:p@h/ks?app_name=me@corp&consistency=LOCL_ONE")
	if err != errMisplacedAt {
		t.Fatalf("error %v, want %v", err, errMisplacedAt)
	}
}

func TestParseDSNEmptyAndRepeatedSeparators(t *testing.T) {
	c, err := ParseDSN("cassandra://h/ks?&page_size=10&&timeout=1s&")
	if err != nil {
		t.Fatal(err)
	}
	if c.PageSize != 10 || c.Timeout != time.Second {
		t.Fatalf("PageSize %d, Timeout %v; want 10, 1s", c.PageSize, c.Timeout)
	}
}

// TestErrorsHidePassword uses passwords that appear elsewhere in the DSN,
// where an error would quote them, and checks that no error shows them.
func TestErrorsHidePassword(t *testing.T) {
	const pw = "Quorum9"
	tests := []string{
		"cassandra://u:" + pw + "@h?consistency=" + pw,
		"cassandra://u:" + pw + "@h?consistency=x" + pw + "x",
		"cassandra://u:" + pw + "@h?consistency=%51uorum9", // percent-encoded copy
		"cassandra://u:%51uorum9@h?consistency=%51uorum9",
		"cassandra://u:%51uorum9@h?timeout=%2551uorum9", // the password as written in the DSN
		"cassandra://u:" + pw + "@h?" + pw + "=1",
		"cassandra://u:" + pw + "@h?" + pw,
		"cassandra://u:" + pw + "@h/" + pw + "-ks",
		"cassandra://u:" + pw + "@" + pw + ":x",
		"cassandra://u:" + pw + "@" + pw + "!",
		"cassandra://u:" + pw + "@[" + pw + "]",
		"cassandra://u:" + pw + "@" + pw + "," + pw,
		"cassandra://u:" + pw + "@h?page_size=" + pw + "&tls=" + pw,
		"cassandra://u:a:" + pw + "@h?consistency=a:" + pw,
		// Unencoded "/" or "?" in the password: the parser cannot tell where
		// it ends and must not quote any part of it.
		"cassandra://u:" + pw + "/x@h",
		"cassandra://u:x/" + pw + "@h/ks",
		"cassandra://u:x?" + pw + "@h",
		"cassandra://u:x?" + pw + "=1@h",
		"cassandra://u:x?consistency=" + pw + "@h",
		"cassandra://u:" + pw + "?@h",
		"cassandra://u:x@y?" + pw + "@h",
		"cassandra://u:x@" + pw + "/" + pw + "@h",
	}
	for _, dsn := range tests {
		_, err := ParseDSN(dsn)
		if err == nil {
			t.Errorf("ParseDSN(%q): no error", dsn)
			continue
		}
		for _, secret := range []string{pw, "%51uorum9", "uorum9"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("ParseDSN(%q): error shows the password: %v", dsn, err)
			}
		}
	}

	// Errors of Configs built in code hide the password too.
	c := NewConfig()
	c.Password = pw
	c.Hosts = []string{pw + ":bad"}
	if err := c.normalize(); err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("normalize: error %v, want one without the password", err)
	}
}

func TestStringHidesPassword(t *testing.T) {
	c, err := ParseDSN("cassandra://bob:hunter2@h1,h2/ks?consistency=ONE")
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if want := "cassandra://bob:***@h1:9042,h2:9042/ks?consistency=ONE"; s != want {
		t.Fatalf("String() = %q, want %q", s, want)
	}
	if got := c.FormatDSN(); got != "cassandra://bob:hunter2@h1:9042,h2:9042/ks?consistency=ONE" {
		t.Fatalf("FormatDSN() = %q", got)
	}
	c.Username = ""
	if s := c.String(); s != "cassandra://:***@h1:9042,h2:9042/ks?consistency=ONE" {
		t.Fatalf("String() without user = %q", s)
	}
	c.Password = ""
	if s := c.String(); s != "cassandra://h1:9042,h2:9042/ks?consistency=ONE" {
		t.Fatalf("String() without user and password = %q", s)
	}
}

func TestFormatDSN(t *testing.T) {
	c := NewConfig()
	c.Hosts = []string{"h:9042", "[::1]:9043", "[fe80::1%eth0]:9042"}
	c.Username = "us er"
	c.Password = "p@ss:/?&=%"
	c.Keyspace = "ks"
	c.AppName = "a&b=c d/e"
	c.TLS = TLSSkipVerify
	c.TLSServerName = "db"
	c.Compression = "lz4"
	c.Idempotent = true
	c.Retries = 3
	c.ProtocolVersion = 4
	c.Paging = PagingPages
	c.SerialConsistency = LocalSerial
	want := "cassandra://us%20er:p%40ss%3A%2F%3F%26%3D%25@h:9042,[::1]:9043,[fe80::1%25eth0]:9042/ks" +
		"?app_name=a%26b%3Dc%20d/e&compression=lz4&idempotent=true&paging=pages&protocol_version=4" +
		"&retries=3&serial_consistency=LOCAL_SERIAL&tls=skip-verify&tls_server_name=db"
	if got := c.FormatDSN(); got != want {
		t.Fatalf("FormatDSN() =\n%q, want\n%q", got, want)
	}
	checkRoundTrip(t, c)

	// Hosts of a Config built in code, not yet normalized, are written as
	// they are.
	c = NewConfig()
	c.Hosts = []string{"h", "[::1]"}
	if got := c.FormatDSN(); got != "cassandra://h,[::1]" {
		t.Fatalf("FormatDSN() with hosts without ports = %q", got)
	}

	// Compression "none" is the default, like "".
	c = NewConfig()
	c.Hosts = []string{"h:9042"}
	c.Compression = "none"
	if got := c.FormatDSN(); got != "cassandra://h:9042" {
		t.Fatalf("FormatDSN() with Compression none = %q", got)
	}
}

func TestClone(t *testing.T) {
	c, err := ParseDSN("cassandra://u:p@h1,h2/ks?page_size=7")
	if err != nil {
		t.Fatal(err)
	}
	c.TLSConfig = &tls.Config{ServerName: "x"}
	cp := c.Clone()
	if !reflect.DeepEqual(c.Hosts, cp.Hosts) || cp.PageSize != 7 || cp.Password != "p" || cp.TLSConfig.ServerName != "x" {
		t.Fatalf("Clone() = %#v, want a copy of %#v", cp, c)
	}
	cp.Hosts[0] = "other:1"
	cp.TLSConfig.ServerName = "y"
	cp.PageSize = 8
	if c.Hosts[0] != "h1:9042" || c.TLSConfig.ServerName != "x" || c.PageSize != 7 {
		t.Fatalf("changing the clone changed the original: %#v", c)
	}
	if (&Config{}).Clone().Hosts != nil {
		t.Fatal("Clone of a Config without hosts has hosts")
	}
}

func TestNormalize(t *testing.T) {
	c := NewConfig()
	c.Hosts = []string{"h", "h2:9043", "[::1]", "::1"}
	if err := c.normalize(); err == nil || !strings.Contains(err.Error(), `bad host "::1"`) {
		t.Fatalf("normalize with a bare IPv6 address: %v", err)
	}
	c.Hosts = []string{"h", "h2:9043", "[::1]"}
	c.Compression = "none"
	if err := c.normalize(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"h:9042", "h2:9043", "[::1]:9042"}; !reflect.DeepEqual(c.Hosts, want) {
		t.Fatalf("Hosts = %q, want %q", c.Hosts, want)
	}
	if c.Compression != "" {
		t.Fatalf("Compression = %q, want \"\"", c.Compression)
	}

	bad := []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Hosts = nil }, "cassandra: no hosts"},
		{func(c *Config) { c.Keyspace = "a b" }, `cassandra: bad keyspace "a b"`},
		{func(c *Config) { c.Consistency = 11 }, "cassandra: bad Consistency Consistency(0x000b); accepted: ANY,"},
		{func(c *Config) { c.SerialConsistency = Quorum }, "cassandra: bad SerialConsistency QUORUM; accepted: SERIAL, LOCAL_SERIAL"},
		{func(c *Config) { c.PageSize = 0 }, "cassandra: bad PageSize 0; accepted: 1 to 2147483647"},
		{func(c *Config) { c.Paging = 2 }, "cassandra: bad Paging PagingMode(2)"},
		{func(c *Config) { c.Timeout = -1 }, "cassandra: bad Timeout -1ns: use 0 for no timeout"},
		{func(c *Config) { c.ConnectTimeout = -time.Second }, "cassandra: bad ConnectTimeout -1s"},
		{func(c *Config) { c.ProtocolVersion = 2 }, "cassandra: bad ProtocolVersion 2; accepted: 0 (auto), 3, 4, 5"},
		{func(c *Config) { c.Compression = "zstd" }, `cassandra: bad Compression "zstd"`},
		{func(c *Config) { c.TLS = 3 }, "cassandra: bad TLS TLSMode(3)"},
		{func(c *Config) { c.TLSConfig = &tls.Config{}; c.TLS = TLSVerify }, "cassandra: Config.TLSConfig is set"},
		{func(c *Config) { c.TLSConfig = &tls.Config{}; c.TLSCA = "/ca" }, "cassandra: Config.TLSConfig is set"},
		{func(c *Config) { c.TLSServerName = "x" }, "cassandra: tls_ca, tls_cert, tls_key and tls_server_name need tls=true"},
		{func(c *Config) { c.TLS = TLSVerify; c.TLSKey = "/k" }, "cassandra: tls_cert and tls_key go together"},
		{func(c *Config) { c.ConnsPerHost = 0 }, "cassandra: bad ConnsPerHost 0; accepted: 1 to 100"},
		{func(c *Config) { c.MaxRequestsPerConn = 40000 }, "cassandra: bad MaxRequestsPerConn 40000; accepted: 1 to 32768"},
		{func(c *Config) { c.MaxFrameSize = 0 }, "cassandra: bad MaxFrameSize 0; accepted: 65536 to 268435456"},
		{func(c *Config) { c.Retries = -1 }, "cassandra: bad Retries -1; accepted: 0 to 10"},
	}
	for _, tt := range bad {
		c := NewConfig()
		c.Hosts = []string{"h"}
		tt.change(c)
		if err := c.normalize(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("normalize: error %v, want it to start with %q", err, tt.want)
		}
	}
	// The zero Config is not usable as it is: normalize says why.
	if err := (&Config{Hosts: []string{"h"}}).normalize(); err == nil {
		t.Error("normalize accepted a Config without NewConfig's defaults")
	}
	// A TLSConfig alone is fine.
	c = NewConfig()
	c.Hosts = []string{"h"}
	c.TLSConfig = &tls.Config{}
	if err := c.normalize(); err != nil {
		t.Errorf("normalize with TLSConfig: %v", err)
	}
}

func TestConsistency(t *testing.T) {
	names := map[Consistency]string{
		Any: "ANY", One: "ONE", Two: "TWO", Three: "THREE", Quorum: "QUORUM", All: "ALL",
		LocalQuorum: "LOCAL_QUORUM", EachQuorum: "EACH_QUORUM", Serial: "SERIAL",
		LocalSerial: "LOCAL_SERIAL", LocalOne: "LOCAL_ONE",
	}
	codes := map[Consistency]uint16{
		Any: 0, One: 1, Two: 2, Three: 3, Quorum: 4, All: 5, LocalQuorum: 6, EachQuorum: 7,
		Serial: 8, LocalSerial: 9, LocalOne: 10,
	}
	for c, name := range names {
		if c.String() != name {
			t.Errorf("%d.String() = %q, want %q", uint16(c), c.String(), name)
		}
		if uint16(c) != codes[c] {
			t.Errorf("%s = %#04x, want the protocol code %#04x", name, uint16(c), codes[c])
		}
		spellings := []string{name, strings.ToLower(name), strings.ReplaceAll(name, "_", "-"), strings.ReplaceAll(strings.ToLower(name), "_", "")}
		for _, s := range spellings {
			got, err := ParseConsistency(s)
			if err != nil || got != c {
				t.Errorf("ParseConsistency(%q) = %v, %v; want %v", s, got, err, c)
			}
		}
	}
	for _, s := range []string{"localQuorum", "LocalQuorum", "eachQuorum", "localOne", "Local_Serial"} {
		if _, err := ParseConsistency(s); err != nil {
			t.Errorf("ParseConsistency(%q): %v", s, err)
		}
	}
	if got := Consistency(0x00ff).String(); got != "Consistency(0x00ff)" {
		t.Errorf("String of an unknown code = %q", got)
	}
	_, err := ParseConsistency("LOCL_ONE")
	want := `cassandra: unknown consistency "LOCL_ONE"; accepted: ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM, EACH_QUORUM, SERIAL, LOCAL_SERIAL, LOCAL_ONE`
	if err == nil || err.Error() != want {
		t.Errorf("ParseConsistency(\"LOCL_ONE\") error %v, want %q", err, want)
	}
	for _, s := range []string{"", "1", "QUORUMS", "LOCAL QUORUM"} {
		if _, err := ParseConsistency(s); err == nil {
			t.Errorf("ParseConsistency(%q): no error", s)
		}
	}
}

func TestModeStrings(t *testing.T) {
	for m, want := range map[PagingMode]string{PagingAuto: "auto", PagingPages: "pages", 7: "PagingMode(7)"} {
		if m.String() != want {
			t.Errorf("PagingMode %d: %q, want %q", uint8(m), m.String(), want)
		}
	}
	for m, want := range map[TLSMode]string{TLSOff: "false", TLSVerify: "true", TLSSkipVerify: "skip-verify", 9: "TLSMode(9)"} {
		if m.String() != want {
			t.Errorf("TLSMode %d: %q, want %q", uint8(m), m.String(), want)
		}
	}
}

// writeTestCert writes a self-signed certificate and its key as PEM files
// in dir and returns their paths.
func writeTestCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "cassandra test"},
		DNSNames:              []string{"db.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestTLSConfig(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeTestCert(t, dir)
	esc := func(s string) string { return escape(s, "/") }

	c, err := ParseDSN("cassandra://h")
	if err != nil {
		t.Fatal(err)
	}
	if tc, err := c.tlsConfig(); tc != nil || err != nil {
		t.Fatalf("tlsConfig() with TLS off = %v, %v; want nil, nil", tc, err)
	}

	c, err = ParseDSN("cassandra://h?tls=true&tls_ca=" + esc(certFile) + "&tls_cert=" + esc(certFile) + "&tls_key=" + esc(keyFile) + "&tls_server_name=db.test")
	if err != nil {
		t.Fatal(err)
	}
	tc, err := c.tlsConfig()
	if err != nil {
		t.Fatal(err)
	}
	if tc.RootCAs == nil || len(tc.Certificates) != 1 || tc.ServerName != "db.test" || tc.InsecureSkipVerify || tc.MinVersion != tls.VersionTLS12 {
		t.Fatalf("tlsConfig() = %+v", tc)
	}
	// The CA pool holds the certificate: it verifies against it.
	leaf, err := x509.ParseCertificate(tc.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: tc.RootCAs, DNSName: "db.test"}); err != nil {
		t.Fatalf("certificate does not verify against tls_ca: %v", err)
	}

	c, err = ParseDSN("cassandra://h?tls=skip-verify")
	if err != nil {
		t.Fatal(err)
	}
	if tc, err := c.tlsConfig(); err != nil || !tc.InsecureSkipVerify || tc.RootCAs != nil || tc.ServerName != "" {
		t.Fatalf("tlsConfig() with skip-verify = %+v, %v", tc, err)
	}

	// Errors: a missing file, a file without PEM, a key that does not match.
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ query, want string }{
		{"tls_ca=" + esc(filepath.Join(dir, "missing.pem")), "cassandra: reading tls_ca: open "},
		{"tls_ca=" + esc(notPEM), "cassandra: tls_ca \"" + notPEM + "\" holds no PEM certificate"},
		{"tls_cert=" + esc(certFile) + "&tls_key=" + esc(notPEM), "cassandra: loading tls_cert and tls_key: "},
	} {
		c, err := ParseDSN("cassandra://h?tls=true&" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.tlsConfig(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("tlsConfig() with %s: error %v, want it to start with %q", tt.query, err, tt.want)
		}
	}

	// TLSConfig set in code is used as it is, cloned.
	c = NewConfig()
	c.Hosts = []string{"h"}
	c.TLSConfig = &tls.Config{ServerName: "custom"}
	tc, err = c.tlsConfig()
	if err != nil || tc == c.TLSConfig || tc.ServerName != "custom" {
		t.Fatalf("tlsConfig() with TLSConfig = %+v, %v; want a clone", tc, err)
	}
}
