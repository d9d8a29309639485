package protocol

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

// Every strict prefix of every golden body is a truncated message: Decode
// must fail with ErrMalformed, never panic and never succeed.
func TestDecodeTruncated(t *testing.T) {
	for _, set := range []struct {
		cases  []goldenCase
		newMsg func(Opcode) (Message, error)
	}{{goldenRequests, NewRequest}, {goldenResponses, NewResponse}} {
		for _, tc := range set.cases {
			for _, v := range tc.versions {
				for n := 0; n < len(tc.body); n++ {
					m, _ := set.newMsg(tc.msg.Opcode())
					if err := m.Decode(tc.body[:n:n], v); !errors.Is(err, ErrMalformed) {
						t.Errorf("%s/%v: %d of %d bytes: err = %v", tc.name, v, n, len(tc.body), err)
						break
					}
				}
			}
		}
	}
}

// Hand-made hostile or invalid bodies, per decoder.
func TestDecodeMalformed(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		v    Version
		body []byte
	}{
		{"STARTUP huge map", &Startup{}, V4, cat(0xFF, 0xFF, 0, 1, "a")},
		{"QUERY negative statement length", &Query{}, V4, cat(0xFF, 0xFF, 0xFF, 0xFE)},
		{"QUERY unknown consistency", &Query{}, V4, cat(0, 0, 0, 0, 0x00, 0x42, 0)},
		{"QUERY 60000 values in 10 bytes", &Query{}, V4, cat(0, 0, 0, 0, 0, 1, 0x01, 0xEA, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)},
		{"QUERY value length -3", &Query{}, V4, cat(0, 0, 0, 0, 0, 1, 0x01, 0, 1, 0xFF, 0xFF, 0xFF, 0xFD)},
		{"QUERY v5 flags truncated", &Query{}, V5, cat(0, 0, 0, 0, 0, 1, 0, 0)},
		{"QUERY v5 empty keyspace", &Query{}, V5, cat(0, 0, 0, 0, 0, 1, 0, 0, 0, 0x80, 0, 0)},
		{"QUERY bad serial consistency", &Query{}, V4, cat(0, 0, 0, 0, 0, 1, 0x10, 0x12, 0x34)},
		{"PREPARE v5 missing keyspace", &Prepare{}, V5, cat(0, 0, 0, 1, "Q", 0, 0, 0, 1)},
		{"EXECUTE id past end", &Execute{}, V4, cat(0, 9, 1)},
		{"EXECUTE v5 missing result metadata id", &Execute{}, V5, cat(0, 1, 0xAB)},
		{"BATCH unknown type", &Batch{}, V4, cat(3, 0, 0, 0, 1, 0)},
		{"BATCH unknown child kind", &Batch{}, V4, cat(0, 0, 1, 2, 0, 0, 0, 0, 0, 0)},
		{"BATCH 65535 children", &Batch{}, V4, cat(0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0)},
		{"BATCH named values", &Batch{}, V4, cat(0, 0, 0, 0, 1, 0x40)},
		{"REGISTER list past end", &Register{}, V4, cat(0, 2, 0, 1, "a")},
		{"ERROR unavailable truncated", &Error{}, V4, cat(0, 0, 0x10, 0, 0, 0, 0, 1)},
		{"ERROR v5 reason map 1M entries", &Error{}, V5, cat(0, 0, 0x13, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0x0F, 0x42, 0x40, 0)},
		{"ERROR v5 reason map negative", &Error{}, V5, cat(0, 0, 0x15, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"ERROR v5 reason bad inetaddr", &Error{}, V5, cat(0, 0, 0x13, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 3, 1, 2, 3, 0, 0, 0)},
		{"ERROR unprepared id past end", &Error{}, V4, cat(0, 0, 0x25, 0, 0, 0, 0, 5, 1)},
		{"AUTHENTICATE past end", &Authenticate{}, V4, cat(0, 9, "abc")},
		{"SUPPORTED bad list", &Supported{}, V4, cat(0, 1, 0, 1, "k", 0xFF, 0xFF)},
		{"AUTH_CHALLENGE past end", &AuthChallenge{}, V4, cat(0, 0, 0, 9, 1)},
		{"RESULT unknown kind", &Result{}, V4, cat(0, 0, 0, 6)},
		{"RESULT rows negative columns", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"RESULT rows 2^31-1 columns", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 1, "a")},
		{"RESULT rows negative count", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"RESULT rows count beyond body", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0)},
		{"RESULT rows rows of no columns", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 5)},
		{"RESULT rows cell past end", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5, 1, 2)},
		{"RESULT rows paging state past end", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9)},
		{"RESULT rows bad column type", &Result{}, V4, cat(0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, "k", 0, 1, "t", 0, 1, "c", 0x00, 0x99, 0, 0, 0, 0)},
		{"RESULT prepared pk count huge", &Result{}, V4, cat(0, 0, 0, 4, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0, 0, 0)},
		{"RESULT prepared pk count negative", &Result{}, V4, cat(0, 0, 0, 4, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF)},
		{"RESULT prepared negative markers", &Result{}, V4, cat(0, 0, 0, 4, 0, 1, 1, 0, 0, 0, 0, 0xFF, 0, 0, 0)},
		{"RESULT schema change unknown target", &Result{}, V4, cat(0, 0, 0, 5, 0, 1, "C", 0, 1, "X", 0, 1, "k")},
		{"EVENT unknown type", &Event{}, V4, cat(0, 3, "FOO")},
		{"EVENT bad inet", &Event{}, V4, cat(0, 13, "STATUS_CHANGE", 0, 2, "UP", 7)},
	}
	for _, tt := range tests {
		if err := tt.msg.Decode(tt.body, tt.v); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		v    Version
	}{
		{"QUERY not set on v3", &Query{Params: QueryParams{Values: []Value{NotSet}}}, V3},
		{"QUERY keyspace on v4", &Query{Params: QueryParams{Keyspace: "ks"}}, V4},
		{"QUERY now on v4", &Query{Params: QueryParams{HasNowInSeconds: true}}, V4},
		{"QUERY names length", &Query{Params: QueryParams{Values: []Value{Null}, Names: []string{"a", "b"}}}, V4},
		{"QUERY 65536 values", &Query{Params: QueryParams{Values: make([]Value, 65536)}}, V4},
		{"PREPARE keyspace on v4", &Prepare{Keyspace: "ks"}, V4},
		{"EXECUTE id too long", &Execute{ID: make([]byte, 65536)}, V4},
		{"BATCH unknown type", &Batch{Type: 7}, V4},
		{"BATCH keyspace on v4", &Batch{Keyspace: "ks"}, V4},
		{"BATCH not set on v3", &Batch{Children: []BatchChild{{Statement: "U", Values: []Value{NotSet}}}}, V3},
		{"ERROR missing details", &Error{Code: ErrCodeUnavailable}, V4},
		{"ERROR wrong details", &Error{Code: ErrCodeUnavailable, Details: &ReadTimeout{}}, V4},
		{"RESULT unknown kind", &Result{Kind: 9}, V4},
		{"RESULT function change on v3", &Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Target: TargetFunction}}, V3},
		{"RESULT unknown target", &Result{Kind: ResultSchemaChange, SchemaChange: SchemaChange{Target: "X"}}, V4},
		{"RESULT new metadata id on v4", &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{NewMetadataID: []byte{1}}}}, V4},
		{"RESULT global spec mismatch", &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{GlobalTableSpec: true, Columns: []ColumnSpec{{Keyspace: "a"}, {Keyspace: "b"}}}}}, V4},
		{"RESULT bad vector", &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{Columns: []ColumnSpec{{Type: codec.Type{ID: codec.TypeVector}}}}}}, V4},
		{"RESULT list without element", &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{Columns: []ColumnSpec{{Type: codec.Type{ID: codec.TypeList}}}}}}, V4},
		{"EVENT unknown type", &Event{Type: "X"}, V4},
		{"EVENT invalid address", &Event{Type: EventStatusChange}, V4},
	}
	for _, tt := range tests {
		out, err := tt.msg.AppendBody([]byte{0xEE}, tt.v)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
		}
		if len(out) != 1 {
			t.Errorf("%s: dst grew to %d bytes on error", tt.name, len(out))
		}
	}
}

