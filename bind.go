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
// tombstone). It needs protocol v4 or later. It is codec.Unset itself;
// this name is the stable one (see Stability in the package documentation).
var Unset = codec.Unset

// bindInline is how many arguments bind handles without allocating
// scratch space; statements with more markers are rare.
const bindInline = 16

// bind encodes args with the types of the statement's bind markers, in
// marker order (see orderArgs for named arguments). The values go into
// vals and their bytes into buf, both taken from length 0; each is
// allocated only when too small (the caller's request carries room for a
// few short arguments), and all values share the one buffer.
func bind(ps *pool.Stmt, args []driver.NamedValue, vals []protocol.Value, buf []byte) ([]protocol.Value, error) {
	var argsInline [bindInline]any
	ordered, err := orderArgs(argsInline[:0], ps.Bound, args)
	if err != nil {
		return nil, err
	}
	n := len(ps.Bound)
	if len(ordered) != n {
		return nil, fmt.Errorf("cassandra: the statement has %d bind markers but %d arguments were given: pass one argument per marker (per-query options do not count)", n, len(ordered))
	}
	var endsInline [bindInline]int
	var kindsInline [bindInline]codec.Kind
	ends, kinds := endsInline[:0], kindsInline[:0]
	if cap(buf) < 16*n {
		buf = make([]byte, 0, 16*n)
	}
	buf = buf[:0]
	for i, v := range ordered {
		var kind codec.Kind
		buf, kind, err = ps.Encoders[i].Encode(buf, v)
		if err != nil {
			return nil, fmt.Errorf("%w (argument %d)", codec.WithColumn(err, ps.Bound[i].Name), i+1)
		}
		ends, kinds = append(ends, len(buf)), append(kinds, kind)
	}
	// Only now is buf where it stays: it may move while it grows.
	out := vals[:0]
	if cap(out) < n {
		out = make([]protocol.Value, n)
	}
	out = out[:n]
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
