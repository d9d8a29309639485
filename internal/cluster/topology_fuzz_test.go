package cluster

import (
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

// FuzzBuildTopology feeds random peer rows, cell by cell, through the
// decoding and validation of the topology tables and the building of the
// snapshot: nothing may panic, and every snapshot keeps its invariants
// (hosts sorted by distinct host_id, distinct addresses, lookups agree).
func FuzzBuildTopology(f *testing.F) {
	cols := columnsOf(peersV2Query)
	fc := &fakeCluster{t: &testing.T{}}
	var seed []byte
	for i := byte(1); i <= 3; i++ {
		n := &fakeNode{id: HostID{15: i}, dc: "dc1", rack: "r1", tokens: []string{itoa(int(i) * 10)}, addr: "10.0.0." + itoa(int(i)) + ":9042"}
		for _, cell := range fc.nodeRow(n, cols, "") {
			seed = appendFuzzCell(seed, cell)
		}
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Add([]byte{0xff, 0xff, 0, 4, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		res := &protocol.Result{Kind: protocol.ResultRows}
		res.Rows.Metadata.Columns = cols
		res.Rows.Metadata.ColumnCount = len(cols)
		row := make([][]byte, 0, len(cols))
		for len(data) > 0 {
			var cell []byte
			cell, data = nextFuzzCell(data)
			row = append(row, cell)
			if len(row) == len(cols) {
				if err := res.Rows.AppendRow(row...); err != nil {
					t.Fatal(err)
				}
				row = row[:0]
			}
		}
		rows, err := decodeTopoRows(&res.Rows)
		if err != nil {
			t.Fatal(err) // the rows were well formed: only cells are random
		}
		local := goodRow(200)
		first, _, err := buildTopology(topoInput{ControlAddr: "10.0.0.200:9042", Local: local, Peers: rows, LocalDC: "dc1",
			Keyspaces: map[string]map[string]string{"ks": {"class": "NetworkTopologyStrategy", "dc1": "3"}}})
		if err != nil {
			t.Fatal(err) // the local row is good
		}
		checkTopology(t, first)
		if len(rows) > 0 {
			// Any row as the control node's, against the first snapshot.
			again, _, err := buildTopology(topoInput{ControlAddr: "127.0.0.1:9042", Local: rows[0], Peers: rows[1:], Prev: first})
			if err == nil {
				checkTopology(t, again)
				diffTopology(first, again)
				again.withKeyspace("ks", map[string]string{"class": "SimpleStrategy", "replication_factor": "2"})
			}
		}
		for _, r := range rows {
			r.nativeEndpoint(0)
			peerHost(&r, 9042)
		}
	})
}

func checkTopology(t *testing.T, topo *Topology) {
	t.Helper()
	addrs := map[string]bool{}
	for i, h := range topo.Hosts {
		if i > 0 && topo.Hosts[i-1].ID.compare(h.ID) >= 0 {
			t.Fatalf("hosts not sorted by distinct host_id: %v", topo.Hosts)
		}
		if addrs[h.Addr] {
			t.Fatalf("address %s twice", h.Addr)
		}
		addrs[h.Addr] = true
		if topo.HostByAddr(h.Addr) != h || topo.HostByID(h.ID) != h {
			t.Fatalf("lookups disagree for %v", h)
		}
	}
	if topo.Tokens != nil {
		for _, r := range topo.Tokens.ReplicasOfKey("ks", []byte("k")) {
			if topo.HostByID(r.ID) != r {
				t.Fatalf("replica %v is not a host of the snapshot", r)
			}
		}
	}
}

// A fuzz cell: a length byte (0xff: NULL), then that many bytes.
func appendFuzzCell(dst, cell []byte) []byte {
	if cell == nil {
		return append(dst, 0xff)
	}
	return append(append(dst, byte(len(cell))), cell...)
}

func nextFuzzCell(data []byte) ([]byte, []byte) {
	n := int(data[0])
	data = data[1:]
	if n == 0xff {
		return nil, data
	}
	n = min(n, len(data))
	return data[:n:n], data[n:]
}
