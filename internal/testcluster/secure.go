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
// cannot start one (no JDK) and always skips, visibly.
func Secure(t testing.TB) SecureNode {
	t.Helper()
	if os.Getenv("CASSANDRA_SECURE_SKIP") == "1" {
		t.Skip("no password/TLS node on this machine (CASSANDRA_SECURE_SKIP=1)")
	}
	addr := strings.TrimSpace(os.Getenv("CASSANDRA_SECURE_HOSTS"))
	if addr == "" {
		if Required() {
			t.Fatal("test needs the password/TLS node and CASSANDRA_SECURE_HOSTS is unset; run tests with `make test`")
		}
		t.Skip("no password/TLS node: set CASSANDRA_SECURE_HOSTS (make test does)")
	}
	addr = strings.Split(addr, ",")[0]
	user, pass := os.Getenv("CASSANDRA_SECURE_USER"), os.Getenv("CASSANDRA_SECURE_PASSWORD")
	if user == "" {
		user, pass = "cassandra", "cassandra"
	}
	return SecureNode{Addr: addr, Username: user, Password: pass, CAFile: os.Getenv("CASSANDRA_SECURE_CA")}
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
