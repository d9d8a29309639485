package cassandra

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

// opCounter counts the requests a Connector sends, by opcode.
type opCounter struct {
	mu sync.Mutex
	n  map[protocol.Opcode]int
}

func countRequests(c *Connector) *opCounter {
	oc := &opCounter{n: map[protocol.Opcode]int{}}
	c.onRequest = func(r protocol.Request) {
		oc.mu.Lock()
		oc.n[r.Opcode()]++
		oc.mu.Unlock()
	}
	return oc
}

func (oc *opCounter) get(op protocol.Opcode) int {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.n[op]
}

func TestIntegrationPreparedOnceForConcurrentFirstUse(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	oc := countRequests(c)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := db.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", i, i); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if n := oc.get(protocol.OpPrepare); n != 1 {
		t.Errorf("%d PREPARE requests for one statement used by 20 goroutines, want 1", n)
	}
	if n := oc.get(protocol.OpExecute); n != 20 {
		t.Errorf("%d EXECUTE requests, want 20", n)
	}
}

func TestIntegrationRepreparesOnUnprepared(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (?, ?)", 1, 10)
	var v int
	if err := db.QueryRow("SELECT v FROM kv WHERE k = ?", 1).Scan(&v); err != nil || v != 10 {
		t.Fatalf("got %d, %v", v, err)
	}
	// Dropping the table makes the server forget its prepared statements:
	// the cached id now gets UNPREPARED.
	mustExec(t, db, "DROP TABLE kv")
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (1, 20)")
	oc := countRequests(c)
	if err := db.QueryRow("SELECT v FROM kv WHERE k = ?", 1).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 20 {
		t.Errorf("got %d, want 20", v)
	}
	if p, e := oc.get(protocol.OpPrepare), oc.get(protocol.OpExecute); p != 1 || e != 2 {
		t.Errorf("PREPARE %d, EXECUTE %d; want 1 re-prepare between 2 executes", p, e)
	}
}

func TestIntegrationAlterTableUpdatesCachedMetadata(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (1, 10)")
	ctx := context.Background()
	stmt, err := db.PrepareContext(ctx, "SELECT * FROM kv WHERE k = ?")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	cols := func() ([]string, []any) {
		rows, err := stmt.QueryContext(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		names, _ := rows.Columns()
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if !rows.Next() {
			t.Fatalf("no row: %v", rows.Err())
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		return names, vals
	}
	if names, vals := cols(); !reflect.DeepEqual(names, []string{"k", "v"}) || !reflect.DeepEqual(vals, []any{int32(1), int32(10)}) {
		t.Fatalf("before ALTER: %v %v", names, vals)
	}
	mustExec(t, db, "ALTER TABLE kv ADD w text")
	mustExec(t, db, "UPDATE kv SET w = 'new' WHERE k = 1")
	names, vals := cols()
	if !reflect.DeepEqual(names, []string{"k", "v", "w"}) || !reflect.DeepEqual(vals, []any{int32(1), int32(10), "new"}) {
		t.Fatalf("after ALTER: %v %v, want the new column w", names, vals)
	}
	// And again, now that the cache holds the new metadata.
	if names, _ := cols(); len(names) != 3 {
		t.Fatalf("third run: %v", names)
	}
}
