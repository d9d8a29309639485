package protocol

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
)

func TestCompressorsGolden(t *testing.T) {
	// LZ4 v4 body: [int] uncompressed length, then a raw block; "abcd" is a
	// block of one literal run (token 0x40).
	lz4Body := cat(0x00, 0x00, 0x00, 0x04, 0x40, "abcd")
	got, err := LZ4{}.Decompress(nil, lz4Body, 0)
	if err != nil || string(got) != "abcd" {
		t.Fatalf("lz4: %q %v", got, err)
	}
	// Snappy block: varint length 4, literal tag (4-1)<<2, "abcd".
	snappyBody := cat(0x04, 0x0C, "abcd")
	got, err = Snappy{}.Decompress([]byte("x"), snappyBody, 0)
	if err != nil || string(got) != "xabcd" {
		t.Fatalf("snappy: %q %v", got, err)
	}
	enc, err := Snappy{}.Compress(nil, []byte("abcd"))
	if err != nil || !bytes.Equal(enc, snappyBody) {
		t.Fatalf("snappy encode: % x %v", enc, err)
	}
}

func TestCompressorsRoundTrip(t *testing.T) {
	inputs := [][]byte{{}, []byte("a"), bytes.Repeat([]byte("cassandra "), 10000), make([]byte, 70000)}
	for _, c := range []Compressor{LZ4{}, Snappy{}} {
		for _, in := range inputs {
			enc, err := c.Compress([]byte{1, 2}, in)
			if err != nil || enc[0] != 1 || enc[1] != 2 {
				t.Fatalf("%s compress: %v", c.Name(), err)
			}
			dec, err := c.Decompress([]byte{3}, enc[2:], len(in)+1)
			if err != nil || dec[0] != 3 || !bytes.Equal(dec[1:], in) {
				t.Fatalf("%s decompress %d bytes: %v", c.Name(), len(in), err)
			}
			if len(in) > 1 {
				if _, err := c.Decompress(nil, enc[2:], len(in)-1); !errors.Is(err, ErrFrameTooLarge) {
					t.Errorf("%s: max below size: %v", c.Name(), err)
				}
			}
		}
	}
	blk, err := LZ4{}.CompressBlock(nil, inputs[2])
	if err != nil {
		t.Fatal(err)
	}
	out, err := LZ4{}.DecompressBlock(nil, blk, len(inputs[2]))
	if err != nil || !bytes.Equal(out, inputs[2]) {
		t.Fatal("block round trip", err)
	}
	if _, err := (LZ4{}).DecompressBlock(nil, blk, len(inputs[2])+1); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong uncompressed length: %v", err)
	}
}

func TestDecompressRefusesBeforeAllocating(t *testing.T) {
	// 1 GiB declared in 8 bytes.
	lz4Bomb := cat(0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00)
	if _, err := (LZ4{}).Decompress(nil, lz4Bomb, 0); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("lz4 1 GiB: %v", err)
	}
	// 100 MiB (under the maximum) claimed by 5 bytes: impossible ratio.
	lz4Liar := cat(0x06, 0x40, 0x00, 0x00, 0x00)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := LZ4{}.Decompress(nil, lz4Liar, 0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrMalformed) || after.TotalAlloc-before.TotalAlloc > 1<<20 {
		t.Errorf("lz4 liar: %v, %d bytes allocated", err, after.TotalAlloc-before.TotalAlloc)
	}
	// Snappy varint 0x80 0x80 0x80 0x80 0x04 = 1 GiB.
	snappyBomb := cat(0x80, 0x80, 0x80, 0x80, 0x04, 0x00)
	if _, err := (Snappy{}).Decompress(nil, snappyBomb, 0); !errors.Is(err, ErrFrameTooLarge) {
		t.Errorf("snappy 1 GiB: %v", err)
	}
	if _, err := (Snappy{}).Decompress(nil, cat(0x04, 0xFF), 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("snappy corrupt: %v", err)
	}
	if _, err := (LZ4{}).Decompress(nil, cat(0x00, 0x00), 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("lz4 short: %v", err)
	}
	if _, err := (LZ4{}).Decompress(nil, cat(0x00, 0x00, 0x00, 0x08, 0x40, "abcd"), 0); !errors.Is(err, ErrMalformed) {
		t.Errorf("lz4 short output: %v", err)
	}
}

func TestNewCompressor(t *testing.T) {
	for _, n := range []string{"lz4", "snappy"} {
		c, err := NewCompressor(n)
		if err != nil || c.Name() != n {
			t.Errorf("%s: %v %v", n, c, err)
		}
	}
	if _, err := NewCompressor("zstd"); !errors.Is(err, ErrUnknownCompression) {
		t.Errorf("zstd: %v", err)
	}
}
