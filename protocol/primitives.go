package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sort"
)

// ErrMalformed is wrapped by every error that reports bytes which do not
// follow the spec: a length or count larger than what remains of the body,
// an invalid value, an unknown kind. Test for it with errors.Is.
var ErrMalformed = errors.New("cassandra: malformed protocol message")

// ErrTooLong is wrapped by the errors of encoders given a string, byte slice
// or collection too long for its length prefix ([short] or [int]).
var ErrTooLong = errors.New("cassandra: value too long for the protocol")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// errShort is returned when a fixed-size primitive runs past the end.
func errShort(what string, need, have int) error {
	return malformed("%s needs %d bytes, %d remain", what, need, have)
}

// UUID is a [uuid]: 16 bytes.
type UUID [16]byte

// String formats u as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.
func (u UUID) String() string {
	const hex = "0123456789abcdef"
	var b [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hex[c>>4], hex[c&0xF]
		j += 2
	}
	return string(b[:])
}

// ---------------------------------------------------------------------------
// Encoders. Each appends one primitive of spec section 3 to dst and returns
// the extended slice. Encoders whose length prefix can overflow return an
// error wrapping ErrTooLong instead of writing a truncated length.

// AppendByte appends a [byte].
func AppendByte(dst []byte, v byte) []byte { return append(dst, v) }

// AppendShort appends a [short] (unsigned, big-endian).
func AppendShort(dst []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(dst, v) }

// AppendInt appends an [int] (big-endian).
func AppendInt(dst []byte, v int32) []byte { return binary.BigEndian.AppendUint32(dst, uint32(v)) }

// AppendLong appends a [long] (big-endian).
func AppendLong(dst []byte, v int64) []byte { return binary.BigEndian.AppendUint64(dst, uint64(v)) }

// AppendUUID appends a [uuid].
func AppendUUID(dst []byte, u UUID) []byte { return append(dst, u[:]...) }

// AppendConsistency appends a [consistency].
func AppendConsistency(dst []byte, c Consistency) []byte { return AppendShort(dst, uint16(c)) }

// AppendString appends a [string]: a [short] length and the UTF-8 bytes.
func AppendString(dst []byte, s string) ([]byte, error) {
	if len(s) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [string] of %d bytes (max %d)", ErrTooLong, len(s), math.MaxUint16)
	}
	dst = AppendShort(dst, uint16(len(s)))
	return append(dst, s...), nil
}

// AppendLongString appends a [long string]: an [int] length and the bytes.
func AppendLongString(dst []byte, s string) ([]byte, error) {
	if len(s) > math.MaxInt32 {
		return dst, fmt.Errorf("%w: [long string] of %d bytes", ErrTooLong, len(s))
	}
	dst = AppendInt(dst, int32(len(s)))
	return append(dst, s...), nil
}

// AppendBytes appends a [bytes]: an [int] length and the bytes, or length -1
// (null) when b is nil. An empty non-nil slice is written as length 0.
func AppendBytes(dst []byte, b []byte) ([]byte, error) {
	if b == nil {
		return AppendInt(dst, -1), nil
	}
	if len(b) > math.MaxInt32 {
		return dst, fmt.Errorf("%w: [bytes] of %d bytes", ErrTooLong, len(b))
	}
	dst = AppendInt(dst, int32(len(b)))
	return append(dst, b...), nil
}

// AppendShortBytes appends a [short bytes]: a [short] length and the bytes.
func AppendShortBytes(dst []byte, b []byte) ([]byte, error) {
	if len(b) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [short bytes] of %d bytes (max %d)", ErrTooLong, len(b), math.MaxUint16)
	}
	dst = AppendShort(dst, uint16(len(b)))
	return append(dst, b...), nil
}

