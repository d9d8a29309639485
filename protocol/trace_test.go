package protocol_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// traceHandler answers QUERY with two rows (or a SYNTAX_ERROR for a
// statement starting with "SELEC "), PREPARE with a statement of two bind
// markers, EXECUTE with Void and AUTH_RESPONSE with AUTH_SUCCESS.
func traceHandler(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	switch m := req.Message.(type) {
	case *protocol.Query:
		if strings.HasPrefix(m.Statement, "SELEC ") {
			c.Reply(req, &protocol.Error{Code: protocol.ErrCodeSyntax, Message: "line 1:0 no viable alternative at input 'SELEC'"})
			return true
		}
		res := &protocol.Result{Kind: protocol.ResultRows, Rows: protocol.Rows{Metadata: protocol.RowsMetadata{
			ColumnCount: 1, GlobalTableSpec: true, PagingState: []byte{1, 2},
			Columns: []protocol.ColumnSpec{{Keyspace: "ks", Table: "t", Name: "v", Type: codec.Type{ID: codec.TypeInt}}},
		}}}
		res.Rows.AppendRow([]byte{0, 0, 0, 1})
		res.Rows.AppendRow(nil)
		c.Reply(req, res)
	case *protocol.Prepare:
		cols := []protocol.ColumnSpec{
			{Keyspace: "ks", Table: "t", Name: "k", Type: codec.Type{ID: codec.TypeInt}},
			{Keyspace: "ks", Table: "t", Name: "v", Type: codec.Type{ID: codec.TypeVarchar}},
		}
		c.Reply(req, &protocol.Result{Kind: protocol.ResultPrepared, Prepared: protocol.Prepared{
			ID: []byte{0xca, 0xfe, 0xba, 0xbe}, Metadata: protocol.PreparedMetadata{GlobalTableSpec: true, Columns: cols}}})
	case *protocol.Execute:
		c.Reply(req, &protocol.Result{Kind: protocol.ResultVoid})
	case *protocol.AuthResponse:
		c.Reply(req, &protocol.AuthSuccess{})
	default:
		return false
	}
	return true
}

// traceOf dials srv with the trace on, runs fn, and returns the trace with
// the server's address replaced by ADDR.
func traceOf(t *testing.T, srv *fakeserver.Server, opts protocol.DialOptions, fn func(c *protocol.Conn)) string {
	t.Helper()
	var buf bytes.Buffer
	tw := protocol.NewTraceWriter(&buf)
	opts.Trace = tw
	c := dial(t, srv, opts)
	fn(c)
	c.Close()
	tw.Flush()
	return strings.ReplaceAll(buf.String(), srv.Addr(), "ADDR")
}

func bigValue(n int) protocol.Value {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return protocol.BytesValue(b)
}

// runTraceScript runs a QUERY with bound values, PREPARE, EXECUTE and a
// QUERY the server rejects.
func runTraceScript(t *testing.T, c *protocol.Conn) {
	ctx := context.Background()
	q := query("SELECT v FROM ks.t WHERE k = ? AND c IN (?, ?, ?)")
	q.Params.PageSize = 100
	q.Params.Values = []protocol.Value{intValue(42), protocol.Null, protocol.NotSet, bigValue(70)}
	if _, _, err := c.Query(ctx, q); err != nil {
		t.Fatal(err)
	}
	p, _, err := c.Prepare(ctx, &protocol.Prepare{Statement: "INSERT INTO ks.t (k, v) VALUES (?, ?)"})
	if err != nil {
		t.Fatal(err)
	}
	e := &protocol.Execute{ID: p.ID}
	e.Params.Consistency = protocol.LocalQuorum
	e.Params.Values = []protocol.Value{intValue(7), protocol.BytesValue([]byte("hi"))}
	if _, _, err := c.Execute(ctx, e); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Query(ctx, query("SELEC 1")); err == nil {
		t.Fatal("SELEC 1 succeeded")
	}
}

const traceHandshakeV4 = `-> ADDR v4 stream=0 OPTIONS flags=0 len=0
<- ADDR v4 stream=0 SUPPORTED flags=0 len=91 | COMPRESSION=[lz4 snappy] CQL_VERSION=[3.4.7] PROTOCOL_VERSIONS=[3/v3 4/v4 5/v5]
-> ADDR v4 stream=0 STARTUP flags=0 len=66 | CQL_VERSION=3.0.0 DRIVER_NAME=cqlsql DRIVER_VERSION=0.1.0
<- ADDR v4 stream=0 READY flags=0 len=0
`

