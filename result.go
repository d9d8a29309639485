package cassandra

import (
	"errors"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// result is the driver.Result of Exec. Cassandra does not count the rows
// a write touches; only a conditional statement (IF, IF NOT EXISTS, IF
// EXISTS) says whether it applied.
type result struct {
	applied    bool
	hasApplied bool
	queued     bool // Exec inside a transaction
}

var (
	errNoLastInsertID = errors.New("cassandra: LastInsertId is not supported: Cassandra has no auto-increment; generate keys in the client (uuid, timeuuid)")
	errNoRowsAffected = errors.New("cassandra: RowsAffected is not known: Cassandra does not report how many rows a statement touched; only a conditional statement (IF ...) reports whether it applied (1 or 0)")
	errQueuedResult   = errors.New("cassandra: RowsAffected is not known for a statement queued in a transaction: it runs in the BATCH sent at Commit, whose error says whether a conditional batch applied")
)

// LastInsertId always fails: Cassandra has no generated ids.
func (r result) LastInsertId() (int64, error) { return 0, errNoLastInsertID }

// RowsAffected is 1 or 0 for a conditional statement (the [applied]
// column), and an error for every other statement: the server does not say.
func (r result) RowsAffected() (int64, error) {
	switch {
	case r.queued:
		return 0, errQueuedResult
	case !r.hasApplied:
		return 0, errNoRowsAffected
	case r.applied:
		return 1, nil
	}
	return 0, nil
}

// resultOf reads the [applied] column of a conditional statement's result.
func resultOf(res *protocol.Result, cols []protocol.ColumnSpec) result {
	if res == nil || res.Kind != protocol.ResultRows || len(cols) == 0 || cols[0].Name != "[applied]" {
		return result{}
	}
	rs := res.Rows
	rs.Rewind()
	cells, err := rs.NextRow(nil)
	if err != nil || len(cells) == 0 {
		return result{}
	}
	applied, err := codec.DecodeBoolean(cells[0])
	if err != nil {
		return result{}
	}
	return result{applied: applied, hasApplied: true}
}
