package cluster

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net"
	"slices"
)

// Topology is an immutable snapshot of the cluster as the control
// connection last read it. A new snapshot replaces it as a whole (see
// Monitor.Topology), so readers never lock and never see a half-applied
// change. Nothing reachable from a Topology may be modified.
type Topology struct {
	// Hosts are every valid host (the control node and the valid peers),
	// sorted by HostID. When Tokens is set they are the ring's hosts, so
	// the replicas TokenMap returns are the same pointers.
	Hosts []*Host
	// LocalDC is the local datacenter: the one configured, or the control
	// node's at the first start.
	LocalDC string
	// Partitioner is system.local.partitioner.
	Partitioner string
	// Tokens routes by token; nil when the partitioner is unsupported or
	// the ring could not be built (queries then go round robin).
	Tokens *TokenMap

	byAddr    map[string]*Host
	byID      map[HostID]*Host
	keyspaces map[string]map[string]string // system_schema.keyspaces.replication
}

// HostByAddr returns the host whose native transport is at addr
// (host:port), or nil.
func (t *Topology) HostByAddr(addr string) *Host {
	if t == nil {
		return nil
	}
	return t.byAddr[addr]
}

// HostByID returns the host with this host_id, or nil.
func (t *Topology) HostByID(id HostID) *Host {
	if t == nil {
		return nil
	}
	return t.byID[id]
}

// DCs returns the datacenters of the hosts, sorted.
func (t *Topology) DCs() []string {
	if t == nil {
		return nil
	}
	var dcs []string
	for _, h := range t.Hosts {
		if !slices.Contains(dcs, h.Datacenter) {
			dcs = append(dcs, h.Datacenter)
		}
	}
	slices.Sort(dcs)
	return dcs
}

// hostByIP returns the host whose native address has the IP of addr
// (host:port) when no host has addr itself: events name a node by its
// native address, and a node's port may differ from what it announces.
func (t *Topology) hostByIP(addr string) *Host {
	if h := t.HostByAddr(addr); h != nil {
		return h
	}
	ip := hostOf(addr)
	var found *Host
	for _, h := range t.Hosts {
		if hostOf(h.Addr) == ip {
			if found != nil {
				return nil // ambiguous
			}
			found = h
		}
	}
	return found
}

// topoInput is everything a snapshot is built from: the rows the control
// connection read, and the previous snapshot.
type topoInput struct {
	ControlAddr string // the endpoint the control connection dialled
	Local       topoRow
	Peers       []topoRow
	Keyspaces   map[string]map[string]string
	LocalDC     string
	Prev        *Topology // nil at the first read
}

// rowProblem is one reason a row (or a keyspace, or the ring) was left
// out. Problems are logged when they first appear, not at every refresh.
type rowProblem struct {
	text  string
	debug bool // expected on a healthy cluster: logged at Debug
}