const traceScriptRedacted = `-> ADDR v4 stream=0 QUERY flags=0 len=152 | "SELECT v FROM ks.t WHERE k = ? AND c IN (?, ?, ?)" consistency=ONE page_size=100 paging_state=no values=4 [4 bytes, NULL, UNSET, 70 bytes]
<- ADDR v4 stream=0 RESULT flags=0 len=46 | Rows columns=1 rows=2 more_pages=yes
-> ADDR v4 stream=0 PREPARE flags=0 len=41 | "INSERT INTO ks.t (k, v) VALUES (?, ?)"
<- ADDR v4 stream=0 RESULT flags=0 len=47 | Prepared id=0xcafebabe bind_markers=2 result_columns=0
-> ADDR v4 stream=0 EXECUTE flags=0 len=25 | id=0xcafebabe consistency=LOCAL_QUORUM paging_state=no values=2 [4 bytes, 2 bytes]
<- ADDR v4 stream=0 RESULT flags=0 len=4 | Void
-> ADDR v4 stream=0 QUERY flags=0 len=14 | "SELEC 1" consistency=ONE paging_state=no values=0
<- ADDR v4 stream=0 ERROR flags=0 len=53 | SYNTAX_ERROR (0x2000) "line 1:0 no viable alternative at input 'SELEC'"
`

func TestTraceGolden(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: traceHandler})
	got := traceOf(t, srv, protocol.DialOptions{Version: protocol.V4}, func(c *protocol.Conn) { runTraceScript(t, c) })
	if want := traceHandshakeV4 + traceScriptRedacted; got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
}

func TestTraceValuesShown(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: traceHandler})
	got := traceOf(t, srv, protocol.DialOptions{Version: protocol.V4, TraceValues: true}, func(c *protocol.Conn) { runTraceScript(t, c) })
	big := hex.EncodeToString(bigValue(64).Bytes)
	for _, want := range []string{
		"values=4 [0x0000002a, NULL, UNSET, 0x" + big + "…+6 bytes]\n",
		"values=2 [0x00000007, 0x6869]\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("trace lacks %q:\n%s", want, got)
		}
	}
}

func TestTraceAuthNeverShowsPassword(t *testing.T) {
	const user, password = "trace_user", "Tr4ce-s3cret!pw"
	auth := protocol.PasswordAuthenticator{Username: user, Password: password}
	token, _, _ := auth.InitialResponse("")
	srv := fakeserver.New(t, fakeserver.Options{Handler: traceHandler, Authenticator: "org.apache.cassandra.auth.PasswordAuthenticator"})
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		for _, values := range []bool{false, true} {
			got := traceOf(t, srv, protocol.DialOptions{Version: v, Authenticator: auth, TraceValues: values}, func(c *protocol.Conn) {})
			for _, want := range []string{
				"AUTHENTICATE flags=0 len=49 | authenticator=org.apache.cassandra.auth.PasswordAuthenticator\n",
				"AUTH_RESPONSE flags=0 len=31 | token=REDACTED\n",
				"AUTH_SUCCESS flags=0 len=4 | token=null\n",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("%v values=%v: trace lacks %q:\n%s", v, values, want, got)
				}
			}
			for _, secret := range []string{
				password, string(token),
				hex.EncodeToString([]byte(password)), hex.EncodeToString(token),
				base64.StdEncoding.EncodeToString(token), base64.RawStdEncoding.EncodeToString(token),
				base64.URLEncoding.EncodeToString(token), base64.StdEncoding.EncodeToString([]byte(password)),
				fmt.Sprintf("%q", token), fmt.Sprintf("% x", token),
			} {
				if strings.Contains(strings.ToLower(got), strings.ToLower(secret)) {
					t.Errorf("%v values=%v: trace shows the password or token (%q):\n%s", v, values, secret, got)
				}
			}
		}
	}
}

