package protocol

import (
	"fmt"
	"math"
)

// Flag bits of <query_parameters> (spec section 4.1.4) and of BATCH.
const (
	queryFlagValues            = 0x0001
	queryFlagSkipMetadata      = 0x0002
	queryFlagPageSize          = 0x0004
	queryFlagPagingState       = 0x0008
	queryFlagSerialConsistency = 0x0010
	queryFlagDefaultTimestamp  = 0x0020
	queryFlagNames             = 0x0040
	queryFlagKeyspace          = 0x0080 // v5
	queryFlagNowInSeconds      = 0x0100 // v5
)

// QueryParams is <query_parameters>, shared by QUERY and EXECUTE. Each
// optional element is sent when its field is set, and its flag with it:
//
//   - Values: sent when non-empty; Names, when non-nil, must have the same
//     length and turns on "with names for values" (0x40).
//   - SkipMetadata: 0x02.
//   - PageSize: sent when non-zero (0x04).
//   - PagingState: sent when non-nil (0x08).
//   - SerialConsistency: sent when non-zero, i.e. not ANY (0x10); only
//     SERIAL and LOCAL_SERIAL make sense.
//   - Timestamp: sent when HasTimestamp (0x20), in microseconds.
//   - Keyspace: v5 only, sent when non-empty (0x80).
//   - NowInSeconds: v5 only, sent when HasNowInSeconds (0x100).
//
// The flags are a [byte] in v3 and v4 and an [int] in v5. Keyspace and
// NowInSeconds are errors before v5; a not-set value is an error in v3.
type QueryParams struct {
	Consistency       Consistency
	Values            []Value
	Names             []string
	SkipMetadata      bool
	PageSize          int32
	PagingState       []byte
	SerialConsistency Consistency
	Timestamp         int64
	HasTimestamp      bool
	Keyspace          string
	NowInSeconds      int32
	HasNowInSeconds   bool
}

func (p *QueryParams) flags() uint32 {
	var f uint32
	if len(p.Values) > 0 {
		f |= queryFlagValues
		if p.Names != nil {
			f |= queryFlagNames
		}
	}
	if p.SkipMetadata {
		f |= queryFlagSkipMetadata
	}
	if p.PageSize != 0 {
		f |= queryFlagPageSize
	}
	if p.PagingState != nil {
		f |= queryFlagPagingState
	}
	if p.SerialConsistency != 0 {
		f |= queryFlagSerialConsistency
	}
	if p.HasTimestamp {
		f |= queryFlagDefaultTimestamp
	}
	if p.Keyspace != "" {
		f |= queryFlagKeyspace
	}
	if p.HasNowInSeconds {
		f |= queryFlagNowInSeconds
	}
	return f
}

// appendFlags writes the flags as a [byte] (v3, v4) or an [int] (v5).
func appendQueryFlags(dst []byte, f uint32, v Version) ([]byte, error) {
	if v >= V5 {
		return AppendInt(dst, int32(f)), nil
	}
	if f&(queryFlagKeyspace|queryFlagNowInSeconds) != 0 {
		return dst, fmt.Errorf("cassandra: a per-query keyspace and now_in_seconds need protocol v5, the connection uses %v", v)
	}
	return append(dst, byte(f)), nil
}

func readQueryFlags(r *Reader, v Version) (uint32, error) {
	if v >= V5 {
		f, err := r.ReadInt()
		return uint32(f), err
	}
	f, err := r.ReadByte()
	return uint32(f), err
}

