package cassandra

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// rows is the driver.Rows of a query. It decodes each cell with the
// compiled decoder of its column, built once per result. In PagingAuto mode
// Next walks every page, fetching the next page in the background while
// the current one is read; in PagingPages mode each page is a result set
// (see rows_paging.go).
type rows struct {
	ctx  context.Context
	req  request // the query, also sent again for each page
	mode PagingMode

	plan *resultPlan

	cur         *protocol.Rows
	cells       [][]byte
	cellsInline [8][]byte // cells' first array, so narrow rows allocate none
	state       []byte    // paging state of the next page; nil after the last

	prefetch       chan fetched
	cancelPrefetch context.CancelFunc
	closed         bool
}

type fetched struct {
	res  *protocol.Result
	cols []protocol.ColumnSpec
	err  error
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsNextResultSet              = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
)

// init makes r the rows of its request r.req, whose first page is res.
func (r *rows) init(ctx context.Context, res *protocol.Result, cols []protocol.ColumnSpec) error {
	r.ctx, r.mode = ctx, r.req.c.cfg.Paging
	r.cells = r.cellsInline[:0]
	if r.req.opts.hasPaging {
		r.mode = r.req.opts.paging
	}
	return r.install(res, cols)
}

// install makes res the current page.
func (r *rows) install(res *protocol.Result, cols []protocol.ColumnSpec) error {
	r.req.opts.pages.deliver() // the tracing id and warnings of this page
	if res == nil || res.Kind != protocol.ResultRows {
		r.cur, r.state = nil, nil
		r.writePagingState()
		return nil
	}
	if r.plan == nil || !r.plan.matches(cols) {
		p, err := r.planFor(cols)
		if err != nil {
			return err
		}
		r.plan = p
	}
	r.cur = &res.Rows
	r.state = res.Rows.Metadata.PagingState
	r.writePagingState()
	if r.mode == PagingAuto && r.state != nil {
		r.startPrefetch()
	}
	return nil
}

// writePagingState stores the paging state of the next page into the
// sql.Out destination of the query, if any: nil after the last page.
func (r *rows) writePagingState() {
	if out := r.req.opts.pagingOut; out != nil {
		if r.state == nil {
			*out = nil
		} else {
			*out = append([]byte(nil), r.state...)
		}
	}
}

// planFor returns the plan for cols: the prepared statement's own when it
// has one for them, else a new one, which the statement then keeps.
func (r *rows) planFor(cols []protocol.ColumnSpec) (*resultPlan, error) {
	ps := r.req.stmt
	if ps != nil {
		if p, ok := ps.Plan().(*resultPlan); ok && p.matches(cols) {
			return p, nil
		}
	}
	p, err := newResultPlan(cols)
	if err != nil {
		return nil, err
	}
	if ps != nil {
		ps.CachePlan(cols, p)
	}
	return p, nil
}

// startPrefetch asks for the next page while the current one is read.
func (r *rows) startPrefetch() {
	ctx, cancel := context.WithCancel(r.ctx)
	ch := make(chan fetched, 1)
	state := r.state
	req := &r.req
	go func() {
		res, cols, err := req.fetch(ctx, state)
		ch <- fetched{res, cols, err}
	}()
	r.prefetch, r.cancelPrefetch = ch, cancel
}

// nextPage waits for the page being prefetched (or fetches it) and makes
// it current.
func (r *rows) nextPage() error {
	if r.prefetch == nil {
		r.startPrefetch()
	}
	var f fetched
	select {
	case f = <-r.prefetch:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	r.cancelPrefetch()
	r.prefetch, r.cancelPrefetch = nil, nil
	if f.err != nil {
		return f.err
	}
	return r.install(f.res, f.cols)
}

// Columns returns the column names.
func (r *rows) Columns() []string {
	if r.plan == nil {
		return nil
	}
	return r.plan.names
}

// Next decodes the next row into dest; in PagingAuto mode it moves to the
// next page when the current one is used up.
func (r *rows) Next(dest []driver.Value) error {
	if err := r.advance(); err != nil {
		return r.req.c.scrub(err)
	}
	for i, cell := range r.cells {
		v, err := r.decodeCell(i, cell)
		if err != nil {
			return r.req.c.scrub(err)
		}
		dest[i] = v
	}
	return nil
}

// advance makes the next row's cells current, moving to the next page in
// PagingAuto mode when the current one is used up.
func (r *rows) advance() error {
	if r.closed {
		return io.EOF
	}
	for {
		if r.cur != nil {
			cells, err := r.cur.NextRow(r.cells[:0])
			if err == nil {
				r.cells = cells
				return nil
			}
			if err != io.EOF {
				return err
			}
		}
		if r.mode == PagingPages || r.state == nil {
			return io.EOF
		}
		if err := r.nextPage(); err != nil {
			// Scrubbed here too: with Go 1.27 database/sql calls NextRow,
			// not Next.
			return r.req.c.scrub(err)
		}
	}
}

// decodeCell decodes cell i of the current row into a driver.Value.
func (r *rows) decodeCell(i int, cell []byte) (driver.Value, error) {
	v, err := r.plan.decode[i](cell)
	if err != nil {
		return nil, codec.WithColumn(err, r.plan.names[i])
	}
	return v, nil
}

// Close stops a prefetch in flight; nothing else holds resources.
func (r *rows) Close() error {
	r.closed = true
	if r.cancelPrefetch != nil {
		r.cancelPrefetch()
		r.prefetch, r.cancelPrefetch = nil, nil
	}
	r.cur = nil
	return nil
}

// ColumnTypeDatabaseTypeName returns the CQL type of column i in upper
// case, as database/sql asks: "INT", "TEXT", "MAP<TEXT, INT>",
// "LIST<FROZEN<MAP<TEXT, INT>>>", "VECTOR<FLOAT, 3>"; a user-defined type
// is its name ("shop.address"), a custom type its Java class name. See
// databaseTypeName.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	return databaseTypeName(r.plan.cols[i].Type)
}

// ColumnTypeScanType returns the Go type of the non-NULL values of column i.
// uuid and timeuuid columns are returned as strings (xxxxxxxx-xxxx-...),
// which scan into string and into uuid.UUID (through its Scan method).
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	return r.plan.scanTypes[i]
}

// ColumnTypeNullable reports that every column can be NULL: CQL has no NOT
// NULL (primary key columns are never NULL, but the metadata does not say
// which they are).
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) { return true, true }

// assign stores v, the decoded value of column i, into dest with
// codec.Assign; an error names the column and its CQL type.
func (r *rows) assign(i int, dest, v any) error {
	if b, ok := v.([]byte); ok && b != nil {
		v = append([]byte{}, b...) // a blob cell belongs to the page
	}
	err := codec.Assign(dest, v)
	if err == nil {
		return nil
	}
	if e, ok := err.(*codec.Error); ok && e.Op == codec.OpAssign {
		c := *e
		c.CQL = r.plan.cols[i].Type.String()
		err = &c
	}
	return codec.WithColumn(err, r.plan.names[i])
}
