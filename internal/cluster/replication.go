package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrUnsupportedStrategy reports a replication class this package cannot
// place replicas for; the caller plans that keyspace's queries without
// token awareness.
var ErrUnsupportedStrategy = errors.New("cassandra: unsupported replication strategy")

// Strategy is a keyspace's replication class.
type Strategy uint8

const (
	SimpleStrategy Strategy = iota + 1
	NetworkTopologyStrategy
	// LocalStrategy keyspaces (system, ...) live on every node apart: any
	// node answers for its own data, so they have no replica list.
	LocalStrategy
	// EverywhereStrategy (DSE) replicates to every node.
	EverywhereStrategy
)

func (s Strategy) String() string {
	switch s {
	case SimpleStrategy:
		return "SimpleStrategy"
	case NetworkTopologyStrategy:
		return "NetworkTopologyStrategy"
	case LocalStrategy:
		return "LocalStrategy"
	case EverywhereStrategy:
		return "EverywhereStrategy"
	}
	return "Strategy(" + strconv.Itoa(int(s)) + ")"
}

// Replication is a keyspace's replication setting, in canonical form so
// that keyspaces with the same setting can share one replica map.
type Replication struct {
	Strategy Strategy
	// Factor is SimpleStrategy's replication_factor.
	Factor int
	// Datacenters are NetworkTopologyStrategy's factors, by name, with
	// datacenters of factor 0 left out.
	Datacenters []DatacenterFactor
}

// DatacenterFactor is the number of replicas of a datacenter.
type DatacenterFactor struct {
	Datacenter string
	Replicas   int
}

// ParseReplication reads a replication map of system_schema.keyspaces, such
// as {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy",
// "dc1": "3", "dc2": "3/1"}. A transient factor "3/1" counts its 3 replicas.
func ParseReplication(options map[string]string) (Replication, error) {
	class := options["class"]
	name := class[strings.LastIndexByte(class, '.')+1:]
	switch name {
	case "SimpleStrategy":
		rf, err := parseFactor(options["replication_factor"])
		if err != nil {
			return Replication{}, fmt.Errorf("cassandra: SimpleStrategy replication_factor: %w", unprefixed(err))
		}
		return Replication{Strategy: SimpleStrategy, Factor: rf}, nil
	case "NetworkTopologyStrategy":
		r := Replication{Strategy: NetworkTopologyStrategy}
		for dc, v := range options {
			// The server expands replication_factor into every datacenter
			// when the keyspace is created; a leftover one says nothing.
			if dc == "class" || dc == "replication_factor" {
				continue
			}
			rf, err := parseFactor(v)
			if err != nil {
				return Replication{}, fmt.Errorf("cassandra: NetworkTopologyStrategy datacenter %q: %w", dc, unprefixed(err))
			}
			if rf > 0 {
				r.Datacenters = append(r.Datacenters, DatacenterFactor{dc, rf})
			}
		}
		slices.SortFunc(r.Datacenters, func(a, b DatacenterFactor) int { return strings.Compare(a.Datacenter, b.Datacenter) })
		return r, nil
	case "LocalStrategy":
		return Replication{Strategy: LocalStrategy}, nil
	case "EverywhereStrategy":
		return Replication{Strategy: EverywhereStrategy}, nil
	}
	return Replication{}, fmt.Errorf("%w %q", ErrUnsupportedStrategy, class)
}

// parseFactor reads "3" or the transient form "3/1" (3 replicas, 1 of them
// transient) and returns the number of replicas.
func parseFactor(s string) (int, error) {
	all, transient, isTransient := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.Atoi(all)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("cassandra: replication factor %q is not a number of replicas", s)
	}
	if isTransient {
		t, err := strconv.Atoi(transient)
		if err != nil || t < 0 || t > n {
			return 0, fmt.Errorf("cassandra: replication factor %q has a bad transient part", s)
		}
	}
	return n, nil
}

// key is a canonical encoding: equal keys mean equal placements.
func (r Replication) key() string {
	var b strings.Builder
	b.WriteString(r.Strategy.String())
	switch r.Strategy {
	case SimpleStrategy:
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(r.Factor))
	case NetworkTopologyStrategy:
		for _, dc := range r.Datacenters {
			b.WriteByte(' ')
			b.WriteString(strconv.Quote(dc.Datacenter))
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(dc.Replicas))
		}
	}
	return b.String()
}
