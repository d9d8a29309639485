package cassandra

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"github.com/cqlsql/cassandra/internal/cluster"
)

// TestIntegrationRoutingKey checks the routing key built from a prepared
// statement's bound values against the server's own token() for single
// and composite partition keys.
func TestIntegrationRoutingKey(t *testing.T) {
	db, c, ks := testDB(t)
	mustExec(t, db, "CREATE TABLE one (k bigint PRIMARY KEY, v int)")
	mustExec(t, db, "CREATE TABLE two (a text, b int, c int, v int, PRIMARY KEY ((a, b), c))")
	ctx := context.Background()
	cases := []struct {
		insert, token string
		args          func(i int) []driver.NamedValue
	}{
		{"INSERT INTO one (v, k) VALUES (?, ?)", "SELECT token(k) FROM one WHERE k = ?",
			func(i int) []driver.NamedValue {
				return []driver.NamedValue{{Ordinal: 1, Value: int64(i)}, {Ordinal: 2, Value: int64(i * 7919)}}
			}},
		{"INSERT INTO two (c, b, v, a) VALUES (?, ?, ?, ?)", "SELECT token(a, b) FROM two WHERE a = ? AND b = ?",
			func(i int) []driver.NamedValue {
				return []driver.NamedValue{{Ordinal: 1, Value: 1}, {Ordinal: 2, Value: int32(i)}, {Ordinal: 3, Value: 0}, {Ordinal: 4, Value: fmt.Sprintf("key-%d", i)}}
			}},
	}
	for _, tc := range cases {
		for i := 0; i < 100; i++ {
			args := tc.args(i)
			var r request
			if err := c.initRequest(ctx, &r, tc.insert, nil, args, queryOptions{}); err != nil {
				t.Fatal(err)
			}
			vals := make([]any, len(args))
			for j, a := range args {
				vals[j] = a.Value
			}
			mustExec(t, db, tc.insert, vals...)
			key, keyspace, ok := r.route(nil)
			if !ok || keyspace != ks {
				t.Fatalf("%s: routing key unknown (%v) or keyspace %q, want %q", tc.insert, ok, keyspace, ks)
			}
			var want int64
			var q []any
			if len(args) == 2 {
				q = []any{args[1].Value}
			} else {
				q = []any{args[3].Value, args[1].Value}
			}
			if err := db.QueryRow(tc.token, q...).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if got := cluster.Murmur3Token(key); got != want {
				t.Fatalf("%s with %v: token %d, server says %d", tc.insert, q, got, want)
			}
		}
	}
}