func TestTraceCompressionAndV5(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: traceHandler})
	for _, tc := range []struct {
		v    protocol.Version
		comp string
		want []string
	}{
		{protocol.V4, "lz4", []string{
			"-> ADDR v4 stream=0 STARTUP flags=0 len=84 | COMPRESSION=lz4 ",
			"<- ADDR v4 stream=0 READY flags=0 len=0\n",
			// Compressed both ways, decoded all the same.
			"QUERY flags=COMPRESSION len=",
			" | \"SELECT v FROM ks.t WHERE k = ? AND c IN (?, ?, ?)\" consistency=ONE page_size=100 ",
			"RESULT flags=COMPRESSION len=",
		}},
		{protocol.V5, "lz4", []string{
			"-> ADDR v5 stream=0 STARTUP flags=0 len=84 | COMPRESSION=lz4 ",
			"-> ADDR v5 stream=0 QUERY flags=0 len=155 | \"SELECT v FROM ks.t WHERE k = ? AND c IN (?, ?, ?)\"",
			"<- ADDR v5 stream=0 RESULT flags=0 len=49 | Prepared id=0xcafebabe bind_markers=2 result_columns=0\n",
			"SYNTAX_ERROR (0x2000)",
		}},
	} {
		got := traceOf(t, srv, protocol.DialOptions{Version: tc.v, Compression: tc.comp}, func(c *protocol.Conn) { runTraceScript(t, c) })
		for _, want := range tc.want {
			if !strings.Contains(got, want) {
				t.Errorf("%v %s: trace lacks %q:\n%s", tc.v, tc.comp, want, got)
			}
		}
	}
}

// TestTraceConcurrent runs requests from many goroutines on two
// connections sharing one TraceWriter: every line must come out whole.
func TestTraceConcurrent(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: echoKeyspace})
	var buf bytes.Buffer // not safe for concurrent use: the TraceWriter must serialize
	tw := protocol.NewTraceWriter(&buf)
	conns := []*protocol.Conn{
		dial(t, srv, protocol.DialOptions{Version: protocol.V4, Trace: tw}),
		dial(t, srv, protocol.DialOptions{Version: protocol.V5, Trace: tw}),
	}
	const workers, each = 16, 25
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := conns[w%2]
			for i := 0; i < each; i++ {
				s := fmt.Sprintf("ks_%d_%d", w, i)
				if f, err := c.Do(context.Background(), query(s)); err != nil || keyspaceOf(t, f) != s {
					t.Errorf("Do %s: %v", s, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, c := range conns {
		c.Close()
	}
	tw.Flush()
	queries, results := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "-> ") && strings.Contains(line, " QUERY flags=0 len=") && strings.HasSuffix(line, " consistency=ONE paging_state=no values=0"):
			queries++
		case strings.HasPrefix(line, "<- ") && strings.Contains(line, " RESULT flags=0 len=") && strings.Contains(line, "| Set_keyspace ks_"):
			results++
		case strings.HasPrefix(line, "-> ") || strings.HasPrefix(line, "<- "):
		default:
			t.Errorf("torn trace line %q", line)
		}
	}
	if queries != workers*each || results != workers*each {
		t.Errorf("%d QUERY and %d RESULT lines, want %d each", queries, results, workers*each)
	}
}

// blockingWriter blocks every Write until release is closed.
type blockingWriter struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func TestTraceWriterNeverBlocks(t *testing.T) {
	bw := &blockingWriter{release: make(chan struct{})}
	tw := protocol.NewTraceWriter(bw)
	line := []byte(strings.Repeat("x", 1023) + "\n")
	done := make(chan struct{})
	go func() {
		for i := 0; i < 3000; i++ { // about 3 MiB: more than the queue holds
			tw.Write(line)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked on a stalled writer")
	}
	close(bw.release)
	tw.Flush()
	out := bw.buf.String()
	if !strings.Contains(out, " frame traces dropped: the trace writer is not keeping up\n") {
		t.Fatalf("no drop notice in %d bytes of trace", len(out))
	}
	if n := strings.Count(out, string(line)); n < 1000 || n >= 3000 {
		t.Fatalf("%d lines written of 3000, want the queue's worth", n)
	}
}

func TestTraceFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env        string
		on, values bool
	}{{"", false, false}, {"0", false, false}, {"1", true, false}, {"values", true, true}, {"VALUES", true, true}} {
		t.Setenv("CQLSQL_TRACE", tc.env)
		w, values := protocol.TraceFromEnv()
		if (w != nil) != tc.on || values != tc.values {
			t.Errorf("CQLSQL_TRACE=%q: writer %v, values %v; want on %v, values %v", tc.env, w, values, tc.on, tc.values)
		}
		if tc.on {
			if tw, ok := w.(*protocol.TraceWriter); !ok || tw == nil {
				t.Errorf("CQLSQL_TRACE=%q: writer %T, want a *TraceWriter on os.Stderr", tc.env, w)
			}
		}
	}
}
