package cassandra_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/codec"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// These examples run against a real Cassandra (see example_main_test.go):
// exampleHost() is its address, such as 127.0.0.1:9042, and
// exampleKeyspace(name, params) makes a keyspace of the example's own and
// returns its DSN, such as cassandra://127.0.0.1:9042/example_query_1a2b3c.

// Open a *sql.DB from a DSN. Sockets open on first use; Ping opens one.
func Example() {
	// For example "cassandra://127.0.0.1:9042/shop?consistency=local_quorum&timeout=5s".
	db, err := sql.Open("cassandra", "cassandra://"+exampleHost()+"?consistency=local_quorum&timeout=5s")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close() // closes the sockets
	if err := db.Ping(); err != nil {
		fmt.Println(err)
		return
	}
	var key string
	if err := db.QueryRow("SELECT key FROM system.local").Scan(&key); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("system.local:", key)
	// Output: system.local: local
}

// Build the Config in code and open the DB with sql.OpenDB.
func ExampleNewConnector() {
	cfg := cassandra.NewConfig()
	cfg.Hosts = []string{exampleHost()} // e.g. {"10.0.0.1:9042", "10.0.0.2:9042"}
	cfg.ConnsPerHost = 4
	connector, err := cassandra.NewConnector(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(500) // handles, not sockets: still 4 sockets per host
	fmt.Println("ping:", db.Ping())
	fmt.Println("max open:", db.Stats().MaxOpenConnections)
	// Output:
	// ping: <nil>
	// max open: 500
}

// Query with arguments: the statement is prepared once and cached. Rows of
// one partition come in clustering order (here by name).
func Example_query() {
	dsn, drop := exampleKeyspace("query", "")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := execAll(db,
		"CREATE TABLE products (category text, name text, id uuid, tags list<text>, PRIMARY KEY (category, name))",
		"INSERT INTO products (category, name, id, tags) VALUES ('books', 'Emma', 7d444840-9dc0-11d1-b245-5ffdce74fad2, null)",
		"INSERT INTO products (category, name, id, tags) VALUES ('books', 'Dune', 0b5c6a5e-1f40-4d0c-9d3a-4c1b1f3c2d10, ['sf', 'classic'])",
	); err != nil {
		fmt.Println(err)
		return
	}

	rows, err := db.Query("SELECT id, name, tags FROM products WHERE category = ?", "books")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string // uuid columns scan into string or uuid.UUID
		var tags []string   // list<text>; an empty list is NULL: nil
		if err := rows.Scan(&id, &name, &tags); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(id, name, tags, tags == nil)
	}
	if err := rows.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 0b5c6a5e-1f40-4d0c-9d3a-4c1b1f3c2d10 Dune [sf classic] false
	// 7d444840-9dc0-11d1-b245-5ffdce74fad2 Emma [] true
}

// Collections, user-defined types and tuples scan into typed
// destinations: list<int> into []int64, a UDT into a struct with `cql`
// tags. With Go 1.27 or newer plain destinations work; cassandra.Scan
// makes the same work with older Go.
func Example_typedScan() {
	dsn, drop := exampleKeyspace("typed", "")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := execAll(db,
		"CREATE TYPE address (street text, zip int)",
		"CREATE TABLE users (id int PRIMARY KEY, scores list<int>, addr frozen<address>, hits map<inet, int>)",
		"INSERT INTO users (id, scores, addr, hits) VALUES (1, [3, 1, 2], {street: 'Main St'}, {'10.0.0.1': 7})",
	); err != nil {
		fmt.Println(err)
		return
	}

	type Address struct {
		Street string `cql:"street"`
		Zip    *int32 `cql:"zip"` // NULL: nil
	}
	var scores []int64
	var addr Address
	var hits map[string]int32
	err = db.QueryRow("SELECT scores, addr, hits FROM users WHERE id = ?", 1).
		Scan(cassandra.Scan(&scores), cassandra.Scan(&addr), cassandra.As(&hits))
	fmt.Println(scores, addr.Street, addr.Zip, hits, err)
	// Output: [3 1 2] Main St <nil> map[10.0.0.1:7] <nil>
}

// paging=auto (the default): Next walks every page of the result.
func Example_pagingAuto() {
	dsn, drop := exampleKeyspace("paging_auto", "page_size=10")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := createEvents(db, "2024-05-06", 25); err != nil {
		fmt.Println(err)
		return
	}

	rows, err := db.Query("SELECT seq FROM events WHERE day = ?", "2024-05-06")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	n := 0
	for rows.Next() { // three requests of 10 rows at most
		n++
	}
	fmt.Println(n, "events", rows.Err())
	// Output: 25 events <nil>
}

