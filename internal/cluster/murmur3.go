package cluster

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Murmur3Token returns the token Cassandra's Murmur3Partitioner gives a
// partition whose routing key is key.
//
// It is MurmurHash3 x64_128 with seed 0, keeping the first half (h1) as a
// signed 64-bit value, with two Cassandra quirks: the tail bytes are
// sign-extended (Java's (long) byte), and Long.MIN_VALUE, which Cassandra
// reserves as the ring's minimum, becomes Long.MAX_VALUE. The empty key is
// the minimum token.
func Murmur3Token(key []byte) int64 {
	if len(key) == 0 {
		return math.MinInt64
	}
	return normalizeMurmur3(murmur3H1(key))
}

// normalizeMurmur3 keeps Long.MIN_VALUE for the minimum token, as Cassandra
// does: no key may sort before every token.
func normalizeMurmur3(h int64) int64 {
	if h == math.MinInt64 {
		return math.MaxInt64
	}
	return h
}

const (
	murmurC1 = 0x87c37b91114253d5
	murmurC2 = 0x4cf5ad432745937f
)

// murmur3H1 is the first half of Cassandra's MurmurHash.hash3_x64_128 with
// seed 0.
func murmur3H1(data []byte) int64 {
	var h1, h2 uint64
	n := len(data)
	body := data[:n&^15]
	for len(body) >= 16 {
		k1 := binary.LittleEndian.Uint64(body)
		k2 := binary.LittleEndian.Uint64(body[8:])
		body = body[16:]

		h1 ^= mixK1(k1)
		h1 = bits.RotateLeft64(h1, 27) + h2
		h1 = h1*5 + 0x52dce729

		h2 ^= mixK2(k2)
		h2 = bits.RotateLeft64(h2, 31) + h1
		h2 = h2*5 + 0x38495ab5
	}

	tail := data[n&^15:]
	var k1, k2 uint64
	// Java reads each tail byte as a signed byte widened to long, so a byte
	// of 0x80 or more sets every higher bit before the shift.
	switch len(tail) {
	case 15:
		k2 ^= signExtend(tail[14]) << 48
		fallthrough
	case 14:
		k2 ^= signExtend(tail[13]) << 40
		fallthrough
	case 13:
		k2 ^= signExtend(tail[12]) << 32
		fallthrough
	case 12:
		k2 ^= signExtend(tail[11]) << 24
		fallthrough
	case 11:
		k2 ^= signExtend(tail[10]) << 16
		fallthrough
	case 10:
		k2 ^= signExtend(tail[9]) << 8
		fallthrough
	case 9:
		k2 ^= signExtend(tail[8])
		h2 ^= mixK2(k2)
		fallthrough
	case 8:
		k1 ^= signExtend(tail[7]) << 56
		fallthrough
	case 7:
		k1 ^= signExtend(tail[6]) << 48
		fallthrough
	case 6:
		k1 ^= signExtend(tail[5]) << 40
		fallthrough
	case 5:
		k1 ^= signExtend(tail[4]) << 32
		fallthrough
	case 4:
		k1 ^= signExtend(tail[3]) << 24
		fallthrough
	case 3:
		k1 ^= signExtend(tail[2]) << 16
		fallthrough
	case 2:
		k1 ^= signExtend(tail[1]) << 8
		fallthrough
	case 1:
		k1 ^= signExtend(tail[0])
		h1 ^= mixK1(k1)
	}

	h1 ^= uint64(n)
	h2 ^= uint64(n)
	h1 += h2
	h2 += h1
	h1 = fmix64(h1)
	h2 = fmix64(h2)
	h1 += h2
	return int64(h1)
}

func signExtend(b byte) uint64 { return uint64(int64(int8(b))) }

func mixK1(k uint64) uint64 {
	k *= murmurC1
	k = bits.RotateLeft64(k, 31)
	return k * murmurC2
}

func mixK2(k uint64) uint64 {
	k *= murmurC2
	k = bits.RotateLeft64(k, 33)
	return k * murmurC1
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}
