// Command bench runs the cqlsql driver (through database/sql) and gocql v2
// (its native API, once with its defaults and once with write coalescing
// off) against the same Cassandra, in one process, in alternating rounds,
// and prints a markdown table of throughput, latency, client CPU and
// allocations per operation.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/cqlsql/cassandra"
)

var (
	flagHost      = flag.String("host", "127.0.0.1:9042", "Cassandra host:port (only 127.0.0.1 is accepted)")
	flagKeyspace  = flag.String("keyspace", "", "keyspace, created with -rf if missing (default cqlsql_bench; in cluster mode cqlsql_bench_rf<rf>)")
	flagDSNExtra  = flag.String("dsn-extra", "", "extra DSN parameters for cqlsql, e.g. conns_per_host=4&compression=lz4")
	flagQuick     = flag.Bool("quick", false, "short rounds (1s, scans 2s) and a 6s open loop: a few minutes in all")
	flagRound     = flag.Duration("round", 3*time.Second, "duration of one measured round of one driver")
	flagScanRound = flag.Duration("scan-round", 0, "round duration for the page scan (default: max(round, 2s))")
	flagWarmup    = flag.Duration("warmup", 0, "warm-up per driver and workload before measuring (default: round/2)")
	flagRounds    = flag.Int("rounds", 3, "measured rounds per driver (alternating between drivers)")
	flagWorkloads = flag.String("workloads", "", "comma-separated workloads to run (default insert,select,scan,batch,open; in cluster mode insert,select)")
	flagDrivers   = flag.String("drivers", "", "comma-separated drivers to run (default cqlsql,gocql,gocql-nocoalesce,"+floorName+"; in cluster mode cqlsql,"+rrName+",gocql)")
	flagConc      = flag.String("conc", "1,64,256", "concurrencies for insert and select")
	flagScanConc  = flag.String("scan-conc", "1,8", "concurrencies for the page scan")
	flagBatchConc = flag.String("batch-conc", "1,8", "concurrencies for the batches")
	flagOpen      = flag.Duration("open", 30*time.Second, "open-loop duration per driver (split over the rounds)")
	flagRate      = flag.Float64("rate", 0, "open-loop rate in ops/s (default: half of gocql's concurrency-64 insert throughput)")
	flagPreload   = flag.Int("preload", 20000, "rows preloaded per driver for the point select")
	flagScanRows  = flag.Int("scan-rows", 50000, "rows of the scanned partition")
	flagOut       = flag.String("out", "results/latest.md", "also write the table here (empty: stdout only; in cluster mode the default is results/cluster-<date>.md)")
	flagCPUProf   = flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flagMemProf   = flag.String("memprofile", "", "write an allocation profile (allocs) of the whole run to this file at the end")
)

const batchSize = 64

// Key ranges: driver d (0, 1, 2) owns [(d+1)<<40, (d+2)<<40); inside it each
// workload has its own sub-range.
func keyBase(d int, sub int64) int64 { return int64(d+1)<<40 | sub<<36 }

const (
	subInsert = 0
	subSelect = 1
	subBatch  = 2
	subOpen   = 3
)

