package cluster

import (
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// The topology queries name their columns (never SELECT *), so a server
// that adds columns changes nothing and one that lacks a column answers
// INVALID, which for system.peers_v2 means "use system.peers".
const (
	localQuery   = "SELECT host_id, data_center, rack, tokens, partitioner, release_version, schema_version FROM system.local WHERE key = 'local'"
	peersV2Query = "SELECT peer, native_address, native_port, host_id, data_center, rack, tokens, release_version, schema_version FROM system.peers_v2"
	peersQuery   = "SELECT peer, rpc_address, host_id, data_center, rack, tokens, release_version, schema_version FROM system.peers"
	keyspacesQ   = "SELECT keyspace_name, replication FROM system_schema.keyspaces"
	keyspaceQ    = "SELECT keyspace_name, replication FROM system_schema.keyspaces WHERE keyspace_name = ?"
)

// topoRow is one row of system.local, system.peers_v2 or system.peers,
// decoded by column name. A column the row lacks, or whose cell is NULL
// or does not decode, is left at its zero value; Bad lists the cells that
// did not decode, so that a broken row is reported rather than guessed at.
type topoRow struct {
	Peer           netip.Addr // peer (peers tables): the node's gossip address
	NativeAddress  netip.Addr // native_address (peers_v2)
	NativePort     int        // native_port (peers_v2); 0 when absent
	RPCAddress     netip.Addr // rpc_address (peers)
	HostID         HostID
	HasHostID      bool
	Datacenter     string
	Rack           string
	Tokens         []string
	Partitioner    string // system.local only
	ReleaseVersion string
	SchemaVersion  string
	Bad            []string // "column: why" for cells that did not decode
}

// decodeTopoRows decodes every row of a system.local or system.peers(_v2)
// result. It never fails on cell content (see topoRow); it fails only when
// the rows themselves are truncated.
func decodeTopoRows(rows *protocol.Rows) ([]topoRow, error) {
	cols := rows.Metadata.Columns
	var out []topoRow
	var cells [][]byte
	var err error
	for {
		cells, err = rows.NextRow(cells)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("cassandra: reading topology rows: %w", unprefixed(err))
		}
		var r topoRow
		for i, cell := range cells {
			if i >= len(cols) || cell == nil {
				continue
			}
			if err := r.set(cols[i], cell); err != nil {
				r.Bad = append(r.Bad, cols[i].Name+": "+err.Error())
			}
		}
		out = append(out, r)
	}
}

// set decodes one non-NULL cell into its field.
func (r *topoRow) set(col protocol.ColumnSpec, cell []byte) error {
	switch col.Name {
	case "peer":
		return decodeAddr(col.Type, cell, &r.Peer)
	case "native_address":
		return decodeAddr(col.Type, cell, &r.NativeAddress)
	case "rpc_address":
		return decodeAddr(col.Type, cell, &r.RPCAddress)
	case "native_port":
		if col.Type.ID != codec.TypeInt {
			return fmt.Errorf("cassandra: type %v, want int", col.Type)
		}
		p, err := codec.DecodeInt(cell)
		if err != nil {
			return err
		}
		if p <= 0 || p > 65535 {
			return fmt.Errorf("cassandra: port %d out of range", p)
		}
		r.NativePort = int(p)
	case "host_id":
		if col.Type.ID != codec.TypeUUID {
			return fmt.Errorf("cassandra: type %v, want uuid", col.Type)
		}
		u, err := codec.DecodeUUID(cell)
		if err != nil {
			return err
		}
		r.HostID, r.HasHostID = HostID(u), true
	case "schema_version":
		if col.Type.ID != codec.TypeUUID && col.Type.ID != codec.TypeTimeUUID {
			return fmt.Errorf("cassandra: type %v, want uuid", col.Type)
		}
		u, err := codec.DecodeUUID(cell)
		if err != nil {
			return err
		}
		r.SchemaVersion = u.String()
	case "data_center":
		return decodeText(col.Type, cell, &r.Datacenter)
	case "rack":
		return decodeText(col.Type, cell, &r.Rack)
	case "partitioner":
		return decodeText(col.Type, cell, &r.Partitioner)
	case "release_version":
		return decodeText(col.Type, cell, &r.ReleaseVersion)
	case "tokens":
		if (col.Type.ID != codec.TypeSet && col.Type.ID != codec.TypeList) || len(col.Type.Elems) != 1 ||
			(col.Type.Elems[0].ID != codec.TypeVarchar && col.Type.Elems[0].ID != codec.TypeASCII) {
			return fmt.Errorf("cassandra: type %v, want set<text>", col.Type)
		}
		v, err := codec.Decode(col.Type, cell)
		if err != nil {
			return err
		}
		r.Tokens, _ = v.([]string)
	}
	return nil
}

func decodeAddr(t codec.Type, cell []byte, dst *netip.Addr) error {
	if t.ID != codec.TypeInet {
		return fmt.Errorf("cassandra: type %v, want inet", t)
	}
	a, err := codec.DecodeInetAddr(cell)
	if err != nil {
		return err
	}
	*dst = a.Unmap()
	return nil
}

