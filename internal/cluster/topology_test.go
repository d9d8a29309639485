package cluster

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func TestNativeEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		row  topoRow
		want string // "" = error
	}{
		{"peers_v2", topoRow{Peer: ip("10.0.0.2"), NativeAddress: ip("10.1.0.2"), NativePort: 9142}, "10.1.0.2:9142"},
		{"peers_v2 without native_port", topoRow{NativeAddress: ip("10.1.0.2")}, "10.1.0.2:9042"},
		{"peers_v2 on 0.0.0.0", topoRow{Peer: ip("10.0.0.2"), NativeAddress: ip("0.0.0.0"), NativePort: 9142}, "10.0.0.2:9142"},
		{"peers", topoRow{Peer: ip("10.0.0.2"), RPCAddress: ip("10.1.0.2")}, "10.1.0.2:9042"},
		{"peers on ::", topoRow{Peer: ip("fd00::2"), RPCAddress: ip("::")}, "[fd00::2]:9042"},
		{"IPv6", topoRow{NativeAddress: ip("fd00::5"), NativePort: 9043}, "[fd00::5]:9043"},
		{"no address", topoRow{Peer: ip("10.0.0.2")}, ""},
		{"0.0.0.0 without peer", topoRow{RPCAddress: ip("0.0.0.0")}, ""},
		{"0.0.0.0 with peer 0.0.0.0", topoRow{RPCAddress: ip("0.0.0.0"), Peer: ip("0.0.0.0")}, ""},
	} {
		got, err := tc.row.nativeEndpoint(9042)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%s: %s, want an error", tc.name, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, err, tc.want)
		}
	}
}

func goodRow(n byte) topoRow {
	return topoRow{
		Peer: netip.AddrFrom4([4]byte{10, 0, 0, n}), NativeAddress: netip.AddrFrom4([4]byte{10, 0, 0, n}), NativePort: 9042,
		HostID: HostID{15: n}, HasHostID: true, Datacenter: "dc1", Rack: "r1",
		Tokens: []string{itoa(int(n) * 100)}, Partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
		ReleaseVersion: "5.0.9", SchemaVersion: "s1",
	}
}

func TestPeerHostValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*topoRow)
		reason string
	}{
		{"no host_id", func(r *topoRow) { r.HasHostID = false }, "no host_id"},
		{"no data_center", func(r *topoRow) { r.Datacenter = "" }, "no data_center"},
		{"no rack", func(r *topoRow) { r.Rack = "" }, "no rack"},
		{"no tokens", func(r *topoRow) { r.Tokens = nil }, "no tokens"},
		{"no address", func(r *topoRow) { r.NativeAddress = netip.Addr{} }, "no native_address or rpc_address"},
		{"bad cell", func(r *topoRow) { r.Bad = []string{"host_id: 3 bytes"} }, "do not decode"},
	} {
		r := goodRow(2)
		tc.edit(&r)
		_, err := peerHost(&r, 9042)
		if err == nil || !strings.Contains(err.Error(), tc.reason) || !strings.Contains(err.Error(), "10.0.0.2") && tc.name != "bad cell" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	r := goodRow(2)
	h, err := peerHost(&r, 9042)
	if err != nil || h.Addr != "10.0.0.2:9042" || h.ID != (HostID{15: 2}) || h.SchemaVersion != "s1" {
		t.Errorf("%+v %v", h, err)
	}
}

