package protocol

import "fmt"

const prepareFlagKeyspace = 0x01

// Prepare is the PREPARE request. Keyspace (v5 only) prepares the statement
// in that keyspace instead of the connection's.
type Prepare struct {
	Statement string
	Keyspace  string
}

// Opcode returns OpPrepare.
func (*Prepare) Opcode() Opcode { return OpPrepare }

// AppendBody appends <query> and, in v5, <flags>[<keyspace>].
func (m *Prepare) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst, err := AppendLongString(dst, m.Statement)
	if err != nil {
		return dst[:start], err
	}
	if v < V5 {
		if m.Keyspace != "" {
			return dst[:start], fmt.Errorf("cassandra: PREPARE with a keyspace needs protocol v5, the connection uses %v", v)
		}
		return dst, nil
	}
	if m.Keyspace == "" {
		return AppendInt(dst, 0), nil
	}
	dst = AppendInt(dst, prepareFlagKeyspace)
	if dst, err = AppendString(dst, m.Keyspace); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// Decode reads the body for version v.
func (m *Prepare) Decode(body []byte, v Version) (err error) {
	r := Reader{buf: body}
	if m.Statement, err = r.ReadLongString(); err != nil {
		return err
	}
	m.Keyspace = ""
	if v < V5 {
		return nil
	}
	f, err := r.ReadInt()
	if err != nil {
		return err
	}
	if f&prepareFlagKeyspace != 0 {
		if m.Keyspace, err = r.ReadString(); err != nil {
			return err
		}
	}
	return nil
}
