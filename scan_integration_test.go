package cassandra

import (
	"reflect"
	"testing"
)

// The typed scans of the README's table against a real server: with
// cassandra.Scan on every Go version, unwrapped with Go 1.27 or newer.
func TestIntegrationTypedScans(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TYPE address (street text, zip int)")
	mustExec(t, db, `CREATE TABLE typed (id int PRIMARY KEY, l list<int>, ll list<frozen<list<int>>>,
		a frozen<address>, m map<inet, int>, tu tuple<int, text>, v vector<float, 3>, n int)`)
	mustExec(t, db, `INSERT INTO typed (id, l, ll, a, m, tu, v) VALUES (1, [1, 2, 3], [[1], [2, 3]],
		{street: 'Main St', zip: 12345}, {'10.0.0.1': 7}, (7, 'seven'), [1, 0.5, -2])`)
	type pair struct {
		N int64
		S string
	}
	want := []any{
		[]int64{1, 2, 3}, [][]int64{{1}, {2, 3}}, scanAddress{"Main St", ptr(int32(12345))},
		map[string]int32{"10.0.0.1": 7}, pair{7, "seven"}, []float64{1, 0.5, -2}, (*int64)(nil),
	}
	newDests := func() []any {
		return []any{new([]int64), new([][]int64), new(scanAddress), new(map[string]int32), new(pair), new([]float64), new(*int64)}
	}
	check := func(how string, wrap func(any) any) {
		dests := newDests()
		args := make([]any, len(dests))
		for i, d := range dests {
			args[i] = wrap(d)
		}
		if err := db.QueryRow("SELECT l, ll, a, m, tu, v, n FROM typed WHERE id = ?", 1).Scan(args...); err != nil {
			t.Fatalf("%s: %v", how, err)
		}
		for i, d := range dests {
			if got := reflect.ValueOf(d).Elem().Interface(); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("%s: column %d: got %#v, want %#v", how, i, got, want[i])
			}
		}
	}
	check("cassandra.Scan", func(d any) any { return Scan(d) })
	if columnScanner {
		check("unwrapped", func(d any) any { return d })
	}
}