func TestBuildTopology(t *testing.T) {
	local := goodRow(1)
	bad := goodRow(4)
	bad.Rack = ""
	self := goodRow(1) // the control node among its peers (JAVA-2303)
	self.Peer = ip("10.0.0.99")
	self.NativeAddress = ip("10.0.0.99")
	in := topoInput{
		ControlAddr: "127.0.0.1:9042", // what was dialled, not 10.0.0.1
		Local:       local,
		Peers:       []topoRow{goodRow(3), goodRow(2), bad, self},
		Keyspaces:   map[string]map[string]string{"ks": {"class": "SimpleStrategy", "replication_factor": "2"}},
		LocalDC:     "dc1",
	}
	topo, problems, err := buildTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(topo.Hosts) != 3 || hostNames(topo.Hosts)[0] != 1 || hostNames(topo.Hosts)[2] != 3 {
		t.Fatalf("hosts %v", hostNames(topo.Hosts))
	}
	if h := topo.HostByAddr("127.0.0.1:9042"); h == nil || h.ID != local.HostID {
		t.Errorf("control node at %v", h)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].text, "no rack") || !problems[1].debug {
		t.Errorf("problems %v", problems)
	}
	// The replicas are the snapshot's own hosts.
	reps := topo.Tokens.ReplicasOfKey("ks", []byte("k"))
	if len(reps) != 2 || topo.HostByID(reps[0].ID) != reps[0] || topo.HostByID(reps[1].ID) != reps[1] {
		t.Errorf("replicas %v", reps)
	}

	// The same rows again: the hosts and ring are kept.
	in.Prev = topo
	again, _, err := buildTopology(in)
	if err != nil || again.Hosts[0] != topo.Hosts[0] || again.Tokens.Ring() != topo.Tokens.Ring() {
		t.Errorf("unchanged rows built a new ring (%v)", err)
	}
	if d := diffTopology(topo, again); d.hostsChanged() || len(d.Keyspaces) != 0 {
		t.Errorf("diff of equal snapshots: %+v", d)
	}
	// A keyspace changed alone: same ring, new placement.
	in.Keyspaces = map[string]map[string]string{"ks": {"class": "SimpleStrategy", "replication_factor": "3"}, "b": {"class": "SimpleStrategy", "replication_factor": "1"}}
	ks, _, err := buildTopology(in)
	if err != nil || ks.Tokens.Ring() != topo.Tokens.Ring() || len(ks.Tokens.ReplicasOfKey("ks", []byte("k"))) != 3 {
		t.Errorf("keyspace change: %v", err)
	}
	if d := diffTopology(topo, ks); d.hostsChanged() || strings.Join(d.Keyspaces, ",") != "b,ks" {
		t.Errorf("diff %+v", d)
	}
}

func TestBuildTopologyIPChange(t *testing.T) {
	in := topoInput{ControlAddr: "10.0.0.1:9042", Local: goodRow(1), Peers: []topoRow{goodRow(2), goodRow(3)}}
	prev, _, err := buildTopology(in)
	if err != nil {
		t.Fatal(err)
	}
	moved := goodRow(3)
	moved.Peer, moved.NativeAddress = ip("10.0.9.3"), ip("10.0.9.3")

	// The new address alone.
	in.Prev = prev
	in.Peers = []topoRow{goodRow(2), moved}
	now, _, _ := buildTopology(in)
	if h := now.HostByID(HostID{15: 3}); h == nil || h.Addr != "10.0.9.3:9042" || now.HostByAddr("10.0.0.3:9042") != nil {
		t.Errorf("moved host: %+v", h)
	}
	d := diffTopology(prev, now)
	if len(d.Moved) != 1 || d.Moved[0].From != "10.0.0.3:9042" || len(d.Added)+len(d.Removed) != 0 || !d.hostsChanged() {
		t.Errorf("diff %+v", d)
	}

	// Both rows for a while (gossip has not dropped the old one): the new
	// address wins, in either order.
	for _, peers := range [][]topoRow{{goodRow(2), goodRow(3), moved}, {moved, goodRow(2), goodRow(3)}} {
		in.Peers = peers
		now, problems, _ := buildTopology(in)
		if h := now.HostByID(HostID{15: 3}); h == nil || h.Addr != "10.0.9.3:9042" || len(now.Hosts) != 3 || now.HostByAddr("10.0.0.3:9042") != nil {
			t.Errorf("two rows of one host_id: %+v", h)
		}
		if len(problems) != 1 {
			t.Errorf("problems %v", problems)
		}
	}
}

func TestBuildTopologyWithoutRing(t *testing.T) {
	local := goodRow(1)
	local.Partitioner = "org.apache.cassandra.dht.ByteOrderedPartitioner"
	topo, problems, err := buildTopology(topoInput{ControlAddr: "10.0.0.1:9042", Local: local, Peers: []topoRow{goodRow(2)}})
	if err != nil || topo.Tokens != nil || len(topo.Hosts) != 2 || topo.HostByAddr("10.0.0.2:9042") == nil {
		t.Fatalf("%v %v", topo, err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].text, "unsupported partitioner") {
		t.Errorf("problems %v", problems)
	}
	if _, changed, err := topo.withKeyspace("ks", map[string]string{"class": "SimpleStrategy", "replication_factor": "1"}); !changed || err != nil {
		t.Errorf("withKeyspace without a token map: %v %v", changed, err)
	}

	// A token that does not parse: no ring, the hosts still listed.
	p := goodRow(2)
	p.Tokens = []string{"not a token"}
	topo, _, err = buildTopology(topoInput{ControlAddr: "10.0.0.1:9042", Local: goodRow(1), Peers: []topoRow{p}})
	if err != nil || topo.Tokens != nil || len(topo.Hosts) != 2 {
		t.Errorf("bad token: %v %v", topo, err)
	}

	for _, edit := range []func(*topoRow){
		func(r *topoRow) { r.HasHostID = false },
		func(r *topoRow) { r.Datacenter = "" },
		func(r *topoRow) { r.Bad = []string{"x"} },
	} {
		l := goodRow(1)
		edit(&l)
		if _, _, err := buildTopology(topoInput{ControlAddr: "10.0.0.1:9042", Local: l}); err == nil {
			t.Errorf("an unusable system.local row was accepted: %+v", l)
		}
	}
}

