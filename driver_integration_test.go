package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"math/big"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

func TestIntegrationRoundTripTypes(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, `CREATE TABLE types (
		id int PRIMARY KEY, t text, b bigint, d double, ok boolean, u uuid,
		ts timestamp, bl blob, tags list<text>, m map<text, int>, vi varint, ip inet)`)
	id := uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	ts := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	mustExec(t, db, "INSERT INTO types (id, t, b, d, ok, u, ts, bl, tags, m, vi, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		1, "héllo", int64(1)<<40, 2.5, true, id, ts, []byte{0, 1, 2}, []string{"a", "b"}, map[string]int{"x": 1, "y": 2},
		big.NewInt(-123456789), netip.MustParseAddr("10.0.0.1"))
	mustExec(t, db, "INSERT INTO types (id) VALUES (?)", 2)
	mustExec(t, db, "INSERT INTO types (id, t, b) VALUES (?, ?, ?)", 3, nil, nil)

	var (
		s    string
		b    int64
		d    float64
		ok   bool
		u    uuid.UUID
		gotT time.Time
		bl   []byte
		tags []string
		m    map[string]int32
		vi   *big.Int
		ip   net.IP
	)
	err := db.QueryRow("SELECT t, b, d, ok, u, ts, bl, tags, m, vi, ip FROM types WHERE id = ?", 1).
		Scan(&s, &b, &d, &ok, &u, &gotT, &bl, &tags, &m, &vi, &ip)
	if err != nil {
		t.Fatal(err)
	}
	if s != "héllo" || b != 1<<40 || d != 2.5 || !ok || u != id || !gotT.Equal(ts) || !reflect.DeepEqual(bl, []byte{0, 1, 2}) ||
		!reflect.DeepEqual(tags, []string{"a", "b"}) || !reflect.DeepEqual(m, map[string]int32{"x": 1, "y": 2}) ||
		vi.Cmp(big.NewInt(-123456789)) != 0 || !ip.Equal(net.ParseIP("10.0.0.1")) {
		t.Errorf("got %q %d %v %v %v %v %v %v %v %v %v", s, b, d, ok, u, gotT, bl, tags, m, vi, ip)
	}

	for _, id := range []int{2, 3} {
		var ns sql.NullString
		var nb sql.NullInt64
		var ntags []string
		if err := db.QueryRow("SELECT t, b, tags FROM types WHERE id = ?", id).Scan(&ns, &nb, &ntags); err != nil {
			t.Fatal(err)
		}
		if ns.Valid || nb.Valid || ntags != nil {
			t.Errorf("id %d: want NULLs, got %v %v %v", id, ns, nb, ntags)
		}
	}

	rows, err := db.Query("SELECT id, t, m FROM types WHERE id = 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ct := range cts {
		names = append(names, ct.DatabaseTypeName())
		if n, ok := ct.Nullable(); !ok || !n {
			t.Errorf("%s: Nullable = %v, %v", ct.Name(), n, ok)
		}
	}
	if want := []string{"INT", "TEXT", "MAP<TEXT, INT>"}; !reflect.DeepEqual(names, want) {
		t.Errorf("DatabaseTypeName: got %q, want %q", names, want)
	}
	if st := cts[0].ScanType(); st != reflect.TypeOf(int32(0)) {
		t.Errorf("ScanType of int column: %v", st)
	}
}

