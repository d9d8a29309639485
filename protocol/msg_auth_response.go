package protocol

// AuthResponse is the AUTH_RESPONSE request: a SASL token ([bytes]; nil is
// written as null).
type AuthResponse struct {
	Token []byte
}

// Opcode returns OpAuthResponse.
func (*AuthResponse) Opcode() Opcode { return OpAuthResponse }

// AppendBody appends the token [bytes].
func (m *AuthResponse) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendBytes(dst, m.Token)
}

// Decode reads the token; it aliases body.
func (m *AuthResponse) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Token, err = r.ReadBytes()
	return err
}
