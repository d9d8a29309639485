package protocol

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestHeaderGolden(t *testing.T) {
	h := Header{Version: V4, Response: true, Flags: FlagTracing | FlagWarning, Stream: -1, Opcode: OpEvent, Length: 0x0102}
	want := cat(
		0x84,       // version 4, response bit
		0x0A,       // flags: tracing|warning
		0xFF, 0xFF, // stream -1
		0x0C,                   // EVENT
		0x00, 0x00, 0x01, 0x02, // length
	)
	got := h.Append(nil)
	if !bytes.Equal(got, want) {
		t.Fatalf("Append: % x, want % x", got, want)
	}
	back, err := ParseHeader(want, 0)
	if err != nil || back != h {
		t.Fatalf("ParseHeader = %+v, %v; want %+v", back, err, h)
	}
	if s := h.String(); s != "v4 response stream=-1 EVENT flags=TRACING|WARNING length=258" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		max  int
		want error
	}{
		{"short", cat(0x84, 0, 0, 0, 0x08, 0, 0, 0), 0, ErrMalformed},
		{"v2", cat(0x82, 0, 0, 0, 0x08, 0, 0, 0, 0), 0, ErrUnsupportedVersion},
		{"v6", cat(0x06, 0, 0, 0, 0x07, 0, 0, 0, 0), 0, ErrUnsupportedVersion},
		{"negative length", cat(0x84, 0, 0, 0, 0x08, 0x80, 0, 0, 0), 0, ErrMalformed},
		{"over max", cat(0x84, 0, 0, 0, 0x08, 0, 0, 0x04, 0x01), 1024, ErrFrameTooLarge},
		{"over 256 MiB default", cat(0x84, 0, 0, 0, 0x08, 0x10, 0, 0, 1), 0, ErrFrameTooLarge},
	}
	for _, tt := range tests {
		_, err := ParseHeader(tt.in, tt.max)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	var ve *UnsupportedVersionError
	_, err := ParseHeader(cat(0x82, 0, 0, 0, 0, 0, 0, 0, 0), 0)
	if !errors.As(err, &ve) || ve.Version != 2 || !ve.Response {
		t.Errorf("v2 response: %#v", err)
	}
	// Exactly the maximum is fine.
	if h, err := ParseHeader(cat(0x84, 0, 0, 0, 0x08, 0, 0, 0x04, 0x00), 1024); err != nil || h.Length != 1024 {
		t.Errorf("length == max: %+v, %v", h, err)
	}
}

// A client that asked for v5 from a v4-only server gets a PROTOCOL_ERROR
// frame in v4: ParseHeader must hand it over so the caller can downgrade.
func TestParseHeaderLowerVersionReply(t *testing.T) {
	frame := cat(
		0x84, 0x00, 0x00, 0x00, 0x00, // v4 response, stream 0, ERROR
		0x00, 0x00, 0x00, 0x0B, // length 11
		0x00, 0x00, 0x00, 0x0A, // PROTOCOL_ERROR
		0x00, 0x05, "v5?no",
	)
	h, err := ParseHeader(frame, 0)
	if err != nil || h.Version != V4 {
		t.Fatalf("ParseHeader: %+v, %v", h, err)
	}
	f, err := DecodeResponse(h, frame[HeaderSize:])
	if err != nil {
		t.Fatal(err)
	}
	e, ok := f.Message.(*Error)
	if !ok || e.Code != ErrCodeProtocol || e.Message != "v5?no" {
		t.Fatalf("message %#v", f.Message)
	}
	if !errors.Is(e, &Error{Code: ErrCodeProtocol}) || errors.Is(e, &Error{Code: ErrCodeServer}) {
		t.Error("Error.Is must match by code")
	}
	if e.Error() != "cassandra: PROTOCOL_ERROR (0x000a): v5?no" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestAppendFrameGolden(t *testing.T) {
	got, err := AppendFrame([]byte{0xEE}, V4, 0, 0x0102, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := cat(0xEE, 0x04, 0x00, 0x01, 0x02, 0x05, 0x00, 0x00, 0x00, 0x00)
	if !bytes.Equal(got, want) {
		t.Fatalf("OPTIONS: % x, want % x", got, want)
	}
	got, err = AppendFrame(nil, V5, FlagTracing, 7, &Query{Statement: "Q", Params: QueryParams{Consistency: One}})
	if err != nil {
		t.Fatal(err)
	}
	want = cat(
		0x05, 0x02, 0x00, 0x07, 0x07, // v5 request, tracing, stream 7, QUERY
		0x00, 0x00, 0x00, 0x0B, // length 11
		0x00, 0x00, 0x00, 0x01, "Q",
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	)
	if !bytes.Equal(got, want) {
		t.Fatalf("QUERY: % x, want % x", got, want)
	}
	// Errors leave dst untouched.
	dst := []byte{1}
	out, err := AppendFrame(dst, V3, 0, 1, &Query{Params: QueryParams{Values: []Value{NotSet}}})
	if err == nil || !bytes.Equal(out, dst) {
		t.Fatalf("not-set on v3: %v, % x", err, out)
	}
	if _, err := AppendFrame(nil, 2, 0, 1, &Options{}); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("AppendFrame v2: %v", err)
	}
	if _, err := AppendResponseFrame(nil, &ResponseFrame{Header: Header{Version: 6}, Message: &Ready{}}); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("AppendResponseFrame v6: %v", err)
	}
	if _, err := AppendFrame(nil, V4, FlagCustomPayload, 1, &Options{}); err == nil {
		t.Fatal("AppendFrame with FlagCustomPayload must fail")
	}
}

