//go:build go1.27

package cassandra

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// With Go 1.27, database/sql scans through ScanColumn: a text cell goes
// into sql.RawBytes as itself (an empty text is empty, not nil as
// database/sql's copy would make it), NULL still goes through database/sql's
// conversion, and a decode error names its column.
func TestScanColumnThroughDatabaseSQL(t *testing.T) {
	db, _ := planNode(t, []protocol.ColumnSpec{col("a", codec.TypeVarchar), col("b", codec.TypeVarchar), col("n", codec.TypeBigint)},
		[][]byte{[]byte("text"), {}, nil},
		[][]byte{{0xff}, {}, be64(1)})
	rows, err := db.Query("SELECT a, b, n FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	var a, b sql.RawBytes
	var n *int64
	if err := rows.Scan(&a, &b, &n); err != nil {
		t.Fatal(err)
	}
	if string(a) != "text" || b == nil || len(b) != 0 || n != nil {
		t.Fatalf("got a=%q b=%q (nil %v) n=%v", a, b, b == nil, n)
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	var s, s2 string
	var m int64
	err = rows.Scan(&s, &s2, &m)
	if err == nil || !strings.Contains(err.Error(), "column index 0") || !strings.Contains(err.Error(), "invalid UTF-8") {
		t.Fatalf("invalid UTF-8 scanned with error %v", err)
	}
}
