package protocol

// Prepared is a Prepared result. ID and ResultMetadataID are copies, safe
// to cache.
type Prepared struct {
	ID []byte
	// ResultMetadataID (v5) must be sent back in EXECUTE.
	ResultMetadataID []byte
	// Metadata describes the bind markers.
	Metadata PreparedMetadata
	// ResultMetadata describes the rows EXECUTE will return; it may be
	// empty (NoMetadata, 0 columns), and is for any statement but SELECT.
	ResultMetadata RowsMetadata
}

func (m *Prepared) decode(r *Reader, v Version) error {
	id, err := r.ReadShortBytes()
	if err != nil {
		return err
	}
	m.ID = copyBytes(id)
	m.ResultMetadataID = nil
	if v >= V5 {
		if id, err = r.ReadShortBytes(); err != nil {
			return err
		}
		m.ResultMetadataID = copyBytes(id)
	}
	if err := m.Metadata.decode(r, v); err != nil {
		return err
	}
	return m.ResultMetadata.decode(r, v)
}

func (m *Prepared) appendTo(dst []byte, v Version) ([]byte, error) {
	dst, err := AppendShortBytes(dst, m.ID)
	if err != nil {
		return dst, err
	}
	if v >= V5 {
		if dst, err = AppendShortBytes(dst, m.ResultMetadataID); err != nil {
			return dst, err
		}
	}
	if dst, err = m.Metadata.appendTo(dst, v); err != nil {
		return dst, err
	}
	return m.ResultMetadata.appendTo(dst, v)
}
