package main

// Stall mode (-stall-pid with -hosts): point selects offered at a fixed
// rate while one node of the cluster is frozen with SIGSTOP (its sockets
// stay open, nothing answers: a long GC pause, a full disk) for -stall in
// the middle of the run. Latency is charged from each request's intended
// start, each request runs in a goroutine of its own (no worker pool
// queues behind the frozen node), and the requests are split by when
// they were meant to start: before, during and after the stall.

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	flagStallPid   = flag.Int("stall-pid", 0, "stall mode: pid of the Cassandra node to freeze with SIGSTOP (a node started by scripts/cassandra.sh); needs -hosts and -stall-host")
	flagStallHost  = flag.String("stall-host", "", "stall mode: host:port of that node, one of -hosts")
	flagStall      = flag.Duration("stall", 10*time.Second, "stall mode: how long the node stays frozen; the run is this long before, during and after")
	flagStallRate  = flag.Float64("stall-rate", 1000, "stall mode: point selects offered per second")
	flagSpecDelay  = flag.Duration("gocql-spec-delay", 50*time.Millisecond, "stall mode: TimeoutDelay of the gocql-spec driver's SimpleSpeculativeExecution (NumAttempts 1)")
	flagStallPause = flag.Duration("stall-recover", 20*time.Second, "stall mode: pause after SIGCONT before the next driver's run, once the node answers again")
)

const specName = "gocql-spec" // gocql TokenAware with SimpleSpeculativeExecution

// The phases of a stall run, by intended start time.
const (
	phaseBefore = iota
	phaseDuring
	phaseAfter
	numPhases
)

var phaseNames = [numPhases]string{"before", "during", "after"}

// stallResult is one driver's stall run (all rounds).
type stallResult struct {
	h       [numPhases]hist
	errs    [numPhases]int64
	firstEr error
	// frozenAttempts is, per round, the attempts cqlsql sent to each host
	// while the node was frozen (empty for gocql).
	frozenAttempts []string
	// worst[s] is the highest latency of the requests meant to start in
	// second s of the run.
	worst []time.Duration
}

// frozen is the pid currently stopped, so that an interrupt resumes it.
var (
	frozenMu sync.Mutex
	frozen   int
)

func freeze(pid int) error {
	frozenMu.Lock()
	defer frozenMu.Unlock()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		return err
	}
	frozen = pid
	return nil
}

func thaw(pid int) error {
	frozenMu.Lock()
	defer frozenMu.Unlock()
	frozen = 0
	return syscall.Kill(pid, syscall.SIGCONT)
}

// checkStallTarget refuses a pid that is not a Cassandra node of
// scripts/cassandra.sh, and a host that is not one of -hosts.
func checkStallTarget(pid int, host string) error {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return fmt.Errorf("-stall-pid %d: %v", pid, err)
	}
	cmd := strings.ReplaceAll(string(b), "\x00", " ")
	if !strings.Contains(cmd, "-Dcassandra.cqlsql.node=") {
		return fmt.Errorf("-stall-pid %d is not a node started by scripts/cassandra.sh: %s", pid, trunc(cmd, 120))
	}
	for _, h := range cluster.hosts {
		if h == host {
			return nil
		}
	}
	return fmt.Errorf("-stall-host %q is not one of -hosts", host)
}

// resumeOnInterrupt sends SIGCONT to a frozen node if the bench is
// interrupted, so that no node is left stopped.
func resumeOnInterrupt() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-ch
		frozenMu.Lock()
		if frozen != 0 {
			syscall.Kill(frozen, syscall.SIGCONT)
		}
		frozenMu.Unlock()
		log.Fatalf("%v: node resumed, exiting", s)
	}()
}

