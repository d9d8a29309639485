package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

func TestFirstKeyword(t *testing.T) {
	for q, want := range map[string]string{
		"INSERT INTO t (k) VALUES (1)":        "INSERT",
		"  \n\tupdate t SET v = 1":            "update",
		"-- note\nDELETE FROM t WHERE k = 1":  "DELETE",
		"// note\n/* more */ SELECT * FROM t": "SELECT",
		"/* unterminated":                     "",
		"":                                    "",
		"use ks":                              "use",
	} {
		if got := firstKeyword(q); got != want {
			t.Errorf("firstKeyword(%q) = %q, want %q", q, got, want)
		}
	}
	if err := checkStatement("  USE other"); err == nil || !strings.Contains(err.Error(), "Config.Keyspace") {
		t.Errorf("USE: %v", err)
	}
}

func TestCheckNamedValueTakesOptions(t *testing.T) {
	cn := &conn{}
	var state []byte
	for _, v := range []any{WithConsistency(All), WithPageSize(7), sql.Out{Dest: &state}, WithPaging(PagingPages)} {
		if err := cn.CheckNamedValue(&driver.NamedValue{Value: v}); err != driver.ErrRemoveArgument {
			t.Errorf("%v: %v, want ErrRemoveArgument", v, err)
		}
	}
	for _, v := range []any{1, "x", nil, []byte{1}} {
		nv := &driver.NamedValue{Value: v}
		if err := cn.CheckNamedValue(nv); err != nil {
			t.Errorf("%v: %v", v, err)
		}
	}
	if err := cn.CheckNamedValue(&driver.NamedValue{Value: sql.Out{Dest: new(string)}}); err == nil {
		t.Error("sql.Out with a *string accepted")
	}
	ctx := WithQueryOptions(context.Background(), WithConsistency(One), WithTimestamp(timeAtMicro(5)))
	o := cn.takeOptions(ctx)
	if !o.hasConsistency || o.consistency != All || o.pageSize != 7 || o.pagingOut != &state ||
		!o.hasPaging || o.paging != PagingPages || !o.hasTimestamp || o.timestamp != 5 {
		t.Errorf("merged options %+v", o)
	}
	if o := cn.takeOptions(context.Background()); o.hasConsistency || o.pageSize != 0 {
		t.Errorf("options not cleared: %+v", o)
	}
}

func TestQueryOptionValueDescribesIt(t *testing.T) {
	v, err := WithConsistency(LocalOne).Value()
	if err != nil || v != "cassandra.WithConsistency(LOCAL_ONE)" {
		t.Errorf("Value = %v, %v", v, err)
	}
}

func TestOrderArgs(t *testing.T) {
	markers := []protocol.ColumnSpec{{Name: "id"}, {Name: "name"}, {Name: "id"}}
	got, err := orderArgs(nil, markers, []driver.NamedValue{{Name: "name", Value: "n"}, {Name: "ID", Value: 1}})
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != "n" || got[2] != 1 {
		t.Errorf("named: %v, %v", got, err)
	}
	if _, err := orderArgs(nil, markers, []driver.NamedValue{{Name: "name", Value: "n"}, {Value: 1}}); err == nil {
		t.Error("mixed named and positional accepted")
	}
	if _, err := orderArgs(nil, markers[:2], []driver.NamedValue{{Name: "name"}, {Name: "id"}, {Name: "extra"}}); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("extra argument: %v", err)
	}
	if _, err := orderArgs(nil, markers, []driver.NamedValue{{Name: "name"}}); err == nil || !strings.Contains(err.Error(), `"id"`) {
		t.Errorf("missing argument: %v", err)
	}
	got, err = orderArgs(nil, markers, []driver.NamedValue{{Value: 1}, {Value: 2}})
	if err != nil || len(got) != 2 {
		t.Errorf("positional: %v, %v", got, err)
	}
}

