package cassandra

import (
	"database/sql/driver"
	"fmt"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
)

// Unset, passed as the argument of a bind marker, leaves the column as it
// is: nothing is written for it, unlike nil, which writes NULL (a
// tombstone). It needs protocol v4 or later.
var Unset = codec.Unset

// bind encodes args with the types of the statement's bind markers, in
// marker order (see orderArgs for named arguments). All values share one
// buffer.
func bind(ps *pool.Stmt, args []driver.NamedValue) ([]protocol.Value, error) {
	vals, err := orderArgs(ps.Bound, args)
	if err != nil {
		return nil, err
	}
	n := len(ps.Bound)
	if len(vals) != n {
		return nil, fmt.Errorf("cassandra: the statement has %d bind markers but %d arguments were given: pass one argument per marker (per-query options do not count)", n, len(vals))
	}
	var buf []byte
	ends := make([]int, n)
	kinds := make([]codec.Kind, n)
	for i, v := range vals {
		var err error
		buf, kinds[i], err = ps.Encoders[i].Encode(buf, v)
		if err != nil {
			return nil, fmt.Errorf("cassandra: argument %d: %w", i+1, codec.WithColumn(err, ps.Bound[i].Name))
		}
		ends[i] = len(buf)
	}
	out := make([]protocol.Value, n)
	start := 0
	for i := range out {
		switch kinds[i] {
		case codec.KindNull:
			out[i] = protocol.Null
		case codec.KindUnset:
			out[i] = protocol.NotSet
		default:
			out[i] = protocol.BytesValue(buf[start:ends[i]:ends[i]])
		}
		start = ends[i]
	}
	return out, nil
}
