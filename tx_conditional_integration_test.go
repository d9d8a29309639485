package cassandra

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Why the transaction example keeps its conditional batch within one
// partition: Cassandra refuses a conditional batch across tables (the
// example's first version) or across partitions, and takes one within a
// partition.
func TestIntegrationConditionalBatchStaysInOnePartition(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE orders (id text PRIMARY KEY, sku text, qty int)")
	mustExec(t, db, "CREATE TABLE stock (warehouse text, sku text, count int, PRIMARY KEY (warehouse, sku))")
	mustExec(t, db, "INSERT INTO stock (warehouse, sku, count) VALUES ('w1', 'sku-1', 10)")
	mustExec(t, db, "INSERT INTO stock (warehouse, sku, count) VALUES ('w2', 'sku-1', 10)")
	ctx := context.Background()
	batch := func(stmts ...[]any) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, s := range stmts {
			if _, err := tx.Exec(s[0].(string), s[1:]...); err != nil {
				t.Fatal(err)
			}
		}
		return tx.Commit()
	}
	err := batch(
		[]any{"INSERT INTO orders (id, sku, qty) VALUES (?, ?, ?)", "o-1", "sku-1", 1},
		[]any{"UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", 9, "w1", "sku-1", 10})
	if err == nil || !strings.Contains(err.Error(), "tables") {
		t.Errorf("conditional batch across tables: %v, want Cassandra's refusal", err)
	}
	err = batch(
		[]any{"UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", 9, "w1", "sku-1", 10},
		[]any{"UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", 9, "w2", "sku-1", 10})
	if err == nil || !strings.Contains(err.Error(), "partition") {
		t.Errorf("conditional batch across partitions: %v, want Cassandra's refusal", err)
	}
	oneUnit := func() error {
		return batch(
			[]any{"UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ? IF count = ?", 9, "w1", "sku-1", 10},
			[]any{"INSERT INTO stock (warehouse, sku, count) VALUES (?, ?, ?)", "w1", "sku-2", 1})
	}
	if err := oneUnit(); err != nil {
		t.Fatalf("conditional batch in one partition: %v", err)
	}
	if err := oneUnit(); !errors.Is(err, ErrNotApplied) {
		t.Fatalf("the same batch again: %v, want ErrNotApplied", err)
	}
	// Without conditions, a batch may span tables and partitions.
	if err := batch(
		[]any{"INSERT INTO orders (id, sku, qty) VALUES (?, ?, ?)", "o-1", "sku-1", 1},
		[]any{"UPDATE stock SET count = ? WHERE warehouse = ? AND sku = ?", 9, "w2", "sku-1"}); err != nil {
		t.Fatalf("unconditional batch across tables: %v", err)
	}
}
