package protocol

import (
	"encoding/binary"
	"errors"
	"math/rand"
	"testing"

	"github.com/cqlsql/cassandra/internal/hostile"
)

// junk returns n pseudo-random bytes.
func junk(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(1)).Read(b)
	return b
}

// lz4Expanding returns an LZ4 block of about n bytes that expands ~255
// times: one literal, then matches of offset 1 and maximal length codes.
func lz4Expanding(n int) []byte {
	b := []byte{0x1F, 'x', 1, 0} // 1 literal, match length 15+...
	for len(b) < n {
		b = append(b, 0xFF)
	}
	b = append(b, 0x00)         // ends the match length
	return append(b, 0x10, 'y') // last sequence: one literal
}

func TestHostileLZ4Memory(t *testing.T) {
	for _, tc := range []struct {
		name     string
		declared int
		block    []byte
	}{
		{"junk declaring 256 MiB", 256 << 20, junk(1 << 20)},
		{"junk declaring 255 MiB", 255 << 20, junk(1 << 20)},
		{"expanding declaring 256 MiB", 256 << 20, lz4Expanding(1 << 20)},
		{"expanding declaring 255 MiB", 255 << 20, lz4Expanding(1 << 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := binary.BigEndian.AppendUint32(nil, uint32(tc.declared))
			src = append(src, tc.block...)
			var err error
			alloc := hostile.Allocated(func() { _, err = LZ4{}.Decompress(nil, src, 0) })
			hostile.Check(t, len(src), alloc, err)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("got %v, want ErrMalformed", err)
			}
		})
	}
}

func TestHostileSnappyMemory(t *testing.T) {
	src := binary.AppendUvarint(nil, 256<<20)
	src = append(src, junk(1<<20)...)
	var err error
	alloc := hostile.Allocated(func() { _, err = Snappy{}.Decompress(nil, src, 0) })
	hostile.Check(t, len(src), alloc, err)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v, want ErrMalformed", err)
	}
}