func TestRowsIteration(t *testing.T) {
	res := rowsResult()
	body, err := res.AppendBody(nil, V4)
	if err != nil {
		t.Fatal(err)
	}
	var got Result
	if err := got.Decode(body, V4); err != nil {
		t.Fatal(err)
	}
	rows := &got.Rows
	if rows.Remaining() != 2 {
		t.Fatalf("Remaining = %d", rows.Remaining())
	}
	var cells [][]byte
	cells, err = rows.NextRow(cells)
	if err != nil || len(cells) != 2 || string(cells[1]) != "a" || cells[0][3] != 1 {
		t.Fatalf("row 1: %q %v", cells, err)
	}
	// Cells alias the body.
	body[len(body)-13] = 'b' // the 'a' of row 1
	if string(cells[1]) != "b" {
		t.Fatal("cells do not alias the body")
	}
	cells, err = rows.NextRow(cells)
	if err != nil || cells[1] != nil || cells[0][3] != 2 {
		t.Fatalf("row 2: %q %v", cells, err)
	}
	if _, err := rows.NextRow(cells); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	rows.Rewind()
	if cells, err = rows.NextRow(nil); err != nil || cells[0][3] != 1 {
		t.Fatalf("after Rewind: %v", err)
	}
	// Decoding into the same Result reuses column slices and names.
	cols := &got.Rows.Metadata.Columns[0]
	if err := got.Decode(body, V4); err != nil {
		t.Fatal(err)
	}
	if &got.Rows.Metadata.Columns[0] != cols {
		t.Error("column slice not reused")
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := got.Decode(body, V4); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("re-decoding the same rows allocates %v times", allocs)
	}
	if err := res.Rows.AppendRow([]byte{1}); err == nil {
		t.Error("AppendRow with a missing cell")
	}
}

func TestEmptyCellIsNotNull(t *testing.T) {
	var res Result
	body := cat(0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF)
	if err := res.Decode(body, V4); err != nil {
		t.Fatal(err)
	}
	cells, err := res.Rows.NextRow(nil)
	if err != nil || cells[0] == nil || len(cells[0]) != 0 || cells[1] != nil {
		t.Fatalf("%#v %v", cells, err)
	}
}

func TestErrorStrings(t *testing.T) {
	for _, tc := range goldenResponses {
		e, ok := tc.msg.(*Error)
		if !ok {
			continue
		}
		s := e.Error()
		if !strings.HasPrefix(s, "cassandra: "+e.Code.String()) {
			t.Errorf("%s: %q", tc.name, s)
		}
		if e.Details != nil && !strings.HasSuffix(s, "]") {
			t.Errorf("%s: details missing from %q", tc.name, s)
		}
	}
	e := &Error{Code: ErrCodeUnavailable, Message: "Cannot achieve consistency level QUORUM", Details: &Unavailable{Consistency: Quorum, Required: 2, Alive: 1}}
	want := "cassandra: UNAVAILABLE (0x1000): Cannot achieve consistency level QUORUM [consistency QUORUM: 1 of 2 required replicas alive]"
	if e.Error() != want {
		t.Errorf("%q", e.Error())
	}
}
