package protocol

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzFrameReader feeds arbitrary server bytes to the connection's reader
// in each framing mode: it must return frames or errors, never panic, and
// never hand out a body above the maximum.
func FuzzFrameReader(f *testing.F) {
	ready := Header{Version: V4, Response: true, Opcode: OpReady}.Append(nil)
	f.Add(ready, uint8(0))
	if comp, err := (LZ4{}).Compress(nil, []byte("hello hello hello hello")); err == nil {
		h := Header{Version: V4, Response: true, Flags: FlagCompression, Opcode: OpResult, Length: len(comp)}
		f.Add(append(h.Append(nil), comp...), uint8(1))
	}
	v5 := Header{Version: V5, Response: true, Opcode: OpReady}.Append(nil)
	if seg, err := AppendSegments(nil, append(append([]byte(nil), v5...), v5...), nil); err == nil {
		f.Add(seg, uint8(2))
	}
	if seg, err := AppendSegments(nil, v5, LZ4{}); err == nil {
		f.Add(seg, uint8(3))
	}
	const maxBody = 1 << 16
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		br := bufio.NewReader(bytes.NewReader(data))
		r := frameReader{br: br, maxBody: maxBody}
		switch mode % 4 {
		case 1:
			r.comp = LZ4{}
		case 2:
			r.seg = newSegmentReader(br, nil, maxBody)
		case 3:
			r.seg = newSegmentReader(br, LZ4{}, maxBody)
		}
		for i := 0; i < 64; i++ {
			h, body, err := r.next()
			if err != nil {
				return
			}
			if len(body) > maxBody || h.Length != len(body) && mode%4 < 2 {
				t.Fatalf("body of %d bytes, header %v", len(body), h)
			}
		}
	})
}