// paging=pages: each page is a result set.
func Example_pagingPages() {
	dsn, drop := exampleKeyspace("paging_pages", "paging=pages&page_size=10")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := createEvents(db, "2024-05-06", 25); err != nil {
		fmt.Println(err)
		return
	}

	rows, err := db.Query("SELECT seq FROM events WHERE day = ?", "2024-05-06")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for page := 1; ; page++ {
		n := 0
		for rows.Next() {
			n++
		}
		fmt.Printf("page %d: %d rows\n", page, n)
		if !rows.NextResultSet() {
			break
		}
	}
	if err := rows.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// page 1: 10 rows
	// page 2: 10 rows
	// page 3: 5 rows
}

// A web cursor: read one page per request, hand the paging state to the
// client, and resume from it on the next request.
func Example_pagingState() {
	dsn, drop := exampleKeyspace("paging_state", "")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := createEvents(db, "2024-05-06", 25); err != nil {
		fmt.Println(err)
		return
	}

	listPage := func(cursor []byte) (seqs []int, next []byte, err error) {
		rows, err := db.Query("SELECT seq FROM events WHERE day = ?", "2024-05-06",
			cassandra.WithPaging(cassandra.PagingPages),
			cassandra.WithPageSize(10),
			cassandra.WithPagingState(cursor), // nil: first page
			sql.Out{Dest: &next})              // nil after the last page
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int
			if err := rows.Scan(&seq); err != nil {
				return nil, nil, err
			}
			seqs = append(seqs, seq)
		}
		return seqs, next, rows.Err()
	}

	var cursor []byte
	for {
		seqs, next, err := listPage(cursor)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(len(seqs), "events from", seqs[0], "to", seqs[len(seqs)-1])
		if next == nil {
			break
		}
		cursor = next // e.g. base64 in the next-page URL
	}
	// Output:
	// 10 events from 0 to 9
	// 10 events from 10 to 19
	// 5 events from 20 to 24
}

