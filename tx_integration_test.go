package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

func countRows(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestIntegrationTxCommitSendsOneBatch(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int, c int, v text, PRIMARY KEY (k, c))")
	oc := countRequests(c)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := tx.Exec("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)", 1, i, "x"); err != nil {
			t.Fatal(err)
		}
	}
	if n := oc.get(protocol.OpBatch); n != 0 {
		t.Fatalf("%d BATCH before Commit", n)
	}
	if n := countRows(t, db, "SELECT count(*) FROM kv WHERE k = 1"); n != 0 {
		t.Fatalf("%d rows visible before Commit", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := oc.get(protocol.OpBatch); n != 1 {
		t.Errorf("%d BATCH frames sent by Commit, want 1", n)
	}
	if n := oc.get(protocol.OpQuery) + oc.get(protocol.OpExecute); n != 1 {
		t.Errorf("%d QUERY/EXECUTE requests, want only the count(*)", n)
	}
	if n := countRows(t, db, "SELECT count(*) FROM kv WHERE k = 1"); n != 3 {
		t.Fatalf("%d rows after Commit, want 3", n)
	}
}

func TestIntegrationTxRollbackSendsNothing(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int, c int, v text, PRIMARY KEY (k, c))")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := tx.Exec("INSERT INTO kv (k, c, v) VALUES (?, ?, ?)", 2, i, "x"); err != nil {
			t.Fatal(err)
		}
	}
	oc := countRequests(c)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n := oc.get(protocol.OpBatch) + oc.get(protocol.OpExecute) + oc.get(protocol.OpQuery); n != 0 {
		t.Errorf("Rollback sent %d requests", n)
	}
	if n := countRows(t, db, "SELECT count(*) FROM kv WHERE k = 2"); n != 0 {
		t.Fatalf("%d rows after Rollback, want 0", n)
	}
}

func TestIntegrationTxRejectsWhatABatchCannotHold(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	ctx := context.Background()
	if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}); err == nil || !strings.Contains(err.Error(), "isolation") {
		t.Errorf("serializable: %v", err)
	}
	if _, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("read-only: %v", err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Query("SELECT v FROM kv"); err == nil || !strings.Contains(err.Error(), "BATCH") {
		t.Errorf("Query in tx: %v", err)
	}
	if _, err := tx.Exec("SELECT v FROM kv WHERE k = ?", 1); err == nil || !strings.Contains(err.Error(), "INSERT, UPDATE and DELETE") {
		t.Errorf("SELECT via Exec in tx: %v", err)
	}
	if _, err := tx.Exec("TRUNCATE kv"); err == nil {
		t.Error("TRUNCATE in tx accepted")
	}
	// Checked at once: a bad argument fails Exec, not Commit.
	if _, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", "not a number", 1); err == nil {
		t.Error("bad argument accepted")
	}
	if _, err := tx.Exec("INSERT INTO nowhere (k) VALUES (?)", 1); err == nil {
		t.Error("unknown table accepted")
	}
	r, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.RowsAffected(); err == nil {
		t.Error("RowsAffected of a queued statement made up a number")
	}
}

func TestIntegrationTxConditionalBatchNotApplied(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE acct (k int, c int, v int, PRIMARY KEY (k, c))")
	mustExec(t, db, "INSERT INTO acct (k, c, v) VALUES (1, 1, 5)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE acct SET v = ? WHERE k = ? AND c = ? IF v = ?", 6, 1, 1, 99); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO acct (k, c, v) VALUES (?, ?, ?)", 1, 2, 7); err != nil {
		t.Fatal(err)
	}
	err = tx.Commit()
	if !errors.Is(err, ErrNotApplied) {
		t.Fatalf("Commit: %v, want ErrNotApplied", err)
	}
	var na *NotAppliedError
	if !errors.As(err, &na) {
		t.Fatal("not a *NotAppliedError")
	}
	row := na.Row()
	if row["[applied]"] != false || row["v"] != int32(5) {
		t.Errorf("returned row %v, want [applied]=false v=5", row)
	}
	if n := countRows(t, db, "SELECT count(*) FROM acct WHERE k = 1"); n != 1 {
		t.Errorf("%d rows, want 1: nothing of the batch applied", n)
	}

	// The same batch with a condition that holds applies.
	tx, _ = db.Begin()
	tx.Exec("UPDATE acct SET v = ? WHERE k = ? AND c = ? IF v = ?", 6, 1, 1, 5)
	tx.Exec("INSERT INTO acct (k, c, v) VALUES (?, ?, ?)", 1, 2, 7)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM acct WHERE k = 1"); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}

