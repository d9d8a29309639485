package cassandra

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

type sqlxItem struct {
	PK    int     `db:"pk"`
	CK    int     `db:"ck"`
	Name  string  `db:"v"`
	Price *string `db:"price"`
}

func TestIntegrationSqlx(t *testing.T) {
	_, c, ks := testDB(t)
	cfg := c.Config()
	cfg.PageSize = 7 // Select must walk many pages
	db, err := sqlx.Connect("cassandra", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !strings.Contains(cfg.FormatDSN(), ks) {
		t.Fatalf("DSN %q lacks the keyspace", cfg.FormatDSN())
	}
	db.MustExec("CREATE TABLE p (pk int, ck int, v text, price text, PRIMARY KEY (pk, ck))")

	// NamedExec binds struct fields to :name markers (sqlx turns them into ?).
	for i := 0; i < 50; i++ {
		if _, err := db.NamedExec("INSERT INTO p (pk, ck, v) VALUES (:pk, :ck, :v)", sqlxItem{PK: 0, CK: i, Name: "item" + itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.NamedExec("UPDATE p SET price = :price WHERE pk = :pk AND ck = :ck",
		map[string]any{"price": "9.99", "pk": 0, "ck": 3}); err != nil {
		t.Fatal(err)
	}

	var items []sqlxItem
	if err := db.SelectContext(context.Background(), &items, "SELECT pk, ck, v, price FROM p WHERE pk = ?", 0); err != nil {
		t.Fatal(err)
	}
	if len(items) != 50 {
		t.Fatalf("Select read %d rows across pages of 7, want 50", len(items))
	}
	for i, it := range items {
		if it.CK != i || it.Name != "item"+itoa(i) {
			t.Fatalf("row %d: %+v", i, it)
		}
		if (i == 3) != (it.Price != nil) {
			t.Fatalf("row %d: price %v", i, it.Price)
		}
	}

	var one sqlxItem
	if err := db.Get(&one, "SELECT pk, ck, v, price FROM p WHERE pk = ? AND ck = ?", 0, 3); err != nil {
		t.Fatal(err)
	}
	if one.Price == nil || *one.Price != "9.99" || one.Name != "item3" {
		t.Errorf("Get: %+v", one)
	}

	// Per-query options go through sqlx untouched.
	var n int64
	if err := db.Get(&n, "SELECT count(*) FROM p WHERE pk = ?", 0, WithConsistency(One)); err != nil || n != 50 {
		t.Errorf("count: %d, %v", n, err)
	}
}
