package protocol

// Ready is the READY response; its body is empty.
type Ready struct{}

// Opcode returns OpReady.
func (*Ready) Opcode() Opcode { return OpReady }

// AppendBody appends nothing.
func (*Ready) AppendBody(dst []byte, _ Version) ([]byte, error) { return dst, nil }

// Decode accepts any body (extra bytes are ignored).
func (*Ready) Decode([]byte, Version) error { return nil }
