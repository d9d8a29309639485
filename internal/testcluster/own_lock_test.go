package testcluster

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The own-cluster lock excludes another holder until the test that took it
// ends.
func TestLockOwnClusterExcludes(t *testing.T) {
	root := t.TempDir()
	tryLock := func() error {
		f, err := os.OpenFile(filepath.Join(root, ".cache", "cassandra", "own-cluster.lock"), os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	t.Run("holder", func(t *testing.T) {
		lockOwnCluster(t, root)
		if err := tryLock(); err != syscall.EWOULDBLOCK {
			t.Fatalf("a second lock while it is held: %v, want EWOULDBLOCK", err)
		}
	})
	if err := tryLock(); err != nil {
		t.Fatalf("a lock after the holder ended: %v", err)
	}
}
