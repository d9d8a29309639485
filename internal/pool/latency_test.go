package pool

import (
	"testing"
	"time"
)

// within reports whether got is within the histogram's stated precision
// of want: 1/32 of it, or 32 ns below 1,024 ns.
func within(got, want time.Duration) bool {
	tol := want / 32
	if want < 1024 {
		tol = 32
	}
	d := got - want
	return -tol <= d && d <= tol
}

func TestBucketPrecision(t *testing.T) {
	prev := 0
	for ns := int64(0); ns < 1<<36; ns += 1 + ns/1000 {
		i := bucketOf(ns)
		if i < prev || i >= histBuckets {
			t.Fatalf("bucketOf(%d) = %d after %d (of %d buckets)", ns, i, prev, histBuckets)
		}
		prev = i
		if mid := time.Duration(bucketMid(i)); !within(mid, time.Duration(ns)) {
			t.Fatalf("%d ns lands in bucket %d, midpoint %d: beyond the stated precision", ns, i, mid)
		}
	}
	if i := bucketOf(1 << 40); i != histBuckets-1 {
		t.Errorf("a latency beyond the range is in bucket %d, want the last (%d)", i, histBuckets-1)
	}
}

func TestHistogramSummary(t *testing.T) {
	var empty histogram
	if s := empty.summary(); s != (LatencySummary{}) {
		t.Errorf("summary of nothing = %+v", s)
	}
	tests := []struct {
		name                     string
		record                   func(h *histogram)
		count                    int64
		mean, p50, p90, p99, max time.Duration
	}{
		{"uniform 1µs..10ms", func(h *histogram) {
			for i := 1; i <= 10000; i++ {
				h.record(time.Duration(i) * time.Microsecond)
			}
		}, 10000, 5000500 * time.Nanosecond, 5 * time.Millisecond, 9 * time.Millisecond, 9900 * time.Microsecond, 10 * time.Millisecond},
		{"three modes", func(h *histogram) {
			for i := 0; i < 900; i++ {
				h.record(time.Millisecond)
			}
			for i := 0; i < 90; i++ {
				h.record(50 * time.Millisecond)
			}
			for i := 0; i < 10; i++ {
				h.record(2 * time.Second)
			}
		}, 1000, 25400 * time.Microsecond, time.Millisecond, time.Millisecond, 50 * time.Millisecond, 2 * time.Second},
		{"one slow", func(h *histogram) { h.record(42 * time.Second) },
			1, 42 * time.Second, 42 * time.Second, 42 * time.Second, 42 * time.Second, 42 * time.Second},
		{"negative counts as 0", func(h *histogram) { h.record(-time.Second) }, 1, 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			tt.record(&h)
			s := h.summary()
			if s.Count != tt.count || s.Mean != tt.mean || s.Max != tt.max {
				t.Errorf("count, mean, max = %d, %v, %v; want %d, %v, %v (exact)", s.Count, s.Mean, s.Max, tt.count, tt.mean, tt.max)
			}
			for _, q := range []struct {
				name      string
				got, want time.Duration
			}{{"p50", s.P50, tt.p50}, {"p90", s.P90, tt.p90}, {"p99", s.P99, tt.p99}} {
				if !within(q.got, q.want) {
					t.Errorf("%s = %v, want %v within 1/32", q.name, q.got, q.want)
				}
			}
		})
	}
}