func TestIntegrationAutoPagingReadsAllRows(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(t, db, 1234)
	rows, err := db.QueryContext(WithQueryOptions(context.Background(), WithPageSize(100)), "SELECT ck, v FROM p WHERE pk = 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var ck int
		var v string
		if err := rows.Scan(&ck, &v); err != nil {
			t.Fatal(err)
		}
		if ck != n || v != "v"+itoa(n) {
			t.Fatalf("row %d: got %d %q", n, ck, v)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1234 {
		t.Fatalf("read %d rows, want 1234", n)
	}
	if rows.NextResultSet() {
		t.Error("auto mode: NextResultSet = true")
	}
}

// insertRows inserts n rows (0, i, "v<i>") into table p, 100 per
// unlogged batch (one partition).
func insertRows(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	ctx := WithQueryOptions(context.Background(), WithBatchType(UnloggedBatch))
	for i := 0; i < n; {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for end := min(i+100, n); i < end; i++ {
			if _, err := tx.Exec("INSERT INTO p (pk, ck, v) VALUES (0, ?, ?)", i, "v"+itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func TestIntegrationSyntaxErrorIsError(t *testing.T) {
	db, _, _ := testDB(t)
	for _, args := range [][]any{nil, {1}} {
		_, err := db.Exec("SELEKT * FROM nowhere WHERE x = ?", args...)
		var cerr *Error
		if !errors.As(err, &cerr) {
			t.Fatalf("args %v: error %v (%T) is not a *cassandra.Error", args, err, err)
		}
		if cerr.Code != 0x2000 {
			t.Errorf("code %v, want SYNTAX_ERROR (0x2000)", cerr.Code)
		}
		if !errors.Is(err, &Error{Code: ErrCodeSyntax}) {
			t.Error("errors.Is by code failed")
		}
	}
}

func TestIntegrationManyGoroutinesFewSockets(t *testing.T) {
	db, c, ks := testDB(t)
	db.SetMaxOpenConns(200)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v int)")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for g := 0; g < 200; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := g*50 + i
				if i%2 == 0 {
					if _, err := db.ExecContext(ctx, "INSERT INTO kv (k, v) VALUES (?, ?)", k, k*2); err != nil {
						errs <- err
						return
					}
					continue
				}
				var v int
				if err := db.QueryRowContext(ctx, "SELECT v FROM kv WHERE k = ?", k-1).Scan(&v); err != nil {
					errs <- err
					return
				}
				if v != (k-1)*2 {
					errs <- errors.New("wrong value read back")
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	hosts := len(c.cfg.Hosts)
	limit := c.cfg.ConnsPerHost * hosts
	if open := c.pool.Open(); open > limit {
		t.Errorf("pool holds %d sockets, want at most %d", open, limit)
	}
	// Ask the server: our sockets are those with our driver name and the
	// keyspace of this test.
	rows, err := db.QueryContext(ctx, "SELECT driver_name, keyspace_name FROM system_views.clients")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ours := 0
	for rows.Next() {
		var name, keyspace sql.NullString
		if err := rows.Scan(&name, &keyspace); err != nil {
			t.Fatal(err)
		}
		if keyspace.String == ks && name.String == protocol.DriverName {
			ours++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("server lists %d sockets in keyspace %s (ConnsPerHost %d, %d hosts)", ours, ks, c.cfg.ConnsPerHost, hosts)
	if ours < 1 || ours > limit+1 {
		t.Errorf("server lists %d of our sockets, want 1..%d", ours, limit+1)
	}
}

func TestIntegrationContextAndTimeout(t *testing.T) {
	db, c, _ := testDB(t)
	cfg := c.Config()
	cfg.Timeout = time.Microsecond
	short := openTestDB(t, cfg)
	defer short.Close()
	_, err := short.Exec("SELECT release_version FROM system.local WHERE key = ?", "local")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Config.Timeout 1µs: %v, want a deadline error", err)
	}
	// The earlier of the context's deadline and Config.Timeout bounds
	// the request.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := short.PingContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Config.Timeout 1µs, context 30s: %v, want a deadline error", err)
	}
	var v string
	if err := db.QueryRowContext(ctx, "SELECT release_version FROM system.local").Scan(&v); err != nil {
		t.Fatalf("with a context deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := db.ExecContext(ctx, "SELECT release_version FROM system.local"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestIntegrationNamedArguments(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, v text)")
	// :name markers, arguments in another order.
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (:key, :val)", sql.Named("val", "one"), sql.Named("key", 1))
	// ? markers are named after their column.
	mustExec(t, db, "INSERT INTO kv (k, v) VALUES (?, ?)", sql.Named("v", "two"), sql.Named("k", 2))
	for k, want := range map[int]string{1: "one", 2: "two"} {
		var v string
		if err := db.QueryRow("SELECT v FROM kv WHERE k = :key", sql.Named("key", k)).Scan(&v); err != nil || v != want {
			t.Errorf("k=%d: %q, %v; want %q", k, v, err, want)
		}
	}
	_, err := db.Exec("INSERT INTO kv (k, v) VALUES (:key, :val)", sql.Named("key", 3), sql.Named("value", "x"))
	if err == nil || !strings.Contains(err.Error(), `"val"`) {
		t.Errorf("misnamed argument: %v", err)
	}
	// A conditional statement with a per-query serial consistency.
	r := mustExec(t, db, "UPDATE kv SET v = ? WHERE k = ? IF v = ?", "uno", 1, "one", WithSerialConsistency(LocalSerial))
	if n, err := r.RowsAffected(); n != 1 || err != nil {
		t.Errorf("conditional update: %d, %v", n, err)
	}
}

func TestIntegrationUnsetLeavesColumn(t *testing.T) {
	db, _, _ := testDB(t)
	mustExec(t, db, "CREATE TABLE kv (k int PRIMARY KEY, a text, b text)")
	mustExec(t, db, "INSERT INTO kv (k, a, b) VALUES (?, ?, ?)", 1, "a1", "b1")
	mustExec(t, db, "INSERT INTO kv (k, a, b) VALUES (?, ?, ?)", 1, Unset, nil)
	var a, b sql.NullString
	if err := db.QueryRow("SELECT a, b FROM kv WHERE k = ?", 1).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a.String != "a1" || b.Valid {
		t.Errorf("a=%v b=%v; want a kept (Unset) and b NULL (nil)", a, b)
	}
}

func TestIntegrationLocalDC(t *testing.T) {
	db, c, _ := testDB(t, func(c *Config) { c.LocalDC = "datacenter1" })
	var v string
	if err := db.QueryRow("SELECT release_version FROM system.local").Scan(&v); err != nil {
		t.Fatalf("local_dc datacenter1: %v", err)
	}
	for _, h := range c.Hosts() {
		if h.Datacenter != "datacenter1" {
			t.Errorf("host %s: datacenter %q, want datacenter1", h.Addr, h.Datacenter)
		}
	}

	// A datacenter the cluster does not have: the first request says which
	// it has.
	cfg := testConfig(t)
	cfg.LocalDC = "elsewhere"
	other := openTestDB(t, cfg)
	defer other.Close()
	err := other.QueryRow("SELECT release_version FROM system.local").Scan(&v)
	if err == nil || !strings.Contains(err.Error(), `"elsewhere"`) || !strings.Contains(err.Error(), "datacenter1") {
		t.Fatalf("local_dc elsewhere: %v, want an error naming it and the cluster's datacenter1", err)
	}
	oneCassandraPrefix(t, err)
}

func TestIntegrationDriverOpen(t *testing.T) {
	cfg := testConfig(t)
	dc, err := Driver{}.Open(cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	cn := dc.(*conn)
	if err := cn.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cn.c.pool.Open() != 1 {
		t.Errorf("%d sockets after Ping, want 1", cn.c.pool.Open())
	}
	if err := dc.Close(); err != nil {
		t.Fatal(err)
	}
	if cn.c.pool.Open() != 0 || !cn.c.closed.Load() {
		t.Error("closing the connection from Driver.Open left its sockets open")
	}
}
