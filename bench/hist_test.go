package main

import (
	"testing"
	"time"
)

func TestHistBuckets(t *testing.T) {
	prev := -1
	for v := int64(0); v < 1<<30; v = v*9/8 + 1 {
		i := bucketOf(v)
		if i < prev {
			t.Fatalf("bucket of %d is %d, below %d", v, i, prev)
		}
		prev = i
		m := bucketMid(i)
		if d := float64(m-v) / float64(v+1); d > 0.04 || d < -0.04 {
			t.Fatalf("value %d: bucket %d mid %d", v, i, m)
		}
	}
}

func TestHistQuantile(t *testing.T) {
	var h hist
	for i := 1; i <= 1000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {0.999, 999 * time.Microsecond}} {
		got := h.quantile(c.q)
		if r := float64(got) / float64(c.want); r < 0.96 || r > 1.04 {
			t.Errorf("q%v = %v, want about %v", c.q, got, c.want)
		}
	}
}
