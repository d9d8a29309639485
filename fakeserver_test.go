package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// killFirstQuery starts a fake node that kills the socket of the first
// QUERY it gets and answers later ones with a Void result.
func killFirstQuery(t *testing.T) (*fakeserver.Server, *atomic.Int32) {
	var queries atomic.Int32
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if req.Message.Opcode() != protocol.OpQuery {
			return false
		}
		if queries.Add(1) == 1 {
			c.Kill()
			return true
		}
		c.Reply(req, &protocol.Result{Kind: protocol.ResultVoid})
		return true
	}})
	return srv, &queries
}

func fakeDB(t testing.TB, addr string, edit func(*Config)) *sql.DB {
	db, _ := fakeConnector(t, addr, edit)
	return db
}

// fakeConnector opens a *sql.DB on the node at addr and returns it with its
// Connector; the test closes it.
func fakeConnector(t testing.TB, addr string, edit func(*Config)) (*sql.DB, *Connector) {
	cfg := NewConfig()
	cfg.Hosts = []string{addr}
	cfg.Timeout = 5 * time.Second
	cfg.HostDiscovery = false // a scripted server has no topology tables
	if edit != nil {
		edit(cfg)
	}
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, c
}

func TestLostConnectionIsNotBadConn(t *testing.T) {
	srv, queries := killFirstQuery(t)
	db := fakeDB(t, srv.Addr(), nil)
	_, err := db.ExecContext(context.Background(), "INSERT INTO t (k) VALUES (1)")
	if !errors.Is(err, ErrConnClosed) {
		t.Fatalf("got %v, want an error wrapping ErrConnClosed", err)
	}
	if errors.Is(err, driver.ErrBadConn) {
		t.Fatal("ErrBadConn for a request that may have been sent")
	}
	if n := queries.Load(); n != 1 {
		t.Errorf("a non-idempotent write was sent %d times", n)
	}
	// The next request gets a new socket.
	if _, err := db.Exec("INSERT INTO t (k) VALUES (1)"); err != nil {
		t.Fatalf("after the lost socket: %v", err)
	}
}

func TestIdempotentRequestRetried(t *testing.T) {
	srv, queries := killFirstQuery(t)
	db := fakeDB(t, srv.Addr(), func(c *Config) { c.Retries = 1 })
	if _, err := db.Exec("UPDATE t SET v = 1 WHERE k = 1", WithIdempotent(true)); err != nil {
		t.Fatalf("idempotent request not retried: %v", err)
	}
	if n := queries.Load(); n != 2 {
		t.Errorf("sent %d times, want 2", n)
	}
}

func TestServerErrorDetails(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if req.Message.Opcode() != protocol.OpQuery {
			return false
		}
		c.Reply(req, &protocol.Error{Code: protocol.ErrCodeReadTimeout, Message: "timed out",
			Details: &protocol.ReadTimeout{Consistency: protocol.Quorum, Received: 1, BlockFor: 2}})
		return true
	}})
	db := fakeDB(t, srv.Addr(), nil)
	_, err := db.Query("SELECT * FROM t")
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Code != ErrCodeReadTimeout {
		t.Fatalf("got %v", err)
	}
	rt, ok := cerr.Details.(*ReadTimeout)
	if !ok || rt.Received != 1 || rt.BlockFor != 2 {
		t.Errorf("details %#v", cerr.Details)
	}
}