func TestWithKeyspace(t *testing.T) {
	in := topoInput{ControlAddr: "10.0.0.1:9042", Local: goodRow(1), Peers: []topoRow{goodRow(2), goodRow(3)},
		Keyspaces: map[string]map[string]string{"ks": {"class": "SimpleStrategy", "replication_factor": "1"}}}
	topo, _, _ := buildTopology(in)
	same, changed, _ := topo.withKeyspace("ks", map[string]string{"class": "SimpleStrategy", "replication_factor": "1"})
	if changed || same != topo {
		t.Error("an unchanged keyspace made a new snapshot")
	}
	n, changed, err := topo.withKeyspace("ks", map[string]string{"class": "SimpleStrategy", "replication_factor": "3"})
	if !changed || err != nil || len(n.Tokens.ReplicasOfKey("ks", []byte("k"))) != 3 || len(topo.Tokens.ReplicasOfKey("ks", []byte("k"))) != 1 {
		t.Errorf("altered: %v %v", changed, err)
	}
	if n.Hosts[0] != topo.Hosts[0] {
		t.Error("a keyspace change copied the hosts")
	}
	d, changed, _ := n.withKeyspace("ks", nil)
	if !changed {
		t.Error("drop not seen")
	}
	if _, ok := d.Tokens.Replication("ks"); ok {
		t.Error("dropped keyspace still routed")
	}
	if _, changed, _ := d.withKeyspace("ks", nil); changed {
		t.Error("dropping an unknown keyspace changed the snapshot")
	}
}

func TestTopologyLookups(t *testing.T) {
	var nilTopo *Topology
	if nilTopo.HostByAddr("x") != nil || nilTopo.HostByID(HostID{}) != nil || nilTopo.DCs() != nil {
		t.Error("nil topology")
	}
	r2 := goodRow(2)
	r2.Datacenter = "b"
	r3 := goodRow(3)
	r3.Datacenter = "a"
	topo, _, _ := buildTopology(topoInput{ControlAddr: "10.0.0.1:9042", Local: goodRow(1), Peers: []topoRow{r2, r3}})
	if strings.Join(topo.DCs(), ",") != "a,b,dc1" {
		t.Errorf("DCs %v", topo.DCs())
	}
	if topo.hostByIP("10.0.0.2:19042") == nil || topo.hostByIP("10.0.0.7:9042") != nil {
		t.Error("hostByIP")
	}
}

func TestDecodeTopoRows(t *testing.T) {
	cols := columnsOf(peersV2Query)
	fc := &fakeCluster{t: t}
	n := &fakeNode{id: HostID{15: 9}, dc: "dc1", rack: "r1", tokens: []string{"1", "2"}, addr: "10.0.0.9:9043"}
	row := fc.nodeRow(n, cols, "")
	broken := fc.nodeRow(n, cols, "")
	broken[3] = []byte{1, 2, 3} // host_id of 3 bytes
	broken[1] = []byte{}        // native_address empty: absent
	res := rowsResult(cols, row, broken)
	rows, err := decodeTopoRows(&res.Rows)
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	if h, err := peerHost(&rows[0], 9042); err != nil || h.Addr != "10.0.0.9:9043" || h.ID != n.id || len(h.Tokens) != 2 || h.ReleaseVersion != "5.0.9" {
		t.Errorf("%+v %v", h, err)
	}
	if len(rows[1].Bad) != 2 {
		t.Errorf("bad cells %v", rows[1].Bad)
	}
	// A column of an unexpected type is reported, not trusted.
	cols[6].Type = codec.Type{ID: codec.TypeInt}
	res = rowsResult(cols, row)
	rows, _ = decodeTopoRows(&res.Rows)
	if len(rows[0].Bad) != 1 || !strings.Contains(rows[0].Bad[0], "tokens") {
		t.Errorf("bad %v", rows[0].Bad)
	}
}

