package protocol

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzMessage fuzzes the Decode of the message type for op, seeded with the
// golden bodies. A body that decodes must encode again, and that encoding
// must decode and re-encode to the same bytes.
func fuzzMessage(f *testing.F, op Opcode, newMsg func(Opcode) (Message, error)) {
	for _, cases := range [][]goldenCase{goldenRequests, goldenResponses} {
		for _, tc := range cases {
			if tc.msg.Opcode() == op {
				for _, v := range tc.versions {
					f.Add(byte(v), tc.body)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, vb byte, body []byte) {
		v := V3 + Version(vb%3)
		m, err := newMsg(op)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Decode(body, v); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not wrapping ErrMalformed: %v", err)
			}
			return
		}
		if r, ok := m.(*Result); ok && r.Kind == ResultRows {
			var cells [][]byte
			for {
				if cells, err = r.Rows.NextRow(cells); err != nil {
					if err != io.EOF {
						t.Fatalf("NextRow after a successful Decode: %v", err)
					}
					break
				}
			}
		}
		enc1, err := m.AppendBody(nil, v)
		if err != nil {
			return // decoded values the encoder refuses (e.g. v4-only targets on v3)
		}
		m2, _ := newMsg(op)
		if err := m2.Decode(enc1, v); err != nil {
			t.Fatalf("re-decoding our own encoding: %v\n% x", err, enc1)
		}
		enc2, err := m2.AppendBody(nil, v)
		if err != nil || !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding not stable: %v\n% x\n% x", err, enc1, enc2)
		}
	})
}

func FuzzDecodeStartup(f *testing.F)       { fuzzMessage(f, OpStartup, NewRequest) }
func FuzzDecodeAuthResponse(f *testing.F)  { fuzzMessage(f, OpAuthResponse, NewRequest) }
func FuzzDecodeOptions(f *testing.F)       { fuzzMessage(f, OpOptions, NewRequest) }
func FuzzDecodeQuery(f *testing.F)         { fuzzMessage(f, OpQuery, NewRequest) }
func FuzzDecodePrepare(f *testing.F)       { fuzzMessage(f, OpPrepare, NewRequest) }
func FuzzDecodeExecute(f *testing.F)       { fuzzMessage(f, OpExecute, NewRequest) }
func FuzzDecodeBatch(f *testing.F)         { fuzzMessage(f, OpBatch, NewRequest) }
func FuzzDecodeRegister(f *testing.F)      { fuzzMessage(f, OpRegister, NewRequest) }
func FuzzDecodeError(f *testing.F)         { fuzzMessage(f, OpError, NewResponse) }
func FuzzDecodeReady(f *testing.F)         { fuzzMessage(f, OpReady, NewResponse) }
func FuzzDecodeAuthenticate(f *testing.F)  { fuzzMessage(f, OpAuthenticate, NewResponse) }
func FuzzDecodeSupported(f *testing.F)     { fuzzMessage(f, OpSupported, NewResponse) }
func FuzzDecodeResult(f *testing.F)        { fuzzMessage(f, OpResult, NewResponse) }
func FuzzDecodeEvent(f *testing.F)         { fuzzMessage(f, OpEvent, NewResponse) }
func FuzzDecodeAuthChallenge(f *testing.F) { fuzzMessage(f, OpAuthChallenge, NewResponse) }
func FuzzDecodeAuthSuccess(f *testing.F)   { fuzzMessage(f, OpAuthSuccess, NewResponse) }
