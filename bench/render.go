package main

// The single-node results table and the facts it reports.

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// gitRev is the driver's commit, marked when the working tree outside
// bench/ (which the bench builds, through its replace directive) differs
// from it.
func gitRev() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ":(top)", ":(exclude,top)bench").Output()
	if err == nil && len(strings.TrimSpace(string(st))) > 0 {
		rev += " + uncommitted changes"
	}
	return rev
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	}
}

func render(rows []row, names []string, started time.Time) string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	cmd := "cd bench && go run ."
	if len(os.Args) > 1 {
		cmd += " " + strings.Join(os.Args[1:], " ")
	}
	p("# cqlsql vs gocql v2\n\n")
	p("| | |\n|---|---|\n")
	p("| date (UTC) | %s |\n", started.Format("2006-01-02 15:04"))
	p("| machine | %d CPUs (nproc), %s; **Cassandra runs on the same machine, so client and server share these cores** |\n", runtime.NumCPU(), cpuModel())
	p("| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	var cls []string
	for _, r := range rows {
		if len(cls) == 0 || cls[len(cls)-1] != r.cl {
			cls = append(cls, r.cl)
		}
	}
	p("| Cassandra | %s, one node on 127.0.0.1, keyspace RF=%d, CL=%s |\n", cassandraVersion, *flagRF, strings.Join(cls, " then "))
	p("| drivers | cqlsql @ %s through database/sql (prepared *sql.Stmt, conns_per_host default 2%s); gocql v2 native API, NumConns 2: `gocql` with its defaults (WriteCoalesceWaitTime 200µs), `gocql-nocoalesce` with WriteCoalesceWaitTime 0%s |\n", gitRev(), extraNote(), variantNote(names))
	p("| command | `%s` |\n", cmd)
	p("| rounds | measured rounds per driver: %d, alternating (ABC ABC ...), after a %s warm-up each; round %s (scans %s); open loop %s per driver in all |\n",
		*flagRounds, *flagWarmup, *flagRound, *flagScanRound, *flagOpen)
	p("\n")
	p("ops/s is completed operations over the summed round time (one op = one row written, one row read, one whole 50,000-row scan, or one 64-row batch). ")
	p("Latencies come from a log-bucket histogram (about 3%% resolution). ")
	p("CPU/op is the getrusage(RUSAGE_SELF) user+system time of the **whole process** over the rounds divided by ops (the other drivers are idle meanwhile, but their background goroutines count), and \"of which kernel\" its system-time part: mostly the socket syscalls, which on loopback also carry the TCP work of delivering to the other end; allocs/op is the runtime.MemStats.Mallocs delta over ops. ")
	p("The last two columns are cqlsql divided by the row's driver: above 1 means cqlsql is faster (ops/s) or slower (p99). ")
	p("Open loop: operations are offered at a fixed rate and latency is measured from each operation's intended start time. ")
	p("`%s` runs the same client code as cqlsql through database/sql on a driver that does no work (answers from memory, scan rows boxed in advance): its CPU and allocations are what database/sql and this harness cost before any driver does anything.\n\n", floorName)
	p("| workload | conc | driver | ops/s | rounds ops/s | p50 | p99 | p99.9 | CPU µs/op | of which kernel | allocs/op | errors | cqlsql ÷ this ops/s | cqlsql ÷ this p99 |\n")
	p("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		ourRes := r.res["cqlsql"]
		measured(names, r.res, func(name string, res *result) {
			c := cellsOf(res, ourRes, name)
			p("| %s | %s | %s | %s\n", wlName(r, len(cls)), r.conc, name, c.tail(res))
		})
	}
	p("\nReproduce: `make bench` (microbenchmarks, then this with its defaults), or `cd bench && go run . -quick` for a run of a few minutes; `go run . -h` lists the flags (workloads, drivers, concurrencies, durations, -cpuprofile).\n")
	return b.String()
}

// wlName is the row's workload, with its consistency when the run had several.
func wlName(r row, ncl int) string {
	if ncl > 1 {
		return r.workload + " " + r.cl
	}
	return r.workload
}

func extraNote() string {
	if *flagDSNExtra == "" {
		return ""
	}
	return ", DSN extra `" + *flagDSNExtra + "`"
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
