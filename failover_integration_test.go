package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// The failover tests: a workload of 16 goroutines on the two-datacenter
// cluster (testcluster.TwoDCs, RF 3 over dc1's two nodes and dc2's one)
// while a node is killed (at QUORUM) or frozen (at ONE; and at QUORUM on a
// one-datacenter cluster of the test's own), with the default
// DSN but for the contact point and the consistency.

// workloadOp is what one operation of the workload was.
type workloadOp uint8

const (
	opSelect workloadOp = iota
	opIdempotentWrite
	opPlainWrite
	numOps
)

func (o workloadOp) String() string {
	return [...]string{"SELECT", "idempotent write", "plain write"}[o]
}

// workload runs 16 goroutines against ks.kv and records, per 5 s window of
// its start time, each operation's kind, latency and error.
type workload struct {
	sel, ins *sql.Stmt
	start    time.Time
	mu       sync.Mutex
	events   []workloadEvent
}

type workloadEvent struct {
	at      time.Duration // since the workload's start
	op      workloadOp
	latency time.Duration
	err     error
}

// prepare prepares the workload's statements on ks.kv and sets its start;
// the test's own goroutine calls it, before run.
func (w *workload) prepare(t *testing.T, db *sql.DB, ks string) {
	var err error
	if w.sel, err = db.Prepare("SELECT v FROM " + ks + ".kv WHERE k = ?"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.sel.Close() })
	if w.ins, err = db.Prepare("INSERT INTO " + ks + ".kv (k, v) VALUES (?, ?)"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.ins.Close() })
	w.start = time.Now()
}

// run runs the prepared workload until stop is closed (at most d); mix
// picks the operation of the i-th request of a goroutine.
func (w *workload) run(d time.Duration, stop <-chan struct{}, mix func(i int) workloadOp) {
	sel, ins := w.sel, w.ins
	var wg sync.WaitGroup
	var seq atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; time.Since(w.start) < d && !closed(stop); i++ {
				op := mix(i)
				k := int(seq.Add(1) % 1000)
				begin := time.Now()
				var err error
				switch op {
				case opSelect:
					var v int
					err = sel.QueryRow(k).Scan(&v)
					if err == sql.ErrNoRows {
						err = nil
					}
				case opIdempotentWrite:
					_, err = ins.ExecContext(context.Background(), k, i, WithIdempotent(true))
				case opPlainWrite:
					_, err = ins.Exec(k, i)
				}
				w.mu.Lock()
				w.events = append(w.events, workloadEvent{at: begin.Sub(w.start), op: op, latency: time.Since(begin), err: err})
				w.mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// report logs ops/s, errors and latency percentiles per 5 s window, and
// returns the errors by operation.
func (w *workload) report(t *testing.T) map[workloadOp][]error {
	errs := map[workloadOp][]error{}
	windows := map[int][]workloadEvent{}
	for _, e := range w.events {
		windows[int(e.at/(5*time.Second))] = append(windows[int(e.at/(5*time.Second))], e)
		if e.err != nil {
			errs[e.op] = append(errs[e.op], e.err)
		}
	}
	keys := make([]int, 0, len(windows))
	for k := range windows {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		ev := windows[k]
		lat := make([]time.Duration, len(ev))
		nerr := 0
		for i, e := range ev {
			lat[i] = e.latency
			if e.err != nil {
				nerr++
			}
		}
		p50, p99, max := percentiles(lat)
		t.Logf("%3ds-%3ds: %6.0f ops/s, %4d errors, p50 %v, p99 %v, max %v", k*5, k*5+5, float64(len(ev))/5, nerr,
			p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), max.Round(time.Millisecond))
	}
	for op := workloadOp(0); op < numOps; op++ {
		t.Logf("%s: %d errors", op, len(errs[op]))
	}
	return errs
}

func percentiles(lat []time.Duration) (p50, p99, max time.Duration) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
}

// latencies returns the latencies of the events that started within
// [from, to).
func (w *workload) latencies(from, to time.Duration) []time.Duration {
	var out []time.Duration
	for _, e := range w.events {
		if e.at >= from && e.at < to {
			out = append(out, e.latency)
		}
	}
	return out
}

