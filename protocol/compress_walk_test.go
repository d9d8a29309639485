package protocol

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/golang/snappy"
	"github.com/pierrec/lz4/v4"
)

func TestCompressedLenMatchesOutput(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, n := range []int{1, 5, 15, 16, 300, 70000, 1 << 20} {
		src := make([]byte, n)
		for i := range src { // compressible: runs and repeats
			src[i] = byte(rng.Intn(4))
		}
		for _, data := range [][]byte{src, bytes.Repeat([]byte("ab"), n)} {
			block, err := LZ4{}.CompressBlock(nil, data)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := lz4BlockLen(block, len(data)); err != nil || got != len(data) {
				t.Errorf("lz4 %d bytes: walk says %d, %v", len(data), got, err)
			}
			enc := snappy.Encode(nil, data)
			_, k := binary.Uvarint(enc)
			if got, err := snappyBlockLen(enc[k:], len(data)); err != nil || got != len(data) {
				t.Errorf("snappy %d bytes: walk says %d, %v", len(data), got, err)
			}
		}
	}
}

// FuzzCompressedLen checks that the walks agree with the decompressors:
// the LZ4 walk accepts every block lz4 decompresses, a Snappy block the
// walk accepts decodes, and both accept what the compressors produce.
func FuzzCompressedLen(f *testing.F) {
	f.Add(cat(0x40, "abcd"))
	f.Add(cat(0x1F, "x", 0x01, 0x00, 0x05, 0x10, "y"))
	big, _ := LZ4{}.CompressBlock(nil, bytes.Repeat([]byte("cassandra"), 300))
	f.Add(big)
	f.Add(snappy.Encode(nil, bytes.Repeat([]byte("cassandra"), 300))[2:])
	f.Fuzz(func(t *testing.T, src []byte) {
		const max = 1 << 16
		out := make([]byte, max)
		if n, err := lz4.UncompressBlock(src, out); err == nil && n > 0 {
			if got, err := lz4BlockLen(src, max); err != nil || got != n {
				t.Fatalf("lz4: decompresses to %d, walk says %d, %v", n, got, err)
			}
		}
		if n, err := snappyBlockLen(src, max); err == nil {
			enc := append(binary.AppendUvarint(nil, uint64(n)), src...)
			if dec, err := snappy.Decode(nil, enc); err != nil || len(dec) != n {
				t.Fatalf("snappy: walk says %d, decoder %d, %v", n, len(dec), err)
			}
		}
		// Blocks of the real compressors.
		enc := snappy.Encode(nil, src)
		_, k := binary.Uvarint(enc)
		if got, err := snappyBlockLen(enc[k:], len(src)); err != nil || got != len(src) {
			t.Fatalf("snappy of %d bytes: walk says %d, %v", len(src), got, err)
		}
		if len(src) > 0 {
			block, _ := LZ4{}.CompressBlock(nil, src)
			if got, err := lz4BlockLen(block, len(src)); err != nil || got != len(src) {
				t.Fatalf("lz4 of %d bytes: walk says %d, %v", len(src), got, err)
			}
		}
		// Whatever the walk says, it must not pass its limit.
		if n, err := lz4BlockLen(src, 100); err == nil && n > 100 {
			t.Fatalf("lz4 walk: %d over the limit", n)
		}
		if n, err := snappyBlockLen(src, 100); err == nil && n > 100 {
			t.Fatalf("snappy walk: %d over the limit", n)
		}
	})
}
