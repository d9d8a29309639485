package protocol

// Keys of the STARTUP options map (spec section 4.1.1).
const (
	StartupCQLVersion      = "CQL_VERSION"    // mandatory; "3.0.0"
	StartupCompression     = "COMPRESSION"    // "lz4" or "snappy" (v4 only); absent for none
	StartupDriverName      = "DRIVER_NAME"    // free-form, shown by nodetool clientstats
	StartupDriverVersion   = "DRIVER_VERSION" // free-form
	StartupThrowOnOverload = "THROW_ON_OVERLOAD"
	// Shown in system_views.clients since Cassandra 4.0 (CASSANDRA-14894).
	StartupApplicationName    = "APPLICATION_NAME"
	StartupApplicationVersion = "APPLICATION_VERSION"
	StartupNoCompact          = "NO_COMPACT" // v4 only, removed in v5
)

// DefaultCQLVersion is the only CQL_VERSION servers accept.
const DefaultCQLVersion = "3.0.0"

// Startup is the STARTUP request: a [string map] of options. Keys are
// written in sorted order.
type Startup struct {
	Options map[string]string
}

// Opcode returns OpStartup.
func (*Startup) Opcode() Opcode { return OpStartup }

// AppendBody appends the options map.
func (m *Startup) AppendBody(dst []byte, _ Version) ([]byte, error) {
	return AppendStringMap(dst, m.Options)
}

// Decode reads the options map.
func (m *Startup) Decode(body []byte, _ Version) (err error) {
	r := Reader{buf: body}
	m.Options, err = r.ReadStringMap()
	return err
}
