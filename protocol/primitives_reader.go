package protocol

import (
	"encoding/binary"
	"math"
	"net/netip"
)

// Reader decodes the primitives of spec section 3 from a byte slice. Every
// method checks the remaining length first and returns an error wrapping
// ErrMalformed, never panics, and never allocates more than the remaining
// bytes could describe: a count read from the wire is checked against the
// minimum encoded size of that many elements before anything is allocated.
//
// Byte slices returned by a Reader (ReadBytes, ReadShortBytes, ReadValue,
// ReadBytesMap values, Remaining) alias the slice given to NewReader or Reset:
// they are not copied and are only valid as long as that slice is. Strings
// are copies.
//
// The zero Reader reads from an empty slice.
type Reader struct {
	buf []byte
	off int
}

// NewReader returns a Reader over b.
func NewReader(b []byte) *Reader { return &Reader{buf: b} }

// Reset makes r read b from its start.
func (r *Reader) Reset(b []byte) { r.buf, r.off = b, 0 }

// Len returns the number of unread bytes.
func (r *Reader) Len() int { return len(r.buf) - r.off }

// Offset returns the number of bytes read so far.
func (r *Reader) Offset() int { return r.off }

// Remaining returns the unread bytes (aliasing the input) without consuming them.
func (r *Reader) Remaining() []byte { return r.buf[r.off:] }

// Skip consumes n bytes.
func (r *Reader) Skip(n int) error {
	if n < 0 || n > r.Len() {
		return errShort("skip", n, r.Len())
	}
	r.off += n
	return nil
}

// next consumes and returns n bytes (aliasing the input).
func (r *Reader) next(what string, n int) ([]byte, error) {
	if n < 0 || n > r.Len() {
		return nil, errShort(what, n, r.Len())
	}
	b := r.buf[r.off : r.off+n : r.off+n]
	r.off += n
	return b, nil
}

// ReadByte reads a [byte].
func (r *Reader) ReadByte() (byte, error) {
	if r.Len() < 1 {
		return 0, errShort("[byte]", 1, r.Len())
	}
	b := r.buf[r.off]
	r.off++
	return b, nil
}

// ReadShort reads a [short].
func (r *Reader) ReadShort() (uint16, error) {
	if r.Len() < 2 {
		return 0, errShort("[short]", 2, r.Len())
	}
	v := binary.BigEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, nil
}

// ReadInt reads an [int].
func (r *Reader) ReadInt() (int32, error) {
	if r.Len() < 4 {
		return 0, errShort("[int]", 4, r.Len())
	}
	v := binary.BigEndian.Uint32(r.buf[r.off:])
	r.off += 4
	return int32(v), nil
}

// ReadLong reads a [long].
func (r *Reader) ReadLong() (int64, error) {
	if r.Len() < 8 {
		return 0, errShort("[long]", 8, r.Len())
	}
	v := binary.BigEndian.Uint64(r.buf[r.off:])
	r.off += 8
	return int64(v), nil
}

// ReadUUID reads a [uuid].
func (r *Reader) ReadUUID() (UUID, error) {
	var u UUID
	b, err := r.next("[uuid]", 16)
	if err != nil {
		return u, err
	}
	copy(u[:], b)
	return u, nil
}

// ReadConsistency reads a [consistency]. Unknown levels are an error.
func (r *Reader) ReadConsistency() (Consistency, error) {
	v, err := r.ReadShort()
	if err != nil {
		return 0, err
	}
	c := Consistency(v)
	if !c.Valid() {
		return 0, malformed("unknown consistency 0x%04x", v)
	}
	return c, nil
}

// ReadStringBytes reads a [string] and returns its bytes without copying
// (aliasing the input).
func (r *Reader) ReadStringBytes() ([]byte, error) {
	n, err := r.ReadShort()
	if err != nil {
		return nil, err
	}
	return r.next("[string]", int(n))
}

// ReadString reads a [string].
func (r *Reader) ReadString() (string, error) {
	b, err := r.ReadStringBytes()
	return string(b), err
}

// readStringReuse reads a [string] and returns old when it holds the same
// text, so decoding into a reused message does not allocate again.
func (r *Reader) readStringReuse(old string) (string, error) {
	b, err := r.ReadStringBytes()
	if err != nil {
		return "", err
	}
	if string(b) == old {
		return old, nil
	}
	return string(b), nil
}

// ReadLongString reads a [long string].
func (r *Reader) ReadLongString() (string, error) {
	n, err := r.ReadInt()
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", malformed("[long string] length %d", n)
	}
	b, err := r.next("[long string]", int(n))
	return string(b), err
}

// ReadBytes reads a [bytes]. A negative length is null and returns nil, nil
// (per the spec any n < 0 is null for [bytes]; use ReadValue to tell null
// (-1) from not set (-2)). A zero length returns an empty non-nil slice.
// The result aliases the input.
func (r *Reader) ReadBytes() ([]byte, error) {
	n, err := r.ReadInt()
	if err != nil {
		return nil, err
	}
	if n < 0 {
		return nil, nil
	}
	return r.next("[bytes]", int(n))
}

