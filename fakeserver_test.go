package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
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

func fakeDB(t *testing.T, addr string, edit func(*Config)) *sql.DB {
	cfg := NewConfig()
	cfg.Hosts = []string{addr}
	cfg.Timeout = 5 * time.Second
	if edit != nil {
		edit(cfg)
	}
	c, err := NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
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
