package protocol

import (
	"bytes"

	"github.com/cqlsql/cassandra/codec"
)

// sharedTypes lets the columns of one metadata share the parsed form of a
// composite type that a recent column had byte for byte. An [option] is
// self-delimiting, so the same bytes at the start of what remains are the
// same type: the column takes the earlier Type, whose Elems and Fields are
// then held once however many columns repeat it. Its nodes still count
// against MaxTypeNodes. The zero value is ready.
type sharedTypes struct {
	n, next int
	recent  [4]sharedType
}

type sharedType struct {
	raw   []byte // the [option], aliasing the body
	t     codec.Type
	nodes int
}

// read reads an [option] as readOption does, reusing a recent equal one.
func (s *sharedTypes) read(r *Reader, nodes *int) (codec.Type, error) {
	rest := r.Remaining()
	for i := 0; i < s.n; i++ {
		e := &s.recent[i]
		if !bytes.HasPrefix(rest, e.raw) {
			continue
		}
		if *nodes -= e.nodes; *nodes < 0 {
			return codec.Type{}, errTypeNodes()
		}
		r.off += len(e.raw)
		return e.t, nil
	}
	start, before := r.off, *nodes
	t, err := r.readOption(0, nodes)
	if err != nil || len(t.Elems) == 0 {
		return t, err // scalars have nothing to share
	}
	s.recent[s.next] = sharedType{raw: r.buf[start:r.off], t: t, nodes: before - *nodes}
	s.next = (s.next + 1) % len(s.recent)
	if s.n < len(s.recent) {
		s.n++
	}
	return t, nil
}