func decodeText(t codec.Type, cell []byte, dst *string) error {
	var err error
	switch t.ID {
	case codec.TypeVarchar:
		*dst, err = codec.DecodeText(cell)
	case codec.TypeASCII:
		*dst, err = codec.DecodeASCII(cell)
	default:
		err = fmt.Errorf("cassandra: type %v, want text", t)
	}
	return err
}

// decodeKeyspaceRows reads (keyspace_name, replication) rows of
// system_schema.keyspaces. A row that does not decode is left out and
// reported.
func decodeKeyspaceRows(rows *protocol.Rows) (map[string]map[string]string, []string, error) {
	cols := rows.Metadata.Columns
	if len(cols) < 2 {
		return nil, nil, fmt.Errorf("cassandra: system_schema.keyspaces answered %d columns, want 2", len(cols))
	}
	out := make(map[string]map[string]string)
	var bad []string
	var cells [][]byte
	var err error
	for {
		cells, err = rows.NextRow(cells)
		if err == io.EOF {
			return out, bad, nil
		}
		if err != nil {
			return out, bad, fmt.Errorf("cassandra: reading system_schema.keyspaces: %w", unprefixed(err))
		}
		var name string
		if err := decodeText(cols[0].Type, cells[0], &name); err != nil || name == "" {
			bad = append(bad, fmt.Sprintf("keyspace row without a readable name (%v)", err))
			continue
		}
		v, err := codec.Decode(cols[1].Type, cells[1])
		repl, ok := v.(map[string]string)
		if err != nil || !ok {
			bad = append(bad, fmt.Sprintf("keyspace %q: replication does not decode as map<text, text> (%v)", name, err))
			continue
		}
		out[name] = repl
	}
}

// nativeEndpoint is the host:port clients reach a peer's native transport
// at: native_address and native_port (peers_v2), else rpc_address (peers)
// with defaultPort, the control connection's port. An address bound to
// every interface (0.0.0.0 or ::) says nothing about where the node is:
// its gossip address `peer` is used instead (as the Python driver does,
// gocql #509).
func (r *topoRow) nativeEndpoint(defaultPort int) (string, error) {
	addr := r.NativeAddress
	port := r.NativePort
	if !addr.IsValid() {
		addr, port = r.RPCAddress, 0
	}
	if !addr.IsValid() {
		return "", fmt.Errorf("cassandra: no native_address or rpc_address")
	}
	if addr.IsUnspecified() {
		if !r.Peer.IsValid() || r.Peer.IsUnspecified() {
			return "", fmt.Errorf("cassandra: address %v binds every interface and peer is missing", addr)
		}
		addr = r.Peer
	}
	if port == 0 {
		port = defaultPort
	}
	if port <= 0 || port > 65535 {
		return "", fmt.Errorf("cassandra: no usable native port (%d)", port)
	}
	return netip.AddrPortFrom(addr, uint16(port)).String(), nil
}

// name identifies a row in log messages: its gossip address when it has
// one, else its host_id.
func (r *topoRow) name() string {
	switch {
	case r.Peer.IsValid():
		return "peer " + r.Peer.String()
	case r.HasHostID:
		return "peer with host_id " + r.HostID.String()
	}
	return "peer without address or host_id"
}

// peerHost validates a peer row and returns its host. As the Java driver
// does (DefaultTopologyMonitor.isPeerValid), a row without an address,
// host_id, data_center, rack or tokens is not a usable node: it is a node
// still joining, or a row gossip left behind.
func peerHost(r *topoRow, defaultPort int) (Host, error) {
	if len(r.Bad) > 0 {
		return Host{}, fmt.Errorf("cassandra: %s: cells do not decode: %s", r.name(), strings.Join(r.Bad, "; "))
	}
	addr, err := r.nativeEndpoint(defaultPort)
	switch {
	case err != nil:
		return Host{}, fmt.Errorf("cassandra: %s: %w", r.name(), unprefixed(err))
	case !r.HasHostID:
		return Host{}, fmt.Errorf("cassandra: %s: no host_id", r.name())
	case r.Datacenter == "":
		return Host{}, fmt.Errorf("cassandra: %s: no data_center", r.name())
	case r.Rack == "":
		return Host{}, fmt.Errorf("cassandra: %s: no rack", r.name())
	case len(r.Tokens) == 0:
		return Host{}, fmt.Errorf("cassandra: %s: no tokens", r.name())
	}
	return r.host(addr), nil
}

// host is the row as a Host at addr.
func (r *topoRow) host(addr string) Host {
	return Host{
		ID: r.HostID, Addr: addr, Datacenter: r.Datacenter, Rack: r.Rack, Tokens: r.Tokens,
		ReleaseVersion: r.ReleaseVersion, SchemaVersion: r.SchemaVersion,
	}
}

// portOf returns the port of a host:port, or 0.
func portOf(addr string) int {
	ap, err := netip.ParseAddrPort(addr)
	if err == nil {
		return int(ap.Port())
	}
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			p, err := strconv.Atoi(addr[i+1:])
			if err == nil {
				return p
			}
			break
		}
	}
	return 0
}
