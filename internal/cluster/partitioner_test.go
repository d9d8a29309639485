package cluster

import (
	"crypto/md5"
	"errors"
	"math"
	"math/big"
	"strconv"
	"testing"
)

func TestPartitionerByName(t *testing.T) {
	for _, name := range []string{"org.apache.cassandra.dht.Murmur3Partitioner", "Murmur3Partitioner"} {
		if p, err := PartitionerByName(name); err != nil || p.Name() != "org.apache.cassandra.dht.Murmur3Partitioner" {
			t.Errorf("PartitionerByName(%q) = %v, %v", name, p, err)
		}
	}
	if p, err := PartitionerByName("org.apache.cassandra.dht.RandomPartitioner"); err != nil || p.Name() != "org.apache.cassandra.dht.RandomPartitioner" {
		t.Errorf("RandomPartitioner: %v, %v", p, err)
	}
	for _, name := range []string{"org.apache.cassandra.dht.ByteOrderedPartitioner", "", "com.example.Mine"} {
		if _, err := PartitionerByName(name); !errors.Is(err, ErrUnsupportedPartitioner) {
			t.Errorf("PartitionerByName(%q) error = %v, want ErrUnsupportedPartitioner", name, err)
		}
	}
}

func TestMurmur3PartitionerTokens(t *testing.T) {
	p := Murmur3Partitioner{}
	for _, v := range []int64{math.MinInt64, -1, 0, 1, 42, math.MaxInt64} {
		s := strconv.FormatInt(v, 10)
		tok, err := p.ParseToken(s)
		if err != nil || tok.Int64() != v || p.FormatToken(tok) != s {
			t.Errorf("ParseToken(%s) = %v (%d), %v; formats as %s", s, tok, tok.Int64(), err, p.FormatToken(tok))
		}
	}
	// The ordered form keeps signed order.
	if Murmur3TokenOf(-1).Compare(Murmur3TokenOf(0)) >= 0 || Murmur3TokenOf(math.MinInt64).Compare(Murmur3TokenOf(math.MaxInt64)) >= 0 {
		t.Error("Murmur3TokenOf does not keep signed order")
	}
	if (Murmur3TokenOf(math.MinInt64) != Token{}) {
		t.Error("the minimum Murmur3 token is not the zero Token")
	}
	for _, s := range []string{"", "x", "9223372036854775808", "1.5"} {
		if _, err := p.ParseToken(s); err == nil {
			t.Errorf("ParseToken(%q) accepted", s)
		}
	}
}

// randomTokenBig is RandomPartitioner's token as Cassandra computes it:
// new BigInteger(md5(key)).abs().
func randomTokenBig(key []byte) *big.Int {
	sum := md5.Sum(key)
	v := new(big.Int).SetBytes(sum[:])
	if sum[0]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	return v.Abs(v)
}

func TestRandomPartitionerTokens(t *testing.T) {
	p := RandomPartitioner{}
	for _, key := range []string{"a", "cassandra", "hello", "\x00", "\xff\xfe"} {
		tok := p.Token([]byte(key))
		want := randomTokenBig([]byte(key)).String()
		if got := p.FormatToken(tok); got != want {
			t.Errorf("Token(%q) = %s, want %s", key, got, want)
		}
		back, err := p.ParseToken(want)
		if err != nil || back != tok {
			t.Errorf("ParseToken(%s) = %v, %v; want %v", want, back, err, tok)
		}
	}
	max := new(big.Int).Lsh(big.NewInt(1), 127).String()
	if tok, err := p.ParseToken(max); err != nil || p.FormatToken(tok) != max {
		t.Errorf("ParseToken(2^127) = %v, %v", tok, err)
	}
	for _, s := range []string{"-1", "x", "", "170141183460469231731687303715884105729"} {
		if _, err := p.ParseToken(s); err == nil {
			t.Errorf("ParseToken(%q) accepted", s)
		}
	}
	if (p.Token(nil) != Token{}) {
		t.Error("the empty key is not the minimum token")
	}
}

func FuzzRandomPartitionerToken(f *testing.F) {
	f.Add([]byte("cassandra"))
	f.Fuzz(func(t *testing.T, a []byte) {
		if len(a) == 0 {
			return
		}
		p := RandomPartitioner{}
		tok := p.Token(a)
		want := randomTokenBig(a)
		if got := p.FormatToken(tok); got != want.String() {
			t.Fatalf("Token(%x) = %s, want %s", a, got, want)
		}
		// Ordered like the integers, against a second key.
		b := append([]byte{1}, a...)
		if got, want := tok.Compare(p.Token(b)), want.Cmp(randomTokenBig(b)); got != want {
			t.Fatalf("Compare = %d, big.Int Cmp = %d", got, want)
		}
	})
}
