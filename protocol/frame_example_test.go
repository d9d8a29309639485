package protocol_test

import (
	"bytes"
	"fmt"
	"io"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// Encoding a request frame into a reused buffer: the header's length is
// patched in place once the body is written.
func ExampleAppendFrame() {
	q := &protocol.Query{
		Statement: "SELECT release_version FROM system.local",
		Params:    protocol.QueryParams{Consistency: protocol.One},
	}
	buf := make([]byte, 0, 256)
	buf, err := protocol.AppendFrame(buf, protocol.V4, 0, 1, q)
	if err != nil {
		panic(err)
	}
	h, _ := protocol.ParseHeader(buf, protocol.DefaultMaxFrameBody)
	fmt.Println(h)
	// Output: v4 request stream=1 QUERY flags=0 length=47
}

// Decoding a response and walking its rows: cells are sub-slices of the
// body, nil for NULL.
func ExampleDecodeResponse() {
	// A test server builds the frame...
	res := &protocol.Result{Kind: protocol.ResultRows}
	res.Rows.Metadata = protocol.RowsMetadata{Columns: []protocol.ColumnSpec{
		{Keyspace: "ks", Table: "users", Name: "name", Type: codec.Type{ID: codec.TypeVarchar}},
	}}
	_ = res.Rows.AppendRow([]byte("ada"))
	_ = res.Rows.AppendRow(nil)
	frame, _ := protocol.AppendResponseFrame(nil, &protocol.ResponseFrame{
		Header:  protocol.Header{Version: protocol.V4, Stream: 1},
		Message: res,
	})

	// ...and the client reads it.
	h, err := protocol.ParseHeader(frame, protocol.DefaultMaxFrameBody)
	if err != nil {
		panic(err)
	}
	f, err := protocol.DecodeResponse(h, frame[protocol.HeaderSize:])
	if err != nil {
		panic(err)
	}
	switch m := f.Message.(type) {
	case *protocol.Error:
		fmt.Println("error:", m)
	case *protocol.Result:
		fmt.Println(m.Kind, m.Rows.Metadata.Columns[0].Name, m.Rows.Metadata.Columns[0].Type)
		var cells [][]byte
		for {
			if cells, err = m.Rows.NextRow(cells); err == io.EOF {
				break
			}
			fmt.Printf("%q null=%v\n", cells[0], cells[0] == nil)
		}
	}
	// Output:
	// Rows name text
	// "ada" null=false
	// "" null=true
}

// v5 wraps envelopes in checksummed segments.
func ExampleAppendSegments() {
	env, _ := protocol.AppendFrame(nil, protocol.V5, 0, 1, &protocol.Options{})
	seg, _ := protocol.AppendSegments(nil, env, protocol.LZ4{})

	payload, _, selfContained, err := protocol.ReadSegment(bytes.NewReader(seg), nil, nil, protocol.LZ4{})
	if err != nil {
		panic(err)
	}
	var a protocol.EnvelopeAssembler
	_ = a.Add(payload, selfContained)
	h, body, ok, _ := a.Next()
	fmt.Println(len(seg), selfContained, ok, h.Opcode, len(body))
	// Output: 21 true true OPTIONS 0
}
