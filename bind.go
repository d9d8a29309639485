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

// bindInline is how many arguments bind handles without allocating
// scratch space; statements with more markers are rare.
const bindInline = 16

// bind encodes args with the types of the statement's bind markers, in
// marker order (see orderArgs for named arguments). All values share one
// buffer, so a statement costs two allocations: the buffer and the values.
func bind(ps *pool.Stmt, args []driver.NamedValue) ([]protocol.Value, error) {
	var valsInline [bindInline]any
	vals, err := orderArgs(valsInline[:0], ps.Bound, args)
	if err != nil {
		return nil, err
	}
	n := len(ps.Bound)
	if len(vals) != n {
		return nil, fmt.Errorf("cassandra: the statement has %d bind markers but %d arguments were given: pass one argument per marker (per-query options do not count)", n, len(vals))
	}
	var endsInline [bindInline]int
	var kindsInline [bindInline]codec.Kind
	ends, kinds := endsInline[:0], kindsInline[:0]
	buf := make([]byte, 0, 16*n)
	for i, v := range vals {
		var kind codec.Kind
		buf, kind, err = ps.Encoders[i].Encode(buf, v)
		if err != nil {
			return nil, fmt.Errorf("cassandra: argument %d: %w", i+1, codec.WithColumn(err, ps.Bound[i].Name))
		}
		ends, kinds = append(ends, len(buf)), append(kinds, kind)
	}
	// Only now is buf where it stays: it may move while it grows.
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
