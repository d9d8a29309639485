package testcluster

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// ownClusterWait bounds the wait for another test's own cluster to stop.
const ownClusterWait = 15 * time.Minute

// lockOwnCluster lets one test at a time, across the packages go test runs
// side by side, run a multi-node cluster of its own (LaunchJoining): beside
// make test's clusters, two more three-node clusters starting at once on
// two CPUs made a node fail its gossip shadow round ("Unable to gossip with
// any peers"). The lock is a file lock, so it holds across processes; it is
// released when the test ends, after its cluster is stopped (cleanups run
// last-registered first).
func lockOwnCluster(t testing.TB, root string) {
	t.Helper()
	dir := filepath.Join(root, ".cache", "cassandra")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "own-cluster.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			t.Fatalf("locking %s: %v", f.Name(), err)
		}
		if time.Since(start) > ownClusterWait {
			f.Close()
			t.Fatalf("another test's own cluster still runs after %v (%s)", ownClusterWait, f.Name())
		}
		time.Sleep(time.Second)
	}
	if d := time.Since(start); d >= time.Second {
		t.Logf("waited %v for another test's own cluster to stop", d.Round(time.Second))
	}
	t.Cleanup(func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	})
}
