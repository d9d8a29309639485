package cluster

import (
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// fakeCluster is a cluster of fake nodes (one fakeserver each, all on
// 127.0.0.1 with their own port) answering the topology queries from one
// shared description, so a test changes the cluster by editing it.
type fakeCluster struct {
	t  *testing.T
	mu sync.Mutex
	// nodes as the topology tables list them (a node may be listed
	// without a server: gone, or not reachable from here).
	nodes     []*fakeNode
	keyspaces map[string]map[string]string
	noPeersV2 bool
	// extraPeers are raw rows appended to every peers_v2 answer.
	extraPeers [][][]byte

	peersV2Queries, peersQueries atomic.Int32
	before                       int // goroutines before the cluster started
}

// close stops every node's server.
func (fc *fakeCluster) close() {
	fc.mu.Lock()
	nodes := fc.nodes
	fc.mu.Unlock()
	for _, n := range nodes {
		n.srv.Close()
	}
}

type fakeNode struct {
	id       HostID
	dc, rack string
	tokens   []string
	addr     string // 127.0.0.1:port
	srv      *fakeserver.Server

	mu      sync.Mutex
	control *fakeserver.Conn // the last connection that REGISTERed
	muted   bool             // swallow every query and probe
}

func newFakeCluster(t *testing.T, dcs ...string) *fakeCluster {
	fc := &fakeCluster{t: t, before: runtime.NumGoroutine(), keyspaces: map[string]map[string]string{
		"system": {"class": "org.apache.cassandra.locator.LocalStrategy"},
		"ks":     {"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "2"},
	}}
	for i, dc := range dcs {
		fc.addNode(dc, int64(i)*1000)
	}
	return fc
}

// addNode starts a fake node in dc owning token tok.
func (fc *fakeCluster) addNode(dc string, tok int64) *fakeNode {
	fc.mu.Lock()
	n := &fakeNode{id: HostID{0: 0xaa, 15: byte(len(fc.nodes) + 1)}, dc: dc, rack: "r1", tokens: []string{strconv.FormatInt(tok, 10)}}
	fc.nodes = append(fc.nodes, n)
	fc.mu.Unlock()
	fc.serve(n)
	return n
}

// serve starts (or restarts, on a new port) n's server.
func (fc *fakeCluster) serve(n *fakeNode) {
	srv := fakeserver.New(fc.t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		return fc.handle(n, c, req)
	}})
	fc.mu.Lock()
	n.srv, n.addr = srv, srv.Addr()
	fc.mu.Unlock()
}

func (n *fakeNode) conn() *fakeserver.Conn {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.control
}

func (n *fakeNode) mute(on bool) {
	n.mu.Lock()
	n.muted = on
	n.mu.Unlock()
}

func (n *fakeNode) event(t *testing.T, ev *protocol.Event) {
	t.Helper()
	c := n.conn()
	if c == nil {
		t.Fatalf("no control connection on %s", n.addr)
	}
	if err := c.SendEvent(ev); err != nil {
		t.Fatal(err)
	}
}

