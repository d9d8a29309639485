package cassandra

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

const testPassword = "pw-Zq8v1Xk"

// writeKeyPair writes a self-signed certificate and its key as PEM files
// and returns their paths and the key's PEM.
func writeKeyPair(t *testing.T) (certFile, keyFile, keyPEM string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	keyPEM = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, keyPEM
}

// leaks returns what of the secrets s shows: the password (as is, in hex)
// or a line of the key.
func leaks(s, keyPEM string) []string {
	var out []string
	for _, sec := range []string{testPassword, hex.EncodeToString([]byte(testPassword)), "PRIVATE KEY"} {
		if strings.Contains(s, sec) {
			out = append(out, sec)
		}
	}
	for _, line := range strings.Split(keyPEM, "\n") {
		if len(line) > 16 && !strings.HasPrefix(line, "-----") && strings.Contains(s, line) {
			out = append(out, "key line "+line)
		}
	}
	return out
}

type embedsConfig struct {
	Config
	Extra int
}

type holdsConfigPtr struct {
	Name string
	Cfg  *Config
}

type holdsConfigPtrUnexported struct {
	name string
	cfg  *Config
}

// TestConfigPrintsNoSecret prints a Config with a password, a loaded TLS key
// and a TLSConfig holding a private key with every common verb, as a value,
// a pointer, embedded and pointed to by another struct: no output shows the
// password or the key.
func TestConfigPrintsNoSecret(t *testing.T) {
	certFile, keyFile, keyPEM := writeKeyPair(t)
	cfg := NewConfig()
	cfg.Hosts = []string{"127.0.0.1:9042"}
	cfg.Username, cfg.Password = "app", testPassword
	cfg.TLS, cfg.TLSCert, cfg.TLSKey = TLSSkipVerify, certFile, keyFile
	if _, err := cfg.tlsConfig(); err != nil { // loads the key into cfg
		t.Fatal(err)
	}
	if cfg.tlsKey == nil {
		t.Fatal("tlsConfig did not keep the key PEM for scrubbing")
	}
	withTLSConfig := NewConfig()
	withTLSConfig.Hosts = []string{"h:9042"}
	withTLSConfig.Password = testPassword
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	withTLSConfig.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}}

	values := map[string]any{
		"Config":              *cfg,
		"*Config":             cfg,
		"Config+TLSConfig":    *withTLSConfig,
		"*Config+TLSConfig":   withTLSConfig,
		"struct embedding":    embedsConfig{Config: *cfg, Extra: 1},
		"*struct embedding":   &embedsConfig{Config: *cfg, Extra: 1},
		"struct with *Config": holdsConfigPtr{Name: "x", Cfg: cfg},
		"[]Config":            []Config{*cfg},
		"[]*Config":           []*Config{cfg},
		"map":                 map[string]Config{"a": *cfg},
	}
	// fmt cannot call String through an unexported field: with %v it shows
	// the pointer, but with other verbs the fields of the Config it points
	// to, Password included. The key stays out of reach.
	unexported := holdsConfigPtrUnexported{name: "x", cfg: cfg}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(verb, unexported); len(leaks(s, keyPEM)) > 0 {
			t.Errorf("struct with an unexported *Config with %s shows a secret: %s", verb, s)
		}
	}
	for _, verb := range []string{"%s", "%q", "%d"} {
		s := fmt.Sprintf(verb, unexported)
		for _, l := range leaks(s, keyPEM) {
			if l != testPassword && l != hex.EncodeToString([]byte(testPassword)) {
				t.Errorf("struct with an unexported *Config with %s shows the TLS key: %s", verb, s)
			}
		}
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.200v"} {
			s := fmt.Sprintf(verb, v)
			if l := leaks(s, keyPEM); len(l) > 0 {
				t.Errorf("%s with %s shows %q: %s", name, verb, l, s)
			}
		}
	}
	if s := fmt.Sprint(*cfg); !strings.Contains(s, "app:***@127.0.0.1:9042") {
		t.Errorf("%%v of a Config = %s, want its DSN with the password hidden", s)
	}
	if s := fmt.Sprintf("%#v", withTLSConfig); !strings.HasPrefix(s, `cassandra.Config("cassandra://:***@h:9042`) || !strings.HasSuffix(s, ", TLSConfig)") {
		t.Errorf("%%#v = %s", s)
	}

	// A *sql.DB's Stats, the DB and the Connector hold the Config only by
	// pointer: nothing of it shows.
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	for name, v := range map[string]any{"db.Stats()": db.Stats(), "*sql.DB": db, "*Connector": c, "Connector.Config()": c.Config()} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(verb, v); len(leaks(s, keyPEM)) > 0 {
				t.Errorf("%s with %s shows a secret: %s", name, verb, s)
			}
		}
	}
}

