package cassandra

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// checkGoroutines fails the test if, once every cleanup registered after
// it has run (the *sql.DB and the fake server closed), more goroutines are
// left than when it was called. Call it first in the test.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines before the test, %d after:\n%s", before, n, buf)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// tookAtMost fails the test if d is over max.
func tookAtMost(t *testing.T, what string, d, max time.Duration) {
	t.Helper()
	if d > max {
		t.Errorf("%s took %v, want at most %v", what, d, max)
	}
}

// oneCassandraPrefix fails the test unless err's text starts with
// "cassandra: " and says it once.
func oneCassandraPrefix(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if s := err.Error(); !strings.HasPrefix(s, "cassandra: ") || strings.Count(s, "cassandra: ") != 1 {
		t.Errorf("%q: want one \"cassandra: \" prefix, at the start", s)
	}
}

// TestEveryStreamIDOrphaned: a node that stops answering QUERY while the
// socket stays healthy (OPTIONS still answered). Three times as many
// queries as stream ids, with context.Background(): each ends within its
// timeout (+1 s) saying why; once the node answers again the next query
// succeeds within twice the timeout, on a new socket.
func TestEveryStreamIDOrphaned(t *testing.T) {
	checkGoroutines(t)
	const (
		streams = 8
		timeout = 500 * time.Millisecond
	)
	n := newScriptedNode(t, fakeserver.Options{})
	n.always(pathSelect, noAnswer)
	db := fakeDB(t, n.srv.Addr(), func(c *Config) {
		c.MaxRequestsPerConn = streams
		c.ConnsPerHost = 1
		c.Timeout = timeout
	})

	var wg sync.WaitGroup
	errs := make([]error, 3*streams)
	took := make([]time.Duration, len(errs))
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start := time.Now()
			rows, err := db.QueryContext(context.Background(), "SELECT v FROM t")
			if err == nil {
				rows.Close()
			}
			errs[i], took[i] = err, time.Since(start)
		}(i)
	}
	wg.Wait()
	kinds := map[string]int{}
	for i, err := range errs {
		tookAtMost(t, "a query on a node that does not answer", took[i], timeout+time.Second)
		switch {
		case err == nil:
			t.Errorf("query %d succeeded on a node that does not answer", i)
			continue
		case !errors.Is(err, context.DeadlineExceeded):
			t.Errorf("query %d: %v, want an error wrapping context.DeadlineExceeded", i, err)
		case strings.Contains(err.Error(), "no response from"):
			kinds["no response"]++
		case strings.Contains(err.Error(), "no stream id free on") && strings.Contains(err.Error(), "abandoned after timeouts"):
			kinds["no stream id"]++
		default:
			t.Errorf("query %d: %q does not say what happened", i, err)
		}
		oneCassandraPrefix(t, err)
	}
	t.Logf("errors: %v; sockets opened: %d", kinds, n.connections())
	if kinds["no response"] == 0 {
		t.Error("no query reports the missing response")
	}

	// The node answers again.
	before := n.connections()
	n.clear()
	start := time.Now()
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Fatalf("the next query on a node that answers again: %v", err)
	}
	tookAtMost(t, "the first query once the node answers", time.Since(start), 2*timeout)
	if after := n.connections(); after <= before {
		t.Errorf("sockets opened: %d before, %d after: the worn-out socket was not replaced", before, after)
	}
}

// wedge answers with the first 100 bytes of a v4 frame that declares a 1
// MiB body, then mutes the socket: nothing more, OPTIONS included.
func (n *scriptedNode) wedge(c *fakeserver.Conn, req *protocol.RequestFrame) {
	n.mute(c)
	hdr := make([]byte, 9, 109)
	hdr[0] = 0x84 // a v4 response
	binary.BigEndian.PutUint16(hdr[2:], uint16(req.Header.Stream))
	hdr[4] = byte(protocol.OpResult)
	binary.BigEndian.PutUint32(hdr[5:], 1<<20)
	c.WriteRaw(append(hdr, make([]byte, 100)...))
}