// schemaServer answers system.local with one schema version and
// system.peers with a peer at peerAddr whose version lags until it has been
// asked lagFor times; other queries are schema changes. The first failFor
// queries of system.peers fail.
func schemaServer(t *testing.T, peerAddr func(self string) string, lagFor, failFor int32, peersAsked *atomic.Int32) *fakeserver.Server {
	const v1, v2 = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
	var srv *fakeserver.Server
	srv = fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		q, ok := req.Message.(*protocol.Query)
		if !ok {
			return false
		}
		switch {
		case strings.Contains(q.Statement, "system.local"):
			r := &protocol.Result{Kind: protocol.ResultRows}
			r.Rows.Metadata.Columns = []protocol.ColumnSpec{{Keyspace: "system", Table: "local", Name: "schema_version", Type: codec.Type{ID: codec.TypeUUID}}}
			r.Rows.Metadata.ColumnCount = 1
			u := uuid.MustParse(v1)
			r.Rows.AppendRow(u[:])
			c.Reply(req, r)
		case strings.Contains(q.Statement, "system.peers"):
			n := peersAsked.Add(1)
			if n <= failFor {
				c.Reply(req, &protocol.Error{Code: protocol.ErrCodeInvalid, Message: "scripted failure of system.peers"})
				return true
			}
			v := v1
			if n <= failFor+lagFor {
				v = v2
			}
			r := &protocol.Result{Kind: protocol.ResultRows}
			inet := codec.Type{ID: codec.TypeInet}
			r.Rows.Metadata.Columns = []protocol.ColumnSpec{
				{Keyspace: "system", Table: "peers", Name: "peer", Type: inet},
				{Keyspace: "system", Table: "peers", Name: "rpc_address", Type: inet},
				{Keyspace: "system", Table: "peers", Name: "schema_version", Type: codec.Type{ID: codec.TypeUUID}}}
			r.Rows.Metadata.ColumnCount = 3
			host, _, _ := net.SplitHostPort(srv.Addr())
			ip := net.ParseIP(peerAddr(host)).To4()
			u := uuid.MustParse(v)
			r.Rows.AppendRow([]byte{10, 0, 0, 9}, ip, u[:])
			c.Reply(req, r)
		default:
			c.Reply(req, &protocol.Result{Kind: protocol.ResultSchemaChange, SchemaChange: protocol.SchemaChange{
				Change: protocol.SchemaCreated, Target: protocol.TargetTable, Keyspace: "ks", Name: "t"}})
		}
		return true
	}})
	return srv
}

func TestSchemaChangeWaitsForAgreement(t *testing.T) {
	var peersAsked atomic.Int32
	// The lagging peer is up: its rpc_address is this very server.
	srv := schemaServer(t, func(self string) string { return self }, 2, 0, &peersAsked)
	db := fakeDB(t, srv.Addr(), nil)
	if _, err := db.Exec("CREATE TABLE ks.t (k int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if n := peersAsked.Load(); n != 3 {
		t.Errorf("system.peers asked %d times, want 3 (until the versions agree)", n)
	}
}

func TestSchemaAgreementSkipsDownPeers(t *testing.T) {
	var peersAsked atomic.Int32
	// The lagging peer is down: nothing listens on 127.0.0.2 at that port.
	srv := schemaServer(t, func(string) string { return "127.0.0.2" }, 1000, 0, &peersAsked)
	db := fakeDB(t, srv.Addr(), nil)
	start := time.Now()
	if _, err := db.Exec("CREATE TABLE ks.t (k int PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the schema change waited %v for a peer that is down", d)
	}
	if n := peersAsked.Load(); n != 1 {
		t.Errorf("system.peers asked %d times, want 1 (the only disagreeing peer is down)", n)
	}
}

func TestSchemaAgreementGivesUpWithAWarning(t *testing.T) {
	if testing.Short() {
		t.Skip("waits the full schema agreement timeout")
	}
	var peersAsked atomic.Int32
	srv := schemaServer(t, func(self string) string { return self }, 1000, 0, &peersAsked)
	db := fakeDB(t, srv.Addr(), func(c *Config) { c.Timeout = 30 * time.Second })
	var warnings []string
	start := time.Now()
	if _, err := db.Exec("CREATE TABLE ks.t (k int PRIMARY KEY)", WithWarnings(&warnings)); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	if d < schemaAgreementTimeout || d > schemaAgreementTimeout+2*time.Second {
		t.Errorf("gave up after %v, want %v", d, schemaAgreementTimeout)
	}
	if n := peersAsked.Load(); n < 30 || n > 60 {
		t.Errorf("system.peers asked %d times in %v, want about one every %v", n, d, schemaAgreementInterval)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "schema agreement not reached") || !strings.Contains(warnings[0], srv.Addr()) {
		t.Errorf("warnings %q, want the give-up warning naming %s", warnings, srv.Addr())
	}
}

// A failed check of the schema versions is tried again: it does not end
// the wait as if the versions agreed.
func TestSchemaAgreementRetriesAFailedCheck(t *testing.T) {
	var peersAsked atomic.Int32
	srv := schemaServer(t, func(self string) string { return self }, 1, 2, &peersAsked)
	db := fakeDB(t, srv.Addr(), nil)
	var warnings []string
	if _, err := db.Exec("CREATE TABLE ks.t (k int PRIMARY KEY)", WithWarnings(&warnings)); err != nil {
		t.Fatal(err)
	}
	if n := peersAsked.Load(); n != 4 {
		t.Errorf("system.peers asked %d times, want 4 (2 failed, 1 lagging, 1 agreeing)", n)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %q after the versions agreed", warnings)
	}
}
