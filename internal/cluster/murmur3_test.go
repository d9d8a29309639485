package cluster

import (
	"encoding/hex"
	"math"
	"testing"
)

func TestMurmur3TokenVectors(t *testing.T) {
	if len(murmur3Vectors) != len(murmur3VectorKeys) {
		t.Fatalf("%d vectors for %d keys", len(murmur3Vectors), len(murmur3VectorKeys))
	}
	for _, v := range murmur3Vectors {
		key, err := hex.DecodeString(v.key)
		if err != nil {
			t.Fatal(err)
		}
		if got := Murmur3Token(key); got != v.token {
			t.Errorf("Murmur3Token(%s) = %d, server says %d", v.key, got, v.token)
		}
		if got := referenceMurmur3(key); got != v.token {
			t.Errorf("referenceMurmur3(%s) = %d, server says %d", v.key, got, v.token)
		}
	}
}

func TestMurmur3TokenMinimum(t *testing.T) {
	if got := Murmur3Token(nil); got != math.MinInt64 {
		t.Errorf("Murmur3Token(empty) = %d, want the minimum token", got)
	}
	if got := normalizeMurmur3(math.MinInt64); got != math.MaxInt64 {
		t.Errorf("normalizeMurmur3(MinInt64) = %d, want MaxInt64", got)
	}
	if got := normalizeMurmur3(-5); got != -5 {
		t.Errorf("normalizeMurmur3(-5) = %d", got)
	}
}

func TestMurmur3TokenAllocations(t *testing.T) {
	key := make([]byte, 37)
	if n := testing.AllocsPerRun(100, func() { Murmur3Token(key) }); n != 0 {
		t.Errorf("Murmur3Token allocates %v times", n)
	}
}

// FuzzMurmur3Token checks the unrolled hash against a plain port of
// Cassandra's Java code, signed arithmetic and all.
func FuzzMurmur3Token(f *testing.F) {
	for _, v := range murmur3Vectors {
		k, _ := hex.DecodeString(v.key)
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key []byte) {
		if got, want := Murmur3Token(key), referenceMurmur3(key); got != want {
			t.Fatalf("Murmur3Token(%x) = %d, reference %d", key, got, want)
		}
	})
}

// referenceMurmur3 follows MurmurHash.hash3_x64_128 and
// Murmur3Partitioner.getToken line by line, with Java's types: a loop
// where the real one is unrolled.
func referenceMurmur3(key []byte) int64 {
	if len(key) == 0 {
		return math.MinInt64
	}
	rotl := func(v int64, n uint) int64 { return int64(uint64(v)<<n | uint64(v)>>(64-n)) }
	fmix := func(k int64) int64 {
		k ^= int64(uint64(k) >> 33)
		k *= -49064778989728563
		k ^= int64(uint64(k) >> 33)
		k *= -4265267296055464877
		k ^= int64(uint64(k) >> 33)
		return k
	}
	getblock := func(i int) int64 {
		var v int64
		for b := 7; b >= 0; b-- {
			v = v<<8 | int64(key[i+b]) // unsigned bytes in the body
		}
		return v
	}
	const c1, c2 = -8663945395140668459, 5545529020109919103
	var h1, h2 int64
	length := len(key)
	nblocks := length >> 4
	for i := 0; i < nblocks; i++ {
		k1, k2 := getblock(16*i), getblock(16*i+8)
		k1 *= c1
		k1 = rotl(k1, 31)
		k1 *= c2
		h1 ^= k1
		h1 = rotl(h1, 27)
		h1 += h2
		h1 = h1*5 + 0x52dce729
		k2 *= c2
		k2 = rotl(k2, 33)
		k2 *= c1
		h2 ^= k2
		h2 = rotl(h2, 31)
		h2 += h1
		h2 = h2*5 + 0x38495ab5
	}
	off := nblocks * 16
	var k1, k2 int64
	for i := length&15 - 1; i >= 0; i-- {
		b := int64(int8(key[off+i])) // (long) bytes[i]: sign-extended
		if i >= 8 {
			k2 ^= b << (8 * (i - 8))
			if i == 8 {
				k2 *= c2
				k2 = rotl(k2, 33)
				k2 *= c1
				h2 ^= k2
			}
		} else {
			k1 ^= b << (8 * i)
			if i == 0 {
				k1 *= c1
				k1 = rotl(k1, 31)
				k1 *= c2
				h1 ^= k1
			}
		}
	}
	h1 ^= int64(length)
	h2 ^= int64(length)
	h1 += h2
	h2 += h1
	h1 = fmix(h1)
	h2 = fmix(h2)
	h1 += h2
	if h1 == math.MinInt64 {
		return math.MaxInt64
	}
	return h1
}

func BenchmarkMurmur3Token(b *testing.B) {
	for _, n := range []int{8, 16, 36, 128} {
		key := make([]byte, n)
		for i := range key {
			key[i] = byte(i * 31)
		}
		b.Run(itoa(n)+"B", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(n))
			for i := 0; i < b.N; i++ {
				Murmur3Token(key)
			}
		})
	}
}
