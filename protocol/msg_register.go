package protocol

// Event types for REGISTER and EVENT (spec section 4.2.6).
const (
	EventTopologyChange = "TOPOLOGY_CHANGE"
	EventStatusChange   = "STATUS_CHANGE"
	EventSchemaChange   = "SCHEMA_CHANGE"
)

// Register is the REGISTER request: the event types to receive. The server
// answers with READY.
type Register struct {
	EventTypes []string
}

// Opcode returns OpRegister.
func (*Register) Opcode() Opcode { return OpRegister }

// AppendBody appends the [string list].
func (m *Register) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendStringList(dst, m.EventTypes)
}

// Decode reads the [string list].
func (m *Register) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.EventTypes, err = r.ReadStringList()
	return err
}
