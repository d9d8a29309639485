package protocol

import (
	"fmt"
	"net/netip"
)

// Changes of TOPOLOGY_CHANGE and STATUS_CHANGE events.
const (
	TopologyNewNode     = "NEW_NODE"
	TopologyRemovedNode = "REMOVED_NODE"
	TopologyMovedNode   = "MOVED_NODE" // v3 only
	StatusUp            = "UP"
	StatusDown          = "DOWN"
)

// Event is the EVENT response, pushed on stream -1 for the types the
// connection REGISTERed for.
//
// Type is EventTopologyChange, EventStatusChange or EventSchemaChange. For
// the first two, Change ("NEW_NODE", "UP", ...) and Address (the node's
// native transport address) are set; for SCHEMA_CHANGE, Schema is.
type Event struct {
	Type    string
	Change  string
	Address netip.AddrPort
	Schema  SchemaChange
}

// Opcode returns OpEvent.
func (*Event) Opcode() Opcode { return OpEvent }

// Decode reads the event type and its body.
func (m *Event) Decode(body []byte, v Version) (err error) {
	r := Reader{buf: body}
	if m.Type, err = r.ReadString(); err != nil {
		return err
	}
	switch m.Type {
	case EventTopologyChange, EventStatusChange:
		if m.Change, err = r.ReadString(); err != nil {
			return err
		}
		m.Address, err = r.ReadInet()
		return err
	case EventSchemaChange:
		return m.Schema.decode(&r, v)
	}
	return malformed("unknown event type %q", m.Type)
}

// AppendBody appends the event type and its body.
func (m *Event) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst, err := AppendString(dst, m.Type)
	if err != nil {
		return dst, err
	}
	switch m.Type {
	case EventTopologyChange, EventStatusChange:
		if dst, err = AppendString(dst, m.Change); err == nil {
			dst, err = AppendInet(dst, m.Address)
		}
	case EventSchemaChange:
		dst, err = m.Schema.appendTo(dst, v)
	default:
		err = fmt.Errorf("cassandra: unknown event type %q", m.Type)
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}
