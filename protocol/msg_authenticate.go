package protocol

// Authenticate is the AUTHENTICATE response: the class name of the server's
// IAuthenticator, such as "org.apache.cassandra.auth.PasswordAuthenticator".
type Authenticate struct {
	Authenticator string
}

// Opcode returns OpAuthenticate.
func (*Authenticate) Opcode() Opcode { return OpAuthenticate }

// AppendBody appends the authenticator [string].
func (m *Authenticate) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendString(dst, m.Authenticator)
}

// Decode reads the authenticator [string].
func (m *Authenticate) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Authenticator, err = r.ReadString()
	return err
}