// logWriter sends the driver's log lines to the test's log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// failoverDB opens a *sql.DB with the default DSN but for the consistency
// (and dsnExtra) on the two-datacenter cluster,
// with a keyspace of RF 3 (dc1: 2, dc2: 1) holding kv.
func failoverDB(t *testing.T, consistency, dsnExtra string) (*sql.DB, *Connector, string) {
	hosts := testcluster.TwoDCs.Hosts(t)
	cfg, err := ParseDSN("cassandra://" + hosts[0] + "?consistency=" + consistency + dsnExtra)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, c, ks := clusterKeyspace(t, cfg, "fo", "{'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}")
	mustExec(t, db, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v int)")
	return db, c, ks
}

// TestFailoverNodeKilled: a node killed with SIGKILL under load at 15 s,
// restarted 10 s later. SELECTs and idempotent writes see no error with the default
// DSN; the plain writes that fail say they may have been applied; the node
// coordinates requests again within 5 s of answering CQL.
func TestFailoverNodeKilled(t *testing.T) {
	db, c, ks := failoverDB(t, "QUORUM", "")
	node := testcluster.TwoDCs.Node(t, 2)
	var w workload
	done, stop := make(chan struct{}), make(chan struct{})
	w.prepare(t, db, ks)
	go func() {
		defer close(done)
		w.run(3*time.Minute, stop, func(i int) workloadOp {
			switch i % 4 {
			case 0, 1:
				return opSelect
			case 2:
				return opIdempotentWrite
			}
			return opPlainWrite
		})
	}()
	time.Sleep(15 * time.Second)
	pid := node.Pid(t)
	t.Logf("%v: kill -9 %d (%s)", time.Since(w.start).Round(time.Second), pid, node.Addr)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Second)
	t.Logf("%v: restarting %s", time.Since(w.start).Round(time.Second), node.Addr)
	node.Restart(t)
	back := time.Now()
	t.Logf("%v: %s answers CQL", time.Since(w.start).Round(time.Second), node.Addr)
	base := requestsByAddr(c)[node.Addr]
	for requestsByAddr(c)[node.Addr] == base && time.Since(back) < 5*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	if requestsByAddr(c)[node.Addr] == base {
		t.Errorf("%s answers CQL again and got no request within 5s", node.Addr)
	} else {
		t.Logf("%s got requests %v after answering CQL again", node.Addr, time.Since(back).Round(time.Millisecond))
	}
	time.Sleep(5 * time.Second)
	close(stop)
	<-done
	errs := w.report(t)
	for _, op := range []workloadOp{opSelect, opIdempotentWrite} {
		if n := len(errs[op]); n > 0 {
			t.Errorf("%d %s errors with the default DSN; the first: %v", n, op, errs[op][0])
		}
	}
	for _, err := range errs[opPlainWrite] {
		if !errors.Is(err, ErrMaybeApplied) {
			t.Errorf("a plain write failed without ErrMaybeApplied: %v", err)
			break
		}
	}
}

// TestFailoverNodeStalled: a node frozen with SIGSTOP for 20 s under an
// idempotent load with timeout=2s, at ONE on the two-datacenter cluster
// (RF 3: dc1 2, dc2 1, a dc1 node frozen). TestFailoverNodeStalledQuorum is
// the same at QUORUM on a one-datacenter cluster.
func TestFailoverNodeStalled(t *testing.T) {
	db, c, ks := failoverDB(t, "ONE", "&timeout=2s")
	node := testcluster.TwoDCs.Node(t, 2)
	stallUnderLoad(t, db, c, ks, node.Pid(t), node.Addr)
}

