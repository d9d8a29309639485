package main

import (
	"fmt"
	"strings"
)

// cells are the computed columns of one driver's row of a results table.
type cells struct {
	rounds                   string // ops/s of each round
	cpu, sys, allocs         float64
	errs, ratioOps, ratioP99 string // the ratios are cqlsql's (ourRes) over this driver's
}

func cellsOf(res, ourRes *result, name string) cells {
	var c cells
	var rr []string
	for _, x := range res.roundRate {
		rr = append(rr, fmt.Sprintf("%.0f", x))
	}
	c.rounds = strings.Join(rr, " / ")
	if res.ops > 0 {
		c.cpu = float64(res.cpu.Microseconds()) / float64(res.ops)
		c.sys = float64(res.sys.Microseconds()) / float64(res.ops)
		c.allocs = float64(res.mallocs) / float64(res.ops)
	}
	if ourRes != nil && name != "cqlsql" && name != floorName && res.rate() > 0 {
		c.ratioOps = fmt.Sprintf("%.2f", ourRes.rate()/res.rate())
		c.ratioP99 = fmt.Sprintf("%.2f", float64(ourRes.h.quantile(0.99))/float64(res.h.quantile(0.99)))
	}
	c.errs = fmt.Sprint(res.errs)
	if res.firstErr != nil {
		c.errs += fmt.Sprintf(" (%s)", strings.ReplaceAll(trunc(res.firstErr.Error(), 80), "|", "/"))
	}
	return c
}

// tail is the row's cells from ops/s on, as both tables print them (the
// columns before them differ), with the closing bar.
func (c cells) tail(res *result) string {
	return fmt.Sprintf("%.0f | %s | %s | %s | %s | %.1f | %.1f | %.1f | %s | %s | %s |",
		res.rate(), c.rounds,
		fmtDur(res.h.quantile(0.5)), fmtDur(res.h.quantile(0.99)), fmtDur(res.h.quantile(0.999)),
		c.cpu, c.sys, c.allocs, c.errs, c.ratioOps, c.ratioP99)
}

// measured calls f for each driver of names, in order, that has a result
// in res.
func measured[T any](names []string, res map[string]*T, f func(name string, r *T)) {
	for _, name := range names {
		if r := res[name]; r != nil {
			f(name, r)
		}
	}
}
