package cassandra

import (
	"context"
	"errors"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// stallPort is the node TestIntegrationStalledNode starts for itself, so
// that stopping it disturbs no other test.
const (
	stallPort        = 9242
	stallStoragePort = "7200"
)

// TestIntegrationStalledNode stops a real node with SIGSTOP (its sockets
// stay open and silent, as in a long GC pause) while 64 goroutines query
// it: every request must return within its timeout plus 1 s, and after
// SIGCONT the same *sql.DB must work again within 2 s.
func TestIntegrationStalledNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node of its own")
	}
	node := testcluster.Launch(t, stallPort, "CASSANDRA_STORAGE_PORT="+stallStoragePort, "CASSANDRA_HEAP=512M")
	pid := node.Pid(t)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })

	const timeout = 2 * time.Second
	cfg := NewConfig()
	cfg.Hosts = []string{node.Addr}
	cfg.Consistency = One
	cfg.Timeout = timeout
	setup := openTestDB(t, func() *Config { c := cfg.Clone(); c.Timeout = time.Minute; return c }())
	defer setup.Close()
	ks := testcluster.Name("stall")
	mustExec(t, setup, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	defer mustExec(t, setup, "DROP KEYSPACE "+ks)
	mustExec(t, setup, "CREATE TABLE "+ks+".kv (k int PRIMARY KEY, v text)")
	mustExec(t, setup, "INSERT INTO "+ks+".kv (k, v) VALUES (1, 'one')")

	db := openTestDB(t, cfg)
	defer db.Close()
	q := "SELECT v FROM " + ks + ".kv WHERE k = ?"

	type outcome struct {
		start, end time.Time
		err        error
	}
	var mu sync.Mutex
	var results []outcome
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				var v string
				err := db.QueryRowContext(context.Background(), q, 1).Scan(&v)
				if err == nil && v != "one" {
					err = errors.New("wrong value " + v)
				}
				mu.Lock()
				results = append(results, outcome{start, time.Now(), err})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(2 * time.Second)
	stoppedAt := time.Now()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(7 * time.Second) // past heartbeat_timeout (5 s): the watchdog acts too
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	contAt := time.Now()
	// The same *sql.DB works again within 2 s.
	var backAt time.Time
	for time.Since(contAt) < 10*time.Second {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		var v string
		err := db.QueryRowContext(ctx, q, 1).Scan(&v)
		cancel()
		if err == nil {
			backAt = time.Now()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	if backAt.IsZero() {
		t.Fatal("the *sql.DB did not work again within 10 s of SIGCONT")
	}
	t.Logf("first success %v after SIGCONT", backAt.Sub(contAt).Round(time.Millisecond))
	if d := backAt.Sub(contAt); d > 2*time.Second {
		t.Errorf("the *sql.DB worked again %v after SIGCONT, want within 2 s", d)
	}
	var longest time.Duration
	var during, failed int
	kinds := map[string]int{}
	var lat []time.Duration
	for _, r := range results {
		d := r.end.Sub(r.start)
		lat = append(lat, d)
		if d > longest {
			longest = d
		}
		if r.end.After(stoppedAt) && r.start.Before(contAt) {
			during++
		}
		if r.err != nil {
			failed++
			switch {
			case errors.Is(r.err, context.DeadlineExceeded):
				kinds["timeout"]++
			case errors.Is(r.err, ErrConnClosed):
				kinds["connection closed"]++
			default:
				kinds[r.err.Error()]++
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("%d requests (%d overlapping the stall), %d failed %v; longest %v, p50 %v, p99 %v",
		len(results), during, failed, kinds, longest.Round(time.Millisecond),
		lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Millisecond))
	if longest > timeout+time.Second {
		t.Errorf("a request took %v, want at most timeout + 1 s (%v)", longest, timeout+time.Second)
	}
	if during == 0 || failed == 0 {
		t.Errorf("no request saw the stall (%d during, %d failed): the test did not test anything", during, failed)
	}
	if stats := db.Stats(); stats.InUse != 0 {
		t.Errorf("%d connections still in use", stats.InUse)
	}
}
