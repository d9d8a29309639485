package cassandra

import (
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

// FuzzScanFastPaths feeds arbitrary cells, whose bytes come from the
// network, to ScanColumn's fast paths for every column type that has one:
// never a panic, and whatever a fast path stores is what database/sql
// would have stored from the decoded value.
func FuzzScanFastPaths(f *testing.F) {
	ids := []codec.TypeID{codec.TypeBigint, codec.TypeCounter, codec.TypeInt, codec.TypeDouble, codec.TypeFloat,
		codec.TypeBoolean, codec.TypeVarchar, codec.TypeASCII, codec.TypeBlob, codec.TypeCustom,
		codec.TypeTimestamp, codec.TypeUUID, codec.TypeTimeUUID}
	f.Add(uint8(0), []byte{0, 0, 0, 0, 0, 0, 1, 0})
	f.Add(uint8(2), []byte{0, 1, 0, 0})
	f.Add(uint8(6), []byte("text"))
	f.Add(uint8(7), []byte{0x80})
	f.Add(uint8(11), make([]byte, 16))
	f.Fuzz(func(t *testing.T, which uint8, cell []byte) {
		checkScanFastPaths(t, ids[int(which)%len(ids)], cell)
	})
}
