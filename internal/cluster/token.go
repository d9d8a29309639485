package cluster

import "strconv"

// Token is a position on the ring. Murmur3's signed 64-bit tokens and
// RandomPartitioner's 128-bit ones share this one ordered form, so the ring
// and the replica maps need not know the partitioner. The zero Token is the
// minimum of every partitioner.
type Token struct{ hi, lo uint64 }

// Compare returns -1, 0 or +1 as t is before, equal to or after u.
func (t Token) Compare(u Token) int {
	switch {
	case t.hi < u.hi:
		return -1
	case t.hi > u.hi:
		return 1
	case t.lo < u.lo:
		return -1
	case t.lo > u.lo:
		return 1
	}
	return 0
}

// Murmur3TokenOf converts a Murmur3Partitioner token to a Token. Flipping
// the sign bit turns signed order into unsigned order.
func Murmur3TokenOf(v int64) Token { return Token{hi: uint64(v) ^ 1<<63} }

// Int64 is the Murmur3Partitioner value of a Token made by Murmur3TokenOf.
func (t Token) Int64() int64 { return int64(t.hi ^ 1<<63) }

// String prints the raw ordered form; a Partitioner prints a token the way
// Cassandra does.
func (t Token) String() string {
	if t.hi == 0 {
		return "0x" + strconv.FormatUint(t.lo, 16)
	}
	return "0x" + strconv.FormatUint(t.hi, 16) + pad16(strconv.FormatUint(t.lo, 16))
}

func pad16(s string) string {
	const zeros = "0000000000000000"
	return zeros[:16-len(s)] + s
}
