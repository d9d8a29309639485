package hostile

import (
	"runtime"
	"testing"
)

// Allocated returns the bytes the process allocates while f runs (every
// goroutine's): TotalAlloc grows with each allocation and never shrinks,
// so it bounds the peak heap f can cause. Call it from a test that does
// not run in parallel with others.
func Allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Bound is what receiving n bytes may cost: 16 times n plus 1 MiB.
func Bound(n int) uint64 { return 16*uint64(n) + 1<<20 }

// Check logs what receiving received bytes cost and fails t when alloc is
// over Bound(received).
func Check(t testing.TB, received int, alloc uint64, err error) {
	t.Helper()
	t.Logf("%d bytes received, %d allocated (%.1fx), err: %v", received, alloc, float64(alloc)/float64(received), err)
	if alloc > Bound(received) {
		t.Errorf("%d bytes allocated for %d received, want at most %d", alloc, received, Bound(received))
	}
}
