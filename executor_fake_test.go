package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// The request paths of the executor, as a scripted node tells them apart.
const (
	pathSelect  = "select"  // QUERY SELECT, first page
	pathPage2   = "page2"   // QUERY with a paging state
	pathInsert  = "insert"  // QUERY of anything else
	pathPrepare = "prepare" // PREPARE
	pathExecute = "execute" // EXECUTE
	pathBatch   = "batch"   // BATCH
	pathPing    = "ping"    // OPTIONS after STARTUP (Ping, heartbeats)
	pathMuted   = "muted"   // anything on a muted socket: not answered
)

// action is a scripted answer to one request.
type action func(c *fakeserver.Conn, req *protocol.RequestFrame)

// noAnswer leaves the request unanswered; the socket stays healthy.
func noAnswer(*fakeserver.Conn, *protocol.RequestFrame) {}

// answerError answers with a server ERROR.
func answerError(code ErrorCode, details protocol.ErrorDetails) action {
	return func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		c.Reply(req, &protocol.Error{Code: code, Message: "scripted " + code.String(), Details: details})
	}
}

// killSocket closes the socket on receipt: the request was sent and no
// answer comes.
func killSocket(c *fakeserver.Conn, _ *protocol.RequestFrame) { c.Kill() }

// scriptedNode is a fake node that answers each request path normally
// (rows for a SELECT, with a second page when its text says "paged"; Void
// for writes and batches; a prepared id for PREPARE) unless a scripted
// action is queued for that path, and counts the requests of each path it
// saw.
type scriptedNode struct {
	srv *fakeserver.Server

	mu       sync.Mutex
	script   map[string][]action
	sticky   map[string]action // after the script: until clear
	seen     map[string]int
	started  map[*fakeserver.Conn]bool
	muted    map[*fakeserver.Conn]bool
	startups int
}

func newScriptedNode(t *testing.T, opts fakeserver.Options) *scriptedNode {
	n := &scriptedNode{script: map[string][]action{}, sticky: map[string]action{}, seen: map[string]int{},
		started: map[*fakeserver.Conn]bool{}, muted: map[*fakeserver.Conn]bool{}}
	opts.Handler = n.handle
	n.srv = fakeserver.New(t, opts)
	return n
}

// then queues actions for the next requests of path.
func (n *scriptedNode) then(path string, acts ...action) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.script[path] = append(n.script[path], acts...)
}

// always answers every later request of path with act, until clear.
func (n *scriptedNode) always(path string, act action) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sticky[path] = act
}

// clear drops the actions not used yet: the node answers normally again.
func (n *scriptedNode) clear() {
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(n.script)
	clear(n.sticky)
}

// mute makes c answer nothing more, handshake and OPTIONS included.
func (n *scriptedNode) mute(c *fakeserver.Conn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.muted[c] = true
}

// count returns how many requests of path the node saw.
func (n *scriptedNode) count(path string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.seen[path]
}

// connections returns how many sockets completed STARTUP.
func (n *scriptedNode) connections() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.startups
}

func (n *scriptedNode) classify(c *fakeserver.Conn, req *protocol.RequestFrame) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.muted[c] {
		return pathMuted
	}
	switch m := req.Message.(type) {
	case *protocol.Startup:
		n.started[c] = true
		n.startups++
	case *protocol.Options:
		if n.started[c] {
			return pathPing
		}
	case *protocol.Query:
		switch {
		case len(m.Params.PagingState) > 0:
			return pathPage2
		case strings.EqualFold(firstKeyword(m.Statement), "SELECT"):
			return pathSelect
		}
		return pathInsert
	case *protocol.Prepare:
		return pathPrepare
	case *protocol.Execute:
		return pathExecute
	case *protocol.Batch:
		return pathBatch
	}
	return ""
}

func (n *scriptedNode) handle(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	path := n.classify(c, req)
	switch path {
	case "":
		return false // the handshake: the server's defaults
	case pathMuted:
		return true
	}
	n.mu.Lock()
	n.seen[path]++
	act := n.sticky[path]
	if q := n.script[path]; len(q) > 0 {
		act, n.script[path] = q[0], q[1:]
	}
	n.mu.Unlock()
	if act != nil {
		act(c, req)
		return true
	}
	c.Reply(req, normalAnswer(path, req))
	return true
}

// The prepared ids the node hands out: SELECTs return rows, the rest Void.
var (
	selectID = []byte{1}
	writeID  = []byte{2}
)

func intRows(v uint32, pagingState []byte) *protocol.Result {
	r := &protocol.Result{Kind: protocol.ResultRows}
	r.Rows.Metadata.Columns = []protocol.ColumnSpec{col("v", codec.TypeInt)}
	r.Rows.Metadata.ColumnCount = 1
	r.Rows.Metadata.PagingState = pagingState
	r.Rows.AppendRow(be32(v))
	return r
}

