package main

// The measuring loops: closed (a fixed number of workers) and open (a
// fixed rate), and what they record.

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// result is what one driver did over all the rounds of one workload.
type result struct {
	ops, errs int64
	wall      time.Duration
	cpu       time.Duration // user + system
	sys       time.Duration // system (kernel) part of cpu
	mallocs   uint64
	h         hist
	roundRate []float64
	firstErr  error
	offered   float64 // open loop: the requested rate
}

func (r *result) rate() float64 {
	if r.wall <= 0 {
		return 0
	}
	return float64(r.ops) / r.wall.Seconds()
}

// meter snapshots the process's CPU time and allocation count.
type meter struct {
	cpu, sys time.Duration
	mallocs  uint64
	t        time.Time
}

func snap() meter {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return meter{
		cpu:     time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		sys:     time.Duration(ru.Stime.Nano()),
		mallocs: ms.Mallocs,
		t:       time.Now(),
	}
}

// opFunc runs operation i of worker w.
type opFunc func(ctx context.Context, w int, i int64) error

// closedLoop runs conc workers, each doing one operation after another, for
// dur (and at least one operation each), and adds what it saw to res.
func closedLoop(conc int, dur time.Duration, op opFunc, res *result, measure bool) {
	ctx, cancel := context.WithTimeout(context.Background(), dur+60*time.Second)
	defer cancel()
	hs := make([]hist, conc)
	var ops, errs atomic.Int64
	var errOnce sync.Once
	var firstErr error
	runtime.GC()
	before := snap()
	deadline := before.t.Add(dur)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			h := &hs[w]
			for i := int64(0); ; i++ {
				t0 := time.Now()
				if i > 0 && !t0.Before(deadline) {
					return
				}
				err := op(ctx, w, i)
				h.record(time.Since(t0))
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					if errs.Add(1) > 1000 || ctx.Err() != nil {
						return
					}
					continue
				}
				ops.Add(1)
			}
		}(w)
	}
	wg.Wait()
	after := snap()
	if !measure {
		return
	}
	res.add(before, after, ops.Load(), errs.Load(), hs, firstErr)
}

func (r *result) add(before, after meter, ops, errs int64, hs []hist, firstErr error) {
	wall := after.t.Sub(before.t)
	r.ops += ops
	r.errs += errs
	r.wall += wall
	r.cpu += after.cpu - before.cpu
	r.sys += after.sys - before.sys
	r.mallocs += after.mallocs - before.mallocs
	for i := range hs {
		r.h.merge(&hs[i])
	}
	r.roundRate = append(r.roundRate, float64(ops)/wall.Seconds())
	if r.firstErr == nil {
		r.firstErr = firstErr
	}
}

// openLoop offers rate ops/s for dur; latency is measured from each
// operation's intended start, so a stalled driver is charged for the queue
// that builds behind it.
func openLoop(rate float64, dur time.Duration, op opFunc, res *result, measure bool) {
	const workers = 1024
	ctx, cancel := context.WithTimeout(context.Background(), dur+60*time.Second)
	defer cancel()
	n := int64(rate * dur.Seconds())
	if n < 1 {
		n = 1
	}
	interval := time.Duration(float64(time.Second) / rate)
	jobs := make(chan time.Time, 1<<16)
	hs := make([]hist, workers)
	var ops, errs atomic.Int64
	var errOnce sync.Once
	var firstErr error
	var next atomic.Int64
	runtime.GC()
	before := snap()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			h := &hs[w]
			for t := range jobs {
				if ctx.Err() != nil {
					errs.Add(1)
					continue
				}
				err := op(ctx, w, next.Add(1))
				h.record(time.Since(t))
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					errs.Add(1)
					continue
				}
				ops.Add(1)
			}
		}(w)
	}
	start := time.Now()
	for i := int64(0); i < n && ctx.Err() == nil; i++ {
		t := start.Add(time.Duration(i) * interval)
		if d := time.Until(t); d > 0 {
			time.Sleep(d)
		}
		jobs <- t
	}
	close(jobs)
	wg.Wait()
	after := snap()
	if !measure {
		return
	}
	res.add(before, after, ops.Load(), errs.Load(), hs, firstErr)
	res.offered = rate
}
