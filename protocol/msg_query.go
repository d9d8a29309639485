package protocol

// Query is the QUERY request: a CQL statement ([long string]) and its
// parameters.
type Query struct {
	Statement string
	Params    QueryParams
}

// Opcode returns OpQuery.
func (*Query) Opcode() Opcode { return OpQuery }

// AppendBody appends <query><query_parameters> for version v.
func (m *Query) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst, err := AppendLongString(dst, m.Statement)
	if err != nil {
		return dst[:start], err
	}
	if dst, err = m.Params.AppendTo(dst, v); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// Decode reads <query><query_parameters> for version v.
func (m *Query) Decode(body []byte, v Version) (err error) {
	r := Reader{buf: body}
	if m.Statement, err = r.ReadLongString(); err != nil {
		return err
	}
	return m.Params.Decode(&r, v)
}
