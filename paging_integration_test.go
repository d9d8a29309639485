package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

func TestIntegrationPagesModeOneResultSetPerPage(t *testing.T) {
	db, _, _ := testDB(t, func(c *Config) { c.Paging = PagingPages; c.PageSize = 100 })
	mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(t, db, 1234)
	rows, err := db.Query("SELECT ck FROM p WHERE pk = 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sets, total := 0, 0
	for {
		sets++
		n := 0
		for rows.Next() {
			var ck int
			if err := rows.Scan(&ck); err != nil {
				t.Fatal(err)
			}
			if ck != total {
				t.Fatalf("row %d: ck %d", total, ck)
			}
			n++
			total++
		}
		if want := min(100, 1234-(sets-1)*100); n != want {
			t.Errorf("result set %d: %d rows, want %d", sets, n, want)
		}
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if sets != 13 || total != 1234 {
		t.Errorf("%d result sets, %d rows; want 13 and 1234", sets, total)
	}
}

func TestIntegrationPagingStateResume(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(t, db, 250)
	// A web handler: each call reads one page of 100 and hands out a
	// cursor for the next call.
	page := func(cursor []byte) (cks []int, next []byte) {
		rows, err := db.Query("SELECT ck FROM p WHERE pk = ?", 0,
			WithPaging(PagingPages), WithPageSize(100), WithPagingState(cursor), sql.Out{Dest: &next})
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var ck int
			if err := rows.Scan(&ck); err != nil {
				t.Fatal(err)
			}
			cks = append(cks, ck)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return cks, next
	}
	var cursor []byte
	var all []int
	for i := 0; ; i++ {
		cks, next := page(cursor)
		if want := min(100, 250-i*100); len(cks) != want {
			t.Fatalf("page %d: %d rows, want %d", i, len(cks), want)
		}
		all = append(all, cks...)
		if next == nil {
			break
		}
		if i > 3 {
			t.Fatal("paging never ends")
		}
		cursor = next
	}
	for i, ck := range all {
		if ck != i {
			t.Fatalf("row %d: ck %d", i, ck)
		}
	}
	if len(all) != 250 {
		t.Fatalf("%d rows, want 250", len(all))
	}
}

func TestIntegrationPerQueryConsistency(t *testing.T) {
	db, _, ks := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS", 1, 1)

	// A SERIAL read goes through Paxos and works on one node.
	var v int
	if err := db.QueryRow("SELECT v FROM kv WHERE k = ?", 1, WithConsistency(Serial)).Scan(&v); err != nil || v != 1 {
		t.Fatalf("SERIAL read: %d, %v", v, err)
	}
	// ANY is refused for reads: proof the level reached the server.
	_, err := db.Query("SELECT v FROM kv WHERE k = ?", 1, WithConsistency(Any))
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Code != ErrCodeInvalid {
		t.Fatalf("ANY read: %v, want an INVALID error", err)
	}
	// THREE needs three replicas: Unavailable, with typed details.
	_, err = db.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", 2, 2, WithConsistency(Three))
	if !errors.As(err, &cerr) || cerr.Code != ErrCodeUnavailable {
		t.Fatalf("THREE write on RF 1: %v, want UNAVAILABLE", err)
	}
	if u, ok := cerr.Details.(*Unavailable); !ok || u.Required != 3 || u.Alive != 1 {
		t.Errorf("details %#v", cerr.Details)
	}
	// Options attached to the context apply too.
	ctx := WithQueryOptions(context.Background(), WithConsistency(Three))
	if _, err := db.ExecContext(ctx, "INSERT INTO kv (k, v) VALUES (?, ?)", 2, 2); !errors.As(err, &cerr) || cerr.Code != ErrCodeUnavailable {
		t.Fatalf("THREE from context: %v", err)
	}
	// An argument wins over the context.
	if _, err := db.ExecContext(ctx, "INSERT INTO kv (k, v) VALUES (?, ?)", 2, 2, WithConsistency(One)); err != nil {
		t.Fatal(err)
	}
	_ = ks
}

func TestIntegrationTracingAndTimestamp(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	var trace uuid.UUID
	if _, err := db.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", 1, 1, WithTracing(&trace), WithTimestamp(timeAtMicro(1_000_000))); err != nil {
		t.Fatal(err)
	}
	if trace == (uuid.UUID{}) {
		t.Error("no tracing id")
	}
	var wt int64
	if err := db.QueryRow("SELECT writetime(v) FROM kv WHERE k = ?", 1).Scan(&wt); err != nil {
		t.Fatal(err)
	}
	if wt != 1_000_000 {
		t.Errorf("writetime %d, want 1000000", wt)
	}
}

func TestIntegrationAutoPagingPrefetchesNextPage(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(t, db, 30)
	oc := countRequests(c)
	rows, err := db.Query("SELECT ck FROM p WHERE pk = ?", 0, WithPageSize(10))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	// While the first page is read, the second is being fetched.
	deadline := time.Now().Add(5 * time.Second)
	for oc.get(protocol.OpExecute) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := oc.get(protocol.OpExecute); n != 2 {
		t.Fatalf("%d EXECUTE after reading one row, want 2 (first page and prefetch)", n)
	}
	n := 1
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil || n != 30 {
		t.Fatalf("%d rows, %v", n, err)
	}
	if e := oc.get(protocol.OpExecute); e != 3 && e != 4 {
		t.Errorf("%d EXECUTE for 3 pages", e)
	}
}

func TestIntegrationPagesModeNoEmptyTrailingSet(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(t, db, 200)
	rows, err := db.Query("SELECT ck FROM p WHERE pk = ?", 0, WithPaging(PagingPages), WithPageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sizes []int
	for {
		n := 0
		for rows.Next() {
			n++
		}
		sizes = append(sizes, n)
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 2 || sizes[0] != 100 || sizes[1] != 100 {
		t.Errorf("result set sizes %v, want [100 100]", sizes)
	}
}
