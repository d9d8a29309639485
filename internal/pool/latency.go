package pool

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// LatencySummary describes the latencies of a host's recorded attempts.
// Count, Mean and Max are exact; the percentiles are within the
// histogram's precision (see histogram).
type LatencySummary struct {
	Count               int64
	Mean, P50, P90, P99 time.Duration
	Max                 time.Duration
}

// A latency is counted in a bucket of a log-linear histogram: below 1,024
// ns, buckets 64 ns wide; above, each power of two split into 16 equal
// buckets, up to 2^36 ns (68.7 s). Buckets are counted in 64 ns units so
// that the first power of two starts at 16 units, about 1 µs.
const (
	histUnitShift = 6  // 64 ns units
	histSubBits   = 4  // 16 buckets per power of two
	histOctaves   = 26 // powers of two above the linear part: 16<<26 units = 2^36 ns
	histSub       = 1 << histSubBits
	histBuckets   = (histOctaves + 1) * histSub
)

// histogram is a lock-free latency histogram: a fixed array of atomic
// counters, so recording takes no lock and allocates nothing.
//
// Precision: a percentile is reported as the midpoint of its bucket, which
// is within 1/32 (3.125%) of the true value from 1.024 µs to 68.7 s, and
// within 32 ns below that. Latencies above 68.7 s share the last bucket.
type histogram struct {
	buckets [histBuckets]atomic.Int64
	sum     atomic.Int64 // ns, for the mean
	max     atomic.Int64 // ns
}

// bucketOf returns the bucket counting a latency of ns >= 0 nanoseconds.
func bucketOf(ns int64) int {
	u := uint64(ns) >> histUnitShift
	if u < histSub {
		return int(u)
	}
	// u>>e keeps the top histSubBits+1 bits: 16..31, the leading 1 and the
	// sub-bucket.
	e := bits.Len64(u) - histSubBits - 1
	i := (e+1)*histSub + int(u>>e) - histSub
	if i >= histBuckets {
		return histBuckets - 1
	}
	return i
}

// bucketMid returns the midpoint of bucket i, in nanoseconds.
func bucketMid(i int) int64 {
	lo, width := int64(i), int64(1)
	if i >= histSub {
		e := i/histSub - 1
		lo, width = int64(histSub+i%histSub)<<e, int64(1)<<e
	}
	return (2*lo + width) << (histUnitShift - 1)
}

func (h *histogram) record(d time.Duration) {
	ns := int64(d)
	if ns < 0 {
		ns = 0
	}
	h.buckets[bucketOf(ns)].Add(1)
	h.sum.Add(ns)
	for {
		m := h.max.Load()
		if ns <= m || h.max.CompareAndSwap(m, ns) {
			return
		}
	}
}

// summary reads the histogram while it may still be written to: the
// percentiles come from one pass over the buckets, so they agree with
// Count; the mean and the max may include an attempt recorded meanwhile.
func (h *histogram) summary() LatencySummary {
	var counts [histBuckets]int64
	var s LatencySummary
	for i := range h.buckets {
		counts[i] = h.buckets[i].Load()
		s.Count += counts[i]
	}
	if s.Count == 0 {
		return s
	}
	s.Max = time.Duration(h.max.Load())
	s.Mean = time.Duration(h.sum.Load() / s.Count)
	qs := [...]struct {
		per  int64 // per mille
		into *time.Duration
	}{{500, &s.P50}, {900, &s.P90}, {990, &s.P99}}
	var seen int64
	q := 0
	for i, c := range counts {
		seen += c
		for q < len(qs) && seen*1000 >= qs[q].per*s.Count {
			*qs[q].into = min(time.Duration(bucketMid(i)), s.Max)
			q++
		}
	}
	return s
}