func TestResultNeverMakesUpACount(t *testing.T) {
	if _, err := (result{}).RowsAffected(); err == nil {
		t.Error("unconditional statement: RowsAffected did not fail")
	}
	if _, err := (result{queued: true}).RowsAffected(); err == nil {
		t.Error("queued statement: RowsAffected did not fail")
	}
	if n, err := (result{hasApplied: true, applied: true}).RowsAffected(); n != 1 || err != nil {
		t.Errorf("applied: %d, %v", n, err)
	}
	if n, err := (result{hasApplied: true}).RowsAffected(); n != 0 || err != nil {
		t.Errorf("not applied: %d, %v", n, err)
	}
	if _, err := (result{}).LastInsertId(); err == nil {
		t.Error("LastInsertId did not fail")
	}
}

func TestTxOptionsRefused(t *testing.T) {
	cn := &conn{c: &Connector{}}
	if _, err := cn.BeginTx(context.Background(), driver.TxOptions{Isolation: driver.IsolationLevel(sql.LevelSerializable)}); err == nil {
		t.Error("serializable accepted")
	}
	if _, err := cn.BeginTx(context.Background(), driver.TxOptions{ReadOnly: true}); err == nil {
		t.Error("read-only accepted")
	}
	tx, err := cn.BeginTx(WithQueryOptions(context.Background(), WithBatchType(CounterBatch)), driver.TxOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tx.(*batchTx).opts.batchType != CounterBatch {
		t.Error("batch type not taken from the context")
	}
	if _, err := cn.query(context.Background(), "SELECT 1", nil, nil); err == nil || !strings.Contains(err.Error(), "BATCH") {
		t.Errorf("query in tx: %v", err)
	}
	if err := tx.Commit(); err != nil { // empty: sends nothing
		t.Fatal(err)
	}
}

func TestConnectorClosedGivesBadConn(t *testing.T) {
	cfg := NewConfig()
	cfg.Hosts = []string{"127.0.0.1:1"}
	c, err := newConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cn, err := c.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if cn.(driver.Validator).IsValid() {
		t.Error("handle valid after Connector.Close")
	}
	if err := cn.(driver.SessionResetter).ResetSession(context.Background()); err != driver.ErrBadConn {
		t.Errorf("ResetSession: %v", err)
	}
	if _, err := c.Connect(context.Background()); err == nil {
		t.Error("Connect after Close succeeded")
	}
}

func TestDSNPasswordNotInConnectError(t *testing.T) {
	db, err := sql.Open("cassandra", "cassandra://user:s3cr3tpw@127.0.0.1:1/ks?connect_timeout=1s")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Ping()
	if err == nil {
		t.Fatal("ping of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3tpw") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestTxStatementOptionsRefused(t *testing.T) {
	cn := &conn{c: &Connector{}}
	if _, err := cn.BeginTx(context.Background(), driver.TxOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cn.CheckNamedValue(&driver.NamedValue{Value: WithConsistency(One)}); err != driver.ErrRemoveArgument {
		t.Fatal(err)
	}
	_, err := cn.exec(context.Background(), "INSERT INTO t (k) VALUES (1)", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "BeginTx") {
		t.Errorf("option on a tx statement: %v", err)
	}
}

func TestOpenConnectorErrorIsNilConnector(t *testing.T) {
	c, err := Driver{}.OpenConnector("cassandra://")
	if err == nil || c != nil {
		t.Fatalf("got %v, %v; want a nil Connector and an error", c, err)
	}
	c, err = NewConnector(&Config{})
	if err == nil || c != nil {
		t.Fatalf("got %v, %v; want a nil Connector and an error", c, err)
	}
}

// USE is refused on every path, before anything is sent: a prepared
// statement is checked once, when it is prepared.
func TestUseIsRefusedOnEveryPath(t *testing.T) {
	var sent atomic.Int32
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		switch req.Message.Opcode() {
		case protocol.OpQuery, protocol.OpPrepare, protocol.OpExecute:
			sent.Add(1)
		}
		return false
	}})
	db := fakeDB(t, srv.Addr(), nil)
	_, execErr := db.Exec("USE other")
	_, queryErr := db.Query("/* c */ use other", 1)
	_, prepErr := db.Prepare("  Use other")
	for name, err := range map[string]error{"Exec": execErr, "Query with an argument": queryErr, "Prepare": prepErr} {
		if err == nil || !strings.Contains(err.Error(), "USE is not supported") {
			t.Errorf("%s: %v, want the USE error", name, err)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d statements reached the server", n)
	}
}
