package main

import (
	"math/bits"
	"time"
)

// hist is a log-bucketed latency histogram in the HDR style: values below
// 64ns are exact, above that every power of two is split into 32 linear
// sub-buckets, so a recorded value is known to within about 3%.
type hist struct {
	counts [32 * 42]uint64
	n      uint64
	max    int64
}

func bucketOf(v int64) int {
	if v < 0 {
		v = 0
	}
	if v < 64 {
		return int(v)
	}
	k := bits.Len64(uint64(v)) - 6 // v>>k is in [32, 64)
	i := 32*k + int(v>>uint(k))
	if i >= len(hist{}.counts) {
		i = len(hist{}.counts) - 1
	}
	return i
}

// bucketMid is the middle of bucket i's value range.
func bucketMid(i int) int64 {
	if i < 64 {
		return int64(i)
	}
	k := i/32 - 1
	sub := int64(i - 32*k)
	return sub<<uint(k) + (int64(1)<<uint(k))/2
}

func (h *hist) record(d time.Duration) {
	h.counts[bucketOf(int64(d))]++
	h.n++
	if int64(d) > h.max {
		h.max = int64(d)
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the value at quantile q (0..1).
func (h *hist) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := bucketMid(i)
			if v > h.max {
				v = h.max
			}
			return time.Duration(v)
		}
	}
	return time.Duration(h.max)
}
