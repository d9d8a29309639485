package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// conn is the driver.Conn: a cheap handle on its Connector's sockets and
// prepared statements. It keeps the per-query options CheckNamedValue took
// out of the arguments until the call they belong to, and the statements of
// an open transaction.
type conn struct {
	c             *Connector
	pending       queryOptions
	hasPending    bool // CheckNamedValue took options for the next call
	tx            *batchTx
	closed        bool
	ownsConnector bool // opened by Driver.Open
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

// CheckNamedValue takes QueryOption arguments and sql.Out paging-state
// destinations out of the argument list and keeps them for the call they
// belong to; every other value is passed on unchanged, for the codec to
// encode with the type of its bind marker.
func (cn *conn) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case QueryOption:
		if v.apply != nil {
			v.apply(&cn.pending)
		}
		cn.hasPending = true
		return driver.ErrRemoveArgument
	case *QueryOption:
		if v != nil && v.apply != nil {
			v.apply(&cn.pending)
		}
		cn.hasPending = true
		return driver.ErrRemoveArgument
	case sql.Out:
		dst, ok := v.Dest.(*[]byte)
		if !ok || v.In {
			return fmt.Errorf("cassandra: sql.Out is only for reading the paging state: give it a *[]byte Dest (got %T) and In false", v.Dest)
		}
		cn.pending.pagingOut = dst
		cn.hasPending = true
		return driver.ErrRemoveArgument
	}
	return nil
}

// takeOptions returns the options of the context merged with those given
// as arguments, and forgets the latter.
func (cn *conn) takeOptions(ctx context.Context) queryOptions {
	o := contextOptions(ctx).merge(&cn.pending)
	cn.pending, cn.hasPending = queryOptions{}, false
	return o
}

// PrepareContext prepares query on the cluster, or takes it from the
// Connector's cache.
func (cn *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if cn.closed {
		return nil, driver.ErrBadConn
	}
	if err := checkStatement(query); err != nil {
		return nil, cn.c.scrub(err)
	}
	ps, err := cn.c.prepare(ctx, query)
	if err != nil {
		return nil, cn.c.scrub(err)
	}
	return &stmt{cn: cn, ps: ps}, nil
}

// Prepare is PrepareContext with the background context.
func (cn *conn) Prepare(query string) (driver.Stmt, error) {
	return cn.PrepareContext(context.Background(), query)
}

// ExecContext runs a statement; in a transaction it queues it for the
// BATCH sent at Commit.
func (cn *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return cn.c.scrubResult(cn.exec(ctx, query, nil, args))
}

// QueryContext runs a query and returns its rows.
func (cn *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return cn.c.scrubRows(cn.query(ctx, query, nil, args))
}

func (cn *conn) exec(ctx context.Context, query string, ps *pool.Stmt, args []driver.NamedValue) (driver.Result, error) {
	hadArgOptions := cn.hasPending
	opts := cn.takeOptions(ctx)
	if cn.closed {
		return nil, driver.ErrBadConn
	}
	if cn.tx != nil {
		if hadArgOptions {
			return nil, errors.New("cassandra: per-query options do not apply to one statement of a transaction, which is one BATCH: attach them to the context given to BeginTx (WithQueryOptions)")
		}
		return cn.tx.queue(ctx, query, ps, args)
	}
	req, err := cn.c.newRequest(ctx, query, ps, args, opts)
	if err != nil {
		return nil, err
	}
	res, cols, err := req.fetch(ctx, opts.pagingState)
	if err != nil {
		return nil, err
	}
	return resultOf(res, cols), nil
}

func (cn *conn) query(ctx context.Context, query string, ps *pool.Stmt, args []driver.NamedValue) (driver.Rows, error) {
	opts := cn.takeOptions(ctx)
	if cn.closed {
		return nil, driver.ErrBadConn
	}
	if cn.tx != nil {
		return nil, errors.New("cassandra: no queries inside a transaction: a transaction is a BATCH of INSERT, UPDATE and DELETE sent at Commit, so nothing can be read in it; run the query on the *sql.DB instead")
	}
	r := new(rows) // with its request: one allocation
	req := &r.req
	if err := cn.c.initRequest(ctx, req, query, ps, args, opts); err != nil {
		return nil, err
	}
	res, cols, err := req.fetch(ctx, opts.pagingState)
	if err != nil {
		return nil, err
	}
	// Later pages, fetched in the background, report their tracing ids
	// and warnings when the caller reaches them (options_report.go).
	req.opts.deferReports()
	if err := r.init(ctx, res, cols); err != nil {
		return nil, err
	}
	return r, nil
}

// Ping sends OPTIONS on a socket, opening one if none is open.
func (cn *conn) Ping(ctx context.Context) error {
	if cn.closed {
		return driver.ErrBadConn
	}
	return cn.c.scrub(cn.c.execute(ctx, pingOp{cn.c}, true, nil))
}

// pingOp is an OPTIONS as the executor runs it.
type pingOp struct{ c *Connector }

func (op pingOp) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	_, err := op.c.do(ctx, sock, &protocol.Options{}, ro)
	return err
}

// ResetSession forgets leftover options and any unfinished transaction
// before the handle is reused.
func (cn *conn) ResetSession(ctx context.Context) error {
	if cn.closed || cn.c.closed.Load() {
		return driver.ErrBadConn
	}
	cn.pending, cn.hasPending = queryOptions{}, false
	cn.tx = nil
	return nil
}

// IsValid reports whether the handle can be reused: its Connector is open.
func (cn *conn) IsValid() bool { return !cn.closed && !cn.c.closed.Load() }

// Close releases the handle; the sockets stay with the Connector.
func (cn *conn) Close() error {
	cn.closed = true
	cn.tx = nil
	if cn.ownsConnector {
		return cn.c.Close()
	}
	return nil
}

// Begin is BeginTx with default options.
func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

// checkStatement refuses statements that would change the state of one
// shared socket only.
func checkStatement(query string) error {
	if strings.EqualFold(firstKeyword(query), "USE") {
		return errors.New("cassandra: USE is not supported: sockets are shared by every connection of the *sql.DB; set the keyspace in the DSN (or Config.Keyspace), or qualify table names as keyspace.table")
	}
	return nil
}

// firstKeyword returns the first word of a CQL statement, skipping blanks
// and comments (--, //, /* */).
func firstKeyword(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "--"), strings.HasPrefix(q, "//"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
			continue
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q, "*/")
			if i < 0 {
				return ""
			}
			q = q[i+2:]
			continue
		}
		break
	}
	end := 0
	for end < len(q) {
		ch := q[end]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || ch == '_') {
			break
		}
		end++
	}
	return q[:end]
}