// row is one line of the output table.
type row struct {
	cl       string // consistency level
	workload string
	conc     string
	res      map[string]*result
}

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	clusterMode = *flagHosts != ""
	if clusterMode {
		hosts, err := parseHosts(*flagHosts)
		if err != nil {
			log.Fatalf("-hosts: %v", err)
		}
		cluster.hosts = hosts
		if set["host"] {
			log.Fatalf("-host and -hosts: give one of them")
		}
	} else if !strings.HasPrefix(*flagHost, "127.0.0.1:") {
		log.Fatalf("-host must be on 127.0.0.1 (-hosts accepts 127.0.0.1 to 127.0.0.4 for a cluster)")
	}
	if *flagRF == 0 {
		*flagRF = 1
		if clusterMode {
			*flagRF = 3
		}
	}
	if *flagKeyspace == "" {
		*flagKeyspace = "cqlsql_bench"
		if clusterMode {
			*flagKeyspace = fmt.Sprintf("cqlsql_bench_rf%d", *flagRF)
		}
	}
	stallMode := *flagStallPid != 0
	if stallMode {
		if !clusterMode {
			log.Fatalf("-stall-pid needs -hosts")
		}
		if err := checkStallTarget(*flagStallPid, *flagStallHost); err != nil {
			log.Fatal(err)
		}
		if *flagStall < time.Second {
			log.Fatalf("-stall: at least 1s")
		}
		if set["workloads"] {
			log.Fatalf("-workloads: stall mode runs point selects only")
		}
		*flagWorkloads = "select"
		if !set["rounds"] {
			*flagRounds = 1
		}
	}
	if *flagDrivers == "" {
		*flagDrivers = "cqlsql,gocql,gocql-nocoalesce," + floorName
		if clusterMode {
			*flagDrivers = "cqlsql," + rrName + ",gocql"
		}
		if stallMode {
			*flagDrivers = "cqlsql,gocql," + specName
		}
	}
	if *flagWorkloads == "" {
		*flagWorkloads = "insert,select,scan,batch,open"
		if clusterMode {
			*flagWorkloads = "insert,select"
		}
	}
	cls, err := consistencies()
	if err != nil {
		log.Fatalf("-consistency: %v", err)
	}
	if *flagQuick {
		if !set["round"] {
			*flagRound = time.Second
		}
		if !set["open"] {
			*flagOpen = 6 * time.Second
		}
		if !set["preload"] {
			*flagPreload = 10000
		}
	}
	if *flagScanRound == 0 {
		*flagScanRound = *flagRound
		if *flagScanRound < 2*time.Second {
			*flagScanRound = 2 * time.Second
		}
	}
	if *flagWarmup == 0 {
		*flagWarmup = *flagRound / 2
	}
	if *flagRounds < 1 {
		*flagRounds = 1
	}
	if *flagCPUProf != "" {
		f, err := os.Create(*flagCPUProf)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	wl := setOf(*flagWorkloads)
	started := time.Now().UTC()
	if clusterMode && !set["out"] {
		*flagOut = "results/cluster-" + started.Format("2006-01-02") + ".md"
		if stallMode {
			*flagOut = "results/stall-" + started.Format("2006-01-02") + ".md"
		}
	}
	var names []string
	for _, name := range strings.Split(*flagDrivers, ",") {
		name = strings.TrimSpace(name)
		switch name {
		case "cqlsql", "gocql", "gocql-nocoalesce", floorName, c1Name:
		case specName:
			if !stallMode {
				log.Fatalf("driver %s is for stall mode (-stall-pid)", specName)
			}
		case rrName:
			if !clusterMode {
				log.Fatalf("driver %s needs -hosts", rrName)
			}
		default:
			log.Fatalf("unknown driver %q", name)
		}
		names = append(names, name)
	}

	if clusterMode {
		if err := probeNodes(cluster.hosts); err != nil {
			log.Fatalf("cluster: %v", err)
		}
		cluster.dc = *flagDC
		if cluster.dc == "" {
			cluster.dc = cluster.nodeDCs[cluster.hosts[0]]
		}
		for _, h := range cluster.hosts {
			if cluster.nodeDCs[h] != cluster.dc {
				log.Printf("warning: %s is in datacenter %q, not %q", h, cluster.nodeDCs[h], cluster.dc)
			}
		}
		log.Printf("cluster: %d nodes answer, datacenter %q, Cassandra %s", len(cluster.hosts), cluster.dc, cluster.version)
	}
	if err := setup(); err != nil {
		log.Fatalf("setup: %v", err)
	}
	// Driver index for key ranges: fixed by name, so reruns reuse the same rows.
	idx := map[string]int{"cqlsql": 0, "gocql": 1, "gocql-nocoalesce": 2, floorName: 3, rrName: 4}
	// Variants use the rows of the driver they vary (rounds alternate, so
	// they never write at once).
	for variant, of := range rowsOf {
		idx[variant] = idx[of]
	}

	// The rows are loaded through cqlsql for every driver but the floor,
	// which answers from memory: in single-node mode for all of them,
	// whichever are measured; in cluster mode (where a row costs RF
	// writes) for the measured ones only.
	loadIdx := map[string]int{}
	needRows := setOf(*flagDrivers)
	for variant, of := range rowsOf {
		if needRows[variant] {
			needRows[of] = true
		}
	}
	for name, d := range idx {
		if name == floorName || rowsOf[name] != "" || name == rrName && !clusterMode {
			continue
		}
		if clusterMode && !needRows[name] {
			continue
		}
		loadIdx[name] = d
	}
	var loader *ours
	if wl["select"] || wl["scan"] {
		// At ALL in cluster mode, so that reads at ONE find every row.
		loadCL := "ONE"
		if clusterMode {
			loadCL = "ALL"
		}
		o, err := newOurs(ourDSN("cqlsql", loadCL))
		if err != nil {
			log.Fatalf("cqlsql for loading rows: %v", err)
		}
		defer o.close()
		loader = o
	}
	if wl["select"] {
		if err := preload(loader, loadIdx); err != nil {
			log.Fatalf("preload: %v", err)
		}
	}
	if stallMode {
		writeOut(runStall(cls, names, idx, started))
		return
	}
	var rows []row
	var shares []string
	var insertRate64 float64
	var clients []client
	var cl string
	run := func(workload, conc string, dur time.Duration, mk func(c client, d int) func(res *result, dur time.Duration, measure bool)) {
		r := row{cl: cl, workload: workload, conc: conc, res: map[string]*result{}}
		runs := make([]func(*result, time.Duration, bool), len(clients))
		for i, c := range clients {
			if runs[i] = mk(c, idx[c.name()]); runs[i] == nil {
				continue // this workload says nothing about this driver
			}
			r.res[c.name()] = &result{}
			runs[i](nil, *flagWarmup, false)
		}
		for round := 0; round < *flagRounds; round++ {
			for i, c := range clients {
				if runs[i] == nil {
					continue
				}
				runs[i](r.res[c.name()], dur, true)
				res := r.res[c.name()]
				log.Printf("%-12s %-14s c=%-4s round %d %-17s %9.0f ops/s", cl, workload, conc, round+1, c.name(), res.roundRate[len(res.roundRate)-1])
			}
		}
		rows = append(rows, r)
	}
	closed := func(conc int, op func(c client, d int) opFunc) func(c client, d int) func(*result, time.Duration, bool) {
		return func(c client, d int) func(*result, time.Duration, bool) {
			f := op(c, d)
			return func(res *result, dur time.Duration, measure bool) { closedLoop(conc, dur, f, res, measure) }
		}
	}

	wideLoaded := false
	// runWorkloads runs the workloads of wl on clients, at consistency cl.
	runWorkloads := func() {
		if wl["insert"] {
			for _, conc := range intsOf(*flagConc) {
				run("insert", fmt.Sprint(conc), *flagRound, closed(conc, func(c client, d int) opFunc {
					var ctr atomic.Int64
					base := keyBase(d, subInsert)
					return func(ctx context.Context, w int, i int64) error {
						return c.insert(ctx, base+ctr.Add(1))
					}
				}))
				if conc == 64 {
					if g := rows[len(rows)-1].res["gocql"]; g != nil {
						insertRate64 = g.rate()
					}
				}
			}
		}
		if wl["select"] {
			n := int64(*flagPreload)
			for _, conc := range intsOf(*flagConc) {
				run("select", fmt.Sprint(conc), *flagRound, closed(conc, func(c client, d int) opFunc {
					base := keyBase(d, subSelect)
					return func(ctx context.Context, w int, i int64) error {
						return c.get(ctx, base+selectKey(w, i, n))
					}
				}))
			}
		}
		if wl["scan"] {
			if !wideLoaded {
				if err := loadWide(loader, loadIdx); err != nil {
					log.Fatalf("load wide partition: %v", err)
				}
				wideLoaded = true
			}
			for _, conc := range intsOf(*flagScanConc) {
				run("scan 50k rows", fmt.Sprint(conc), *flagScanRound, closed(conc, func(c client, d int) opFunc {
					return func(ctx context.Context, w int, i int64) error {
						return c.scan(ctx, int32(d), *flagScanRows)
					}
				}))
			}
		}
		if wl["batch"] {
			for _, logged := range []bool{false, true} {
				name := "batch64 unlogged"
				if logged {
					name = "batch64 logged"
				}
				for _, conc := range intsOf(*flagBatchConc) {
					run(name, fmt.Sprint(conc), *flagRound, closed(conc, func(c client, d int) opFunc {
						var ctr atomic.Int64
						base := keyBase(d, subBatch)
						return func(ctx context.Context, w int, i int64) error {
							return c.batch(ctx, logged, base+(ctr.Add(1)%16384)*batchSize, batchSize)
						}
					}))
				}
			}
		}
		if wl["open"] {
			rate := *flagRate
			if rate == 0 {
				rate = insertRate64 / 2
			}
			if rate == 0 {
				log.Printf("open loop: no gocql concurrency-64 insert rate measured and no -rate; using 2000 ops/s")
				rate = 2000
			}
			perRound := *flagOpen / time.Duration(*flagRounds)
			run(fmt.Sprintf("open-loop insert %.0f/s", rate), "open", perRound, func(c client, d int) func(*result, time.Duration, bool) {
				if c.name() == floorName {
					return nil // it meets any rate at once: no latency tail to see
				}
				base := keyBase(d, subOpen)
				op := func(ctx context.Context, w int, i int64) error { return c.insert(ctx, base+i) }
				return func(res *result, dur time.Duration, measure bool) {
					if !measure {
						dur = *flagWarmup
					}
					openLoop(rate, dur, op, res, measure)
				}
			})
		}
	}

	for _, cl = range cls {
		clients = clients[:0]
		for _, name := range names {
			c, err := newClient(name, cl)
			if err != nil {
				log.Fatalf("%s: %v", name, err)
			}
			clients = append(clients, c)
		}
		runWorkloads()
		for _, c := range clients {
			if line, ok := shareLine(cl, c); ok && clusterMode {
				shares = append(shares, line)
			}
			c.close()
		}
	}

	if *flagMemProf != "" {
		if f, err := os.Create(*flagMemProf); err != nil {
			log.Printf("memprofile: %v", err)
		} else {
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				log.Printf("memprofile: %v", err)
			}
			f.Close()
		}
	}
	var out string
	if clusterMode {
		out = renderCluster(rows, names, started, shares)
	} else {
		out = render(rows, names, started)
	}
	writeOut(out)
}

