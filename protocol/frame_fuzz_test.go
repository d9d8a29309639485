package protocol

import (
	"errors"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

func FuzzParseHeader(f *testing.F) {
	f.Add(cat(0x84, 0x0E, 0x00, 0x05, 0x08, 0x00, 0x00, 0x00, 0x26), 0)
	f.Add(cat(0x05, 0x00, 0x00, 0x01, 0x07, 0x10, 0x00, 0x00, 0x00), 1024)
	f.Add(cat(0x82, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF), 0)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		h, err := ParseHeader(b, max)
		if err != nil {
			return
		}
		if h.Length < 0 || (max > 0 && h.Length > max) || h.Length > DefaultMaxFrameBody || !h.Version.Supported() {
			t.Fatalf("accepted %+v (max %d)", h, max)
		}
		if got := h.Append(nil); string(got) != string(b[:HeaderSize]) {
			t.Fatalf("Append(ParseHeader(b)) = % x, want % x", got, b[:HeaderSize])
		}
	})
}

// FuzzDecodeResponse fuzzes the whole response path: prefix (tracing id,
// warnings, custom payload) and message, for any opcode and flags.
func FuzzDecodeResponse(f *testing.F) {
	for _, tc := range goldenResponses {
		for _, v := range tc.versions {
			f.Add(byte(v), byte(0), byte(tc.msg.Opcode()), tc.body)
		}
	}
	f.Add(byte(4), byte(0x0E), byte(OpResult), cat(
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0x00, 0x01, 0x00, 0x04, "warn",
		0x00, 0x01, 0x00, 0x01, "p", 0x00, 0x00, 0x00, 0x01, 0xFF,
		0x00, 0x00, 0x00, 0x01))
	f.Fuzz(func(t *testing.T, v, flags, op byte, body []byte) {
		h := Header{Version: V3 + Version(v%3), Response: true, Flags: Flags(flags), Opcode: Opcode(op), Length: len(body)}
		fr, err := DecodeResponse(h, body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		if fr.Message == nil || fr.Message.Opcode() != h.Opcode {
			t.Fatalf("message %T for %v", fr.Message, h.Opcode)
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	for _, tc := range goldenRequests {
		for _, v := range tc.versions {
			f.Add(byte(v), byte(0), byte(tc.msg.Opcode()), tc.body)
		}
	}
	f.Fuzz(func(t *testing.T, v, flags, op byte, body []byte) {
		h := Header{Version: V3 + Version(v%3), Flags: Flags(flags), Opcode: Opcode(op), Length: len(body)}
		if _, err := DecodeRequest(h, body); err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error not wrapping ErrMalformed: %v", err)
		}
	})
}

func FuzzReadOption(f *testing.F) {
	f.Add(cat(0x00, 0x21, 0x00, 0x0D, 0x00, 0x20, 0x00, 0x09))
	f.Add(cat(0x00, 0x30, 0x00, 0x02, "ks", 0x00, 0x01, "a", 0x00, 0x01, 0x00, 0x01, "f", 0x00, 0x09))
	f.Add(append(cat(0x00, 0x00, 0x00, 0x59), mp+"VectorType("+mp+"FloatType , 3)"...))
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := NewReader(b).ReadOption()
		if err != nil {
			return
		}
		_ = typ.String()
		if _, err := AppendOption(nil, typ); err != nil && typ.ID != 0 {
			t.Logf("re-encode: %v", err)
		}
	})
}

func FuzzParseCustomType(f *testing.F) {
	f.Add(mp + "VectorType(" + mp + "FloatType , 3)")
	f.Add(mp + "VectorType(" + mp + "UserType(ks,61646472,737472656574:" + mp + "UTF8Type) , 1)")
	f.Add(mp + "VectorType(" + mp + "MapType(" + mp + "UTF8Type," + mp + "LongType) , 4)")
	f.Fuzz(func(t *testing.T, s string) {
		typ := ParseCustomType(s)
		_ = typ.String()
		if typ.ID == codec.TypeVector {
			name, err := CustomClassName(typ)
			if err != nil {
				t.Fatalf("vector %v has no class name: %v", typ, err)
			}
			if back := ParseCustomType(name); back.String() != typ.String() {
				t.Fatalf("%q -> %v -> %q -> %v", s, typ, name, back)
			}
		}
	})
}
