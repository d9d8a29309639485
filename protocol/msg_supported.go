package protocol

// Keys of the SUPPORTED multimap besides the STARTUP option names.
const (
	SupportedProtocolVersions = "PROTOCOL_VERSIONS" // such as "3/v3", "4/v4", "5/v5-beta"
	SupportedCQLVersion       = "CQL_VERSION"
	SupportedCompression      = "COMPRESSION"
)

// Supported is the SUPPORTED response: a [string multimap] of the STARTUP
// options the server accepts and their values.
type Supported struct {
	Options map[string][]string
}

// Opcode returns OpSupported.
func (*Supported) Opcode() Opcode { return OpSupported }

// AppendBody appends the multimap, keys sorted.
func (m *Supported) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendStringMultimap(dst, m.Options)
}

// Decode reads the multimap.
func (m *Supported) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Options, err = r.ReadStringMultimap()
	return err
}