// writeOut prints the table and writes it to -out.
func writeOut(out string) {
	fmt.Print(out)
	if *flagOut != "" {
		if err := os.MkdirAll(filepath.Dir(*flagOut), 0o755); err == nil {
			err = os.WriteFile(*flagOut, []byte(out), 0o644)
			if err != nil {
				log.Printf("write %s: %v", *flagOut, err)
			}
		}
	}
}

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		m[strings.TrimSpace(f)] = true
	}
	return m
}

func intsOf(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// setup makes the keyspace and tables (with our driver, no keyspace in the DSN).
func setup() error {
	host := *flagHost
	if clusterMode {
		host = cluster.hosts[0]
	}
	db, err := sql.Open("cassandra", fmt.Sprintf("cassandra://%s/?consistency=ONE", host))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ks := *flagKeyspace
	for _, q := range []string{
		fmt.Sprintf("CREATE KEYSPACE IF NOT EXISTS %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': %d}", ks, *flagRF),
		"CREATE TABLE IF NOT EXISTS " + ks + ".kv (pk bigint PRIMARY KEY, v1 bigint, v2 bigint)",
		"CREATE TABLE IF NOT EXISTS " + ks + ".wide (p int, c int, b bigint, t text, bl blob, d double, bo boolean, ts timestamp, u uuid, f float, PRIMARY KEY (p, c))",
		"CREATE TABLE IF NOT EXISTS " + ks + ".bench_meta (name text PRIMARY KEY, n bigint)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if err := checkReplication(ctx, db, ks, *flagRF); err != nil {
		return err
	}
	return db.QueryRowContext(ctx, "SELECT release_version FROM system.local").Scan(&cassandraVersion)
}

var cassandraVersion string

// loaded reports whether bench_meta says name holds n rows; mark records it.
func loaded(db *sql.DB, name string, n int) bool {
	var got int64
	err := db.QueryRow("SELECT n FROM bench_meta WHERE name = ?", name).Scan(&got)
	return err == nil && got == int64(n)
}

func mark(db *sql.DB, name string, n int) error {
	_, err := db.Exec("INSERT INTO bench_meta (name, n) VALUES (?, ?)", name, int64(n))
	return err
}

// parallel runs f(i) for i in [0, n) on 64 goroutines.
func parallel(n int, f func(i int) error) error {
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// preload writes the rows the point selects read, once per keyspace.
func preload(o *ours, idx map[string]int) error {
	ctx := context.Background()
	n := *flagPreload
	for name, d := range idx {
		tag := fmt.Sprintf("kv-%d", d)
		if loaded(o.db, tag, n) {
			continue
		}
		log.Printf("preloading %d rows for %s", n, name)
		base := keyBase(d, subSelect)
		if err := parallel(n, func(i int) error { return o.insert(ctx, base+int64(i)) }); err != nil {
			return err
		}
		if err := mark(o.db, tag, n); err != nil {
			return err
		}
	}
	return nil
}

// loadWide writes one partition of scan-rows rows per driver, once per keyspace.
func loadWide(o *ours, idx map[string]int) error {
	n := *flagScanRows
	st, err := o.db.Prepare(wideQ)
	if err != nil {
		return err
	}
	defer st.Close()
	for name, d := range idx {
		tag := fmt.Sprintf("wide-%d", d)
		if loaded(o.db, tag, n) {
			continue
		}
		log.Printf("loading the %d-row partition for %s", n, name)
		if err := parallel(n, func(i int) error {
			w := wideOf(int32(i))
			_, err := st.Exec(int32(d), int32(i), w.b, w.t, w.bl, w.d, w.bo, w.ts, w.u, w.f)
			return err
		}); err != nil {
			return err
		}
		if err := mark(o.db, tag, n); err != nil {
			return err
		}
	}
	return nil
}