// buildTopology makes the snapshot the rows describe. It fails only when
// the control node's own row is unusable; a bad peer row is left out and
// reported. It never panics, whatever the rows hold (FuzzBuildTopology).
//
// Hosts are identified by host_id (the address can change): of two peer
// rows with one host_id, the one at a new address wins, since the other
// is the row gossip has not removed yet.
func buildTopology(in topoInput) (*Topology, []rowProblem, error) {
	local := &in.Local
	switch {
	case len(local.Bad) > 0:
		return nil, nil, fmt.Errorf("cassandra: system.local of %s: cells do not decode: %v", in.ControlAddr, local.Bad)
	case !local.HasHostID:
		return nil, nil, fmt.Errorf("cassandra: system.local of %s has no host_id", in.ControlAddr)
	case local.Datacenter == "":
		return nil, nil, fmt.Errorf("cassandra: system.local of %s has no data_center", in.ControlAddr)
	}
	var problems []rowProblem
	// For the control node, the endpoint dialled, not rpc_address: it is
	// known to work from here (the cluster facts, "Topology tables").
	hosts := []Host{local.host(in.ControlAddr)}
	defaultPort := portOf(in.ControlAddr)
	byID := map[HostID]int{local.HostID: 0}
	byAddr := map[string]int{in.ControlAddr: 0}
	for i := range in.Peers {
		r := &in.Peers[i]
		h, err := peerHost(r, defaultPort)
		if err != nil {
			problems = append(problems, rowProblem{text: err.Error()})
			continue
		}
		if h.ID == local.HostID || h.Addr == in.ControlAddr {
			// Some servers list the node itself among its peers
			// (JAVA-2303).
			problems = append(problems, rowProblem{text: fmt.Sprintf("%s: describes the control node %s itself", r.name(), in.ControlAddr), debug: true})
			continue
		}
		if j, ok := byID[h.ID]; ok {
			problems = append(problems, rowProblem{text: fmt.Sprintf("host_id %s listed at %s and %s", h.ID, hosts[j].Addr, h.Addr)})
			if in.Prev.HostByID(h.ID) == nil || in.Prev.HostByID(h.ID).Addr != hosts[j].Addr {
				continue // keep the first: neither is known to be stale
			}
			delete(byAddr, hosts[j].Addr)
			hosts[j] = h
			byAddr[h.Addr] = j
			continue
		}
		if j, ok := byAddr[h.Addr]; ok {
			problems = append(problems, rowProblem{text: fmt.Sprintf("%s is the address of host_id %s and %s: keeping %s", h.Addr, hosts[j].ID, h.ID, hosts[j].ID)})
			continue
		}
		byID[h.ID] = len(hosts)
		byAddr[h.Addr] = len(hosts)
		hosts = append(hosts, h)
	}
	if len(local.Tokens) == 0 {
		problems = append(problems, rowProblem{text: fmt.Sprintf("control node %s lists no tokens (still joining?)", in.ControlAddr)})
	}
	slices.SortFunc(hosts, func(a, b Host) int { return a.ID.compare(b.ID) })

	t := &Topology{LocalDC: in.LocalDC, Partitioner: local.Partitioner, keyspaces: in.Keyspaces}
	if in.Prev != nil && in.Prev.Partitioner == t.Partitioner && sameHosts(in.Prev.Hosts, hosts) {
		// Nothing of the hosts changed: keep their pointers and the ring,
		// and place only the keyspaces whose replication changed.
		t.Hosts, t.byAddr, t.byID = in.Prev.Hosts, in.Prev.byAddr, in.Prev.byID
		if in.Prev.Tokens != nil {
			var errs []error
			t.Tokens, errs = applyKeyspaces(in.Prev.Tokens, in.Prev.keyspaces, in.Keyspaces)
			for _, err := range errs {
				problems = append(problems, rowProblem{text: err.Error()})
			}
		}
		return t, problems, nil
	}

	p, err := PartitionerByName(local.Partitioner)
	var ring *Ring
	if err == nil {
		ring, err = NewRing(p, hosts)
	}
	if err != nil {
		problems = append(problems, rowProblem{text: err.Error()})
		t.Hosts = make([]*Host, len(hosts))
		for i := range hosts {
			t.Hosts[i] = &hosts[i]
		}
	} else {
		rh := ring.Hosts()
		t.Hosts = make([]*Host, len(rh))
		for i := range rh {
			t.Hosts[i] = &rh[i]
		}
		tm, err := NewTokenMap(ring, in.Keyspaces)
		for _, e := range unjoin(err) {
			problems = append(problems, rowProblem{text: e.Error()})
		}
		t.Tokens = tm
	}
	t.index()
	return t, problems, nil
}

// index fills the lookup maps from Hosts.
func (t *Topology) index() {
	t.byAddr = make(map[string]*Host, len(t.Hosts))
	t.byID = make(map[HostID]*Host, len(t.Hosts))
	for _, h := range t.Hosts {
		t.byAddr[h.Addr] = h
		t.byID[h.ID] = h
	}
}

// unjoin lists the errors of an errors.Join.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// sameHosts reports whether old (a snapshot's hosts) and hosts (sorted by
// ID) describe the same nodes in every field.
func sameHosts(old []*Host, hosts []Host) bool {
	return slices.EqualFunc(old, hosts, func(a *Host, b Host) bool { return sameHost(a, &b) })
}

func sameHost(a, b *Host) bool {
	return a.ID == b.ID && a.Addr == b.Addr && a.Datacenter == b.Datacenter && a.Rack == b.Rack &&
		a.ReleaseVersion == b.ReleaseVersion && a.SchemaVersion == b.SchemaVersion && slices.Equal(a.Tokens, b.Tokens)
}

