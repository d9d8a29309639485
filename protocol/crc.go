package protocol

import "hash/crc32"

// CRC parameters of v5 segments (spec v5 section 2.1).
const (
	crc24Init = 0x875060
	crc24Poly = 0x1974F0B
)

// CRC24 returns the CRC24 of a segment header's first bytes: 3 bytes for
// the uncompressed format, 5 for the compressed one, taken in wire order
// (the little-endian header integer, least significant byte first).
func CRC24(b []byte) uint32 {
	crc := uint32(crc24Init)
	for _, c := range b {
		crc ^= uint32(c) << 16
		for i := 0; i < 8; i++ {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= crc24Poly
			}
		}
	}
	return crc & 0xFFFFFF
}

// crc32Seed is the IEEE CRC32 state after the 4 bytes the spec (and
// Cassandra's Crc.crc32()) feeds before the payload: 0xFA 0x2D 0x55 0xCA.
var crc32Seed = crc32.ChecksumIEEE([]byte{0xFA, 0x2D, 0x55, 0xCA})

// CRC32 returns the CRC32 of a segment payload: IEEE CRC32 seeded with the
// bytes 0xFA 0x2D 0x55 0xCA.
func CRC32(payload []byte) uint32 {
	return crc32.Update(crc32Seed, crc32.IEEETable, payload)
}
