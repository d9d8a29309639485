package fakeserver

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// readFrame reads one plain response frame from br.
func readFrame(t *testing.T, br *bufio.Reader) (protocol.Header, protocol.Message) {
	t.Helper()
	var hb [protocol.HeaderSize]byte
	if _, err := io.ReadFull(br, hb[:]); err != nil {
		t.Fatal(err)
	}
	h, err := protocol.ParseHeader(hb[:], 0)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, h.Length)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	f, err := protocol.DecodeResponse(h, body)
	if err != nil {
		t.Fatal(err)
	}
	return h, f.Message
}

func TestServerDefaultsAndVersionRejection(t *testing.T) {
	srv := New(t, Options{MaxVersion: protocol.V4, Compression: []string{"lz4"}})

	// A v5 OPTIONS gets the PROTOCOL_ERROR in v4 that Cassandra sends.
	nc, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	req, _ := protocol.AppendFrame(nil, protocol.V5, 0, 3, &protocol.Options{})
	nc.Write(req)
	h, msg := readFrame(t, bufio.NewReader(nc))
	e, ok := msg.(*protocol.Error)
	if !ok || h.Version != protocol.V4 || h.Stream != 3 || e.Code != protocol.ErrCodeProtocol {
		t.Fatalf("reply to v5 OPTIONS: %v %+v", h, msg)
	}

	// A v4 OPTIONS gets SUPPORTED with the configured compression, and
	// STARTUP gets READY.
	nc2, err := net.DialTimeout("tcp", srv.Addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc2.Close()
	br := bufio.NewReader(nc2)
	req, _ = protocol.AppendFrame(nil, protocol.V4, 0, 1, &protocol.Options{})
	nc2.Write(req)
	h, msg = readFrame(t, br)
	sup, ok := msg.(*protocol.Supported)
	if !ok || h.Stream != 1 || len(sup.Options["COMPRESSION"]) != 1 || sup.Options["COMPRESSION"][0] != "lz4" {
		t.Fatalf("reply to OPTIONS: %v %+v", h, msg)
	}
	req, _ = protocol.AppendFrame(nil, protocol.V4, 0, 2, &protocol.Startup{Options: map[string]string{"CQL_VERSION": "3.0.0"}})
	nc2.Write(req)
	if h, msg = readFrame(t, br); h.Opcode != protocol.OpReady || h.Stream != 2 {
		t.Fatalf("reply to STARTUP: %v %+v", h, msg)
	}
	// A request without a handler gets a SERVER_ERROR, not silence.
	q := &protocol.Query{Statement: "SELECT 1"}
	req, _ = protocol.AppendFrame(nil, protocol.V4, 0, 4, q)
	nc2.Write(req)
	if _, msg = readFrame(t, br); !isErrorCode(msg, protocol.ErrCodeServer) {
		t.Fatalf("reply to an unhandled QUERY: %+v", msg)
	}
}

func isErrorCode(m protocol.Message, code protocol.ErrorCode) bool {
	e, ok := m.(*protocol.Error)
	return ok && e.Code == code
}