// applyKeyspaces turns tm, placed for the keyspaces old, into a map for
// the keyspaces now: only the keyspaces whose replication differs are
// placed again.
func applyKeyspaces(tm *TokenMap, old, now map[string]map[string]string) (*TokenMap, []error) {
	var errs []error
	for _, name := range sortedKeys(old) {
		if _, ok := now[name]; !ok {
			tm = tm.WithoutKeyspace(name)
		}
	}
	for _, name := range sortedKeys(now) {
		if o, ok := old[name]; ok && maps.Equal(o, now[name]) {
			continue
		}
		var err error
		if tm, err = tm.WithKeyspace(name, now[name]); err != nil {
			errs = append(errs, err)
		}
	}
	return tm, errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// withKeyspace returns t with keyspace name at this replication (nil:
// dropped), after a SCHEMA_CHANGE: the hosts and the ring are shared.
// changed is false when the replication is what t already had.
func (t *Topology) withKeyspace(name string, replication map[string]string) (n *Topology, changed bool, err error) {
	old, had := t.keyspaces[name]
	if had == (replication != nil) && maps.Equal(old, replication) {
		return t, false, nil
	}
	n = new(Topology)
	*n = *t
	n.keyspaces = maps.Clone(t.keyspaces)
	if n.keyspaces == nil {
		n.keyspaces = map[string]map[string]string{}
	}
	if replication == nil {
		delete(n.keyspaces, name)
		if t.Tokens != nil {
			n.Tokens = t.Tokens.WithoutKeyspace(name)
		}
		return n, true, nil
	}
	n.keyspaces[name] = replication
	if t.Tokens != nil {
		n.Tokens, err = t.Tokens.WithKeyspace(name, replication)
	}
	return n, true, err
}

// topoDiff is what changed between two snapshots, for the log and the
// callbacks.
type topoDiff struct {
	Added, Removed []*Host
	Moved          []moved   // same host_id, new address
	Changed        []*Host   // same host_id and address, other fields differ
	Keyspaces      []string  // keyspaces whose replication changed (added, dropped, altered)
	partitioner    [2]string // old, new when it changed
}

type moved struct {
	From string
	Host *Host
}

// hostsChanged reports whether anything about the hosts changed: what
// OnTopology is for.
func (d *topoDiff) hostsChanged() bool {
	return len(d.Added)+len(d.Removed)+len(d.Moved)+len(d.Changed) > 0 || d.partitioner != [2]string{}
}

// diffTopology compares two snapshots (old may be nil).
func diffTopology(old, now *Topology) topoDiff {
	var d topoDiff
	if old == nil {
		d.Added = slices.Clone(now.Hosts)
		d.Keyspaces = sortedKeys(now.keyspaces)
		return d
	}
	if old.Partitioner != now.Partitioner {
		d.partitioner = [2]string{old.Partitioner, now.Partitioner}
	}
	for _, h := range now.Hosts {
		o := old.HostByID(h.ID)
		switch {
		case o == nil:
			d.Added = append(d.Added, h)
		case o.Addr != h.Addr:
			d.Moved = append(d.Moved, moved{From: o.Addr, Host: h})
		case !sameHost(o, h):
			d.Changed = append(d.Changed, h)
		}
	}
	for _, h := range old.Hosts {
		if now.HostByID(h.ID) == nil {
			d.Removed = append(d.Removed, h)
		}
	}
	for _, name := range sortedKeys(now.keyspaces) {
		if o, ok := old.keyspaces[name]; !ok || !maps.Equal(o, now.keyspaces[name]) {
			d.Keyspaces = append(d.Keyspaces, name)
		}
	}
	for _, name := range sortedKeys(old.keyspaces) {
		if _, ok := now.keyspaces[name]; !ok {
			d.Keyspaces = append(d.Keyspaces, name)
		}
	}
	slices.SortFunc(d.Keyspaces, cmp.Compare[string])
	return d
}

// errUnknownDC is the error of a configured local datacenter the cluster
// does not have.
func errUnknownDC(dc string, t *Topology) error {
	return fmt.Errorf("cassandra: local datacenter %q is not one of the cluster's datacenters %q: set local_dc to one of them (names are case sensitive)%w", dc, t.DCs(), silent{ErrUnknownDC})
}

// ErrUnknownDC is matched (errors.Is) by the error of a Start whose
// LocalDC the cluster does not have.
var ErrUnknownDC = errors.New("cassandra: unknown local datacenter")

// silent wraps an error for errors.Is without adding to the text.
type silent struct{ err error }

func (s silent) Error() string { return "" }
func (s silent) Unwrap() error { return s.err }

var errNoContacts = errors.New("cassandra: no contact points given: list at least one host:port")

// hostOf returns the host part of a host:port (IPv6 without brackets).
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
