package protocol

// Execute is the EXECUTE request: a prepared statement id, in v5 the id of
// the result metadata the client holds, and the query parameters.
type Execute struct {
	ID               []byte // [short bytes] from the Prepared result
	ResultMetadataID []byte // v5 only: [short bytes], from Prepared or a Rows result with new metadata
	Params           QueryParams
}

// Opcode returns OpExecute.
func (*Execute) Opcode() Opcode { return OpExecute }

// AppendBody appends <id>[<result_metadata_id>]<query_parameters>. It does
// not allocate when dst has room.
func (m *Execute) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	dst, err := AppendShortBytes(dst, m.ID)
	if err != nil {
		return dst[:start], err
	}
	if v >= V5 {
		if dst, err = AppendShortBytes(dst, m.ResultMetadataID); err != nil {
			return dst[:start], err
		}
	}
	if dst, err = m.Params.AppendTo(dst, v); err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// Decode reads the body for version v; the ids alias body.
func (m *Execute) Decode(body []byte, v Version) (err error) {
	r := Reader{buf: body}
	if m.ID, err = r.ReadShortBytes(); err != nil {
		return err
	}
	m.ResultMetadataID = nil
	if v >= V5 {
		if m.ResultMetadataID, err = r.ReadShortBytes(); err != nil {
			return err
		}
	}
	return m.Params.Decode(&r, v)
}