// TestFailoverNodeStalledQuorum: the stall at QUORUM, RF 3, on three nodes
// of one datacenter (a cluster of the test's own, as it freezes a node of
// it). At QUORUM on the two-datacenter cluster a dc1 coordinator waits for
// the frozen dc1 replica, the nearest, until Cassandra's own speculative
// retry sends to the dc2 one, and a request can run out of its 2 s there:
// nothing a driver can shorten. With the replicas in one datacenter the
// coordinators route around the frozen one.
func TestFailoverNodeStalledQuorum(t *testing.T) {
	testcluster.TwoDCs.Hosts(t) // runs where the failover tests run
	j := testcluster.LaunchJoining(t, 3, 3, "CASSANDRA_PORT=9282", "CASSANDRA_STORAGE_PORT=7300",
		"CASSANDRA_NUM_TOKENS=16", "CASSANDRA_HEAP=512M")
	addrs := j.Addrs()
	cfg, err := ParseDSN("cassandra://" + addrs[0] + "?consistency=QUORUM&timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, c, ks := clusterKeyspace(t, cfg, "foq", "{'class': 'SimpleStrategy', 'replication_factor': 3}")
	mustExec(t, db, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v int)")
	stallUnderLoad(t, db, c, ks, j.Pid(t, 2), addrs[1])
}

// stallUnderLoad freezes the node of pid (at addr) from 15 s to 35 s of a
// 60 s idempotent load. No request fails or takes longer than the timeout
// (2 s); those that start 1 s after the stall began are as fast as before
// it (p99 at most twice the p99 before, plus 50 ms); the node gets
// requests again after SIGCONT.
func stallUnderLoad(t *testing.T, db *sql.DB, c *Connector, ks string, pid int, addr string) {
	const runFor = 60 * time.Second
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	var w workload
	done := make(chan struct{})
	w.prepare(t, db, ks)
	go func() {
		defer close(done)
		w.run(runFor, nil, func(i int) workloadOp {
			if i%2 == 0 {
				return opSelect
			}
			return opIdempotentWrite
		})
	}()
	const stallAt, contAt = 15 * time.Second, 35 * time.Second
	time.Sleep(stallAt)
	for _, h := range c.Hosts() {
		t.Logf("%s: p99 estimate %v, requests %d", h.Addr, c.pool.P99(h.Addr), h.Requests)
	}
	t.Logf("%v: kill -STOP %d (%s)", time.Since(w.start).Round(time.Millisecond), pid, addr)
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stalled := time.Since(w.start)
	time.Sleep(contAt - stallAt)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	cont := time.Since(w.start)
	t.Logf("%v: kill -CONT %d", cont.Round(time.Millisecond), pid)
	base := requestsByAddr(c)[addr]
	<-done
	t.Logf("%d speculative executions", c.speculated.Load())
	errs := w.report(t)
	for op, list := range errs {
		t.Errorf("%d %s errors during the stall; the first: %v", len(list), op, list[0])
	}
	_, before, _ := percentiles(w.latencies(0, stalled))
	_, during, max := percentiles(w.latencies(stalled+time.Second, cont))
	t.Logf("p99 before the stall %v, from 1s after it began until SIGCONT %v (max %v)", before, during, max)
	if limit := 2*before + 50*time.Millisecond; during > limit {
		t.Errorf("p99 during the stall %v, want at most %v", during, limit)
	}
	for _, e := range w.events {
		if e.latency > 2*time.Second+200*time.Millisecond {
			t.Errorf("a %s took %v with timeout=2s", e.op, e.latency)
			break
		}
	}
	if requestsByAddr(c)[addr] == base {
		t.Errorf("%s got no request in the %v after SIGCONT", addr, runFor-cont)
	}
}

// TestContactPointsDeadFirst: a DSN whose first contact points refuse
// connections or do not answer at all still serves the first query within
// connect_timeout + 1 s, and later queries never wait on them.
func TestContactPointsDeadFirst(t *testing.T) {
	hosts := testcluster.ThreeNodes.Hosts(t)
	// 127.0.0.1:1 refuses; 10.255.255.1 is not routed: a dial waits for
	// connect_timeout (or fails at once where the network says so).
	dsn := "cassandra://127.0.0.1:1,10.255.255.1:9042," + hosts[0] + "?connect_timeout=2s"
	db, err := sql.Open("cassandra", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	first := time.Since(start)
	t.Logf("first request after %v", first.Round(time.Millisecond))
	if first > 3*time.Second {
		t.Errorf("first request took %v, want at most connect_timeout + 1s", first)
	}
	for i := 0; i < 20; i++ {
		start := time.Now()
		var v string
		if err := db.QueryRow("SELECT release_version FROM system.local").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("query %d took %v: it waited on a dead contact point", i, d)
		}
	}
}
