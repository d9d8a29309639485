package protocol

// Options is the OPTIONS request; its body is empty. The server answers with
// SUPPORTED.
type Options struct{}

// Opcode returns OpOptions.
func (*Options) Opcode() Opcode { return OpOptions }

// AppendBody appends nothing.
func (*Options) AppendBody(dst []byte, _ Version) ([]byte, error) { return dst, nil }

// Decode accepts any body (extra bytes are ignored).
func (*Options) Decode([]byte, Version) error { return nil }
