package cassandra

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseDSN checks that ParseDSN never panics, that a parsed Config
// formats into a DSN that parses back into an equal Config and formats into
// the same DSN, and that String differs from FormatDSN only by hiding the
// password.
func FuzzParseDSN(f *testing.F) {
	for _, seed := range []string{
		"cassandra://localhost",
		"cassandra://h1,h2:9043/ks",
		"cassandra://u:p@h/ks?consistency=ONE",
		"cassandra://u:p%40ss%2F%3F@h?app_name=a%20b&local_dc=dc1",
		"cassandra://[::1]:9042,[fe80::1%25eth0]/ks",
		"cassandra://u@h?tls=skip-verify&tls_server_name=x&tls_ca=/ca.pem&tls_cert=/c&tls_key=/k",
		"cassandra://h?page_size=1&paging=pages&timeout=0&connect_timeout=1m30s&protocol_version=4&compression=lz4",
		"cassandra://h?serial_consistency=local_serial&conns_per_host=100&max_requests_per_conn=32768&max_frame_size=65536&retries=3&idempotent=true&app_version=1.0",
		"cassandra://:pw@h",
		"cassandra://u:a@b@h?app_name=x@y",
		"cassandra://u:a/b@h/ks",
		"CASSANDRA://H:00001",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, err := ParseDSN(dsn)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "cassandra: ") {
				t.Fatalf("ParseDSN(%q): error without the cassandra: prefix: %v", dsn, err)
			}
			return
		}
		formatted := cfg.FormatDSN()
		again, err := ParseDSN(formatted)
		if err != nil {
			t.Fatalf("ParseDSN(%q) = %#v\nFormatDSN = %q does not parse: %v", dsn, cfg, formatted, err)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("ParseDSN(%q) = %#v\nFormatDSN = %q parses into %#v", dsn, cfg, formatted, again)
		}
		if f2 := again.FormatDSN(); f2 != formatted {
			t.Fatalf("FormatDSN not stable: %q then %q", formatted, f2)
		}
		s := cfg.String()
		if cfg.Password == "" {
			if s != formatted {
				t.Fatalf("String() = %q, FormatDSN() = %q with no password", s, formatted)
			}
			return
		}
		shown, err := ParseDSN(s)
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", s, err)
		}
		if shown.Password != "***" {
			t.Fatalf("String() = %q shows password %q", s, shown.Password)
		}
		shown.Password = cfg.Password
		if !reflect.DeepEqual(cfg, shown) {
			t.Fatalf("String() = %q differs from FormatDSN() = %q beyond the password", s, formatted)
		}
	})
}

// FuzzParseDSNHidesPassword checks that no error of ParseDSN shows the
// password, wherever else the fuzzer repeats it in the DSN. The password
// starts with "\x01", which no fixed text of an error holds, so any
// occurrence in an error is a leak.
func FuzzParseDSNHidesPassword(f *testing.F) {
	for _, seed := range [][2]string{
		{"s3cret", "h?consistency=\x01s3cret"},
		{"s3cret", "\x01s3cret:1"},
		{"s3cret", "h/\x01s3cret"},
		{"s3cret", "h?\x01s3cret=1"},
		{"s3cret", "h?app_name=%01s3cret&page_size=%01s3cret"},
		{"a/b", "h,h"},
		{"x", "h:99999?tls_ca=\x01x"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pw, rest string) {
		pw = "\x01" + pw
		dsn := "cassandra://user:" + escape(pw, "") + "@" + rest
		_, err := ParseDSN(dsn)
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Fatalf("ParseDSN(%q): error shows the password: %v", dsn, err)
		}
		// The same with the password written as it is, where the parser
		// allows it (no "/", "?" or "%").
		if !strings.ContainsAny(pw, "/?%") {
			dsn = "cassandra://user:" + pw + "@" + rest
			_, err = ParseDSN(dsn)
			if err != nil && strings.Contains(err.Error(), pw) {
				t.Fatalf("ParseDSN(%q): error shows the password: %v", dsn, err)
			}
		}
	})
}