// AppendStringList appends a [string list].
func AppendStringList(dst []byte, l []string) ([]byte, error) {
	if len(l) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [string list] of %d entries", ErrTooLong, len(l))
	}
	dst = AppendShort(dst, uint16(len(l)))
	var err error
	for _, s := range l {
		if dst, err = AppendString(dst, s); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// AppendStringMap appends a [string map], keys in sorted order so that the
// output is deterministic.
func AppendStringMap(dst []byte, m map[string]string) ([]byte, error) {
	if len(m) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [string map] of %d entries", ErrTooLong, len(m))
	}
	dst = AppendShort(dst, uint16(len(m)))
	var err error
	for _, k := range sortedKeys(m) {
		if dst, err = AppendString(dst, k); err != nil {
			return dst, err
		}
		if dst, err = AppendString(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendStringMultimap appends a [string multimap], keys in sorted order.
func AppendStringMultimap(dst []byte, m map[string][]string) ([]byte, error) {
	if len(m) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [string multimap] of %d entries", ErrTooLong, len(m))
	}
	dst = AppendShort(dst, uint16(len(m)))
	var err error
	for _, k := range sortedKeys(m) {
		if dst, err = AppendString(dst, k); err != nil {
			return dst, err
		}
		if dst, err = AppendStringList(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendBytesMap appends a [bytes map], keys in sorted order. A nil value is
// written as a null [bytes].
func AppendBytesMap(dst []byte, m map[string][]byte) ([]byte, error) {
	if len(m) > math.MaxUint16 {
		return dst, fmt.Errorf("%w: [bytes map] of %d entries", ErrTooLong, len(m))
	}
	dst = AppendShort(dst, uint16(len(m)))
	var err error
	for _, k := range sortedKeys(m) {
		if dst, err = AppendString(dst, k); err != nil {
			return dst, err
		}
		if dst, err = AppendBytes(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// AppendInetAddr appends an [inetaddr]: a [byte] size (4 or 16) and the
// address bytes. IPv4 and IPv4-mapped addresses are written with 4 bytes.
func AppendInetAddr(dst []byte, a netip.Addr) ([]byte, error) {
	switch {
	case a.Is4() || a.Is4In6():
		b := a.Unmap().As4()
		return append(append(dst, 4), b[:]...), nil
	case a.Is6():
		b := a.As16()
		return append(append(dst, 16), b[:]...), nil
	}
	return dst, fmt.Errorf("cassandra: cannot encode invalid IP address %v as [inetaddr]", a)
}

// AppendInet appends an [inet]: an [inetaddr] and an [int] port.
func AppendInet(dst []byte, ap netip.AddrPort) ([]byte, error) {
	dst, err := AppendInetAddr(dst, ap.Addr())
	if err != nil {
		return dst, err
	}
	return AppendInt(dst, int32(ap.Port())), nil
}

// AppendUnsignedVint appends an [unsigned vint]: the number of extra bytes
// is given by the count of leading 1 bits of the first byte.
func AppendUnsignedVint(dst []byte, v uint64) []byte {
	extra := 0 // bytes after the first
	for extra < 8 && !bitsFit(v, extra) {
		extra++
	}
	if extra == 8 {
		dst = append(dst, 0xFF)
		return binary.BigEndian.AppendUint64(dst, v)
	}
	var buf [9]byte
	for i := extra; i >= 0; i-- {
		buf[i] = byte(v)
		v >>= 8
	}
	buf[0] |= ^byte(0xFF >> extra) // set the extra leading 1 bits
	return append(dst, buf[:extra+1]...)
}

// bitsFit reports whether v is encodable as an unsigned vint of 1+extra bytes.
func bitsFit(v uint64, extra int) bool {
	if extra >= 8 {
		return true
	}
	bits := 7 - extra + 8*extra // 7*(extra+1)
	return v < uint64(1)<<bits
}

// AppendVint appends a [vint]: zig-zag encoding then [unsigned vint].
func AppendVint(dst []byte, v int64) []byte {
	return AppendUnsignedVint(dst, uint64(v>>63)^uint64(v<<1))
}