func normalAnswer(path string, req *protocol.RequestFrame) protocol.Message {
	switch path {
	case pathSelect:
		if q := req.Message.(*protocol.Query); strings.Contains(q.Statement, "paged") {
			return intRows(1, []byte("page-2"))
		}
		return intRows(1, nil)
	case pathPage2:
		return intRows(2, nil)
	case pathPrepare:
		p := &protocol.Result{Kind: protocol.ResultPrepared}
		stmt := req.Message.(*protocol.Prepare).Statement
		if strings.Contains(stmt, "?") {
			p.Prepared.Metadata.Columns = []protocol.ColumnSpec{col("k", codec.TypeInt)}
		}
		p.Prepared.ID = writeID
		if strings.EqualFold(firstKeyword(stmt), "SELECT") {
			p.Prepared.ID = selectID
			p.Prepared.ResultMetadata.Columns = []protocol.ColumnSpec{col("v", codec.TypeInt)}
			p.Prepared.ResultMetadata.ColumnCount = 1
		}
		return p
	case pathExecute:
		if string(req.Message.(*protocol.Execute).ID) == string(selectID) {
			return intRows(1, nil)
		}
		return &protocol.Result{Kind: protocol.ResultVoid}
	case pathPing:
		return &protocol.Supported{Options: map[string][]string{}}
	}
	return &protocol.Result{Kind: protocol.ResultVoid}
}

// readAll reads every row of rows and checks there are want of them.
func readAll(rows *sql.Rows, want int) error {
	defer rows.Close()
	n := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != want {
		return errors.New("wrong row count")
	}
	return nil
}

// executorPath is one request path and how a test runs it.
type executorPath struct {
	name       string
	path       string // what the node counts
	idempotent bool   // by default
	run        func(ctx context.Context, db *sql.DB) error
}

var executorPaths = []executorPath{
	{"Query", pathSelect, true, func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT v FROM t")
		if err != nil {
			return err
		}
		return readAll(rows, 1)
	}},
	{"Exec", pathInsert, false, func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, "INSERT INTO t (k) VALUES (1)")
		return err
	}},
	{"Page2", pathPage2, true, func(ctx context.Context, db *sql.DB) error {
		rows, err := db.QueryContext(ctx, "SELECT v FROM paged")
		if err != nil {
			return err
		}
		return readAll(rows, 2)
	}},
	{"Commit", pathBatch, false, func(ctx context.Context, db *sql.DB) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO t (k) VALUES (1)"); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}},
	{"Prepare", pathPrepare, true, func(ctx context.Context, db *sql.DB) error {
		var v int
		return db.QueryRowContext(ctx, "SELECT v FROM t WHERE k = ?", 1).Scan(&v)
	}},
	{"Ping", pathPing, true, func(ctx context.Context, db *sql.DB) error {
		return db.PingContext(ctx)
	}},
}