func addrPort(t *testing.T, addr string) netip.AddrPort {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

var (
	tText    = codec.Type{ID: codec.TypeVarchar}
	tUUID    = codec.Type{ID: codec.TypeUUID}
	tInetT   = codec.Type{ID: codec.TypeInet}
	tIntT    = codec.Type{ID: codec.TypeInt}
	tTokens  = codec.Type{ID: codec.TypeSet, Elems: []codec.Type{tText}}
	tReplMap = codec.Type{ID: codec.TypeMap, Elems: []codec.Type{tText, tText}}
)

// columnsOf lists the columns a topology query names, with the types
// Cassandra gives them.
func columnsOf(stmt string) []protocol.ColumnSpec {
	sel := strings.TrimPrefix(stmt, "SELECT ")
	sel = sel[:strings.Index(sel, " FROM ")]
	var cols []protocol.ColumnSpec
	for _, name := range strings.Split(sel, ", ") {
		t := tText
		switch name {
		case "peer", "native_address", "rpc_address":
			t = tInetT
		case "native_port":
			t = tIntT
		case "host_id", "schema_version":
			t = tUUID
		case "tokens":
			t = tTokens
		case "replication":
			t = tReplMap
		}
		cols = append(cols, protocol.ColumnSpec{Keyspace: "system", Table: "t", Name: name, Type: t})
	}
	return cols
}

func enc(t *testing.T, typ codec.Type, v any) []byte {
	if v == nil {
		return nil
	}
	b, _, err := codec.Encode(nil, typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nodeRow encodes n's row for the columns of stmt.
func (fc *fakeCluster) nodeRow(n *fakeNode, cols []protocol.ColumnSpec, rpcAddr string) [][]byte {
	ap := addrPort(fc.t, n.addr)
	row := make([][]byte, len(cols))
	for i, c := range cols {
		var v any
		switch c.Name {
		case "peer":
			v = ap.Addr()
		case "native_address":
			v = ap.Addr()
		case "native_port":
			v = int32(ap.Port())
		case "rpc_address":
			v = rpcAddr
		case "host_id":
			v = [16]byte(n.id)
		case "schema_version":
			v = "11111111-2222-3333-4444-555555555555"
		case "data_center":
			v = n.dc
		case "rack":
			v = n.rack
		case "tokens":
			v = n.tokens
		case "partitioner":
			v = "org.apache.cassandra.dht.Murmur3Partitioner"
		case "release_version":
			v = "5.0.9"
		}
		row[i] = enc(fc.t, c.Type, v)
	}
	return row
}

func rowsResult(cols []protocol.ColumnSpec, rows ...[][]byte) *protocol.Result {
	r := &protocol.Result{Kind: protocol.ResultRows}
	r.Rows.Metadata.Columns = cols
	r.Rows.Metadata.ColumnCount = len(cols)
	for _, row := range rows {
		if err := r.Rows.AppendRow(row...); err != nil {
			panic(err)
		}
	}
	return r
}

func (fc *fakeCluster) handle(n *fakeNode, c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	n.mu.Lock()
	muted := n.muted
	if _, ok := req.Message.(*protocol.Register); ok {
		n.control = c
	}
	n.mu.Unlock()
	if muted {
		return true // no answer, ever
	}
	q, ok := req.Message.(*protocol.Query)
	if !ok {
		return false
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	cols := columnsOf(q.Statement)
	var res protocol.Message
	switch q.Statement {
	case localQuery:
		res = rowsResult(cols, fc.nodeRow(n, cols, ""))
	case peersV2Query:
		fc.peersV2Queries.Add(1)
		if fc.noPeersV2 {
			res = &protocol.Error{Code: protocol.ErrCodeInvalid, Message: "table peers_v2 does not exist"}
			break
		}
		var rows [][][]byte
		for _, o := range fc.nodes {
			if o != n {
				rows = append(rows, fc.nodeRow(o, cols, ""))
			}
		}
		res = rowsResult(cols, append(rows, fc.extraPeers...)...)
	case peersQuery:
		fc.peersQueries.Add(1)
		var rows [][][]byte
		for i, o := range fc.nodes {
			if o != n {
				rows = append(rows, fc.nodeRow(o, cols, "127.0.1."+strconv.Itoa(i+1)))
			}
		}
		res = rowsResult(cols, rows...)
	case keyspacesQ:
		var rows [][][]byte
		for _, name := range sortedKeys(fc.keyspaces) {
			rows = append(rows, [][]byte{enc(fc.t, tText, name), enc(fc.t, tReplMap, fc.keyspaces[name])})
		}
		res = rowsResult(cols, rows...)
	case keyspaceQ:
		name := string(q.Params.Values[0].Bytes)
		r := rowsResult(cols)
		if repl, ok := fc.keyspaces[name]; ok {
			r = rowsResult(cols, [][]byte{enc(fc.t, tText, name), enc(fc.t, tReplMap, repl)})
		}
		res = r
	default:
		res = &protocol.Error{Code: protocol.ErrCodeSyntax, Message: "fake cluster: unknown statement " + q.Statement}
	}
	c.Reply(req, res)
	return true
}

func (fc *fakeCluster) addrs() []string {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	var out []string
	for _, n := range fc.nodes {
		out = append(out, n.addr)
	}
	return out
}
