package testcluster

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Node is a Cassandra node a test started itself with scripts/cassandra.sh,
// for fault injection (kill -STOP, kill -9, restart) that must not disturb
// the shared test node.
type Node struct {
	Addr string // host:port of its native transport
	env  []string
	root string
}

// Launch starts (or finds running) a single node with the launcher's
// settings in env (CASSANDRA_PORT and CASSANDRA_STORAGE_PORT at least, so it
// has ports of its own) and stops it when the test ends if it started it.
// It skips the test when the machine cannot run the launcher (no JDK or
// Maven), or fails it when Required.
func Launch(t testing.TB, port int, env ...string) *Node {
	t.Helper()
	root := moduleRoot(t)
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if Required() {
				t.Fatalf("the test starts its own Cassandra node and %s is missing", tool)
			}
			t.Skipf("the test starts its own Cassandra node and %s is missing", tool)
		}
	}
	n := &Node{Addr: "127.0.0.1:" + strconv.Itoa(port), root: root,
		env: append(append(os.Environ(), "CASSANDRA_PORT="+strconv.Itoa(port)), env...)}
	started := n.run(t, "status") != nil
	if err := n.run(t, "up"); err != nil {
		t.Fatalf("starting a node on %s: %v", n.Addr, err)
	}
	if started {
		t.Cleanup(func() { n.run(t, "down") })
	}
	return n
}

// Pid returns the node's process id, from the launcher's pid file.
func (n *Node) Pid(t testing.TB) int {
	t.Helper()
	out, err := n.output("status")
	if err != nil {
		t.Fatalf("node %s: %v", n.Addr, err)
	}
	// "node 1: running, pid 1234, 127.0.0.1:9242"
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(line, "pid "); i >= 0 {
			f := strings.FieldsFunc(line[i+4:], func(r rune) bool { return r < '0' || r > '9' })
			if len(f) > 0 {
				pid, err := strconv.Atoi(f[0])
				if err == nil {
					return pid
				}
			}
		}
	}
	t.Fatalf("node %s: no pid in %q", n.Addr, out)
	return 0
}

func (n *Node) run(t testing.TB, cmd string) error {
	out, err := n.output(cmd)
	if err != nil && cmd != "status" {
		t.Logf("scripts/cassandra.sh %s: %v\n%s", cmd, err, out)
	}
	return err
}

func (n *Node) output(cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, filepath.Join(n.root, "scripts", "cassandra.sh"), cmd)
	c.Env = n.env
	c.Dir = n.root
	var b bytes.Buffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.String(), err
}

// moduleRoot is the directory of the module's go.mod.
func moduleRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the testcluster package")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}