// TestExecutorAppliesRetryTable sends each request path to a node that
// answers its first attempts with a scripted failure, and checks the
// attempts the node saw and the outcome against the retry table.
func TestExecutorAppliesRetryTable(t *testing.T) {
	enough := &ReadTimeout{Consistency: protocol.Quorum, Received: 2, BlockFor: 2}
	type outcome struct {
		attempts int
		code     ErrorCode // 0: success; else the *Error expected
		lost     bool      // the error matches ErrConnClosed (and ErrMaybeApplied when not idempotent)
	}
	for _, tc := range []struct {
		name          string
		acts          []action
		idem, nonIdem outcome
	}{
		{name: "Overloaded",
			acts: []action{answerError(ErrCodeOverloaded, nil)},
			idem: outcome{attempts: 2}, nonIdem: outcome{attempts: 1, code: ErrCodeOverloaded}},
		{name: "OverloadedEveryTime", // Retries (2) caps the retries
			acts: []action{answerError(ErrCodeOverloaded, nil), answerError(ErrCodeOverloaded, nil), answerError(ErrCodeOverloaded, nil), answerError(ErrCodeOverloaded, nil)},
			idem: outcome{attempts: 3, code: ErrCodeOverloaded}, nonIdem: outcome{attempts: 1, code: ErrCodeOverloaded}},
		{name: "Unavailable",
			acts: []action{answerError(ErrCodeUnavailable, &Unavailable{Consistency: protocol.Quorum, Required: 2, Alive: 1})},
			idem: outcome{attempts: 2}, nonIdem: outcome{attempts: 2}},
		{name: "UnavailableTwice", // once only
			acts: []action{answerError(ErrCodeUnavailable, &Unavailable{Required: 2, Alive: 1}), answerError(ErrCodeUnavailable, &Unavailable{Required: 2, Alive: 1})},
			idem: outcome{attempts: 2, code: ErrCodeUnavailable}, nonIdem: outcome{attempts: 2, code: ErrCodeUnavailable}},
		{name: "Bootstrapping",
			acts: []action{answerError(ErrCodeIsBootstrapping, nil)},
			idem: outcome{attempts: 2}, nonIdem: outcome{attempts: 2}},
		{name: "ReadTimeoutNoData",
			acts: []action{answerError(ErrCodeReadTimeout, enough)},
			idem: outcome{attempts: 2}, nonIdem: outcome{attempts: 2}},
		{name: "ReadTimeoutTwice", // once only
			acts: []action{answerError(ErrCodeReadTimeout, enough), answerError(ErrCodeReadTimeout, enough)},
			idem: outcome{attempts: 2, code: ErrCodeReadTimeout}, nonIdem: outcome{attempts: 2, code: ErrCodeReadTimeout}},
		{name: "ReadTimeoutTooFewReplicas",
			acts: []action{answerError(ErrCodeReadTimeout, &ReadTimeout{Received: 1, BlockFor: 2})},
			idem: outcome{attempts: 1, code: ErrCodeReadTimeout}, nonIdem: outcome{attempts: 1, code: ErrCodeReadTimeout}},
		{name: "Syntax",
			acts: []action{answerError(ErrCodeSyntax, nil)},
			idem: outcome{attempts: 1, code: ErrCodeSyntax}, nonIdem: outcome{attempts: 1, code: ErrCodeSyntax}},
		{name: "KilledAfterSending",
			acts: []action{killSocket},
			idem: outcome{attempts: 2}, nonIdem: outcome{attempts: 1, lost: true}},
	} {
		for _, p := range executorPaths {
			t.Run(tc.name+"/"+p.name, func(t *testing.T) {
				n := newScriptedNode(t, fakeserver.Options{})
				db := fakeDB(t, n.srv.Addr(), func(c *Config) { c.ConnsPerHost = 1 })
				n.then(p.path, tc.acts...)
				want := tc.nonIdem
				if p.idempotent {
					want = tc.idem
				}
				err := p.run(context.Background(), db)
				if got := n.count(p.path); got != want.attempts {
					t.Errorf("the node saw %d attempts, want %d (err %v)", got, want.attempts, err)
				}
				switch {
				case want.lost:
					if !errors.Is(err, ErrConnClosed) || !errors.Is(err, ErrMaybeApplied) {
						t.Fatalf("err = %v, want one matching ErrConnClosed and ErrMaybeApplied", err)
					}
					var ma *MaybeAppliedError
					if !errors.As(err, &ma) || ma.Addr != n.srv.Addr() {
						t.Errorf("errors.As(*MaybeAppliedError) = %+v, want the host %s", ma, n.srv.Addr())
					}
				case want.code != 0:
					var cerr *Error
					if !errors.As(err, &cerr) || cerr.Code != want.code {
						t.Fatalf("err = %v, want a *cassandra.Error with code %v", err, want.code)
					}
					if !errors.Is(err, &Error{Code: want.code}) {
						t.Errorf("errors.Is by code fails for %v", err)
					}
					if errors.Is(err, ErrMaybeApplied) {
						t.Errorf("the server answered, yet the error says the request may have been applied: %v", err)
					}
				default:
					if err != nil {
						t.Fatalf("err = %v, want success after the retry", err)
					}
				}
				if err != nil {
					if c := strings.Count(err.Error(), "cassandra: "); c != 1 {
						t.Errorf("%q has %d \"cassandra: \" prefixes, want 1", err, c)
					}
				}
				// The *sql.DB serves the next request.
				n.clear()
				if err := p.run(context.Background(), db); err != nil {
					t.Errorf("the next request failed: %v", err)
				}
			})
		}
	}
}

// TestExecutorIdempotentOption: the option decides, over the path's
// default, whether a request killed after sending is sent again.
func TestExecutorIdempotentOption(t *testing.T) {
	for _, tc := range []struct {
		name     string
		run      func(db *sql.DB) error
		path     string
		attempts int
		lost     bool
	}{
		{"InsertIdempotent", func(db *sql.DB) error {
			_, err := db.Exec("INSERT INTO t (k) VALUES (1)", WithIdempotent(true))
			return err
		}, pathInsert, 2, false},
		{"SelectNotIdempotent", func(db *sql.DB) error {
			rows, err := db.Query("SELECT v FROM t", WithIdempotent(false))
			if err != nil {
				return err
			}
			return readAll(rows, 1)
		}, pathSelect, 1, true},
		{"CommitIdempotent", func(db *sql.DB) error {
			tx, err := db.BeginTx(WithQueryOptions(context.Background(), WithIdempotent(true)), nil)
			if err != nil {
				return err
			}
			if _, err := tx.Exec("INSERT INTO t (k) VALUES (1)"); err != nil {
				return err
			}
			return tx.Commit()
		}, pathBatch, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := newScriptedNode(t, fakeserver.Options{})
			db := fakeDB(t, n.srv.Addr(), nil)
			n.then(tc.path, killSocket)
			err := tc.run(db)
			if got := n.count(tc.path); got != tc.attempts {
				t.Errorf("sent %d times, want %d", got, tc.attempts)
			}
			if tc.lost {
				if !errors.Is(err, ErrMaybeApplied) || !errors.Is(err, ErrConnClosed) {
					t.Fatalf("err = %v, want ErrMaybeApplied and ErrConnClosed", err)
				}
			} else if err != nil {
				t.Fatalf("err = %v, want success after the retry", err)
			}
		})
	}
}

