package cassandra_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// The examples need a Cassandra server, so they have no Output comment:
// `go test` compiles them but does not run them.

// Open a *sql.DB from a DSN. Sockets open on first use; Ping opens one.
func Example() {
	db, err := sql.Open("cassandra", "cassandra://127.0.0.1:9042/shop?consistency=local_quorum&timeout=5s")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close() // closes the sockets
	if err := db.Ping(); err != nil {
		log.Fatal(err)
	}
	var version string
	if err := db.QueryRow("SELECT release_version FROM system.local").Scan(&version); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Cassandra", version)
}

// Build the Config in code and open the DB with sql.OpenDB.
func ExampleNewConnector() {
	cfg := cassandra.NewConfig()
	cfg.Hosts = []string{"10.0.0.1:9042", "10.0.0.2:9042"}
	cfg.Keyspace = "shop"
	cfg.ConnsPerHost = 4
	connector, err := cassandra.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	db.SetMaxOpenConns(500) // handles, not sockets: still 4 sockets per host
}

// Query with arguments: the statement is prepared once and cached.
func Example_query() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop")
	defer db.Close()
	rows, err := db.Query("SELECT id, name, tags FROM products WHERE category = ?", "books")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string // uuid columns scan into string or uuid.UUID
		var tags []string   // list<text>
		if err := rows.Scan(&id, &name, &tags); err != nil {
			log.Fatal(err)
		}
		fmt.Println(id, name, tags)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
}

// paging=auto (the default): Next walks every page of the result.
func Example_pagingAuto() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop?page_size=1000")
	defer db.Close()
	rows, err := db.Query("SELECT id FROM events WHERE day = ?", "2024-05-06")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	fmt.Println(n, "events", rows.Err())
}

// paging=pages: each page is a result set.
func Example_pagingPages() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop?paging=pages&page_size=100")
	defer db.Close()
	rows, err := db.Query("SELECT id FROM events WHERE day = ?", "2024-05-06")
	if err != nil {
		log.Fatal(err)
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
		log.Fatal(err)
	}
}

// A web cursor: read one page per request, hand the paging state to the
// client, and resume from it on the next request.
func Example_pagingState() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop")
	defer db.Close()

	listPage := func(cursor []byte) (ids []string, next []byte, err error) {
		rows, err := db.Query("SELECT id FROM events WHERE day = ?", "2024-05-06",
			cassandra.WithPaging(cassandra.PagingPages),
			cassandra.WithPageSize(50),
			cassandra.WithPagingState(cursor), // nil: first page
			sql.Out{Dest: &next})              // nil after the last page
		if err != nil {
			return nil, nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, nil, err
			}
			ids = append(ids, id)
		}
		return ids, next, rows.Err()
	}

	var cursor []byte
	for {
		ids, next, err := listPage(cursor)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(ids), "ids")
		if next == nil {
			break
		}
		cursor = next // e.g. base64 in the next-page URL
	}
}

// A transaction is one BATCH, sent by Commit.
func Example_transaction() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop")
	defer db.Close()
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil) // LOGGED batch
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback() // sends nothing
	if _, err := tx.Exec("INSERT INTO orders (id, total) VALUES (?, ?)", "o-1", 42); err != nil {
		log.Fatal(err) // checked at once: only INSERT, UPDATE, DELETE
	}
	if _, err := tx.Exec("UPDATE stock SET count = ? WHERE sku = ? IF count = ?", 9, "sku-1", 10); err != nil {
		log.Fatal(err)
	}
	err = tx.Commit()
	var na *cassandra.NotAppliedError
	switch {
	case errors.As(err, &na):
		fmt.Println("stock changed meanwhile, now", na.Row()["count"])
	case err != nil:
		log.Fatal(err)
	}

	// An unlogged batch, with a consistency of its own.
	ctx = cassandra.WithQueryOptions(ctx,
		cassandra.WithBatchType(cassandra.UnloggedBatch),
		cassandra.WithConsistency(cassandra.Quorum))
	tx, _ = db.BeginTx(ctx, nil)
	tx.Exec("INSERT INTO audit (day, at, msg) VALUES (?, ?, ?)", "2024-05-06", time.Now(), "a")
	tx.Exec("INSERT INTO audit (day, at, msg) VALUES (?, ?, ?)", "2024-05-06", time.Now(), "b")
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
}

// Per-query options: as extra arguments, or on the context.
func Example_consistency() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop")
	defer db.Close()
	var total int64
	err := db.QueryRow("SELECT total FROM orders WHERE id = ?", "o-1",
		cassandra.WithConsistency(cassandra.All)).Scan(&total)
	var cerr *cassandra.Error
	if errors.As(err, &cerr) && cerr.Code == cassandra.ErrCodeUnavailable {
		u := cerr.Details.(*cassandra.Unavailable)
		fmt.Printf("only %d of %d replicas alive\n", u.Alive, u.Required)
	}

	ctx := cassandra.WithQueryOptions(context.Background(),
		cassandra.WithConsistency(cassandra.LocalOne), cassandra.WithIdempotent(true))
	db.ExecContext(ctx, "UPDATE orders SET total = ? WHERE id = ?", 43, "o-1")

	// A conditional statement reports whether it applied.
	res, err := db.Exec("INSERT INTO users (name) VALUES (?) IF NOT EXISTS", "ada",
		cassandra.WithSerialConsistency(cassandra.LocalSerial))
	if err == nil {
		n, _ := res.RowsAffected() // 1 applied, 0 not
		fmt.Println("created:", n == 1)
	}
}

// sqlx works as with any database/sql driver: ? or :name markers.
func Example_sqlx() {
	db, err := sqlx.Connect("cassandra", "cassandra://127.0.0.1/shop")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	type Product struct {
		ID    string `db:"id"`
		Name  string `db:"name"`
		Price string `db:"price"`
	}
	db.MustExec("INSERT INTO products (id, name, price) VALUES (?, ?, ?)", "p-1", "pen", "1.50")
	db.NamedExec("INSERT INTO products (id, name, price) VALUES (:id, :name, :price)",
		Product{ID: "p-2", Name: "ink", Price: "3.00"})
	var ps []Product
	if err := db.Select(&ps, "SELECT id, name, price FROM products"); err != nil { // every page
		log.Fatal(err)
	}
	fmt.Println(ps)
}

// Trace one query and collect the server's warnings.
func Example_tracing() {
	db, _ := sql.Open("cassandra", "cassandra://127.0.0.1/shop")
	defer db.Close()
	var trace uuid.UUID
	var warnings []string
	rows, err := db.Query("SELECT id FROM events WHERE day = ?", "2024-05-06",
		cassandra.WithTracing(&trace), cassandra.WithWarnings(&warnings))
	if err != nil {
		log.Fatal(err)
	}
	rows.Close()
	fmt.Println("trace session", trace, "warnings", warnings)
	// The events of the trace are in system_traces.events.
	var n int64
	db.QueryRow("SELECT count(*) FROM system_traces.events WHERE session_id = ?", trace).Scan(&n)
	fmt.Println(n, "trace events")
}