// TestRedact checks the error redact returns: the secrets gone from its
// text, the "cassandra: " prefix kept, and errors.Is and errors.As still
// matching through one and several %w, with a server *Error's Message
// redacted too.
func TestRedact(t *testing.T) {
	srvErr := &Error{Code: ErrCodeBadCredentials, Message: "bad password " + testPassword}
	opErr := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset by " + testPassword)}
	err := fmt.Errorf("%w; retried after: %w", fmt.Errorf("cassandra: logging in: %w", srvErr), opErr)
	secrets := []string{testPassword}
	got := redact(err, secrets)
	if strings.Contains(got.Error(), testPassword) {
		t.Fatalf("redacted text shows the password: %s", got)
	}
	if want := "cassandra: logging in: cassandra: BAD_CREDENTIALS"; !strings.HasPrefix(got.Error(), want[:len("cassandra: logging in: ")]) || !strings.Contains(got.Error(), "<redacted>") {
		t.Errorf("redacted text = %s", got)
	}
	if !errors.Is(got, &Error{Code: ErrCodeBadCredentials}) {
		t.Error("errors.Is by server code lost")
	}
	if !errors.Is(got, srvErr) || !errors.Is(got, opErr) {
		t.Error("errors.Is of the wrapped errors lost")
	}
	var cerr *Error
	if !errors.As(got, &cerr) || cerr.Code != ErrCodeBadCredentials {
		t.Fatalf("errors.As(*Error) = %v", cerr)
	}
	if strings.Contains(cerr.Message, testPassword) || strings.Contains(cerr.Error(), testPassword) {
		t.Errorf("the *Error errors.As gives shows the password: %v", cerr)
	}
	var op *net.OpError
	if !errors.As(got, &op) || op != opErr {
		t.Error("errors.As(*net.OpError) does not give the original")
	}

	// Sentinels and errors without a secret come back as they are.
	for _, e := range []error{io.EOF, driver.ErrBadConn, driver.ErrSkip, ErrConnClosed, errors.New("cassandra: nothing secret")} {
		if r := redact(e, secrets); r != e {
			t.Errorf("redact(%v) = %v, want the same error", e, r)
		}
	}
	// The password "cassandra" (a new cluster's default) never eats the
	// prefix; the password elsewhere is cut, overlaps included.
	r := redact(errors.New("cassandra: server said: cassandra is wrong, cassandracassandra"), []string{"cassandra"})
	if want := "cassandra: server said: <redacted> is wrong, <redacted>"; r.Error() != want {
		t.Errorf("got %q, want %q", r, want)
	}
}

// passwordEcho starts a fake node that answers every QUERY, PREPARE and
// BATCH (and OPTIONS after the handshake's) with a server error whose
// message echoes the password, as a misbehaving server or a logging proxy
// might. The first page of "SELECT paged" is a row with more pages to come.
func passwordEcho(t *testing.T) *fakeserver.Server {
	var mu sync.Mutex
	handshaken := map[*fakeserver.Conn]bool{}
	return fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		echo := &protocol.Error{Code: protocol.ErrCodeInvalid, Message: "no such user app/" + testPassword}
		switch m := req.Message.(type) {
		case *protocol.Options:
			mu.Lock()
			first := !handshaken[c]
			handshaken[c] = true
			mu.Unlock()
			if first {
				return false
			}
		case *protocol.Query:
			if strings.Contains(m.Statement, "paged") && m.Params.PagingState == nil {
				r := &protocol.Result{Kind: protocol.ResultRows}
				r.Rows.Metadata.Columns = []protocol.ColumnSpec{{Keyspace: "ks", Table: "t", Name: "k", Type: codec.Type{ID: codec.TypeInt}}}
				r.Rows.Metadata.ColumnCount = 1
				r.Rows.Metadata.PagingState = []byte{1}
				r.Rows.AppendRow([]byte{0, 0, 0, 1})
				c.Reply(req, r)
				return true
			}
		case *protocol.Prepare, *protocol.Batch, *protocol.Execute:
		default:
			return false
		}
		c.Reply(req, echo)
		return true
	}})
}

