package testcluster

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// SecureNode is a node with PasswordAuthenticator and client TLS (optional:
// the same port takes TLS and plaintext). scripts/test.sh starts one on
// 127.0.0.1:9142 and exports CASSANDRA_SECURE_HOSTS and CASSANDRA_SECURE_CA.
type SecureNode struct {
	Addr     string
	Username string
	Password string
	// CAFile is the PEM of the CA that signed the node's certificate; empty
	// when the node was not started with TLS.
	CAFile string
}

// Secure returns the password/TLS test node. It skips (or, when Required,
// fails) when none was provided; CASSANDRA_SECURE_SKIP=1 says the machine
// cannot start one (no JDK) and skips, visibly, except in CI, where it fails.
func Secure(t testing.TB) SecureNode {
	t.Helper()
	addr := secureAddr(t, "CASSANDRA_SECURE_HOSTS", "password/TLS")
	user, pass := os.Getenv("CASSANDRA_SECURE_USER"), os.Getenv("CASSANDRA_SECURE_PASSWORD")
	if user == "" {
		user, pass = "cassandra", "cassandra"
	}
	return SecureNode{Addr: addr, Username: user, Password: pass, CAFile: os.Getenv("CASSANDRA_SECURE_CA")}
}

// MutualTLSNode is a node whose native port takes TLS only and requires a
// client certificate signed by the CA in CAFile (scripts/cassandra.sh with
// CASSANDRA_TLS=1 CASSANDRA_TLS_CLIENT_AUTH=1, no password). scripts/test.sh
// starts one on 127.0.0.1:9152 and exports CASSANDRA_MTLS_HOSTS,
// CASSANDRA_MTLS_CA, CASSANDRA_MTLS_CERT and CASSANDRA_MTLS_KEY.
type MutualTLSNode struct {
	Addr     string
	CAFile   string // PEM of the CA that signed the server and client certificates
	CertFile string // PEM client certificate
	KeyFile  string // PEM private key of CertFile
}

// MutualTLS returns the mutual-TLS test node; it skips or fails as Secure
// does.
func MutualTLS(t testing.TB) MutualTLSNode {
	t.Helper()
	n := MutualTLSNode{
		Addr:     secureAddr(t, "CASSANDRA_MTLS_HOSTS", "mutual-TLS"),
		CAFile:   os.Getenv("CASSANDRA_MTLS_CA"),
		CertFile: os.Getenv("CASSANDRA_MTLS_CERT"),
		KeyFile:  os.Getenv("CASSANDRA_MTLS_KEY"),
	}
	if n.CAFile == "" || n.CertFile == "" || n.KeyFile == "" {
		t.Fatal("CASSANDRA_MTLS_HOSTS is set but not all of CASSANDRA_MTLS_CA, CASSANDRA_MTLS_CERT and CASSANDRA_MTLS_KEY")
	}
	return n
}

// secureAddr returns the first address in the environment variable hosts,
// or skips the test (fails it when Required) as Secure documents.
func secureAddr(t testing.TB, hosts, what string) string {
	t.Helper()
	if os.Getenv("CASSANDRA_SECURE_SKIP") == "1" {
		if inCI() {
			t.Fatalf("CASSANDRA_SECURE_SKIP=1 in CI: the %s tests must run there; give the machine a JDK 17 and Maven", what)
		}
		t.Skipf("no %s node on this machine (CASSANDRA_SECURE_SKIP=1)", what)
	}
	addr := strings.TrimSpace(os.Getenv(hosts))
	if addr == "" {
		if Required() {
			t.Fatalf("test needs the %s node and %s is unset; run tests with `make test`", what, hosts)
		}
		t.Skipf("no %s node: set %s (make test does)", what, hosts)
	}
	return strings.Split(addr, ",")[0]
}

// TLSConfig returns a client configuration that verifies the node's
// certificate against the harness CA.
func TLSConfig(n SecureNode) (*tls.Config, error) {
	if n.CAFile == "" {
		return nil, errors.New("cassandra: the secure node has no CA file (CASSANDRA_SECURE_CA unset)")
	}
	pem, err := os.ReadFile(n.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("cassandra: no certificate in %s", n.CAFile)
	}
	host, _, err := net.SplitHostPort(n.Addr)
	if err != nil {
		return nil, err
	}
	return &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}, nil
}