// AppendTo appends p as <query_parameters> for version v.
func (p *QueryParams) AppendTo(dst []byte, v Version) ([]byte, error) {
	f := p.flags()
	dst = AppendConsistency(dst, p.Consistency)
	dst, err := appendQueryFlags(dst, f, v)
	if err != nil {
		return dst, err
	}
	if f&queryFlagValues != 0 {
		if dst, err = appendValues(dst, p.Values, p.Names, v); err != nil {
			return dst, err
		}
	}
	if f&queryFlagPageSize != 0 {
		dst = AppendInt(dst, p.PageSize)
	}
	if f&queryFlagPagingState != 0 {
		if dst, err = AppendBytes(dst, p.PagingState); err != nil {
			return dst, err
		}
	}
	if f&queryFlagSerialConsistency != 0 {
		dst = AppendConsistency(dst, p.SerialConsistency)
	}
	if f&queryFlagDefaultTimestamp != 0 {
		dst = AppendLong(dst, p.Timestamp)
	}
	if f&queryFlagKeyspace != 0 {
		if dst, err = AppendString(dst, p.Keyspace); err != nil {
			return dst, err
		}
	}
	if f&queryFlagNowInSeconds != 0 {
		dst = AppendInt(dst, p.NowInSeconds)
	}
	return dst, nil
}

// appendValues writes a [short] count and the values, each preceded by its
// [string] name when names is non-nil.
func appendValues(dst []byte, values []Value, names []string, v Version) ([]byte, error) {
	if len(values) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: %d bound values (max %d)", ErrTooLong, len(values), math.MaxUint16)
	}
	if names != nil && len(names) != len(values) {
		return dst, fmt.Errorf("cassandra: %d value names for %d values", len(names), len(values))
	}
	dst = AppendShort(dst, uint16(len(values)))
	var err error
	for i := range values {
		if names != nil {
			if dst, err = AppendString(dst, names[i]); err != nil {
				return dst, err
			}
		}
		if dst, err = AppendValue(dst, values[i], v); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// readValues reads a [short] count and that many (optionally named) values,
// reusing the capacity of values and names.
func readValues(r *Reader, values []Value, names []string, named bool) ([]Value, []string, error) {
	minSize := 4
	if named {
		minSize = 6
	}
	n, err := r.readCount("bound values", minSize)
	if err != nil {
		return nil, nil, err
	}
	values = values[:0]
	if named {
		names = names[:0]
	} else {
		names = nil
	}
	for i := 0; i < n; i++ {
		if named {
			name, err := r.ReadString()
			if err != nil {
				return nil, nil, err
			}
			names = append(names, name)
		}
		val, err := r.ReadValue()
		if err != nil {
			return nil, nil, err
		}
		values = append(values, val)
	}
	return values, names, nil
}

// Decode reads <query_parameters> for version v from r. Value bytes and the
// paging state alias r's input.
func (p *QueryParams) Decode(r *Reader, v Version) error {
	var err error
	if p.Consistency, err = r.ReadConsistency(); err != nil {
		return err
	}
	f, err := readQueryFlags(r, v)
	if err != nil {
		return err
	}
	*p = QueryParams{Consistency: p.Consistency, Values: p.Values[:0], Names: p.Names[:0]}
	if f&queryFlagValues != 0 {
		if p.Values, p.Names, err = readValues(r, p.Values, p.Names, f&queryFlagNames != 0); err != nil {
			return err
		}
	} else {
		p.Values, p.Names = nil, nil
	}
	p.SkipMetadata = f&queryFlagSkipMetadata != 0
	if f&queryFlagPageSize != 0 {
		if p.PageSize, err = r.ReadInt(); err != nil {
			return err
		}
	}
	if f&queryFlagPagingState != 0 {
		if p.PagingState, err = r.ReadBytes(); err != nil {
			return err
		}
		if p.PagingState == nil {
			p.PagingState = []byte{}
		}
	}
	if f&queryFlagSerialConsistency != 0 {
		if p.SerialConsistency, err = r.ReadConsistency(); err != nil {
			return err
		}
	}
	if f&queryFlagDefaultTimestamp != 0 {
		p.HasTimestamp = true
		if p.Timestamp, err = r.ReadLong(); err != nil {
			return err
		}
	}
	if v >= V5 {
		if f&queryFlagKeyspace != 0 {
			if p.Keyspace, err = r.ReadString(); err != nil {
				return err
			}
			if p.Keyspace == "" {
				return malformed("empty keyspace with the keyspace flag")
			}
		}
		if f&queryFlagNowInSeconds != 0 {
			p.HasNowInSeconds = true
			if p.NowInSeconds, err = r.ReadInt(); err != nil {
				return err
			}
		}
	}
	return nil
}
