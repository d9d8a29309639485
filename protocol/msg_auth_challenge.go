package protocol

// AuthChallenge is the AUTH_CHALLENGE response: a SASL challenge token.
type AuthChallenge struct {
	Token []byte
}

// Opcode returns OpAuthChallenge.
func (*AuthChallenge) Opcode() Opcode { return OpAuthChallenge }

// AppendBody appends the token [bytes].
func (m *AuthChallenge) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendBytes(dst, m.Token)
}

// Decode reads the token; it aliases body.
func (m *AuthChallenge) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Token, err = r.ReadBytes()
	return err
}
