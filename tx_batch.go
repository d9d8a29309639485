package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// batchTx is a transaction: Cassandra has none, so the driver collects the
// writes of the transaction and sends them as ONE BATCH at Commit. Each Exec
// is checked at once (INSERT, UPDATE or DELETE; prepared, so syntax and
// arguments are checked too). Rollback sends nothing.
type batchTx struct {
	cn       *conn
	ctx      context.Context
	opts     queryOptions
	stmts    []*pool.Stmt
	children []protocol.BatchChild
}

var _ driver.Tx = (*batchTx)(nil)

// BeginTx starts collecting a BATCH. Only the default isolation level is
// accepted, and not ReadOnly (a batch holds writes only). The BATCH type
// (LoggedBatch by default), consistency and timestamp come from the
// options attached to ctx with WithQueryOptions.
func (cn *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if cn.closed {
		return nil, driver.ErrBadConn
	}
	if sql.IsolationLevel(opts.Isolation) != sql.LevelDefault {
		return nil, cn.c.scrub(fmt.Errorf("cassandra: isolation level %v is not supported: a transaction is one BATCH, atomic but not isolated across partitions; use the default level", sql.IsolationLevel(opts.Isolation)))
	}
	if opts.ReadOnly {
		return nil, cn.c.scrub(errors.New("cassandra: read-only transactions are not supported: a transaction is a BATCH of writes; run reads on the *sql.DB"))
	}
	if cn.tx != nil {
		return nil, cn.c.scrub(errors.New("cassandra: a transaction is already open on this connection"))
	}
	o := cn.takeOptions(ctx)
	switch o.batchType {
	case LoggedBatch, UnloggedBatch, CounterBatch:
	default:
		return nil, cn.c.scrub(fmt.Errorf("cassandra: bad batch type %v; accepted: LoggedBatch, UnloggedBatch, CounterBatch", o.batchType))
	}
	cn.tx = &batchTx{cn: cn, ctx: ctx, opts: o}
	return cn.tx, nil
}

// queue checks a statement and adds it to the batch.
func (t *batchTx) queue(ctx context.Context, query string, ps *pool.Stmt, args []driver.NamedValue) (driver.Result, error) {
	switch kw := strings.ToUpper(firstKeyword(query)); kw {
	case "INSERT", "UPDATE", "DELETE":
	default:
		return nil, fmt.Errorf("cassandra: %s cannot run in a transaction: a transaction is one BATCH, which holds only INSERT, UPDATE and DELETE; run it outside the transaction", strings.TrimSpace(kw+" statement"))
	}
	if ps == nil {
		var err error
		if ps, err = t.cn.c.prepare(ctx, query); err != nil {
			return nil, err
		}
	}
	vals, err := bind(ps, args, nil, nil)
	if err != nil {
		return nil, err
	}
	t.stmts = append(t.stmts, ps)
	t.children = append(t.children, protocol.BatchChild{ID: ps.StmtID(), Values: vals})
	return result{queued: true}, nil
}

// Commit sends the collected statements as one BATCH frame. An empty
// transaction sends nothing. A conditional batch whose conditions fail
// returns a *NotAppliedError (errors.Is(err, ErrNotApplied)).
func (t *batchTx) Commit() error {
	if t.cn.tx != t {
		return t.cn.c.scrub(errors.New("cassandra: transaction already ended"))
	}
	t.cn.tx = nil
	if len(t.children) == 0 {
		return nil
	}
	c := t.cn.c
	cfg := c.cfg
	b := &protocol.Batch{
		Type:              protocol.BatchType(t.opts.batchType),
		Children:          t.children,
		Consistency:       cfg.Consistency,
		SerialConsistency: cfg.SerialConsistency,
	}
	if t.opts.hasConsistency {
		b.Consistency = t.opts.consistency
	}
	if t.opts.serial != 0 {
		b.SerialConsistency = t.opts.serial
	}
	if t.opts.hasTimestamp {
		b.Timestamp, b.HasTimestamp = t.opts.timestamp, true
	}
	op := batchOp{t: t, b: b}
	err := c.execute(t.ctx, &op, t.idempotent(), nil)
	t.opts.report(op.f)
	if err != nil {
		return c.scrub(err)
	}
	return c.scrub(notApplied(op.f))
}

