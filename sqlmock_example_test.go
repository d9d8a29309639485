package cassandra_test

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/cqlsql/cassandra"
)

// activeUsers is application code: it reads with a per-query consistency.
func activeUsers(ctx context.Context, db *sql.DB, team string) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users WHERE team = ?", team,
		cassandra.WithConsistency(cassandra.LocalOne))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Unit-testing code that uses per-query options with go-sqlmock: a
// QueryOption is a driver.Valuer whose value describes it, so the mock sees
// it as one more argument, "cassandra.WithConsistency(LOCAL_ONE)", which
// WithArgs can expect. The cassandra driver itself never sends it.
func Example_sqlmock() {
	db, mock, err := sqlmock.New()
	if err != nil {
		panic(err)
	}
	defer db.Close()

	mock.ExpectQuery(`SELECT name FROM users WHERE team = \?`).
		WithArgs("blue", "cassandra.WithConsistency(LOCAL_ONE)").
		WillReturnRows(sqlmock.NewRows([]string{"name"}).AddRow("ada").AddRow("bob"))

	names, err := activeUsers(context.Background(), db, "blue")
	fmt.Println(names, err)
	fmt.Println(mock.ExpectationsWereMet())
	// Output:
	// [ada bob] <nil>
	// <nil>
}