// TestServerErrorsAreScrubbed sends requests through every exported entry
// point to a node whose errors echo the password: no error database/sql
// returns shows it, and each still matches the server *Error.
func TestServerErrorsAreScrubbed(t *testing.T) {
	srv := passwordEcho(t)
	for _, paging := range []PagingMode{PagingAuto, PagingPages} {
		db := fakeDB(t, srv.Addr(), func(c *Config) { c.Password = testPassword; c.Paging = paging })
		ctx := context.Background()
		check := func(what string, err error) {
			t.Helper()
			if err == nil {
				t.Errorf("%s: no error", what)
				return
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Errorf("%s shows the password: %v", what, err)
			}
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.Code != ErrCodeInvalid || strings.Contains(cerr.Message, testPassword) {
				t.Errorf("%s: errors.As(*Error) = %v", what, cerr)
			}
			if n := strings.Count(err.Error(), "cassandra: "); n != 1 {
				t.Logf("%s: %d \"cassandra: \" in %q", what, n, err)
			}
		}
		_, err := db.QueryContext(ctx, "SELECT * FROM t")
		check("QueryContext", err)
		_, err = db.ExecContext(ctx, "UPDATE t SET v = 1 WHERE k = 1")
		check("ExecContext", err)
		_, err = db.PrepareContext(ctx, "SELECT * FROM t WHERE k = ?")
		check("PrepareContext", err)
		_, err = db.ExecContext(ctx, "UPDATE t SET v = 1 WHERE k = ?", 1) // prepared first
		check("ExecContext with arguments", err)
		check("PingContext", db.PingContext(ctx))
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.ExecContext(ctx, "UPDATE t SET v = 1 WHERE k = 1")
		check("Tx.ExecContext", err)
		tx.Rollback()

		rows, err := db.QueryContext(ctx, "SELECT k FROM paged")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		if paging == PagingPages {
			if rows.NextResultSet() {
				t.Error("NextResultSet: true after a failed page")
			}
		}
		check(fmt.Sprintf("Rows.Next/NextResultSet (paging %v)", paging), rows.Err())
		rows.Close()
	}
}

// TestDialErrorIsScrubbed: an error from the socket layer that holds the
// password (a proxy's message, a dialer's) reaches database/sql without it.
func TestDialErrorIsScrubbed(t *testing.T) {
	db, c := fakeConnector(t, "127.0.0.1:1", func(c *Config) { c.Password = testPassword })
	c.dialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, fmt.Errorf("proxy refused user app with password %s: %w", testPassword, os.ErrPermission)
	}
	err := db.PingContext(context.Background())
	if err == nil || strings.Contains(err.Error(), testPassword) || !strings.Contains(err.Error(), "<redacted>") {
		t.Fatalf("Ping: %v", err)
	}
	if !errors.Is(err, os.ErrPermission) {
		t.Errorf("errors.Is(os.ErrPermission) lost: %v", err)
	}
	_, err = db.Exec("SELECT 1")
	if err == nil || strings.Contains(err.Error(), testPassword) {
		t.Fatalf("Exec: %v", err)
	}

	// DSN errors never show it either, even where it lands in a parameter.
	for _, dsn := range []string{
		"cassandra://app:" + testPassword + "@h1/ks?consistency=" + testPassword,
		"cassandra://app:" + testPassword + "@h1/" + testPassword + "-x",
		"cassandra://app:" + testPassword + "@h1:" + testPassword,
	} {
		_, err := sql.Open("cassandra", dsn)
		if err == nil || strings.Contains(err.Error(), testPassword) {
			t.Errorf("sql.Open(%q): %v", dsn, err)
		}
	}
}
