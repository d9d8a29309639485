package cassandra

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// request is one statement ready to send: a prepared statement with its
// encoded values (EXECUTE), or a statement without arguments (QUERY), and
// its options. fetch sends it for any page.
type request struct {
	c      *Connector
	query  string
	stmt   *pool.Stmt // nil: sent as QUERY
	values []protocol.Value
	opts   queryOptions

	// What the executor's attempt (see fetch) reads and writes. The
	// columns that describe the rows travel in res.Rows.Metadata.Columns,
	// which keeps a request (and a query's rows, which embed it) within
	// its allocation size class.
	page []byte
	res  *protocol.Result

	// isSelect: a SELECT, idempotent unless the query says otherwise.
	isSelect bool
	// pageNo counts the pages fetched (for the Observer).
	pageNo int32

	// exec is the EXECUTE message, kept here to save an allocation per
	// page: a request sends one page at a time, and protocol.Conn encodes
	// the message before DoWith returns.
	exec protocol.Execute

	// Room for the bound values of a statement with a few short
	// arguments, so that binding them allocates nothing. values and its
	// bytes point here; a request is not copied once bound.
	valsInline [requestInlineValues]protocol.Value
	bufInline  [requestInlineBytes]byte
}

// The room a request keeps for its bound values: enough for the usual
// point query or write of a few numbers, ids and short strings.
const (
	requestInlineValues = 4
	requestInlineBytes  = 64
)

// newRequest prepares query when it has arguments (or ps is given) and
// encodes the arguments with the types of its bind markers.
func (c *Connector) newRequest(ctx context.Context, query string, ps *pool.Stmt, args []driver.NamedValue, opts queryOptions) (*request, error) {
	r := new(request)
	if err := c.initRequest(ctx, r, query, ps, args, opts); err != nil {
		return nil, err
	}
	return r, nil
}

// initRequest is newRequest into r, which the caller allocated (a query's
// rows hold their request, saving an allocation per query).
func (c *Connector) initRequest(ctx context.Context, r *request, query string, ps *pool.Stmt, args []driver.NamedValue, opts queryOptions) error {
	if c.closed.Load() {
		return driver.ErrBadConn
	}
	if ps == nil { // a prepared statement was checked when prepared
		if err := checkStatement(query); err != nil {
			return err
		}
	}
	*r = request{c: c, query: query, stmt: ps, opts: opts, isSelect: strings.EqualFold(firstKeyword(query), "SELECT")}
	if ps == nil && len(args) > 0 {
		var err error
		if r.stmt, err = c.prepare(ctx, query); err != nil {
			return err
		}
	}
	if r.stmt != nil {
		var err error
		if r.values, err = bind(r.stmt, args, r.valsInline[:0], r.bufInline[:0]); err != nil {
			return err
		}
	}
	return nil
}

// prepare returns the cached prepared statement for query, preparing it
// once however many goroutines ask at the same time.
func (c *Connector) prepare(ctx context.Context, query string) (*pool.Stmt, error) {
	return c.prepared.Get(ctx, c.cfg.Keyspace, query, func(ctx context.Context) (*pool.Stmt, error) {
		op := prepareOp{c: c, query: query}
		if err := c.execute(ctx, &op, true, nil); err != nil {
			return nil, err
		}
		return pool.NewStmt(c.cfg.Keyspace, query, op.prepared)
	})
}

// prepareOp is a PREPARE as the executor runs it: idempotent, as
// preparing twice changes nothing.
type prepareOp struct {
	c        *Connector
	query    string
	prepared *protocol.Prepared
}

func (op *prepareOp) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	p, err := op.c.prepareOn(ctx, sock, op.query, ro)
	op.prepared = p
	return err
}

// prepareOn sends PREPARE on sock.
func (c *Connector) prepareOn(ctx context.Context, sock *protocol.Conn, query string, ro protocol.RequestOptions) (*protocol.Prepared, error) {
	f, err := c.do(ctx, sock, &protocol.Prepare{Statement: query}, ro)
	if err != nil {
		return nil, err
	}
	r, ok := f.Message.(*protocol.Result)
	if !ok || r.Kind != protocol.ResultPrepared {
		return nil, fmt.Errorf("cassandra: server %v answered PREPARE with %v", sock.RemoteAddr(), f.Header.Opcode)
	}
	return &r.Prepared, nil
}

// do sends req on sock. A server ERROR comes back as the error (*Error).
// The caller's budget is in ro.Timeout (see Connector.execute).
func (c *Connector) do(ctx context.Context, sock *protocol.Conn, req protocol.Request, ro protocol.RequestOptions) (*protocol.ResponseFrame, error) {
	if c.onRequest != nil {
		c.onRequest(req)
	}
	f, err := sock.DoWith(ctx, req, ro)
	if err != nil {
		return f, err
	}
	if e, ok := f.Message.(*protocol.Error); ok {
		return f, e
	}
	return f, nil
}

