package protocol

import (
	"fmt"
	"math"
)

// BatchType is the [byte] type of a BATCH.
type BatchType byte

// Batch types.
const (
	BatchLogged   BatchType = 0
	BatchUnlogged BatchType = 1
	BatchCounter  BatchType = 2
)

// String returns "LOGGED", "UNLOGGED" or "COUNTER".
func (t BatchType) String() string {
	switch t {
	case BatchLogged:
		return "LOGGED"
	case BatchUnlogged:
		return "UNLOGGED"
	case BatchCounter:
		return "COUNTER"
	}
	return fmt.Sprintf("BatchType(%d)", byte(t))
}

// BatchChild is one statement of a BATCH: a prepared statement when ID is
// non-nil, otherwise the CQL text Statement; with its positional values.
// Named values are not supported in batches: the spec says the 0x40 flag
// "does not work and should not be used" (CASSANDRA-10246).
type BatchChild struct {
	Statement string
	ID        []byte
	Values    []Value
}

// Batch is the BATCH request. Optional fields are sent, with their flag,
// as in QueryParams: SerialConsistency when non-zero, Timestamp when
// HasTimestamp, Keyspace (v5) when non-empty, NowInSeconds (v5) when
// HasNowInSeconds. The flags are a [byte] before v5 and an [int] in v5.
type Batch struct {
	Type              BatchType
	Children          []BatchChild
	Consistency       Consistency
	SerialConsistency Consistency
	Timestamp         int64
	HasTimestamp      bool
	Keyspace          string
	NowInSeconds      int32
	HasNowInSeconds   bool
}

// Opcode returns OpBatch.
func (*Batch) Opcode() Opcode { return OpBatch }

// AppendBody appends
// <type><n><query_1>...<query_n><consistency><flags>[<serial_consistency>][<timestamp>][<keyspace>][<now_in_seconds>].
func (m *Batch) AppendBody(dst []byte, v Version) ([]byte, error) {
	start := len(dst)
	fail := func(err error) ([]byte, error) { return dst[:start], err }
	if m.Type > BatchCounter {
		return fail(fmt.Errorf("cassandra: unknown batch type %d", m.Type))
	}
	if len(m.Children) > math.MaxUint16 {
		return fail(fmt.Errorf("%w: batch of %d statements (max %d)", ErrTooLong, len(m.Children), math.MaxUint16))
	}
	dst = append(dst, byte(m.Type))
	dst = AppendShort(dst, uint16(len(m.Children)))
	var err error
	for i := range m.Children {
		c := &m.Children[i]
		if c.ID != nil {
			dst = append(dst, 1)
			dst, err = AppendShortBytes(dst, c.ID)
		} else {
			dst = append(dst, 0)
			dst, err = AppendLongString(dst, c.Statement)
		}
		if err != nil {
			return fail(err)
		}
		if dst, err = appendValues(dst, c.Values, nil, v); err != nil {
			return fail(err)
		}
	}
	dst = AppendConsistency(dst, m.Consistency)
	var f uint32
	if m.SerialConsistency != 0 {
		f |= queryFlagSerialConsistency
	}
	if m.HasTimestamp {
		f |= queryFlagDefaultTimestamp
	}
	if m.Keyspace != "" {
		f |= queryFlagKeyspace
	}
	if m.HasNowInSeconds {
		f |= queryFlagNowInSeconds
	}
	if dst, err = appendQueryFlags(dst, f, v); err != nil {
		return fail(err)
	}
	if m.SerialConsistency != 0 {
		dst = AppendConsistency(dst, m.SerialConsistency)
	}
	if m.HasTimestamp {
		dst = AppendLong(dst, m.Timestamp)
	}
	if m.Keyspace != "" {
		if dst, err = AppendString(dst, m.Keyspace); err != nil {
			return fail(err)
		}
	}
	if m.HasNowInSeconds {
		dst = AppendInt(dst, m.NowInSeconds)
	}
	return dst, nil
}

// Decode reads a BATCH body for version v. Values and ids alias body.
func (m *Batch) Decode(body []byte, v Version) error {
	r := Reader{buf: body}
	t, err := r.ReadByte()
	if err != nil {
		return err
	}
	if BatchType(t) > BatchCounter {
		return malformed("batch type %d", t)
	}
	// Each child is at least kind(1) + length + [short] values.
	n, err := r.readCount("batch statements", 5)
	if err != nil {
		return err
	}
	children := m.Children[:0]
	for i := 0; i < n; i++ {
		var c BatchChild
		kind, err := r.ReadByte()
		if err != nil {
			return err
		}
		switch kind {
		case 0:
			if c.Statement, err = r.ReadLongString(); err != nil {
				return err
			}
		case 1:
			if c.ID, err = r.ReadShortBytes(); err != nil {
				return err
			}
		default:
			return malformed("batch statement %d of kind %d", i, kind)
		}
		if c.Values, _, err = readValues(&r, nil, nil, false); err != nil {
			return err
		}
		children = append(children, c)
	}
	*m = Batch{Type: BatchType(t), Children: children}
	if m.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	f, err := readQueryFlags(&r, v)
	if err != nil {
		return err
	}
	if f&queryFlagNames != 0 {
		return malformed("named values in BATCH are not supported (CASSANDRA-10246)")
	}
	if f&queryFlagSerialConsistency != 0 {
		if m.SerialConsistency, err = r.ReadConsistency(); err != nil {
			return err
		}
	}
	if f&queryFlagDefaultTimestamp != 0 {
		m.HasTimestamp = true
		if m.Timestamp, err = r.ReadLong(); err != nil {
			return err
		}
	}
	if v >= V5 {
		if f&queryFlagKeyspace != 0 {
			if m.Keyspace, err = r.ReadString(); err != nil {
				return err
			}
		}
		if f&queryFlagNowInSeconds != 0 {
			m.HasNowInSeconds = true
			if m.NowInSeconds, err = r.ReadInt(); err != nil {
				return err
			}
		}
	}
	return nil
}
