package main

// Cluster mode (-hosts): the same workloads against a multi-node cluster,
// at one or more consistency levels, with cqlsql routing by token (the
// default: the DSN names one contact point and the driver discovers the
// rest), cqlsql in round robin over the listed hosts (host_discovery=false)
// and gocql with TokenAwareHostPolicy(DCAwareRoundRobinPolicy(dc)).

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	cassandra "github.com/cqlsql/cassandra"
)

var (
	flagHosts       = flag.String("hosts", "", "cluster mode: comma-separated host:port of the cluster's nodes (127.0.0.1 to 127.0.0.4), e.g. 127.0.0.1:9062,127.0.0.2:9062,127.0.0.3:9062")
	flagRF          = flag.Int("rf", 0, "replication factor of the keyspace (SimpleStrategy); default 1, and 3 in cluster mode")
	flagConsistency = flag.String("consistency", "", "comma-separated consistency levels, each run in turn (default ONE; in cluster mode LOCAL_QUORUM,ONE)")
	flagDC          = flag.String("dc", "", "cluster mode: datacenter for gocql's DCAwareRoundRobinPolicy (default: data_center of the first host's system.local)")
	flagNodeWait    = flag.Duration("node-wait", 5*time.Minute, "cluster mode: how long to keep retrying (once a minute) while a node does not answer")
)

// The cluster-mode drivers.
const (
	rrName = "cqlsql-rr"    // cqlsql with host_discovery=false and all hosts: round robin
	c1Name = "cqlsql-1conn" // cqlsql with conns_per_host=1 (the default is 2)
)

// rowsOf names, for each variant driver, the driver whose preloaded rows
// it reads.
var rowsOf = map[string]string{c1Name: "cqlsql", specName: "gocql"}

var clusterMode bool

// clusterInfo is what the bench learned of the cluster before running.
type clusterInfo struct {
	hosts   []string
	dc      string
	nodeDCs map[string]string // host -> data_center of its system.local
	version string
	waited  []string // what the node check waited for, if anything
}

var cluster clusterInfo

// allowedHost reports whether hp is host:port on 127.0.0.1 to 127.0.0.4.
func allowedHost(hp string) error {
	h, p, err := net.SplitHostPort(hp)
	if err != nil {
		return fmt.Errorf("%q: want host:port: %v", hp, err)
	}
	if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q: bad port", hp)
	}
	switch h {
	case "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4":
		return nil
	}
	return fmt.Errorf("%q: only 127.0.0.1 to 127.0.0.4 are accepted", hp)
}

func parseHosts(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if err := allowedHost(h); err != nil {
			return nil, err
		}
		if seen[h] {
			return nil, fmt.Errorf("%q listed twice", h)
		}
		seen[h] = true
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no hosts")
	}
	return out, nil
}