// TestWedgedSocket: the reply stops mid-frame and the socket goes silent.
// The watchdog closes it after heartbeat_timeout: an INSERT fails with
// ErrConnClosed (and ErrMaybeApplied) well within its budget, a SELECT is
// sent again on a new socket and succeeds; the next query succeeds.
func TestWedgedSocket(t *testing.T) {
	const (
		hbTimeout = 300 * time.Millisecond
		timeout   = 2 * time.Second
	)
	for _, tc := range []struct {
		name string
		run  func(db *sql.DB) error
		lost bool
	}{
		{"Insert", func(db *sql.DB) error {
			_, err := db.Exec("INSERT INTO t (k) VALUES (1)")
			return err
		}, true},
		{"Select", func(db *sql.DB) error { return readAllQuery(db, "SELECT v FROM t") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGoroutines(t)
			n := newScriptedNode(t, fakeserver.Options{MaxVersion: protocol.V4})
			path := pathInsert
			if !tc.lost {
				path = pathSelect
			}
			n.then(path, n.wedge)
			db := fakeDB(t, n.srv.Addr(), func(c *Config) {
				c.ConnsPerHost = 1
				c.Timeout = timeout
				c.HeartbeatTimeout = hbTimeout
			})
			start := time.Now()
			err := tc.run(db)
			tookAtMost(t, "the request on a wedged socket", time.Since(start), timeout+time.Second)
			if tc.lost {
				if !errors.Is(err, ErrConnClosed) || !errors.Is(err, ErrMaybeApplied) || !strings.Contains(err.Error(), "heartbeat_timeout") {
					t.Fatalf("err = %v, want ErrConnClosed and ErrMaybeApplied, naming heartbeat_timeout", err)
				}
				oneCassandraPrefix(t, err)
				if got := n.count(path); got != 1 {
					t.Errorf("the INSERT was sent %d times, want 1", got)
				}
			} else {
				if err != nil {
					t.Fatalf("err = %v, want the SELECT to succeed on a new socket", err)
				}
				if got := n.count(path); got != 2 {
					t.Errorf("the SELECT was sent %d times, want 2", got)
				}
			}
			start = time.Now()
			if err := tc.run(db); err != nil {
				t.Fatalf("the next request: %v", err)
			}
			tookAtMost(t, "the next request", time.Since(start), 2*timeout)
			if got := n.connections(); got != 2 {
				t.Errorf("%d sockets opened, want 2 (the wedged one, its replacement)", got)
			}
		})
	}
}

// silentListener accepts TCP connections and never writes a byte; it
// counts them.
type silentListener struct {
	ln       net.Listener
	accepted atomic.Int32
	mu       sync.Mutex
	conns    []net.Conn
	done     sync.WaitGroup
}

func newSilentListener(t *testing.T) *silentListener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &silentListener{ln: ln}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.done.Wait()
		s.mu.Lock()
		for _, c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
	})
	return s
}

// TestNodeNeverAnswersHandshake: TCP connects, STARTUP gets nothing. The
// query fails after connect_timeout having dialed once; without
// connect_timeout, the request's timeout bounds it.
func TestNodeNeverAnswersHandshake(t *testing.T) {
	t.Run("ConnectTimeout", func(t *testing.T) {
		checkGoroutines(t)
		s := newSilentListener(t)
		db := dsnDB(t, "cassandra://"+s.ln.Addr().String()+"?connect_timeout=2s")
		start := time.Now()
		_, err := db.Query("SELECT v FROM t")
		took := time.Since(start)
		dials := s.accepted.Load()
		if err == nil {
			t.Fatal("a query on a node that never answers the handshake succeeded")
		}
		t.Logf("after %v: %v", took, err)
		tookAtMost(t, "the query", took, 2*time.Second+time.Second)
		if took < 1500*time.Millisecond {
			t.Errorf("failed after %v, before connect_timeout (2s)", took)
		}
		if dials != 1 {
			t.Errorf("the node saw %d connections, want 1", dials)
		}
		oneCassandraPrefix(t, err)
	})
	t.Run("RequestTimeout", func(t *testing.T) {
		checkGoroutines(t)
		s := newSilentListener(t)
		db := dsnDB(t, "cassandra://"+s.ln.Addr().String()+"?connect_timeout=0&timeout=1s")
		start := time.Now()
		_, err := db.Query("SELECT v FROM t")
		took := time.Since(start)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
		}
		t.Logf("after %v: %v", took, err)
		tookAtMost(t, "the query", took, time.Second+time.Second)
		if n := s.accepted.Load(); n != 1 {
			t.Errorf("the node saw %d connections, want 1", n)
		}
		oneCassandraPrefix(t, err)
	})
}