func TestNoPeersV2(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&protocol.Error{Code: protocol.ErrCodeInvalid, Message: "unconfigured table peers_v2"}, true},
		{&protocol.Error{Code: protocol.ErrCodeServer, Message: "Unknown keyspace/cf pair (system.peers_v2)"}, true},
		{&protocol.Error{Code: protocol.ErrCodeServer, Message: "java.lang.NullPointerException"}, false},
		{&protocol.Error{Code: protocol.ErrCodeReadTimeout}, false},
		{protocol.ErrConnClosed, false},
	} {
		if got := noPeersV2(tc.err); got != tc.want {
			t.Errorf("%v: %v", tc.err, got)
		}
	}
}

func TestDebouncer(t *testing.T) {
	t0 := time.Unix(1000, 0)
	d := debouncer{window: time.Second}
	ap := func(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
	status := func(change, addr string) *protocol.Event {
		return &protocol.Event{Type: protocol.EventStatusChange, Change: change, Address: ap(addr)}
	}
	if _, ok := d.deadline(); ok {
		t.Fatal("a deadline with nothing pending")
	}
	d.add(status(protocol.StatusDown, "10.0.0.1:9042"), t0)
	d.add(status(protocol.StatusDown, "10.0.0.2:9042"), t0.Add(500*time.Millisecond))
	d.add(status(protocol.StatusUp, "[::ffff:10.0.0.1]:9042"), t0.Add(900*time.Millisecond)) // the same node, IPv4-mapped
	if due, ok := d.deadline(); !ok || !due.Equal(t0.Add(1900*time.Millisecond)) {
		t.Errorf("deadline %v, want the window reset by the last event", due)
	}
	d.add(&protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Target: protocol.TargetTable, Keyspace: "a", Name: "t"}}, t0)
	d.add(&protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Target: protocol.TargetKeyspace, Keyspace: "z"}}, t0)
	d.add(&protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Target: protocol.TargetKeyspace, Keyspace: "b"}}, t0)
	d.add(&protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{Target: protocol.TargetKeyspace, Keyspace: "z"}}, t0)
	b := d.take()
	want := []statusChange{{"10.0.0.1:9042", true}, {"10.0.0.2:9042", false}}
	if b.Refresh || len(b.Status) != 2 || b.Status[0] != want[0] || b.Status[1] != want[1] || strings.Join(b.Keyspaces, ",") != "b,z" {
		t.Errorf("batch %+v", b)
	}
	if _, ok := d.deadline(); ok || !d.batch.empty() {
		t.Error("take left a batch open")
	}

	// 20 events flush at once, whatever they are.
	for i := 1; i <= maxBatch; i++ {
		full := d.add(&protocol.Event{Type: protocol.EventTopologyChange, Change: protocol.TopologyNewNode, Address: ap("10.0.0.3:9042")}, t0)
		if full != (i == maxBatch) {
			t.Fatalf("event %d: full %v", i, full)
		}
	}
	if b := d.take(); !b.Refresh || len(b.Status) != 0 {
		t.Errorf("topology batch %+v", b)
	}
	d.lost(t0)
	if b := d.take(); !b.Refresh {
		t.Error("lost events do not refresh")
	}
}

func TestBackoff(t *testing.T) {
	for attempt, base := range []time.Duration{1, 2, 4, 8, 16, 30, 30, 30} {
		base *= time.Second
		lo, hi := backoffDelay(attempt, 0), backoffDelay(attempt, 0.999999)
		if lo != time.Duration(float64(base)*0.85) || hi < time.Duration(float64(base)*1.149) || hi > time.Duration(float64(base)*1.15) {
			t.Errorf("attempt %d: [%v, %v], want %v ±15%%", attempt, lo, hi, base)
		}
	}
	if d := backoffDelay(1000, 0.5); d != 30*time.Second {
		t.Errorf("attempt 1000: %v", d)
	}
	if lo, hi := jittered(time.Minute, 0.1, 0), jittered(time.Minute, 0.1, 0.999999); lo != 54*time.Second || hi <= 65*time.Second || hi > 66*time.Second {
		t.Errorf("refresh jitter [%v, %v]", lo, hi)
	}
}
