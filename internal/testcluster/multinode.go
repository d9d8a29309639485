package testcluster

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The multi-node clusters of make test (scripts/test.sh starts them in the
// background): each is named by the environment variable holding its
// nodes' addresses, and the launcher settings that start it.
var (
	// ThreeNodes: 3 nodes on 127.0.0.1-3, one datacenter, 16 vnodes each.
	// Tests only read its state: nothing kills its nodes.
	ThreeNodes = MultiNode{Var: "CASSANDRA_CLUSTER_HOSTS", Env: []string{
		"CASSANDRA_NODES=3", "CASSANDRA_NUM_TOKENS=16", "CASSANDRA_PORT=9062", "CASSANDRA_STORAGE_PORT=7600"}}
	// TwoDCs: 3 nodes, dc1 (127.0.0.1-2) and dc2 (127.0.0.3), 16 vnodes
	// each. The tests that kill and restart nodes use this one.
	TwoDCs = MultiNode{Var: "CASSANDRA_DC2_HOSTS", Env: []string{
		"CASSANDRA_NODES=3", "CASSANDRA_DCS=2", "CASSANDRA_NUM_TOKENS=16", "CASSANDRA_PORT=9072", "CASSANDRA_STORAGE_PORT=7700"}}
)

// MultiNode is one of the multi-node test clusters.
type MultiNode struct {
	Var string   // the variable that lists its nodes, host:port, comma-separated
	Env []string // the launcher's settings for it
}

// Hosts returns the cluster's node addresses. It skips the test when the
// variable is unset, or fails it when Required or
// CASSANDRA_CLUSTER_REQUIRED=1.
func (m MultiNode) Hosts(t testing.TB) []string {
	t.Helper()
	v := os.Getenv(m.Var)
	if v == "" {
		msg := "multi-node test: " + m.Var + " is not set; make test starts the cluster (launcher settings: " + strings.Join(m.Env, " ") + ")"
		if Required() || os.Getenv("CASSANDRA_CLUSTER_REQUIRED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return strings.Split(v, ",")
}

// Node returns node i (1-based) of the cluster, for kill and restart: its
// Pid is read from the launcher, and Restart starts what is stopped.
func (m MultiNode) Node(t testing.TB, i int) *ClusterNode {
	t.Helper()
	hosts := m.Hosts(t)
	if i < 1 || i > len(hosts) {
		t.Fatalf("%s has %d nodes, not %d", m.Var, len(hosts), i)
	}
	env := append(append(os.Environ(), m.Env...), "CASSANDRA_HEAP="+clusterHeap())
	return &ClusterNode{Node: Node{Addr: hosts[i-1], env: env, root: moduleRoot(t)}, index: i}
}

// clusterHeap is the heap scripts/test.sh gives the multi-node clusters'
// nodes, so that a node a test restarts gets the same.
func clusterHeap() string {
	if h := os.Getenv("CASSANDRA_CLUSTER_HEAP"); h != "" {
		return h
	}
	return "512M"
}

// ClusterNode is one node of a multi-node test cluster.
type ClusterNode struct {
	Node
	index int
}

// Pid returns the node's process id, from the launcher's status.
func (n *ClusterNode) Pid(t testing.TB) int {
	t.Helper()
	out, _ := n.output("status") // exit 1 when a node is down
	prefix := "node " + strconv.Itoa(n.index) + ": running, pid "
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			if pid, err := strconv.Atoi(strings.TrimRight(strings.Fields(rest)[0], ",")); err == nil {
				return pid
			}
		}
	}
	t.Fatalf("node %d (%s) is not running: %q", n.index, n.Addr, out)
	return 0
}

// Restart starts every stopped node of the cluster and waits until they
// answer CQL.
func (n *ClusterNode) Restart(t testing.TB) {
	t.Helper()
	if out, err := n.output("up"); err != nil {
		t.Fatalf("restarting node %d (%s): %v\n%s", n.index, n.Addr, err, out)
	}
}

// Joining is a cluster a test starts for itself, fresh (any earlier run of
// it wiped), with only some of its nodes up at first, so that the others
// can join it later as new nodes. It is stopped and wiped when the test
// ends.
type Joining struct {
	Node  // node 1: Addr is its address
	nodes int
}

// LaunchJoining starts nodes 1..start of a cluster of nodes nodes with the
// launcher's settings in env (CASSANDRA_PORT and CASSANDRA_STORAGE_PORT at
// least, so that it has ports of its own). It skips the test when the
// machine cannot run the launcher, or fails it when Required. Only one such
// cluster of this checkout runs at a time, across the test binaries go test
// runs side by side: it waits for another test's to stop first.
func LaunchJoining(t testing.TB, nodes, start int, env ...string) *Joining {
	t.Helper()
	root := moduleRoot(t)
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if Required() {
				t.Fatalf("the test starts a cluster of its own and %s is missing", tool)
			}
			t.Skipf("the test starts a cluster of its own and %s is missing", tool)
		}
	}
	port := "9042"
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "CASSANDRA_PORT="); ok {
			port = v
		}
	}
	lockOwnCluster(t, root) // released after the cleanup below has stopped it
	j := &Joining{nodes: nodes, Node: Node{Addr: "127.0.0.1:" + port, root: root,
		env: append(append(os.Environ(), env...), "CASSANDRA_NODES="+strconv.Itoa(nodes))}}
	t.Cleanup(func() {
		j.run(t, "down")
		j.run(t, "wipe")
	})
	if err := j.run(t, "down"); err != nil {
		t.Fatal(err)
	}
	if err := j.run(t, "wipe"); err != nil {
		t.Fatal(err)
	}
	j.start(t, start)
	return j
}

// Addrs returns the addresses of all the cluster's nodes, started or not.
func (j *Joining) Addrs() []string {
	host, port, _ := strings.Cut(j.Addr, ":")
	base := strings.TrimSuffix(host, "1")
	out := make([]string, j.nodes)
	for i := range out {
		out[i] = base + strconv.Itoa(i+1) + ":" + port
	}
	return out
}

// Start starts nodes up to n (those not running yet join the cluster) and
// waits until they answer CQL.
func (j *Joining) Start(t testing.TB, n int) {
	t.Helper()
	j.start(t, n)
}

func (j *Joining) start(t testing.TB, n int) {
	t.Helper()
	saved := j.env
	j.env = append(append([]string(nil), saved...), "CASSANDRA_START_NODES="+strconv.Itoa(n))
	defer func() { j.env = saved }()
	if err := j.run(t, "up"); err != nil {
		t.Fatalf("starting nodes 1 to %d of %s: %v", n, j.Addr, err)
	}
}

// Pid returns the process id of node i (1-based), from the launcher's
// status.
func (j *Joining) Pid(t testing.TB, i int) int {
	t.Helper()
	n := &ClusterNode{Node: j.Node, index: i}
	return n.Pid(t)
}
