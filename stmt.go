package cassandra

import (
	"context"
	"database/sql/driver"

	"github.com/cqlsql/cassandra/internal/pool"
)

// stmt is a prepared statement of a connection handle. The prepared
// statement itself lives in the Connector's cache, shared by all handles.
type stmt struct {
	cn *conn
	ps *pool.Stmt
}

var (
	_ driver.Stmt             = (*stmt)(nil)
	_ driver.StmtExecContext  = (*stmt)(nil)
	_ driver.StmtQueryContext = (*stmt)(nil)
)

// NumInput returns -1: per-query options may be passed among the
// arguments, so database/sql must not count them; bind checks the count.
func (s *stmt) NumInput() int { return -1 }

// Close does nothing: the statement stays in the Connector's cache.
func (s *stmt) Close() error { return nil }

// ExecContext executes the statement (queues it, in a transaction).
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.cn.c.scrubResult(s.cn.exec(ctx, s.ps.Query, s.ps, args))
}

// QueryContext executes the statement and returns its rows.
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.cn.c.scrubRows(s.cn.query(ctx, s.ps.Query, s.ps, args))
}

// Exec is ExecContext with the background context.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

// Query is QueryContext with the background context.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}
