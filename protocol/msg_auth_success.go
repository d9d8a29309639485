package protocol

// AuthSuccess is the AUTH_SUCCESS response: final SASL data (may be null).
type AuthSuccess struct {
	Token []byte
}

// Opcode returns OpAuthSuccess.
func (*AuthSuccess) Opcode() Opcode { return OpAuthSuccess }

// AppendBody appends the token [bytes].
func (m *AuthSuccess) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendBytes(dst, m.Token)
}

// Decode reads the token; it aliases body.
func (m *AuthSuccess) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Token, err = r.ReadBytes()
	return err
}