// dsnDB opens a *sql.DB from a DSN; the test closes it.
func dsnDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestErrorChains: what each failure matches (errors.Is / errors.As) and
// that its text carries one "cassandra: " prefix.
func TestErrorChains(t *testing.T) {
	t.Run("CanceledAfterSending", func(t *testing.T) {
		checkGoroutines(t)
		for _, p := range []string{pathSelect, pathInsert} {
			n := newScriptedNode(t, fakeserver.Options{})
			got := make(chan struct{}, 1)
			n.then(p, func(*fakeserver.Conn, *protocol.RequestFrame) { got <- struct{}{} })
			db := fakeDB(t, n.srv.Addr(), nil)
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-got
				cancel()
			}()
			start := time.Now()
			var err error
			if p == pathSelect {
				_, err = db.QueryContext(ctx, "SELECT v FROM t")
			} else {
				_, err = db.ExecContext(ctx, "INSERT INTO t (k) VALUES (1)")
			}
			cancel()
			tookAtMost(t, "a cancelled request", time.Since(start), time.Second)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("%s: err = %v, want one matching context.Canceled", p, err)
			}
			if p == pathInsert && !errors.Is(err, ErrMaybeApplied) {
				t.Errorf("%s: err = %v, want it to match ErrMaybeApplied too", p, err)
			}
			if n.count(p) != 1 {
				t.Errorf("%s: sent %d times, want 1", p, n.count(p))
			}
			oneCassandraPrefix(t, err)
		}
	})
	t.Run("SocketKilled", func(t *testing.T) {
		checkGoroutines(t)
		n := newScriptedNode(t, fakeserver.Options{})
		db := fakeDB(t, n.srv.Addr(), nil)
		// A write: in doubt.
		n.then(pathInsert, killSocket)
		_, err := db.Exec("INSERT INTO t (k) VALUES (1)")
		if !errors.Is(err, ErrConnClosed) || !errors.Is(err, ErrMaybeApplied) {
			t.Fatalf("err = %v, want ErrConnClosed and ErrMaybeApplied", err)
		}
		oneCassandraPrefix(t, err)
		// A SELECT killed on every attempt: the last attempt's error.
		n.then(pathSelect, killSocket, killSocket, killSocket)
		_, err = db.Query("SELECT v FROM t")
		if !errors.Is(err, ErrConnClosed) || errors.Is(err, ErrMaybeApplied) {
			t.Fatalf("err = %v, want ErrConnClosed alone", err)
		}
		if got := n.count(pathSelect); got != 3 {
			t.Errorf("the SELECT was sent %d times, want 3 (Retries 2)", got)
		}
		oneCassandraPrefix(t, err)
	})
	t.Run("NodeGoneAfterAnAttempt", func(t *testing.T) {
		checkGoroutines(t)
		n := newScriptedNode(t, fakeserver.Options{})
		// The first attempt's socket is lost and the node stops
		// listening: the retry cannot reach it.
		n.then(pathSelect, func(c *fakeserver.Conn, _ *protocol.RequestFrame) { go n.srv.Close() })
		db := fakeDB(t, n.srv.Addr(), nil)
		_, err := db.Query("SELECT v FROM t")
		if err == nil || !errors.Is(err, ErrConnClosed) {
			t.Fatalf("err = %v, want the lost socket in the chain", err)
		}
		t.Log(err)
		oneCassandraPrefix(t, err)
	})
	t.Run("ServerErrorThroughDatabaseSQL", func(t *testing.T) {
		checkGoroutines(t)
		n := newScriptedNode(t, fakeserver.Options{})
		db := fakeDB(t, n.srv.Addr(), nil)
		invalid := answerError(ErrCodeInvalid, nil)
		n.then(pathSelect, invalid)
		n.then(pathInsert, invalid)
		n.then(pathPrepare, invalid)
		n.then(pathBatch, invalid)
		var v int
		errs := map[string]error{
			"QueryRow": db.QueryRow("SELECT v FROM t").Scan(&v),
			"Exec":     func() error { _, err := db.Exec("INSERT INTO t (k) VALUES (1)"); return err }(),
			"Prepare":  func() error { _, err := db.Prepare("SELECT v FROM t WHERE k = ?"); return err }(),
			"Commit": func() error {
				tx, err := db.Begin()
				if err != nil {
					return err
				}
				if _, err := tx.Exec("INSERT INTO t (k) VALUES (2)"); err != nil {
					return err
				}
				return tx.Commit()
			}(),
		}
		for name, err := range errs {
			var cerr *Error
			if !errors.As(err, &cerr) || cerr.Code != ErrCodeInvalid || !strings.Contains(cerr.Message, "scripted") {
				t.Errorf("%s: errors.As(%v, *cassandra.Error) = %+v, want the server's INVALID", name, err, cerr)
			}
			oneCassandraPrefix(t, err)
		}
	})
}

// TestNothingHangsWithDefaults: with context.Background() and every
// default, a query to a node that never answers ends with the default
// timeout.
func TestNothingHangsWithDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("waits the default timeout")
	}
	checkGoroutines(t)
	n := newScriptedNode(t, fakeserver.Options{})
	n.always(pathSelect, noAnswer)
	// Every default but discovery: the scripted node has no topology
	// tables (TestNodeNeverAnswersHandshake covers the control connection).
	db := dsnDB(t, "cassandra://"+n.srv.Addr()+"?host_discovery=false")
	start := time.Now()
	_, err := db.QueryContext(context.Background(), "SELECT v FROM t")
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no response from") {
		t.Fatalf("err = %v, want no response, wrapping context.DeadlineExceeded", err)
	}
	tookAtMost(t, "a query with the defaults", took, defaultTimeout+time.Second)
	if got := n.count(pathSelect); got != 1 {
		t.Errorf("sent %d times, want 1 (a client timeout is not retried)", got)
	}
	oneCassandraPrefix(t, err)
	n.clear()
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Fatalf("the next query: %v", err)
	}
}
