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
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// mismatchTimeout is the connect_timeout of the tests where client and
// server do not agree on TLS: each must fail within it (plus a second).
const mismatchTimeout = 3 * time.Second

// pingWith opens a *sql.DB for cfg, pings it once and returns the error and
// how long the ping took.
func pingWith(t *testing.T, cfg *Config) (time.Duration, error) {
	t.Helper()
	c, err := NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	err = db.PingContext(ctx)
	return time.Since(start), err
}

func mtlsConfig(n testcluster.MutualTLSNode) *Config {
	cfg := NewConfig()
	cfg.Hosts = []string{n.Addr}
	cfg.TLS, cfg.TLSCA = TLSVerify, n.CAFile
	cfg.TLSCert, cfg.TLSKey = n.CertFile, n.KeyFile
	cfg.ConnectTimeout = mismatchTimeout
	return cfg
}

// TestIntegrationMutualTLS connects to the node that requires client
// certificates with the harness's client certificate, then without one: the
// error must say that the server asked for a certificate.
func TestIntegrationMutualTLS(t *testing.T) {
	node := testcluster.MutualTLS(t)
	cfg := mtlsConfig(node)
	c, err := NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT release_version FROM system.local").Scan(&v); err != nil {
		t.Fatalf("with the client certificate: %v", err)
	}
	if !strings.HasPrefix(v, "5.0.") {
		t.Errorf("release_version %q", v)
	}

	noCert := mtlsConfig(node)
	noCert.TLSCert, noCert.TLSKey = "", ""
	took, err := pingWith(t, noCert)
	t.Logf("without a client certificate (%v): %v", took, err)
	if err == nil {
		t.Fatal("connected without a client certificate")
	}
	if !strings.Contains(err.Error(), "asked for a client certificate and none was sent: it requires one") {
		t.Errorf("error does not say the server requires a client certificate: %v", err)
	}
	if took > mismatchTimeout+time.Second {
		t.Errorf("took %v, connect_timeout is %v", took, mismatchTimeout)
	}
}

// TestIntegrationTLSWrongCA verifies the server certificate against a CA
// that did not sign it: the error names the certificate problem and
// matches x509.UnknownAuthorityError.
func TestIntegrationTLSWrongCA(t *testing.T) {
	node := testcluster.MutualTLS(t)
	cfg := mtlsConfig(node)
	cfg.TLSCA = writeOtherCA(t)
	took, err := pingWith(t, cfg)
	t.Logf("wrong CA (%v): %v", took, err)
	if err == nil {
		t.Fatal("connected with a CA that did not sign the server certificate")
	}
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ua) {
		t.Errorf("error does not match x509.UnknownAuthorityError: %v", err)
	}
	var cv *tls.CertificateVerificationError
	if !errors.As(err, &cv) {
		t.Errorf("error does not match *tls.CertificateVerificationError: %v", err)
	}
	if !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("error does not name the certificate problem: %v", err)
	}
}

// TestIntegrationPlaintextToTLSPort connects without TLS to the TLS-only
// port: it must fail within connect_timeout and say TLS is probably needed.
func TestIntegrationPlaintextToTLSPort(t *testing.T) {
	node := testcluster.MutualTLS(t)
	cfg := NewConfig()
	cfg.Hosts = []string{node.Addr}
	cfg.ConnectTimeout = mismatchTimeout
	took, err := pingWith(t, cfg)
	t.Logf("plaintext to a TLS port (%v): %v", took, err)
	if err == nil {
		t.Fatal("plaintext connection to a TLS-only port succeeded")
	}
	if took > mismatchTimeout+time.Second {
		t.Errorf("took %v, connect_timeout is %v", took, mismatchTimeout)
	}
	if !strings.Contains(err.Error(), "probably requires TLS on this port") {
		t.Errorf("error does not say TLS is probably required: %v", err)
	}
}

// TestIntegrationTLSToPlaintextPort connects with TLS to the plain node's
// port: it must fail within connect_timeout and say TLS is not offered.
func TestIntegrationTLSToPlaintextPort(t *testing.T) {
	addr := testcluster.Addr(t)
	cfg := NewConfig()
	cfg.Hosts = []string{addr}
	cfg.TLS = TLSSkipVerify
	cfg.ConnectTimeout = mismatchTimeout
	took, err := pingWith(t, cfg)
	t.Logf("TLS to a plaintext port (%v): %v", took, err)
	if err == nil {
		t.Fatal("TLS connection to a plaintext port succeeded")
	}
	if took > mismatchTimeout+time.Second {
		t.Errorf("took %v, connect_timeout is %v", took, mismatchTimeout)
	}
	if !strings.Contains(err.Error(), "does not offer TLS on this port") {
		t.Errorf("error does not say the server offers no TLS: %v", err)
	}
}

// writeOtherCA writes the PEM of a fresh self-signed CA, one that signed
// nothing the test nodes hold, and returns its path.
func writeOtherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "not the cqlsql test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
