// Command demo shows the cassandra database/sql driver against a running
// Cassandra: it creates a keyspace and a table, inserts rows with a
// prepared statement and in a transaction (one BATCH), reads them back with
// sqlx, walks them page by page, runs a conditional insert twice, and drops
// the keyspace. CASSANDRA_HOSTS (comma-separated host:port) says where the
// server is; default 127.0.0.1:9042. It exits non-zero on any error.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/jmoiron/sqlx"
)

const keyspace = "cqlsql_demo"

type reading struct {
	Sensor string  `db:"sensor"`
	Seq    int     `db:"seq"`
	Value  float64 `db:"value"`
	Note   *string `db:"note"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run() error {
	hosts := os.Getenv("CASSANDRA_HOSTS")
	if hosts == "" {
		hosts = "127.0.0.1:9042"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cfg := cassandra.NewConfig()
	cfg.Hosts = strings.Split(hosts, ",")
	cfg.Consistency = cassandra.One
	connector, err := cassandra.NewConnector(cfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	var version string
	if err := db.QueryRowContext(ctx, "SELECT release_version FROM system.local").Scan(&version); err != nil {
		return fmt.Errorf("connecting to %s: %w", hosts, err)
	}
	fmt.Printf("connected to Cassandra %s at %s\n", version, hosts)

	for _, q := range []string{
		"DROP KEYSPACE IF EXISTS " + keyspace,
		"CREATE KEYSPACE " + keyspace + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
		"CREATE TABLE " + keyspace + ".readings (sensor text, seq int, value double, note text, PRIMARY KEY (sensor, seq))",
		"CREATE TABLE " + keyspace + ".sensors (name text PRIMARY KEY, owner text)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	fmt.Println("created keyspace", keyspace, "with tables readings and sensors")
	defer db.ExecContext(context.Background(), "DROP KEYSPACE IF EXISTS "+keyspace)

	// Prepared inserts.
	ins, err := db.PrepareContext(ctx, "INSERT INTO "+keyspace+".readings (sensor, seq, value) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	defer ins.Close()
	for i := 0; i < 20; i++ {
		if _, err := ins.ExecContext(ctx, "s1", i, float64(i)*1.5); err != nil {
			return err
		}
	}
	fmt.Println("inserted 20 readings with a prepared statement")

	// A transaction: one BATCH at Commit.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for i := 20; i < 25; i++ {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+keyspace+".readings (sensor, seq, value, note) VALUES (?, ?, ?, ?)",
			"s1", i, float64(i)*1.5, "batched"); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	fmt.Println("committed 5 more readings as one BATCH")

	// sqlx reads every row into structs.
	dbx := sqlx.NewDb(db, "cassandra")
	var all []reading
	if err := dbx.SelectContext(ctx, &all, "SELECT sensor, seq, value, note FROM "+keyspace+".readings WHERE sensor = ?", "s1"); err != nil {
		return err
	}
	batched := 0
	for _, r := range all {
		if r.Note != nil {
			batched++
		}
	}
	fmt.Printf("sqlx read %d readings (%d from the batch), last seq %d\n", len(all), batched, all[len(all)-1].Seq)
	if len(all) != 25 || batched != 5 {
		return fmt.Errorf("read %d readings, %d batched; want 25 and 5", len(all), batched)
	}

	// Page by page: each page of 10 is a result set.
	rows, err := db.QueryContext(ctx, "SELECT seq FROM "+keyspace+".readings WHERE sensor = ?", "s1",
		cassandra.WithPaging(cassandra.PagingPages), cassandra.WithPageSize(10))
	if err != nil {
		return err
	}
	pages := 0
	for {
		pages++
		var first, last, n int
		for rows.Next() {
			var seq int
			if err := rows.Scan(&seq); err != nil {
				rows.Close()
				return err
			}
			if n == 0 {
				first = seq
			}
			last = seq
			n++
		}
		fmt.Printf("page %d: %d rows, seq %d..%d\n", pages, n, first, last)
		if !rows.NextResultSet() {
			break
		}
		fmt.Println("--- page boundary ---")
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	// A conditional insert, twice: applied, then not.
	for i := 1; i <= 2; i++ {
		res, err := db.ExecContext(ctx, "INSERT INTO "+keyspace+".sensors (name, owner) VALUES (?, ?) IF NOT EXISTS", "s1", fmt.Sprintf("owner%d", i))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		fmt.Printf("conditional insert #%d applied: %v\n", i, n == 1)
		if (i == 1) != (n == 1) {
			return errors.New("conditional insert: unexpected outcome")
		}
	}
	var owner string
	if err := db.QueryRowContext(ctx, "SELECT owner FROM "+keyspace+".sensors WHERE name = ?", "s1").Scan(&owner); err != nil {
		return err
	}
	fmt.Println("sensor s1 is owned by", owner, "(the second insert did not apply)")
	fmt.Println("done; dropping keyspace", keyspace)
	return nil
}
