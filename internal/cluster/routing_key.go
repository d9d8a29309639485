package cluster

import "fmt"

// AppendRoutingKey appends to dst the routing key of a partition key whose
// serialized components are given in partition-key order. One component is
// the routing key as is; several are each written as a 2-byte big-endian
// length, the bytes, then 0x00 (Cassandra's CompositeType layout).
//
// The caller does not route a statement whose partition key has a NULL
// component: the server rejects it anyway.
func AppendRoutingKey(dst []byte, components [][]byte) ([]byte, error) {
	if len(components) == 1 {
		return append(dst, components[0]...), nil
	}
	for i, c := range components {
		if len(c) > 0xFFFF {
			return dst, fmt.Errorf("cassandra: partition key component %d has %d bytes, more than a composite key holds (65535)", i, len(c))
		}
		dst = append(dst, byte(len(c)>>8), byte(len(c)))
		dst = append(dst, c...)
		dst = append(dst, 0)
	}
	return dst, nil
}