// params builds the query parameters of one page.
func (r *request) params(pagingState []byte) protocol.QueryParams {
	cfg := r.c.cfg
	p := protocol.QueryParams{
		Consistency:       cfg.Consistency,
		Values:            r.values,
		PageSize:          int32(cfg.PageSize),
		PagingState:       pagingState,
		SerialConsistency: cfg.SerialConsistency,
	}
	o := &r.opts
	if o.hasConsistency {
		p.Consistency = o.consistency
	}
	if o.serial != 0 {
		p.SerialConsistency = o.serial
	}
	if o.pageSize > 0 {
		p.PageSize = int32(o.pageSize)
	}
	if o.hasTimestamp {
		p.Timestamp, p.HasTimestamp = o.timestamp, true
	}
	return p
}

// idempotent reports whether the request may be sent again after it may
// have reached the server: as the query says (WithIdempotent), else true
// for a SELECT (no SELECT has side effects), else Config.Idempotent.
func (r *request) idempotent() bool {
	if r.opts.hasIdempotent {
		return r.opts.idempotent
	}
	return r.isSelect || r.c.cfg.Idempotent
}

// fetch sends the request for the page at pagingState (nil: the first)
// through the executor, within its own budget, and returns the result
// with the columns that describe its rows. An UNPREPARED answer is
// handled by preparing again on the same socket and sending once more.
func (r *request) fetch(ctx context.Context, pagingState []byte) (*protocol.Result, []protocol.ColumnSpec, error) {
	r.page = pagingState
	r.pageNo++
	err := r.c.execute(ctx, r, r.idempotent(), nil)
	res := r.res
	r.page, r.res = nil, nil
	if err != nil || res == nil {
		return nil, nil, err
	}
	if res.Kind != protocol.ResultRows {
		return res, nil, nil
	}
	return res, res.Rows.Metadata.Columns, nil
}

// fork returns a copy of r for a speculative execution: the bound values
// are shared (read only), the message and the result are its own. It reads
// only what no attempt writes (an attempt writes exec and res).
func (r *request) fork() operation {
	return &request{c: r.c, query: r.query, stmt: r.stmt, values: r.values, opts: r.opts,
		page: r.page, isSelect: r.isSelect, pageNo: r.pageNo}
}

// adopt takes the result of a fork that answered first.
func (r *request) adopt(op operation) { r.res = op.(*request).res }

// attempt is one try of fetch, on sock (operation).
func (r *request) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	ro.Tracing = r.opts.tracing()
	res, cols, err := r.fetchOn(ctx, sock, r.page, ro)
	if err != nil {
		return err
	}
	if res.Kind == protocol.ResultRows {
		res.Rows.Metadata.Columns = cols // the statement's, when the server sent none
	}
	r.res = res
	return nil
}

func (r *request) fetchOn(ctx context.Context, sock *protocol.Conn, pagingState []byte, ro protocol.RequestOptions) (*protocol.Result, []protocol.ColumnSpec, error) {
	params := r.params(pagingState)
	var f *protocol.ResponseFrame
	var err error
	if r.stmt == nil {
		f, err = r.c.do(ctx, sock, &protocol.Query{Statement: r.query, Params: params}, ro)
	} else {
		for try := 0; ; try++ {
			resultID, cols := r.stmt.Result()
			params.SkipMetadata = sock.Version() >= protocol.V5 && len(cols) > 0
			r.exec = protocol.Execute{ID: r.stmt.StmtID(), ResultMetadataID: resultID, Params: params}
			f, err = r.c.do(ctx, sock, &r.exec, ro)
			if try > 0 || !isUnprepared(err) {
				break
			}
			p, perr := r.c.prepareOn(ctx, sock, r.stmt.Query, ro)
			if perr != nil {
				return nil, nil, fmt.Errorf("cassandra: preparing again after UNPREPARED: %w", unprefixed(perr))
			}
			r.stmt.Update(p)
		}
	}
	r.opts.report(f)
	if err != nil {
		return nil, nil, err
	}
	res, ok := f.Message.(*protocol.Result)
	if !ok {
		return nil, nil, fmt.Errorf("cassandra: server %v answered with %v instead of RESULT", sock.RemoteAddr(), f.Header.Opcode)
	}
	if res.Kind == protocol.ResultSchemaChange {
		r.c.awaitSchemaAgreement(ctx, sock, r.opts.warnings)
	}
	if res.Kind != protocol.ResultRows {
		return res, nil, nil
	}
	md := &res.Rows.Metadata
	cols := md.Columns
	if r.stmt != nil {
		if md.NewMetadataID != nil && len(md.Columns) > 0 {
			r.stmt.SetResult(md.NewMetadataID, md.Columns)
		}
		if md.NoMetadata || len(cols) == 0 && md.ColumnCount > 0 {
			_, cols = r.stmt.Result()
		}
	}
	if len(cols) != md.ColumnCount {
		return nil, nil, fmt.Errorf("cassandra: the rows have %d columns but the known metadata %d: run the query again", md.ColumnCount, len(cols))
	}
	return res, cols, nil
}

func isUnprepared(err error) bool {
	code, ok := serverCode(err)
	return ok && code == ErrCodeUnprepared
}
