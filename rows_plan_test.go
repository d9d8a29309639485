package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/pool"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// planNode serves one prepared statement whose rows are given, and returns
// the *sql.DB with its Connector.
func planNode(t *testing.T, result []protocol.ColumnSpec, cells ...[][]byte) (*sql.DB, *Connector) {
	t.Helper()
	rows := &protocol.Rows{Metadata: protocol.RowsMetadata{ColumnCount: len(result)}}
	for _, row := range cells {
		if err := rows.AppendRow(row...); err != nil {
			t.Fatal(err)
		}
	}
	srv := preparedNode(t, []protocol.ColumnSpec{col("k", codec.TypeInt)}, result, rows)
	return fakeConnector(t, srv.Addr(), nil)
}

func cachedStmt(t *testing.T, c *Connector, query string) *pool.Stmt {
	t.Helper()
	ps, err := c.prepared.Get(context.Background(), c.cfg.Keyspace, query, func(context.Context) (*pool.Stmt, error) {
		return nil, errors.New("not prepared yet")
	})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestResultPlanIsBuiltOncePerStatement(t *testing.T) {
	db, c := planNode(t, []protocol.ColumnSpec{col("v", codec.TypeBigint)}, [][]byte{be64(42)})
	const q = "SELECT v FROM t WHERE k = ?"
	var v int64
	if err := db.QueryRow(q, 1).Scan(&v); err != nil || v != 42 {
		t.Fatalf("first query: %v, %d", err, v)
	}
	ps := cachedStmt(t, c, q)
	first, ok := ps.Plan().(*resultPlan)
	if !ok {
		t.Fatalf("the statement keeps no plan after a query: %#v", ps.Plan())
	}
	if err := db.QueryRow(q, 2).Scan(&v); err != nil || v != 42 {
		t.Fatalf("second query: %v, %d", err, v)
	}
	if ps.Plan() != any(first) {
		t.Fatal("the second query built a new plan")
	}
	// New result metadata (ALTER TABLE, UNPREPARED) drops the plan.
	_, cols := ps.Result()
	ps.SetResult([]byte{9}, append([]protocol.ColumnSpec(nil), cols...))
	if ps.Plan() != nil {
		t.Fatal("the plan survived new result metadata")
	}
}

func TestResultPlanMatchesEqualColumns(t *testing.T) {
	a := []protocol.ColumnSpec{col("k", codec.TypeInt), {Name: "m", Type: codec.Type{ID: codec.TypeMap, Elems: []codec.Type{{ID: codec.TypeVarchar}, {ID: codec.TypeInt}}}}}
	p, err := newResultPlan(a)
	if err != nil {
		t.Fatal(err)
	}
	same := append([]protocol.ColumnSpec(nil), a...) // as a v4 result carries it
	renamed := append([]protocol.ColumnSpec(nil), a...)
	renamed[1].Name = "n"
	retyped := append([]protocol.ColumnSpec(nil), a...)
	retyped[1].Type = codec.Type{ID: codec.TypeMap, Elems: []codec.Type{{ID: codec.TypeVarchar}, {ID: codec.TypeBigint}}}
	switch {
	case !p.matches(a), !p.matches(same):
		t.Error("the plan does not match its own columns")
	case p.matches(renamed), p.matches(retyped), p.matches(a[:1]):
		t.Error("the plan matches other columns")
	}
	if n := testing.AllocsPerRun(100, func() { p.matches(same) }); n != 0 {
		t.Errorf("matches allocates %v times", n)
	}
}

func TestBlobsAreCopiedIntoEveryDestinationButRawBytes(t *testing.T) {
	db, _ := planNode(t, []protocol.ColumnSpec{col("b", codec.TypeBlob)},
		[][]byte{{1, 2, 3}}, [][]byte{{4, 5, 6}}, [][]byte{{}}, [][]byte{nil})
	rows, err := db.Query("SELECT b FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][]byte
	var anys []any
	for i := 0; rows.Next(); i++ {
		var b []byte
		var raw sql.RawBytes
		var a any
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := rows.Scan(&raw); err != nil { // last: database/sql allows no Scan after RawBytes
			t.Fatal(err)
		}
		if string(raw) != string(b) {
			t.Errorf("row %d: RawBytes %v, []byte %v", i, raw, b)
		}
		if len(b) > 0 {
			b[0] = 99 // must not reach the frame, nor the other copies
			if raw[0] == 99 || a.([]byte)[0] == 99 {
				t.Errorf("row %d: the []byte destination shares memory with another", i)
			}
		}
		got, anys = append(got, b), append(anys, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0][1] != 2 || got[1][1] != 5 || anys[0].([]byte)[0] != 1 {
		t.Fatalf("rows: %v, %v", got, anys)
	}
	if got[2] == nil || len(got[2]) != 0 {
		t.Errorf("an empty blob scanned as %#v, want []byte{}", got[2])
	}
	if got[3] != nil || anys[3] != nil {
		t.Errorf("NULL scanned as %#v and %#v, want nil", got[3], anys[3])
	}
}

func TestUUIDColumnsScanAsStrings(t *testing.T) {
	u := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	db, _ := planNode(t, []protocol.ColumnSpec{col("u", codec.TypeTimeUUID)},
		[][]byte{u[:]}, [][]byte{nil}, [][]byte{{}})
	rows, err := db.Query("SELECT u FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []any
	for rows.Next() {
		var a any
		var nu uuid.NullUUID
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := rows.Scan(&nu); err != nil {
			t.Fatal(err)
		}
		if nu.Valid != (a != nil) || nu.Valid && nu.UUID != u {
			t.Errorf("uuid.NullUUID %v for %v", nu, a)
		}
		got = append(got, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != u.String() || got[1] != nil || got[2] != nil {
		t.Fatalf("got %#v, want the string, then nil for NULL and for an empty value", got)
	}
}

func TestMalformedUUIDNamesTheColumn(t *testing.T) {
	db, _ := planNode(t, []protocol.ColumnSpec{col("owner", codec.TypeUUID)}, [][]byte{{1, 2, 3}})
	var s string
	err := db.QueryRow("SELECT owner FROM t WHERE k = ?", 1).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), "owner") {
		t.Fatalf("a 3-byte uuid: %v, want an error naming the column", err)
	}
}