func TestDecodeResponsePrefixGolden(t *testing.T) {
	frame := cat(
		0x84, 0x0E, 0x00, 0x05, 0x08, // v4 response, tracing|custom payload|warning, stream 5, RESULT
		0x00, 0x00, 0x00, 0x26, // length 38 = 16 + 8 + 10 + 4
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, // tracing id
		0x00, 0x01, 0x00, 0x04, "warn", // warnings [string list]
		0x00, 0x01, 0x00, 0x01, "p", 0x00, 0x00, 0x00, 0x01, 0xFF, // custom payload [bytes map]
		0x00, 0x00, 0x00, 0x01, // RESULT Void
	)
	h, err := ParseHeader(frame, 0)
	if err != nil {
		t.Fatal(err)
	}
	if h.Length != len(frame)-HeaderSize {
		t.Fatalf("golden length %d != %d", h.Length, len(frame)-HeaderSize)
	}
	f, err := DecodeResponse(h, frame[HeaderSize:])
	if err != nil {
		t.Fatal(err)
	}
	want := ResponseFrame{
		Header:        h,
		TracingID:     UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Warnings:      []string{"warn"},
		CustomPayload: map[string][]byte{"p": {0xFF}},
		Message:       &Result{Kind: ResultVoid},
	}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %#v\nwant %#v", f, want)
	}
	if !f.Traced() {
		t.Error("Traced() = false")
	}
	// And the encoder for test servers writes the same bytes.
	got, err := AppendResponseFrame(nil, &want)
	if err != nil || !bytes.Equal(got, frame) {
		t.Fatalf("AppendResponseFrame: %v\n got % x\nwant % x", err, got, frame)
	}
}