// A transaction is one BATCH, sent by Commit. A batch without conditions
// may span tables and partitions (LOGGED: all of it is applied,
// eventually, or none). A conditional batch (IF ...) must stay within one
// partition of one table: Cassandra refuses any other, so the order and
// the stock it takes from cannot be updated in one conditional batch.
func Example_transaction() {
	dsn, drop := exampleKeyspace("transaction", "")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := execAll(db,
		"CREATE TABLE orders (id text PRIMARY KEY, sku text, qty int)",
		"CREATE TABLE stock (warehouse text, sku text, count int, PRIMARY KEY (warehouse, sku))",
		"INSERT INTO stock (warehouse, sku, count) VALUES ('w1', 'sku-1', 10)",
		"INSERT INTO stock (warehouse, sku, count) VALUES ('w1', 'sku-2', 0)",
	); err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// Two tables, no conditions: a LOGGED batch (the default).
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tx.Rollback() // sends nothing
	if _, err := tx.Exec("INSERT INTO orders (id, sku, qty) VALUES (?, ?, ?)", "o-1", "sku-1", 1); err != nil {
		fmt.Println(err) // checked at once: only INSERT, UPDATE, DELETE
		return
	}
	if _, err := tx.Exec("UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ?", 9, "w1", "sku-1"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("order:", tx.Commit())

	// One partition (warehouse w1), with conditions: move one unit from
	// sku-1 to sku-2 if both still hold what was read.
	move := func(from, to int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		tx.Exec("UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", from-1, "w1", "sku-1", from)
		tx.Exec("UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", to+1, "w1", "sku-2", to)
		return tx.Commit()
	}
	fmt.Println("move:", move(9, 0))
	err = move(9, 0) // the counts have changed meanwhile
	var na *cassandra.NotAppliedError
	if errors.As(err, &na) {
		fmt.Println("not applied: sku-1 holds", na.Row()["count"])
	}

	// An unlogged batch, with a consistency of its own: no batch log, atomic
	// within its one partition.
	ctx = cassandra.WithQueryOptions(ctx,
		cassandra.WithBatchType(cassandra.UnloggedBatch),
		cassandra.WithConsistency(cassandra.Quorum))
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tx.Exec("INSERT INTO stock (warehouse, sku, count) VALUES (?, ?, ?)", "w1", "sku-3", 5)
	tx.Exec("INSERT INTO stock (warehouse, sku, count) VALUES (?, ?, ?)", "w1", "sku-4", 5)
	fmt.Println("unlogged:", tx.Commit())
	var n int64
	err = db.QueryRow("SELECT count(*) FROM stock WHERE warehouse = ?", "w1").Scan(&n)
	fmt.Println(n, "skus in w1", err)
	// Output:
	// order: <nil>
	// move: <nil>
	// not applied: sku-1 holds 8
	// unlogged: <nil>
	// 4 skus in w1 <nil>
}

// Per-query options: as extra arguments, or on the context.
func Example_consistency() {
	dsn, drop := exampleKeyspace("consistency", "") // replication_factor 1
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := execAll(db,
		"CREATE TABLE orders (id text PRIMARY KEY, total bigint)",
		"CREATE TABLE users (name text PRIMARY KEY)",
		"INSERT INTO orders (id, total) VALUES ('o-1', 42)",
	); err != nil {
		fmt.Println(err)
		return
	}

	var total int64
	err = db.QueryRow("SELECT total FROM orders WHERE id = ?", "o-1",
		cassandra.WithConsistency(cassandra.Two)).Scan(&total) // one replica only
	var cerr *cassandra.Error
	if errors.As(err, &cerr) && cerr.Code == cassandra.ErrCodeUnavailable {
		u := cerr.Details.(*cassandra.Unavailable)
		fmt.Printf("TWO: only %d of %d replicas alive\n", u.Alive, u.Required)
	}

	ctx := cassandra.WithQueryOptions(context.Background(),
		cassandra.WithConsistency(cassandra.LocalOne), cassandra.WithIdempotent(true))
	if _, err := db.ExecContext(ctx, "UPDATE orders SET total = ? WHERE id = ?", 43, "o-1"); err != nil {
		fmt.Println(err)
	}
	err = db.QueryRowContext(ctx, "SELECT total FROM orders WHERE id = ?", "o-1").Scan(&total)
	fmt.Println("LOCAL_ONE:", total, err)

	// A conditional statement reports whether it applied.
	for i := 0; i < 2; i++ {
		res, err := db.Exec("INSERT INTO users (name) VALUES (?) IF NOT EXISTS", "ada",
			cassandra.WithSerialConsistency(cassandra.LocalSerial))
		if err != nil {
			fmt.Println(err)
			return
		}
		n, _ := res.RowsAffected() // 1 applied, 0 not
		fmt.Println("created:", n == 1)
	}
	// Output:
	// TWO: only 1 of 2 replicas alive
	// LOCAL_ONE: 43 <nil>
	// created: true
	// created: false
}

// sqlx works as with any database/sql driver: ? or :name markers.
func Example_sqlx() {
	dsn, drop := exampleKeyspace("sqlx", "")
	defer drop()
	db, err := sqlx.Connect("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	db.MustExec("CREATE TABLE products (shop text, id text, name text, price decimal, PRIMARY KEY (shop, id))")

	type Product struct {
		Shop  string        `db:"shop"`
		ID    string        `db:"id"`
		Name  string        `db:"name"`
		Price codec.Decimal `db:"price"`
	}
	db.MustExec("INSERT INTO products (shop, id, name, price) VALUES (?, ?, ?, ?)", "s1", "p-1", "pen", "1.50")
	if _, err := db.NamedExec("INSERT INTO products (shop, id, name, price) VALUES (:shop, :id, :name, :price)",
		Product{Shop: "s1", ID: "p-2", Name: "ink", Price: codec.Decimal{Unscaled: big.NewInt(300), Scale: 2}}); err != nil {
		fmt.Println(err)
		return
	}
	var ps []Product
	if err := db.Select(&ps, "SELECT shop, id, name, price FROM products WHERE shop = ?", "s1"); err != nil { // every page
		fmt.Println(err)
		return
	}
	fmt.Println(ps)
	// Output: [{s1 p-1 pen 1.50} {s1 p-2 ink 3.00}]
}

// Trace a query and collect the server's warnings. Every page is traced:
// the session id is that of the page Next or NextResultSet last reached.
func Example_tracing() {
	dsn, drop := exampleKeyspace("tracing", "")
	defer drop()
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := createEvents(db, "2024-05-06", 25); err != nil {
		fmt.Println(err)
		return
	}

	var trace uuid.UUID
	var warnings []string
	rows, err := db.Query("SELECT seq FROM events WHERE day = ?", "2024-05-06",
		cassandra.WithPaging(cassandra.PagingPages), cassandra.WithPageSize(10),
		cassandra.WithTracing(&trace), cassandra.WithWarnings(&warnings))
	if err != nil {
		fmt.Println(err)
		return
	}
	sessions := []uuid.UUID{trace}
	for rows.NextResultSet() {
		sessions = append(sessions, trace)
	}
	rows.Close()
	fmt.Println(len(sessions), "pages,", len(distinct(sessions)), "trace sessions")

	// An aggregation over every partition draws a warning.
	var n int64
	err = db.QueryRow("SELECT count(*) FROM events", cassandra.WithWarnings(&warnings)).Scan(&n)
	fmt.Println(n, err, warnings)

	// The trace itself is written to system_traces in the background.
	var found bool
	for deadline := time.Now().Add(30 * time.Second); !found && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var id uuid.UUID
		found = db.QueryRow("SELECT session_id FROM system_traces.sessions WHERE session_id = ?", trace).Scan(&id) == nil
	}
	fmt.Println("last trace stored:", found)
	// Output:
	// 3 pages, 3 trace sessions
	// 25 <nil> [Aggregation query used without partition key]
	// last trace stored: true
}

func distinct(ids []uuid.UUID) map[uuid.UUID]bool {
	m := map[uuid.UUID]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}
