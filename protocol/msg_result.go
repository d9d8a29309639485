package protocol

import "strconv"

// ResultKind is the [int] kind of a RESULT (spec section 4.2.5).
type ResultKind int32

// Result kinds.
const (
	ResultVoid         ResultKind = 0x0001
	ResultRows         ResultKind = 0x0002
	ResultSetKeyspace  ResultKind = 0x0003
	ResultPrepared     ResultKind = 0x0004
	ResultSchemaChange ResultKind = 0x0005
)

// String returns "Void", "Rows", "Set_keyspace", "Prepared" or "Schema_change".
func (k ResultKind) String() string {
	switch k {
	case ResultVoid:
		return "Void"
	case ResultRows:
		return "Rows"
	case ResultSetKeyspace:
		return "Set_keyspace"
	case ResultPrepared:
		return "Prepared"
	case ResultSchemaChange:
		return "Schema_change"
	}
	return "ResultKind(" + strconv.Itoa(int(k)) + ")"
}

// Result is the RESULT response. Kind selects the field that holds it:
// Rows, Keyspace (Set_keyspace), Prepared or SchemaChange; Void has none.
//
// Decoding into a Result that is reused (one per connection) reuses the
// column slices and equal strings of the previous result. Everything in a
// decoded Result is a copy except the row cells of Rows, which alias the
// body (see Rows).
type Result struct {
	Kind         ResultKind
	Rows         Rows
	Keyspace     string
	Prepared     Prepared
	SchemaChange SchemaChange
}

// Opcode returns OpResult.
func (*Result) Opcode() Opcode { return OpResult }

// Decode reads the kind and the body of that kind.
func (m *Result) Decode(body []byte, v Version) error {
	r := Reader{buf: body}
	k, err := r.ReadInt()
	if err != nil {
		return err
	}
	m.Kind = ResultKind(k)
	switch m.Kind {
	case ResultVoid:
		return nil
	case ResultRows:
		return m.Rows.decode(&r, v)
	case ResultSetKeyspace:
		m.Keyspace, err = r.readStringReuse(m.Keyspace)
		return err
	case ResultPrepared:
		return m.Prepared.decode(&r, v)
	case ResultSchemaChange:
		return m.SchemaChange.decode(&r, v)
	}
	return malformed("unknown RESULT kind %d", k)
}

// AppendBody appends the kind and the body of that kind.
func (m *Result) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst = AppendInt(dst, int32(m.Kind))
	var err error
	switch m.Kind {
	case ResultVoid:
	case ResultRows:
		dst, err = m.Rows.appendTo(dst, v)
	case ResultSetKeyspace:
		dst, err = AppendString(dst, m.Keyspace)
	case ResultPrepared:
		dst, err = m.Prepared.appendTo(dst, v)
	case ResultSchemaChange:
		dst, err = m.SchemaChange.appendTo(dst, v)
	default:
		err = malformed("unknown RESULT kind %d", m.Kind)
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}
