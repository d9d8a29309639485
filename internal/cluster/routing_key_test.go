package cluster

import (
	"bytes"
	"testing"
)

func TestAppendRoutingKey(t *testing.T) {
	tests := []struct {
		name       string
		components [][]byte
		want       []byte
	}{
		{"one component is as is", [][]byte{{0, 0, 0, 7}}, []byte{0, 0, 0, 7}},
		{"two components", [][]byte{[]byte("ab"), {0, 0, 0, 1}},
			[]byte{0, 2, 'a', 'b', 0, 0, 4, 0, 0, 0, 1, 0}},
		{"an empty component", [][]byte{{}, {9}}, []byte{0, 0, 0, 0, 1, 9, 0}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		got, err := AppendRoutingKey(nil, tt.components)
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("%s: AppendRoutingKey = %x, %v; want %x", tt.name, got, err, tt.want)
		}
	}
	long := make([]byte, 0x10000)
	if _, err := AppendRoutingKey(nil, [][]byte{long, {1}}); err == nil {
		t.Error("a component of 65536 bytes was accepted in a composite key")
	}
	if got, err := AppendRoutingKey(nil, [][]byte{long}); err != nil || len(got) != len(long) {
		t.Errorf("a single long component: %d bytes, %v", len(got), err)
	}
	// Appending reuses dst.
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf, _ = AppendRoutingKey(buf[:0], [][]byte{{1}, {2}}) }); n != 0 {
		t.Errorf("AppendRoutingKey into a large enough dst allocates %v times", n)
	}
}