// stallRun offers rate point selects per second for three times -stall,
// freezing pid for the middle third, and adds what c saw to res.
func stallRun(c client, d int, pid int, res *stallResult) error {
	stall := *flagStall
	total := 3 * stall
	rate := *flagStallRate
	interval := time.Duration(float64(time.Second) / rate)
	n := int64(rate * total.Seconds())
	keys := int64(*flagPreload)
	base := keyBase(d, subSelect)
	var mu sync.Mutex
	var wg sync.WaitGroup
	seconds := int(total/time.Second) + 1
	if len(res.worst) < seconds {
		res.worst = append(res.worst, make([]time.Duration, seconds-len(res.worst))...)
	}
	start := time.Now()
	stopped, resumed := false, false
	var atStop map[string]int64
	for i := int64(0); i < n; i++ {
		at := time.Duration(i) * interval
		if !stopped && at >= stall {
			if err := freeze(pid); err != nil {
				return fmt.Errorf("SIGSTOP %d: %v", pid, err)
			}
			log.Printf("%-10s %v: SIGSTOP %d", c.name(), time.Since(start).Round(time.Millisecond), pid)
			stopped = true
			atStop = hostRequests(c)
		}
		if !resumed && at >= 2*stall {
			if err := thaw(pid); err != nil {
				return fmt.Errorf("SIGCONT %d: %v", pid, err)
			}
			log.Printf("%-10s %v: SIGCONT %d", c.name(), time.Since(start).Round(time.Millisecond), pid)
			resumed = true
			if atStop != nil {
				line := requestsSince(atStop, hostRequests(c))
				res.frozenAttempts = append(res.frozenAttempts, line)
				log.Printf("%-10s attempts per host while frozen: %s", c.name(), line)
			}
		}
		if w := time.Until(start.Add(at)); w > 0 {
			time.Sleep(w)
		}
		phase := int(at / stall)
		wg.Add(1)
		go func(i int64, at time.Duration, phase int) {
			defer wg.Done()
			k := (i * 104729) % keys
			err := c.get(context.Background(), base+k)
			lat := time.Since(start.Add(at))
			mu.Lock()
			res.h[phase].record(lat)
			if err != nil {
				res.errs[phase]++
				if res.firstEr == nil {
					res.firstEr = err
				}
			}
			if s := int(at / time.Second); lat > res.worst[s] {
				res.worst[s] = lat
			}
			mu.Unlock()
		}(i, at, phase)
	}
	if !resumed {
		if err := thaw(pid); err != nil {
			return err
		}
	}
	wg.Wait()
	return nil
}

// waitNode waits until host answers a query on a socket of its own, then
// -stall-recover more, so that gossip and the drivers see it up again
// before the next run.
func waitNode(host string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, _, err := probeNode(host)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer after SIGCONT: %v", host, err)
		}
		time.Sleep(time.Second)
	}
	time.Sleep(*flagStallPause)
	return nil
}

// stallRow is the stall runs of every driver at one consistency level.
type stallRow struct {
	cl  string
	res map[string]*stallResult
}

func renderStall(rows []stallRow, names []string, started time.Time, shares []string) string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	p("# Point selects while a node is frozen: cqlsql vs gocql v2 on a %d-node cluster\n\n", len(cluster.hosts))
	p("| | |\n|---|---|\n")
	p("| date (UTC) | %s |\n", started.Format("2006-01-02 15:04"))
	p("| machine | %d CPUs (nproc), %s; the %d Cassandra nodes run on the same machine |\n", runtime.NumCPU(), cpuModel(), len(cluster.hosts))
	p("| Go | %s |\n", runtime.Version())
	p("| Cassandra | %s, keyspace %s (SimpleStrategy RF=%d) |\n", cluster.version, *flagKeyspace, *flagRF)
	p("| command | `cd bench && go run . %s` |\n", strings.Join(os.Args[1:], " "))
	p("| run | per driver and round: %.0f point selects/s offered for %v, node %s frozen (SIGSTOP) from %v to %v, then a pause until it answers again plus %v; rounds %d, drivers alternating, each round starting with the next driver |\n",
		*flagStallRate, 3**flagStall, *flagStallHost, *flagStall, 2**flagStall, *flagStallPause, *flagRounds)
	p("| drivers | `cqlsql` @ %s with its default DSN but the consistency (speculative=auto; one contact point, the rest discovered%s); `gocql`: TokenAwareHostPolicy(DCAwareRoundRobinPolicy(%q)), Timeout 10s, no speculative execution (its default); `%s`: the same with reads marked idempotent and `SimpleSpeculativeExecution{NumAttempts: 1, TimeoutDelay: %v}` |\n",
		gitRev(), extraNote(), cluster.dc, specName, *flagSpecDelay)
	p("\nLatency is from each request's intended start (open loop, one goroutine per request: nothing queues behind the frozen node but in the driver). A request is in the phase its intended start falls in; an error counts with the time it took to fail.\n\n")
	p("| CL | driver | phase | requests | errors | p50 | p99 | p99.9 | max | gocql ÷ cqlsql p99 | gocql ÷ cqlsql p99.9 |\n")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		ourRes := r.res["cqlsql"]
		measured(names, r.res, func(name string, res *stallResult) {
			for ph := 0; ph < numPhases; ph++ {
				h := &res.h[ph]
				r99, r999 := "", ""
				if name != "cqlsql" && ourRes != nil && ourRes.h[ph].n > 0 {
					r99 = fmt.Sprintf("%.1f", float64(h.quantile(0.99))/float64(ourRes.h[ph].quantile(0.99)))
					r999 = fmt.Sprintf("%.1f", float64(h.quantile(0.999))/float64(ourRes.h[ph].quantile(0.999)))
				}
				p("| %s | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s |\n", r.cl, name, phaseNames[ph], h.n, res.errs[ph],
					fmtDur(h.quantile(0.5)), fmtDur(h.quantile(0.99)), fmtDur(h.quantile(0.999)), fmtDur(time.Duration(h.max)), r99, r999)
			}
		})
	}
	p("\nWorst latency of the requests meant to start in each second of the run (all rounds; the stall is seconds %d to %d):\n\n", int(*flagStall/time.Second), int(2**flagStall/time.Second)-1)
	for _, r := range rows {
		measured(names, r.res, func(name string, res *stallResult) {
			var parts []string
			for s, w := range res.worst {
				if time.Duration(s)*time.Second >= 3**flagStall {
					break
				}
				parts = append(parts, fmtDur(w))
			}
			p("- %s `%s`: %s\n", r.cl, name, strings.Join(parts, " "))
		})
	}
	for _, r := range rows {
		measured(names, r.res, func(name string, res *stallResult) {
			if res.firstEr != nil {
				p("\nFirst error of %s `%s`: %s\n", r.cl, name, trunc(res.firstEr.Error(), 200))
			}
		})
	}
	for _, r := range rows {
		if res := r.res["cqlsql"]; res != nil && len(res.frozenAttempts) > 0 {
			p("\nAttempts `cqlsql` sent to each host while %s was frozen (speculative executions included), %s, per round: %s\n",
				*flagStallHost, r.cl, strings.Join(res.frozenAttempts, "; "))
		}
	}
	if len(shares) > 0 {
		p("\nWhere cqlsql's requests went (Connector.Hosts, preparing included):\n\n")
		for _, s := range shares {
			p("- %s\n", s)
		}
	}
	return b.String()
}