// idempotent reports whether the BATCH may be sent again after it may have
// reached the server: only when the options given to BeginTx, or the
// Config, say so (a batch holds writes).
func (t *batchTx) idempotent() bool {
	if t.opts.hasIdempotent {
		return t.opts.idempotent
	}
	return t.cn.c.cfg.Idempotent
}

// batchOp is Commit's BATCH as the executor runs it; an UNPREPARED answer
// is handled by preparing again on the same socket and sending once more.
type batchOp struct {
	t *batchTx
	b *protocol.Batch
	f *protocol.ResponseFrame
}

func (op *batchOp) attempt(ctx context.Context, sock *protocol.Conn, ro protocol.RequestOptions) error {
	t, c := op.t, op.t.cn.c
	ro.Tracing = t.opts.tracing()
	f, err := c.do(ctx, sock, op.b, ro)
	if isUnprepared(err) {
		if err = t.reprepare(ctx, sock, err, ro); err != nil {
			return err
		}
		f, err = c.do(ctx, sock, op.b, ro)
	}
	op.f = f
	return err
}

// reprepare prepares again, on sock, the statement the UNPREPARED error
// names (all of them if it names none of the batch), and updates the
// children's ids.
func (t *batchTx) reprepare(ctx context.Context, sock *protocol.Conn, uerr error, ro protocol.RequestOptions) error {
	var id []byte
	var e *Error
	if errors.As(uerr, &e) {
		if u, ok := e.Details.(*protocol.Unprepared); ok {
			id = u.ID
		}
	}
	done := map[*pool.Stmt]bool{}
	for i, ps := range t.stmts {
		if id != nil && string(t.children[i].ID) != string(id) && !done[ps] {
			continue
		}
		if !done[ps] {
			p, err := t.cn.c.prepareOn(ctx, sock, ps.Query, protocol.RequestOptions{Timeout: ro.Timeout})
			if err != nil {
				return fmt.Errorf("cassandra: preparing again after UNPREPARED: %w", unprefixed(err))
			}
			ps.Update(p)
			done[ps] = true
		}
		t.children[i].ID = ps.StmtID()
	}
	return nil
}

// notApplied returns a *NotAppliedError when f is the answer of a
// conditional batch that did not apply.
func notApplied(f *protocol.ResponseFrame) error {
	res, ok := f.Message.(*protocol.Result)
	if !ok || res.Kind != protocol.ResultRows {
		return nil
	}
	cols := res.Rows.Metadata.Columns
	if len(cols) == 0 || cols[0].Name != "[applied]" {
		return nil
	}
	decs := make([]*codec.Decoder, len(cols))
	var set codec.DecoderSet
	for i, c := range cols {
		d, err := set.Decoder(c.Type)
		if err != nil {
			return fmt.Errorf("cassandra: column %s of the batch result: %w", c.Name, unprefixed(err))
		}
		decs[i] = d
	}
	nae := &NotAppliedError{}
	applied := true
	var cells [][]byte
	for {
		var err error
		cells, err = res.Rows.NextRow(cells)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		row := make(map[string]any, len(cells))
		for i, cell := range cells {
			v, err := decs[i].Decode(cell)
			if err != nil {
				return codec.WithColumn(err, cols[i].Name)
			}
			row[cols[i].Name] = v
		}
		if a, ok := row["[applied]"].(bool); ok && !a {
			applied = false
		}
		nae.Rows = append(nae.Rows, row)
	}
	if applied {
		return nil
	}
	return nae
}

// Rollback drops the collected statements; nothing was sent.
func (t *batchTx) Rollback() error {
	if t.cn.tx == t {
		t.cn.tx = nil
	}
	return nil
}
