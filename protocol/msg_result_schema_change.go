package protocol

import "fmt"

// Schema change types and targets (spec section 4.2.6).
const (
	SchemaCreated = "CREATED"
	SchemaUpdated = "UPDATED"
	SchemaDropped = "DROPPED"

	TargetKeyspace  = "KEYSPACE"
	TargetTable     = "TABLE"
	TargetType      = "TYPE"
	TargetFunction  = "FUNCTION"  // v4+
	TargetAggregate = "AGGREGATE" // v4+
)

// SchemaChange is the body of a Schema_change result and of a
// SCHEMA_CHANGE event: <change_type><target><options>.
//
// Keyspace is always set. Name is the table or type for TABLE and TYPE, the
// function or aggregate for FUNCTION and AGGREGATE, empty for KEYSPACE.
// ArgTypes lists the CQL argument types of a FUNCTION or AGGREGATE.
type SchemaChange struct {
	Change   string
	Target   string
	Keyspace string
	Name     string
	ArgTypes []string
}

func (m *SchemaChange) decode(r *Reader, _ Version) (err error) {
	if m.Change, err = r.ReadString(); err != nil {
		return err
	}
	if m.Target, err = r.ReadString(); err != nil {
		return err
	}
	if m.Keyspace, err = r.ReadString(); err != nil {
		return err
	}
	m.Name, m.ArgTypes = "", nil
	switch m.Target {
	case TargetKeyspace:
		return nil
	case TargetTable, TargetType:
		m.Name, err = r.ReadString()
		return err
	case TargetFunction, TargetAggregate:
		if m.Name, err = r.ReadString(); err != nil {
			return err
		}
		m.ArgTypes, err = r.ReadStringList()
		return err
	}
	return malformed("unknown schema change target %q", m.Target)
}

func (m *SchemaChange) appendTo(dst []byte, v Version) ([]byte, error) {
	if v < V4 && (m.Target == TargetFunction || m.Target == TargetAggregate) {
		return dst, fmt.Errorf("cassandra: %s schema changes need protocol v4", m.Target)
	}
	dst, err := AppendString(dst, m.Change)
	if err != nil {
		return dst, err
	}
	if dst, err = AppendString(dst, m.Target); err != nil {
		return dst, err
	}
	if dst, err = AppendString(dst, m.Keyspace); err != nil {
		return dst, err
	}
	switch m.Target {
	case TargetKeyspace:
		return dst, nil
	case TargetTable, TargetType:
		return AppendString(dst, m.Name)
	case TargetFunction, TargetAggregate:
		if dst, err = AppendString(dst, m.Name); err != nil {
			return dst, err
		}
		return AppendStringList(dst, m.ArgTypes)
	}
	return dst, fmt.Errorf("cassandra: unknown schema change target %q", m.Target)
}