// TestRetriesZero: retries=0 in the DSN sends a request that may have
// reached the server once, whatever the table says.
func TestRetriesZero(t *testing.T) {
	n := newScriptedNode(t, fakeserver.Options{})
	db, err := sql.Open("cassandra", "cassandra://"+n.srv.Addr()+"?retries=0&timeout=5s&conns_per_host=1&host_discovery=false")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	n.then(pathSelect, answerError(ErrCodeOverloaded, nil), answerError(ErrCodeUnavailable, &Unavailable{Required: 2, Alive: 1}), killSocket)
	for i, want := range []func(error) bool{
		func(err error) bool { return errors.Is(err, &Error{Code: ErrCodeOverloaded}) },
		func(err error) bool { return errors.Is(err, &Error{Code: ErrCodeUnavailable}) },
		// A SELECT is idempotent: no ErrMaybeApplied, just the lost socket.
		func(err error) bool { return errors.Is(err, ErrConnClosed) && !errors.Is(err, ErrMaybeApplied) },
	} {
		_, err := db.Query("SELECT v FROM t")
		if !want(err) {
			t.Errorf("query %d: unexpected error %v", i, err)
		}
		if got := n.count(pathSelect); got != i+1 {
			t.Errorf("query %d: the node saw %d SELECTs in all, want %d (no retry)", i, got, i+1)
		}
	}
	if err := readAllQuery(db, "SELECT v FROM t"); err != nil {
		t.Errorf("the next query failed: %v", err)
	}
}

func readAllQuery(db *sql.DB, q string) error {
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	return readAll(rows, 1)
}

// notSentFirst is an operation whose first attempt goes to a socket that
// is already closed (so the request never leaves the process) and whose
// later attempts are inner's.
type notSentFirst struct {
	dead     *protocol.Conn
	inner    operation
	attempts int
	firstErr error
}

func (o *notSentFirst) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	o.attempts++
	if o.attempts == 1 {
		_, o.firstErr = o.dead.DoWith(ctx, &protocol.Query{Statement: "INSERT INTO t (k) VALUES (1)"}, ro)
		return o.firstErr
	}
	return o.inner.attempt(ctx, sock, ro)
}

// TestRetriesZeroStillResendsNotSent: with Retries 0, a request that never
// left the process (its socket was found closed) is still sent elsewhere,
// idempotent or not.
func TestRetriesZeroStillResendsNotSent(t *testing.T) {
	n := newScriptedNode(t, fakeserver.Options{})
	_, c := fakeConnector(t, n.srv.Addr(), func(c *Config) { c.Retries = 0 })
	ctx := context.Background()
	dead, err := c.dial(ctx, n.srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	dead.Close()
	r, err := c.newRequest(ctx, "INSERT INTO t (k) VALUES (1)", nil, nil, queryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	op := &notSentFirst{dead: dead, inner: r}
	if err := c.execute(ctx, op, false, nil); err != nil {
		t.Fatalf("execute = %v, want success on the second socket", err)
	}
	if !protocol.NotSent(op.firstErr) || !errors.Is(op.firstErr, ErrConnClosed) {
		t.Fatalf("the first attempt failed with %v, want a not-sent ErrConnClosed", op.firstErr)
	}
	if op.attempts != 2 || n.count(pathInsert) != 1 {
		t.Errorf("%d attempts, the node saw %d; want 2 and 1", op.attempts, n.count(pathInsert))
	}

	// The same failure after sending is not retried with Retries 0.
	n.then(pathInsert, killSocket)
	r2, err := c.newRequest(ctx, "INSERT INTO t (k) VALUES (1)", nil, nil, queryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	err = c.execute(ctx, r2, true, nil)
	if !errors.Is(err, ErrConnClosed) || n.count(pathInsert) != 2 {
		t.Errorf("an idempotent request lost after sending with Retries 0: %v after %d sends in all, want ErrConnClosed and 2", err, n.count(pathInsert))
	}
}