// consistencies returns the levels to run, checked against both drivers'
// names for them.
func consistencies() ([]string, error) {
	s := *flagConsistency
	if s == "" {
		s = "ONE"
		if clusterMode {
			s = "LOCAL_QUORUM,ONE"
		}
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.ToUpper(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if _, err := cassandra.ParseConsistency(f); err != nil {
			return nil, err
		}
		if _, err := gocqlConsistency(f); err != nil {
			return nil, fmt.Errorf("gocql: %v", err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("-consistency: no level")
	}
	return out, nil
}

// probeNodes asks every host, on its own (no discovery), for its
// datacenter and version. While one does not answer it waits a minute and
// tries again, up to -node-wait.
func probeNodes(hosts []string) error {
	deadline := time.Now().Add(*flagNodeWait)
	cluster.nodeDCs = map[string]string{}
	for {
		var failed []string
		for _, h := range hosts {
			if _, ok := cluster.nodeDCs[h]; ok {
				continue
			}
			dc, ver, err := probeNode(h)
			if err != nil {
				failed = append(failed, fmt.Sprintf("%s (%v)", h, err))
				continue
			}
			cluster.nodeDCs[h] = dc
			if cluster.version == "" {
				cluster.version = ver
			}
		}
		if len(failed) == 0 {
			return nil
		}
		if time.Now().Add(time.Minute).After(deadline) {
			return fmt.Errorf("nodes not answering: %s", strings.Join(failed, "; "))
		}
		msg := fmt.Sprintf("%s: not answering: %s; retrying in a minute", time.Now().UTC().Format("15:04:05"), strings.Join(failed, "; "))
		log.Print(msg)
		cluster.waited = append(cluster.waited, msg)
		time.Sleep(time.Minute)
	}
}

func probeNode(h string) (dc, version string, err error) {
	db, err := sql.Open("cassandra", fmt.Sprintf("cassandra://%s/?host_discovery=false&consistency=ONE&connect_timeout=5s", h))
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = db.QueryRowContext(ctx, "SELECT data_center, release_version FROM system.local").Scan(&dc, &version)
	return dc, version, err
}

// checkReplication reads the keyspace's replication back: a keyspace that
// already existed with another factor would make the run mean something
// else.
func checkReplication(ctx context.Context, db *sql.DB, ks string, rf int) error {
	var repl map[string]string
	if err := db.QueryRowContext(ctx, "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", ks).Scan(&repl); err != nil {
		return fmt.Errorf("read replication of %s: %w", ks, err)
	}
	want := strconv.Itoa(rf)
	ok := repl["replication_factor"] == want
	if !strings.HasSuffix(repl["class"], "SimpleStrategy") {
		// NetworkTopologyStrategy: the factor of the datacenter (of every
		// datacenter when it is not known).
		ok = cluster.dc == "" || repl[cluster.dc] == want
		for k, v := range repl {
			if cluster.dc == "" && k != "class" && v != want {
				ok = false
			}
		}
	}
	if !ok {
		return fmt.Errorf("keyspace %s has replication %v, not RF=%d: drop it or pick another -keyspace", ks, repl, rf)
	}
	return nil
}

// ourDSN is the DSN of cqlsql client label at consistency cl.
func ourDSN(label, cl string) string {
	hosts := *flagHost
	extra := ""
	if clusterMode {
		hosts = cluster.hosts[0] // the driver discovers the others
		if label == rrName {
			hosts = strings.Join(cluster.hosts, ",")
			extra = "&host_discovery=false"
		}
	}
	if label == c1Name {
		extra = "&conns_per_host=1"
	}
	dsn := fmt.Sprintf("cassandra://%s/%s?consistency=%s&page_size=5000%s", hosts, *flagKeyspace, cl, extra)
	if *flagDSNExtra != "" {
		dsn += "&" + *flagDSNExtra
	}
	return dsn
}

// hostShare summarizes where a cqlsql client's requests went.
func hostShare(hs []cassandra.HostInfo) string {
	var total int64
	for _, h := range hs {
		total += h.Requests
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Addr < hs[j].Addr })
	var parts []string
	for _, h := range hs {
		pct := 0.0
		if total > 0 {
			pct = 100 * float64(h.Requests) / float64(total)
		}
		parts = append(parts, fmt.Sprintf("%s %s %.0f%%", h.Addr, h.State, pct))
	}
	return fmt.Sprintf("%d hosts: %s (%d requests)", len(hs), strings.Join(parts, ", "), total)
}

func renderCluster(rows []row, names []string, started time.Time, shares []string) string {
	var b strings.Builder
	p := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	cmd := "cd bench && go run ."
	if len(os.Args) > 1 {
		cmd += " " + strings.Join(os.Args[1:], " ")
	}
	var dcs []string
	for _, h := range cluster.hosts {
		dcs = append(dcs, h+" "+cluster.nodeDCs[h])
	}
	p("# cqlsql vs gocql v2 on a %d-node cluster\n\n", len(cluster.hosts))
	p("| | |\n|---|---|\n")
	p("| date (UTC) | %s |\n", started.Format("2006-01-02 15:04"))
	p("| machine | %d CPUs (nproc), %s; **the %d Cassandra nodes (one JVM each) run on the same machine, so the client and the whole cluster share these cores: absolute figures are distorted, compare drivers within a row group** |\n", runtime.NumCPU(), cpuModel(), len(cluster.hosts))
	p("| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	p("| Cassandra | %s; nodes (system.local data_center): %s |\n", cluster.version, strings.Join(dcs, ", "))
	p("| keyspace | %s, SimpleStrategy RF=%d; point rows preloaded at ALL |\n", *flagKeyspace, *flagRF)
	p("| drivers | `cqlsql` @ %s through database/sql (prepared *sql.Stmt, conns_per_host default 2%s), DSN naming only %s: it discovers the cluster and routes each request to the key's replicas (token-aware, the default); `%s`: the same with `host_discovery=false` and all %d hosts in the DSN, so round robin over them; `gocql` v2 native API, NumConns 2, all %d hosts, `TokenAwareHostPolicy(DCAwareRoundRobinPolicy(%q))`, WriteCoalesceWaitTime default 200µs%s |\n",
		gitRev(), extraNote(), cluster.hosts[0], rrName, len(cluster.hosts), len(cluster.hosts), cluster.dc, variantNote(names))
	p("| command | `%s` |\n", cmd)
	p("| rounds | measured rounds per driver: %d, alternating (ABC ABC ...), after a %s warm-up each; round %s |\n", *flagRounds, *flagWarmup, *flagRound)
	if len(cluster.waited) > 0 {
		p("| node check | waited: %s |\n", strings.Join(cluster.waited, " / "))
	}
	p("\n")
	p("ops/s is completed operations over the summed round time. Latencies come from a log-bucket histogram (about 3%% resolution). ")
	p("CPU/op is the getrusage(RUSAGE_SELF) user+system time of the **whole client process** over the rounds divided by ops (the other drivers are idle meanwhile, but their background goroutines count), \"of which kernel\" its system-time part; allocs/op is the runtime.MemStats.Mallocs delta over ops. ")
	p("The last two columns are cqlsql (token-aware) divided by the row's driver: above 1 means cqlsql is faster (ops/s) or slower (p99); on the `%s` rows they are the token-aware vs round-robin difference of our own driver. ", rrName)
	if *flagRF >= len(cluster.hosts) {
		p("With RF=%d on %d nodes every node is a replica of every key, so token-aware routing cannot pick a better coordinator than round robin here; what differs is the query plan's choice among the replicas (ours: power of two choices by requests in flight) and its cost.", *flagRF, len(cluster.hosts))
	}
	p("\n\n")
	p("| CL | workload | conc | driver | ops/s | rounds ops/s | p50 | p99 | p99.9 | CPU µs/op | of which kernel | allocs/op | errors | cqlsql ÷ this ops/s | cqlsql ÷ this p99 |\n")
	p("|---|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		ourRes := r.res["cqlsql"]
		measured(names, r.res, func(name string, res *result) {
			c := cellsOf(res, ourRes, name)
			p("| %s | %s | %s | %s | %s\n", r.cl, r.workload, r.conc, name, c.tail(res))
		})
	}
	if len(shares) > 0 {
		p("\nWhere cqlsql's requests went (Connector.Hosts, per consistency level, warm-ups and prepares included):\n\n")
		for _, s := range shares {
			p("- %s\n", s)
		}
	}
	p("\nReproduce: `cd bench && go run . -hosts 127.0.0.1:9062,127.0.0.2:9062,127.0.0.3:9062` (defaults: RF 3, LOCAL_QUORUM then ONE, drivers cqlsql,%s,gocql, workloads insert,select, concurrency 1,64,256, table in results/cluster-<date>.md); `go run . -h` lists the flags.\n", rrName)
	return b.String()
}

// variantNote describes the cqlsql-1conn driver when it is measured.
func variantNote(names []string) string {
	for _, n := range names {
		if n == c1Name {
			return "; `" + c1Name + "`: cqlsql with `conns_per_host=1`"
		}
	}
	return ""
}
