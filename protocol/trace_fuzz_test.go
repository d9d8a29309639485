package protocol

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
)

// traceFrame encodes msg as a frame of version v and returns its trace.
func traceFrame(t *testing.T, v Version, msg Message, response bool) string {
	t.Helper()
	var frame []byte
	var err error
	if response {
		frame, err = AppendResponseFrame(nil, &ResponseFrame{Header: Header{Version: v, Stream: 5}, Message: msg})
	} else {
		frame, err = AppendFrame(nil, v, 0, 5, msg)
	}
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHeader(frame, 0)
	if err != nil {
		t.Fatal(err)
	}
	return string(appendTrace(nil, !response, "10.0.0.1:9042", h, frame[HeaderSize:], false))
}

func TestTraceMessages(t *testing.T) {
	for _, tc := range []struct {
		msg      Message
		response bool
		want     string
	}{
		{&Batch{Type: BatchUnlogged, Consistency: Quorum, Children: []BatchChild{
			{Statement: "INSERT INTO t (k) VALUES (?)", Values: []Value{BytesValue([]byte{1})}},
			{ID: []byte{0xab, 0xcd}, Values: []Value{Null, NotSet}},
		}}, false, `-> 10.0.0.1:9042 v4 stream=5 BATCH flags=0 len=61 | UNLOGGED statements=2 consistency=QUORUM
    [0] "INSERT INTO t (k) VALUES (?)" values=1 [1 bytes]
    [1] id=0xabcd values=2 [NULL, UNSET]
`},
		{&Register{EventTypes: []string{EventTopologyChange, EventStatusChange}}, false,
			"-> 10.0.0.1:9042 v4 stream=5 REGISTER flags=0 len=34 | events=[TOPOLOGY_CHANGE STATUS_CHANGE]\n"},
		{&Event{Type: EventStatusChange, Change: StatusUp, Address: netip.MustParseAddrPort("10.0.0.2:9042")}, true,
			"<- 10.0.0.1:9042 v4 stream=5 EVENT flags=0 len=28 | STATUS_CHANGE UP 10.0.0.2:9042\n"},
		{&Event{Type: EventSchemaChange, Schema: SchemaChange{Change: SchemaCreated, Target: TargetTable, Keyspace: "ks", Name: "t"}}, true,
			"<- 10.0.0.1:9042 v4 stream=5 EVENT flags=0 len=38 | SCHEMA_CHANGE CREATED TABLE ks.t\n"},
		{&Result{Kind: ResultSetKeyspace, Keyspace: "ks"}, true,
			"<- 10.0.0.1:9042 v4 stream=5 RESULT flags=0 len=8 | Set_keyspace ks\n"},
		{&Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Change: SchemaDropped, Target: TargetKeyspace, Keyspace: "ks"}}, true,
			"<- 10.0.0.1:9042 v4 stream=5 RESULT flags=0 len=27 | Schema_change DROPPED KEYSPACE ks\n"},
		{&Error{Code: ErrCodeUnavailable, Message: "Cannot achieve consistency", Details: &Unavailable{Consistency: Quorum, Required: 2, Alive: 1}}, true,
			"<- 10.0.0.1:9042 v4 stream=5 ERROR flags=0 len=42 | UNAVAILABLE (0x1000) \"Cannot achieve consistency\" [consistency QUORUM: 1 of 2 required replicas alive]\n"},
		{&AuthChallenge{Token: []byte("nonce")}, true,
			"<- 10.0.0.1:9042 v4 stream=5 AUTH_CHALLENGE flags=0 len=9 | token=5 bytes\n"},
	} {
		if got := traceFrame(t, V4, tc.msg, tc.response); got != tc.want {
			t.Errorf("%v:\n got %q\nwant %q", tc.msg.Opcode(), got, tc.want)
		}
	}
}

func TestTraceUndecodableAndBounded(t *testing.T) {
	h := Header{Version: V4, Response: true, Opcode: OpResult, Length: 3}
	got := string(appendTrace(nil, false, "a:1", h, []byte{0, 0, 0}, false))
	if want := "<- a:1 v4 stream=0 RESULT flags=0 len=3 | undecodable: cassandra: malformed"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
	q := &Query{Statement: strings.Repeat("é\n", 10000)}
	q.Params.Values = make([]Value, 1000)
	got = traceFrame(t, V4, q, false)
	if len(got) > traceFrameMax || strings.Count(got, "\n") != 1 {
		t.Errorf("trace of a huge QUERY: %d bytes, %d lines", len(got), strings.Count(got, "\n"))
	}
}

// FuzzTraceFrame feeds random frames to the formatter: it must not panic,
// and one frame's trace stays within traceFrameMax bytes, its lines all
// starting with the direction or an indent.
func FuzzTraceFrame(f *testing.F) {
	for _, tc := range goldenRequests {
		f.Add(byte(tc.versions[0]), byte(0), byte(tc.msg.Opcode()), tc.body, false)
	}
	for _, tc := range goldenResponses {
		f.Add(byte(tc.versions[0])|0x80, byte(0), byte(tc.msg.Opcode()), tc.body, true)
	}
	f.Add(byte(0x84), byte(FlagTracing|FlagWarning|FlagCustomPayload), byte(OpResult), []byte{}, true)
	f.Fuzz(func(t *testing.T, vb, flags, op byte, body []byte, values bool) {
		h := Header{Version: Version(vb & 0x7f), Response: vb&0x80 != 0, Flags: Flags(flags), Stream: -1, Opcode: Opcode(op), Length: len(body)}
		for _, out := range []bool{true, false} {
			got := appendTrace([]byte("prefix"), out, "127.0.0.1:9042", h, body, values)[len("prefix"):]
			if len(got) > traceFrameMax {
				t.Fatalf("trace of %d bytes:\n%s", len(got), got)
			}
			if !bytes.HasSuffix(got, []byte("\n")) {
				t.Fatalf("trace does not end in a newline: %q", got)
			}
			for i, line := range bytes.Split(got[:len(got)-1], []byte("\n")) {
				if i == 0 && !bytes.HasPrefix(line, []byte("-> ")) && !bytes.HasPrefix(line, []byte("<- ")) ||
					i > 0 && !bytes.HasPrefix(line, []byte("    ")) {
					t.Fatalf("line %d %q", i, line)
				}
			}
		}
	})
}