func TestIntegrationConditionalExecRowsAffected(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	for i, want := range []int64{1, 0} {
		r := mustExec(t, db, "INSERT INTO kv (k, v) VALUES (?, ?) IF NOT EXISTS", 1, i)
		n, err := r.RowsAffected()
		if err != nil || n != want {
			t.Errorf("insert %d: RowsAffected = %d, %v; want %d", i, n, err, want)
		}
	}
	r := mustExec(t, db, "INSERT INTO kv (k, v) VALUES (?, ?)", 2, 2)
	if _, err := r.RowsAffected(); err == nil {
		t.Error("RowsAffected of an unconditional INSERT made up a number")
	}
	if _, err := r.LastInsertId(); err == nil {
		t.Error("LastInsertId did not fail")
	}
}

func TestIntegrationTxBatchTypes(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE hits (k int PRIMARY KEY, n counter)")
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	ctx := WithQueryOptions(context.Background(), WithBatchType(CounterBatch))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec("UPDATE hits SET n = n + ? WHERE k = ?", int64(2), 1)
	tx.Exec("UPDATE hits SET n = n + ? WHERE k = ?", int64(3), 1)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "SELECT n FROM hits WHERE k = 1"); n != 5 {
		t.Errorf("counter %d, want 5", n)
	}
	// A counter update in a LOGGED batch is refused by the server.
	tx, _ = db.Begin()
	tx.Exec("UPDATE hits SET n = n + ? WHERE k = ?", int64(1), 1)
	var cerr *Error
	if err := tx.Commit(); !errors.As(err, &cerr) || cerr.Code != ErrCodeInvalid {
		t.Errorf("counter in logged batch: %v", err)
	}
	ctx = WithQueryOptions(context.Background(), WithBatchType(UnloggedBatch))
	tx, _ = db.BeginTx(ctx, nil)
	tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", 1, 1)
	tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", 2, 2)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "SELECT count(*) FROM kv"); n != 2 {
		t.Errorf("%d rows after unlogged batch, want 2", n)
	}
}

func TestIntegrationBatchWarnings(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v text)")
	var warnings []string
	ctx := WithQueryOptions(context.Background(), WithWarnings(&warnings))
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A logged batch over several partitions, above the 5 KiB warning
	// threshold of batch_size_warn_threshold.
	big := strings.Repeat("x", 1024)
	for i := 0; i < 10; i++ {
		if _, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", i, big); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if len(warnings) == 0 || !strings.Contains(strings.ToLower(strings.Join(warnings, " ")), "batch") {
		t.Errorf("warnings %q, want the server's batch size warning", warnings)
	}
}

func TestIntegrationTxRepreparesOnUnprepared(t *testing.T) {
	db, c, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", i, i); err != nil {
			t.Fatal(err)
		}
	}
	// The server forgets the statements of a dropped table.
	mustExec(t, db, "DROP TABLE kv")
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	oc := countRequests(c)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, p := oc.get(protocol.OpBatch), oc.get(protocol.OpPrepare); b != 2 || p != 1 {
		t.Errorf("BATCH %d, PREPARE %d; want the batch, one re-prepare, the batch again", b, p)
	}
	if n := countRows(t, db, "SELECT count(*) FROM kv"); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}