func TestDecodeResponseErrors(t *testing.T) {
	h := Header{Version: V4, Response: true, Opcode: OpResult}
	for name, tc := range map[string]struct {
		h    Header
		body []byte
	}{
		"request opcode":     {Header{Version: V4, Response: true, Opcode: OpQuery}, nil},
		"request direction":  {Header{Version: V4, Opcode: OpReady}, nil},
		"tracing truncated":  {Header{Version: V4, Response: true, Opcode: OpReady, Flags: FlagTracing}, make([]byte, 15)},
		"warnings truncated": {Header{Version: V4, Response: true, Opcode: OpReady, Flags: FlagWarning}, cat(0, 2, 0, 1, "a")},
		"payload truncated":  {Header{Version: V4, Response: true, Opcode: OpReady, Flags: FlagCustomPayload}, cat(0, 1, 0, 1, "a", 0, 0, 0, 5)},
		"unknown kind":       {h, cat(0, 0, 0, 9)},
		"unknown opcode":     {Header{Version: V4, Response: true, Opcode: 0x04}, nil},
	} {
		if _, err := DecodeResponse(tc.h, tc.body); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRequestFrameRoundTrip(t *testing.T) {
	for _, tc := range goldenRequests {
		for _, v := range tc.versions {
			flags := Flags(0)
			var payload map[string][]byte
			if v >= V4 {
				flags = FlagCustomPayload
				payload = map[string][]byte{"k": {1}}
			}
			in := &RequestFrame{Header: Header{Version: v, Flags: flags, Stream: 3}, CustomPayload: payload, Message: tc.msg}
			b, err := AppendRequestFrame(nil, in)
			if err != nil {
				t.Fatalf("%s/%v: %v", tc.name, v, err)
			}
			h, err := ParseHeader(b, 0)
			if err != nil {
				t.Fatal(err)
			}
			out, err := DecodeRequest(h, b[HeaderSize:])
			if err != nil {
				t.Fatalf("%s/%v: %v", tc.name, v, err)
			}
			in.Header.Opcode, in.Header.Length = tc.msg.Opcode(), len(b)-HeaderSize
			if !reflect.DeepEqual(&out, in) {
				t.Errorf("%s/%v: got %#v want %#v", tc.name, v, out, in)
			}
			if flags == 0 {
				// Without a payload AppendFrame writes the same bytes.
				b2, err := AppendFrame(nil, v, 0, 3, tc.msg)
				if err != nil || !bytes.Equal(b, b2) {
					t.Errorf("%s/%v: AppendFrame differs: %v", tc.name, v, err)
				}
			}
		}
	}
	if _, err := DecodeRequest(Header{Version: V4, Response: true, Opcode: OpQuery}, nil); err == nil {
		t.Error("DecodeRequest of a response must fail")
	}
	if _, err := DecodeRequest(Header{Version: V4, Opcode: OpResult}, nil); err == nil {
		t.Error("DecodeRequest of RESULT must fail")
	}
}

func TestResponseFrameRoundTrip(t *testing.T) {
	for _, tc := range goldenResponses {
		for _, v := range tc.versions {
			in := &ResponseFrame{Header: Header{Version: v, Stream: -1}, Message: tc.msg}
			if v >= V4 {
				in.Header.Flags = FlagTracing | FlagWarning
				in.TracingID = UUID{15: 1}
				in.Warnings = []string{"w1", "w2"}
			}
			b, err := AppendResponseFrame(nil, in)
			if err != nil {
				t.Fatalf("%s/%v: %v", tc.name, v, err)
			}
			h, err := ParseHeader(b, 0)
			if err != nil {
				t.Fatal(err)
			}
			out, err := DecodeResponse(h, b[HeaderSize:])
			if err != nil {
				t.Fatalf("%s/%v: %v", tc.name, v, err)
			}
			in.Header.Response, in.Header.Opcode, in.Header.Length = true, tc.msg.Opcode(), len(b)-HeaderSize
			if !reflect.DeepEqual(&out, in) {
				t.Errorf("%s/%v: got %#v want %#v", tc.name, v, out, in)
			}
		}
	}
}

func TestCompressFrame(t *testing.T) {
	body := bytes.Repeat([]byte("SELECT * FROM t; "), 50)
	frame, err := AppendFrame(nil, V4, 0, 1, &Query{Statement: string(body), Params: QueryParams{Consistency: One}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Compressor{LZ4{}, Snappy{}} {
		cf, err := CompressFrame([]byte{0xEE}, frame, c)
		if err != nil {
			t.Fatal(err)
		}
		cf = cf[1:]
		h, err := ParseHeader(cf, 0)
		if err != nil {
			t.Fatal(err)
		}
		if h.Flags&FlagCompression == 0 || h.Length != len(cf)-HeaderSize || h.Length >= len(frame)-HeaderSize {
			t.Fatalf("%s: header %+v for %d-byte body", c.Name(), h, len(frame)-HeaderSize)
		}
		plain, err := c.Decompress(nil, cf[HeaderSize:], 0)
		if err != nil || !bytes.Equal(plain, frame[HeaderSize:]) {
			t.Fatalf("%s: round trip: %v", c.Name(), err)
		}
	}
}