// ReadValue reads a [value]: bytes, null (-1) or not set (-2). Lengths below
// -2 are an error. Bytes alias the input; an empty value is non-nil.
func (r *Reader) ReadValue() (Value, error) {
	n, err := r.ReadInt()
	if err != nil {
		return Value{}, err
	}
	switch {
	case n == -1:
		return Value{}, nil
	case n == -2:
		return Value{Unset: true}, nil
	case n < -2:
		return Value{}, malformed("[value] length %d", n)
	}
	b, err := r.next("[value]", int(n))
	return Value{Bytes: b}, err
}

// ReadShortBytes reads a [short bytes]. The result aliases the input.
func (r *Reader) ReadShortBytes() ([]byte, error) {
	n, err := r.ReadShort()
	if err != nil {
		return nil, err
	}
	return r.next("[short bytes]", int(n))
}

// readCount reads a [short] count of elements each at least minSize bytes
// long and checks that they can fit in what remains.
func (r *Reader) readCount(what string, minSize int) (int, error) {
	n, err := r.ReadShort()
	if err != nil {
		return 0, err
	}
	if int(n)*minSize > r.Len() {
		return 0, malformed("%s of %d entries cannot fit in %d bytes", what, n, r.Len())
	}
	return int(n), nil
}

// ReadStringList reads a [string list].
func (r *Reader) ReadStringList() ([]string, error) {
	n, err := r.readCount("[string list]", 2)
	if err != nil {
		return nil, err
	}
	l := make([]string, n)
	for i := range l {
		if l[i], err = r.ReadString(); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// ReadStringMap reads a [string map]. A repeated key keeps its last value.
func (r *Reader) ReadStringMap() (map[string]string, error) {
	n, err := r.readCount("[string map]", 4)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, n)
	for i := 0; i < n; i++ {
		k, err := r.ReadString()
		if err != nil {
			return nil, err
		}
		if m[k], err = r.ReadString(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ReadStringMultimap reads a [string multimap].
func (r *Reader) ReadStringMultimap() (map[string][]string, error) {
	n, err := r.readCount("[string multimap]", 4)
	if err != nil {
		return nil, err
	}
	m := make(map[string][]string, n)
	for i := 0; i < n; i++ {
		k, err := r.ReadString()
		if err != nil {
			return nil, err
		}
		if m[k], err = r.ReadStringList(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ReadBytesMap reads a [bytes map]. Values alias the input; null values are nil.
func (r *Reader) ReadBytesMap() (map[string][]byte, error) {
	n, err := r.readCount("[bytes map]", 6)
	if err != nil {
		return nil, err
	}
	m := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		k, err := r.ReadString()
		if err != nil {
			return nil, err
		}
		if m[k], err = r.ReadBytes(); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ReadInetAddr reads an [inetaddr] (size 4 or 16, then the address).
func (r *Reader) ReadInetAddr() (netip.Addr, error) {
	n, err := r.ReadByte()
	if err != nil {
		return netip.Addr{}, err
	}
	switch n {
	case 4:
		b, err := r.next("[inetaddr]", 4)
		if err != nil {
			return netip.Addr{}, err
		}
		return netip.AddrFrom4([4]byte(b)), nil
	case 16:
		b, err := r.next("[inetaddr]", 16)
		if err != nil {
			return netip.Addr{}, err
		}
		return netip.AddrFrom16([16]byte(b)), nil
	}
	return netip.Addr{}, malformed("[inetaddr] size %d (want 4 or 16)", n)
}

// ReadInet reads an [inet]: an [inetaddr] and an [int] port.
func (r *Reader) ReadInet() (netip.AddrPort, error) {
	a, err := r.ReadInetAddr()
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := r.ReadInt()
	if err != nil {
		return netip.AddrPort{}, err
	}
	if p < 0 || p > math.MaxUint16 {
		return netip.AddrPort{}, malformed("[inet] port %d", p)
	}
	return netip.AddrPortFrom(a, uint16(p)), nil
}

// ReadUnsignedVint reads an [unsigned vint].
func (r *Reader) ReadUnsignedVint() (uint64, error) {
	first, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	extra := 0
	for extra < 8 && first&(0x80>>extra) != 0 {
		extra++
	}
	b, err := r.next("[unsigned vint]", extra)
	if err != nil {
		return 0, err
	}
	var v uint64
	if extra < 8 {
		v = uint64(first & (0xFF >> (extra + 1)))
	}
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// ReadVint reads a [vint] (zig-zag encoded).
func (r *Reader) ReadVint() (int64, error) {
	u, err := r.ReadUnsignedVint()
	if err != nil {
		return 0, err
	}
	return int64(u>>1) ^ -int64(u&1), nil
}