// runStall runs stall mode at each consistency level and writes the table.
func runStall(cls, names []string, idx map[string]int, started time.Time) string {
	resumeOnInterrupt()
	var rows []stallRow
	var shares []string
	for _, cl := range cls {
		r := stallRow{cl: cl, res: map[string]*stallResult{}}
		var clients []client
		for _, name := range names {
			if name != "cqlsql" && name != "gocql" && name != specName {
				log.Fatalf("stall mode: driver %q is not one of cqlsql, gocql, %s", name, specName)
			}
			c, err := newClient(name, cl)
			if err != nil {
				log.Fatalf("%s: %v", name, err)
			}
			clients = append(clients, c)
			r.res[name] = &stallResult{}
		}
		for _, c := range clients {
			// Warm up: prepared statements, sockets, the latency estimates.
			closedLoop(16, *flagWarmup, func(ctx context.Context, w int, i int64) error {
				return c.get(ctx, keyBase(idx[c.name()], subSelect)+selectKey(w, i, int64(*flagPreload)))
			}, nil, false)
		}
		for round := 0; round < *flagRounds; round++ {
			// Each round starts with another driver, so that none is
			// always the one that runs just after the preload.
			for j := range clients {
				c := clients[(round+j)%len(clients)]
				log.Printf("%-12s stall round %d %s", cl, round+1, c.name())
				if err := stallRun(c, idx[c.name()], *flagStallPid, r.res[c.name()]); err != nil {
					log.Fatalf("%s: %v", c.name(), err)
				}
				res := r.res[c.name()]
				log.Printf("%-12s stall round %d %-10s p99 before %v during %v after %v, errors %v", cl, round+1, c.name(),
					res.h[phaseBefore].quantile(0.99), res.h[phaseDuring].quantile(0.99), res.h[phaseAfter].quantile(0.99), res.errs)
				if err := waitNode(*flagStallHost); err != nil {
					log.Fatal(err)
				}
			}
		}
		for _, c := range clients {
			if line, ok := shareLine(cl, c); ok {
				shares = append(shares, line)
			}
			c.close()
		}
		rows = append(rows, r)
	}
	return renderStall(rows, names, started, shares)
}

// hostRequests returns the attempts a cqlsql client has sent to each host
// (speculative executions included), nil for other drivers.
func hostRequests(c client) map[string]int64 {
	cn := connectorOf(c)
	if cn == nil {
		return nil
	}
	m := map[string]int64{}
	for _, h := range cn.Hosts() {
		m[h.Addr] = h.Requests
	}
	return m
}

// requestsSince formats the attempts per host between two hostRequests.
func requestsSince(before, after map[string]int64) string {
	var parts []string
	for _, h := range cluster.hosts {
		parts = append(parts, fmt.Sprintf("%s %d", h, after[h]-before[h]))
	}
	return strings.Join(parts, ", ")
}
