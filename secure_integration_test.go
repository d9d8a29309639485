package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// TestIntegrationPasswordAndTLS logs in to the password/TLS node of the
// harness through the DSN (verified TLS with the harness CA) and checks
// that a wrong password fails with BAD_CREDENTIALS without showing it.
func TestIntegrationPasswordAndTLS(t *testing.T) {
	node := testcluster.Secure(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := NewConfig()
	cfg.Hosts = []string{node.Addr}
	cfg.Username, cfg.Password = node.Username, node.Password
	if node.CAFile != "" {
		cfg.TLS, cfg.TLSCA = TLSVerify, node.CAFile
	}
	db, err := sql.Open("cassandra", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT release_version FROM system.local WHERE key = ?", "local").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "5.0.") {
		t.Errorf("release_version %q", v)
	}

	bad := cfg.Clone()
	bad.Password = "wrong-" + node.Password
	c, err := newConnector(bad)
	if err != nil {
		t.Fatal(err)
	}
	db2 := sql.OpenDB(c)
	defer db2.Close()
	err = db2.PingContext(ctx)
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Code != ErrCodeBadCredentials {
		t.Fatalf("wrong password: %v, want BAD_CREDENTIALS", err)
	}
	if strings.Contains(err.Error(), bad.Password) {
		t.Errorf("error shows the password: %v", err)
	}
}
