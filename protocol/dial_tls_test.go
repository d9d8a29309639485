package protocol_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// selfSigned returns a certificate for 127.0.0.1 signed by itself.
func selfSigned(t *testing.T, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// dialErr dials addr with opts under a timeout and returns the error and
// how long it took.
func dialErr(t *testing.T, addr string, timeout time.Duration, opts protocol.DialOptions) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	c, err := protocol.Dial(ctx, addr, opts)
	if err == nil {
		c.Close()
	}
	return time.Since(start), err
}

// A TLS client on a port whose server reads and never answers: the dial
// ends with the context and says TLS may not be offered.
func TestDialTLSToSilentPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	took, err := dialErr(t, ln.Addr().String(), 300*time.Millisecond, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true}})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "it may not offer TLS on this port") {
		t.Fatalf("err = %v, want a deadline that says TLS may not be offered", err)
	}
	if took > 1300*time.Millisecond {
		t.Errorf("took %v with a 300ms deadline", took)
	}
}

// A TLS client on a plaintext CQL port: the server's answer is no TLS
// record.
func TestDialTLSToPlaintextPort(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{})
	_, err := dialErr(t, srv.Addr(), 5*time.Second, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true}})
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) || !strings.Contains(err.Error(), "the server does not offer TLS on this port") {
		t.Fatalf("err = %v, want a tls.RecordHeaderError that says TLS is not offered", err)
	}
}

// A plaintext client on a TLS-only port.
func TestDialPlaintextToTLSPort(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{TLS: &tls.Config{Certificates: []tls.Certificate{selfSigned(t, "server")}}})
	took, err := dialErr(t, srv.Addr(), 2*time.Second, protocol.DialOptions{})
	if err == nil || !strings.Contains(err.Error(), "requires TLS on this port") {
		t.Fatalf("err = %v, want one that says TLS is required", err)
	}
	if took > 3*time.Second {
		t.Errorf("took %v with a 2s deadline", took)
	}
}

// A server that requires a client certificate: without one the error says
// so; with one the dial succeeds.
func TestDialClientCertificateRequired(t *testing.T) {
	client := selfSigned(t, "client")
	leaf, err := x509.ParseCertificate(client.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	cas := x509.NewCertPool()
	cas.AddCert(leaf)
	srv := fakeserver.New(t, fakeserver.Options{TLS: &tls.Config{
		Certificates: []tls.Certificate{selfSigned(t, "server")},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    cas,
	}})
	anyCA := fakeserver.New(t, fakeserver.Options{TLS: &tls.Config{
		Certificates: []tls.Certificate{selfSigned(t, "server")},
		ClientAuth:   tls.RequireAnyClientCert,
		VerifyPeerCertificate: func([][]byte, [][]*x509.Certificate) error {
			return errors.New("not signed by a CA this server trusts")
		},
	}})
	for _, maxVersion := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		_, err := dialErr(t, srv.Addr(), 5*time.Second, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion}})
		if err == nil || !strings.Contains(err.Error(), "the server asked for a client certificate and none was sent") {
			t.Errorf("TLS %x without a client certificate: err = %v", maxVersion, err)
		}
		other := []tls.Certificate{selfSigned(t, "not trusted by the server")}
		_, err = dialErr(t, srv.Addr(), 5*time.Second, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion, Certificates: other}})
		if err == nil || !strings.Contains(err.Error(), "none of the certificates given is signed by one") {
			t.Errorf("TLS %x with a client certificate of another CA: err = %v", maxVersion, err)
		}
		// A server that names no CA gets the certificate, and refuses it.
		_, err = dialErr(t, anyCA.Addr(), 5*time.Second, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion, Certificates: other}})
		if err == nil || !strings.Contains(err.Error(), "may have rejected the one sent") {
			t.Errorf("TLS %x with an untrusted client certificate: err = %v", maxVersion, err)
		}
		if _, err := dialErr(t, srv.Addr(), 5*time.Second, protocol.DialOptions{TLS: &tls.Config{InsecureSkipVerify: true, MaxVersion: maxVersion, Certificates: []tls.Certificate{client}}}); err != nil {
			t.Errorf("TLS %x with the client certificate: %v", maxVersion, err)
		}
	}
}
