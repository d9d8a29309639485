package codec

import "fmt"

// planCache holds the compiled plans of the distinct types of one result,
// found by a structural hash and Type.Equal. A handful of types, the usual
// case, are searched in place; a map is made only past them.
type planCache[P any] struct {
	few  [8]planEntry[P]
	n    int
	many map[uint64][]planEntry[P]
}

type planEntry[P any] struct {
	hash uint64
	t    Type
	p    P
}

// plan returns the plan of t, found at depth, calling build for the first
// type equal to t.
func (c *planCache[P]) plan(t Type, depth int, build func(Type, int) (P, error)) (P, error) {
	hash, height := typeKey(t, depth)
	if depth+height > maxDepth {
		var zero P
		return zero, fmt.Errorf("cassandra: type nesting deeper than %d", maxDepth)
	}
	if e, ok := c.get(t, hash); ok {
		return e.p, nil
	}
	p, err := build(t, depth)
	if err == nil {
		c.put(planEntry[P]{hash: hash, t: t, p: p})
	}
	return p, err
}

func (c *planCache[P]) get(t Type, hash uint64) (planEntry[P], bool) {
	if c.many != nil {
		for _, e := range c.many[hash] {
			if e.t.Equal(t) {
				return e, true
			}
		}
		return planEntry[P]{}, false
	}
	for _, e := range c.few[:c.n] {
		if e.hash == hash && e.t.Equal(t) {
			return e, true
		}
	}
	return planEntry[P]{}, false
}

func (c *planCache[P]) put(e planEntry[P]) {
	if c.many == nil && c.n < len(c.few) {
		c.few[c.n] = e
		c.n++
		return
	}
	if c.many == nil {
		c.many = make(map[uint64][]planEntry[P], 2*len(c.few))
		for _, f := range c.few[:c.n] {
			c.many[f.hash] = append(c.many[f.hash], f)
		}
		c.few, c.n = [len(c.few)]planEntry[P]{}, 0
	}
	c.many[e.hash] = append(c.many[e.hash], e)
}

// typeKey returns a hash of what Type.Equal compares and the height of t,
// giving up (height > maxDepth) past the nesting plans may have.
func typeKey(t Type, depth int) (hash uint64, height int) {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	mix := func(v uint64) { h = (h ^ v) * prime }
	str := func(s string) {
		mix(uint64(len(s)))
		for i := 0; i < len(s); i++ {
			mix(uint64(s[i]))
		}
	}
	if depth > maxDepth {
		return 0, maxDepth + 1
	}
	mix(uint64(t.ID))
	mix(uint64(t.Dimension))
	str(t.Custom)
	str(t.Keyspace)
	str(t.Name)
	mix(uint64(len(t.Fields)))
	for _, f := range t.Fields {
		str(f)
	}
	mix(uint64(len(t.Elems)))
	for _, e := range t.Elems {
		eh, ht := typeKey(e, depth+1)
		mix(eh)
		height = max(height, ht+1)
	}
	return h, height
}
