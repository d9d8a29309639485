package cluster

import (
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// ErrUnsupportedPartitioner reports a partitioner whose tokens this package
// cannot compute; the caller then plans queries without token awareness.
var ErrUnsupportedPartitioner = errors.New("cassandra: unsupported partitioner")

// A Partitioner maps routing keys to tokens and reads the tokens that
// system.local and system.peers list for each node.
type Partitioner interface {
	// Name is Cassandra's class name for the partitioner.
	Name() string
	// Token is the token of a partition with this routing key.
	Token(routingKey []byte) Token
	// ParseToken reads a token as system.local.tokens lists it.
	ParseToken(s string) (Token, error)
	// FormatToken prints a token as Cassandra does.
	FormatToken(t Token) string
}

// PartitionerByName returns the partitioner system.local.partitioner names,
// with or without its package. Others (ByteOrderedPartitioner,
// OrderPreservingPartitioner, custom ones) wrap ErrUnsupportedPartitioner.
func PartitionerByName(name string) (Partitioner, error) {
	switch strings.TrimPrefix(name, "org.apache.cassandra.dht.") {
	case "Murmur3Partitioner":
		return Murmur3Partitioner{}, nil
	case "RandomPartitioner":
		return RandomPartitioner{}, nil
	}
	return nil, fmt.Errorf("%w %q: queries go to nodes in turn, not to a key's replicas", ErrUnsupportedPartitioner, name)
}

// Murmur3Partitioner is Cassandra's default partitioner.
type Murmur3Partitioner struct{}

func (Murmur3Partitioner) Name() string { return "org.apache.cassandra.dht.Murmur3Partitioner" }

func (Murmur3Partitioner) Token(routingKey []byte) Token {
	return Murmur3TokenOf(Murmur3Token(routingKey))
}

func (Murmur3Partitioner) ParseToken(s string) (Token, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return Token{}, fmt.Errorf("cassandra: Murmur3 token %q: %w", s, err)
	}
	return Murmur3TokenOf(v), nil
}

func (Murmur3Partitioner) FormatToken(t Token) string { return strconv.FormatInt(t.Int64(), 10) }

// RandomPartitioner is Cassandra's partitioner before 1.2: the token is the
// absolute value of the key's MD5 read as a signed 128-bit integer, in
// [0, 2^127]. Its minimum, -1 (the empty key), is the zero Token here, which
// orders the same against every token a node can hold.
type RandomPartitioner struct{}

func (RandomPartitioner) Name() string { return "org.apache.cassandra.dht.RandomPartitioner" }

func (RandomPartitioner) Token(routingKey []byte) Token {
	if len(routingKey) == 0 {
		return Token{}
	}
	sum := md5.Sum(routingKey)
	hi := binary.BigEndian.Uint64(sum[:8])
	lo := binary.BigEndian.Uint64(sum[8:])
	if hi>>63 == 1 { // negative: two's complement negation gives |x|
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return Token{hi: hi, lo: lo}
}

var maxRandomToken = new(big.Int).Lsh(big.NewInt(1), 127)

func (RandomPartitioner) ParseToken(s string) (Token, error) {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return Token{}, fmt.Errorf("cassandra: RandomPartitioner token %q is not a decimal integer", s)
	}
	if v.Sign() < 0 || v.Cmp(maxRandomToken) > 0 {
		return Token{}, fmt.Errorf("cassandra: RandomPartitioner token %q is outside [0, 2^127]", s)
	}
	var b [16]byte
	v.FillBytes(b[:])
	return Token{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}, nil
}

func (RandomPartitioner) FormatToken(t Token) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], t.hi)
	binary.BigEndian.PutUint64(b[8:], t.lo)
	return new(big.Int).SetBytes(b[:]).String()
}
