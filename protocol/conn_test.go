package protocol_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// echoKeyspace answers every QUERY with a Set_keyspace result naming the
// query's statement, so each caller can check it got its own answer. A
// statement too long for a [string] comes back in 60000-byte warnings,
// with keyspace "big".
func echoKeyspace(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
	q, ok := req.Message.(*protocol.Query)
	if !ok {
		return false
	}
	f := &protocol.ResponseFrame{Header: protocol.Header{Stream: req.Header.Stream},
		Message: &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: q.Statement}}
	if s := q.Statement; len(s) > 60000 {
		f.Message = &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: "big"}
		f.Header.Flags = protocol.FlagWarning
		for len(s) > 0 {
			n := min(len(s), 60000)
			f.Warnings = append(f.Warnings, s[:n])
			s = s[n:]
		}
	}
	if err := c.Send(f); err != nil {
		panic(err)
	}
	return true
}

func query(s string) *protocol.Query {
	q := &protocol.Query{Statement: s}
	q.Params.Consistency = protocol.One
	return q
}

func dial(t testing.TB, srv *fakeserver.Server, opts protocol.DialOptions) *protocol.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := protocol.Dial(ctx, srv.Addr(), opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// keyspaceOf returns the keyspace of a Set_keyspace result, or a
// description of what came instead (safe to call from any goroutine).
func keyspaceOf(t testing.TB, f *protocol.ResponseFrame) string {
	r, ok := f.Message.(*protocol.Result)
	if !ok || r.Kind != protocol.ResultSetKeyspace {
		return fmt.Sprintf("<not a Set_keyspace result: %T %v>", f.Message, f.Header)
	}
	return r.Keyspace
}

func TestConnQueryEachVersion(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V3, protocol.V4, protocol.V5} {
		for _, comp := range []string{"", "lz4", "snappy"} {
			t.Run(fmt.Sprintf("%v/%s", v, comp), func(t *testing.T) {
				srv := fakeserver.New(t, fakeserver.Options{Handler: echoKeyspace})
				c := dial(t, srv, protocol.DialOptions{Version: v, Compression: comp})
				if c.Version() != v {
					t.Fatalf("Version() = %v, want %v", c.Version(), v)
				}
				want := comp
				if v == protocol.V5 && comp == "snappy" {
					want = "" // v5 only has lz4 (spec v5 section 2.3.2)
				}
				if c.Compression() != want {
					t.Fatalf("Compression() = %q, want %q", c.Compression(), want)
				}
				// Large enough to span several v5 segments (128 KiB each).
				big := strings.Repeat("x", 300<<10)
				for _, s := range []string{"ks1", big, "ks2"} {
					f, err := c.Do(context.Background(), query(s))
					if err != nil {
						t.Fatalf("Do: %v", err)
					}
					got := keyspaceOf(t, f)
					if got == "big" {
						got = strings.Join(f.Warnings, "")
					}
					if got != s {
						t.Fatalf("got an answer of %d bytes, want %d", len(got), len(s))
					}
				}
			})
		}
	}
}

func TestConnWarningsTracingPayload(t *testing.T) {
	tid := protocol.UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	var gotPayload map[string][]byte
	var gotFlags protocol.Flags
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, ok := req.Message.(*protocol.Query); !ok {
			return false
		}
		gotPayload, gotFlags = req.CustomPayload, req.Header.Flags
		c.Send(&protocol.ResponseFrame{
			Header:        protocol.Header{Stream: req.Header.Stream, Flags: protocol.FlagTracing | protocol.FlagWarning | protocol.FlagCustomPayload},
			TracingID:     tid,
			Warnings:      []string{"Aggregation query used without partition key"},
			CustomPayload: map[string][]byte{"k": []byte("v")},
			Message:       &protocol.Result{Kind: protocol.ResultVoid},
		})
		return true
	}})
	c := dial(t, srv, protocol.DialOptions{Version: protocol.V4})
	f, err := c.DoWith(context.Background(), query("SELECT 1"), protocol.RequestOptions{
		Tracing: true, CustomPayload: map[string][]byte{"in": []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	if !gotFlags.Has(protocol.FlagTracing|protocol.FlagCustomPayload) || string(gotPayload["in"]) != "x" {
		t.Fatalf("server saw flags %v payload %q", gotFlags, gotPayload)
	}
	if f.TracingID != tid || len(f.Warnings) != 1 || string(f.CustomPayload["k"]) != "v" {
		t.Fatalf("response tracing %v warnings %q payload %q", f.TracingID, f.Warnings, f.CustomPayload)
	}
}

func TestConnServerError(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, ok := req.Message.(*protocol.Query); !ok {
			return false
		}
		c.Send(&protocol.ResponseFrame{
			Header:   protocol.Header{Stream: req.Header.Stream, Flags: protocol.FlagWarning},
			Warnings: []string{"w"},
			Message:  &protocol.Error{Code: protocol.ErrCodeSyntax, Message: "line 1:0 no viable alternative"},
		})
		return true
	}})
	c := dial(t, srv, protocol.DialOptions{})
	f, err := c.Do(context.Background(), query("SELEC"))
	var e *protocol.Error
	if !errors.As(err, &e) || e.Code != protocol.ErrCodeSyntax {
		t.Fatalf("err = %v, want a SYNTAX_ERROR *Error", err)
	}
	if f == nil || len(f.Warnings) != 1 {
		t.Fatalf("warnings of an error response lost: %+v", f)
	}
	// The connection is still usable after a server error.
	if c.Err() != nil {
		t.Fatalf("Err() = %v after a server error", c.Err())
	}
}

// A request that times out keeps its stream id until the late reply comes;
// the late reply is dropped and never reaches the request that reuses the id.
func TestConnStreamReuseAfterTimeout(t *testing.T) {
	var mu sync.Mutex
	held := map[string]*protocol.RequestFrame{}
	streams := map[string]int16{}
	var srvConn *fakeserver.Conn
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		q, ok := req.Message.(*protocol.Query)
		if !ok {
			return false
		}
		mu.Lock()
		srvConn = c
		streams[q.Statement] = req.Header.Stream
		if strings.HasPrefix(q.Statement, "slow") {
			held[q.Statement] = req
			mu.Unlock()
			return true
		}
		mu.Unlock()
		c.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: q.Statement})
		return true
	}})
	c := dial(t, srv, protocol.DialOptions{MaxStreams: 1})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	start := time.Now()
	_, err := c.Do(ctx, query("slow-a"))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Do(slow) = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("cancelled Do returned after %v", d)
	}
	if c.InFlight() != 1 {
		t.Fatalf("InFlight = %d after the timeout, want 1 (the id waits for the late reply)", c.InFlight())
	}

	// The only id is taken: the next request waits for it.
	got := make(chan string, 1)
	go func() {
		f, err := c.Do(context.Background(), query("b"))
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- keyspaceOf(t, f)
	}()
	select {
	case s := <-got:
		t.Fatalf("second request finished (%q) while the only stream id was held", s)
	case <-time.After(50 * time.Millisecond):
	}

	// The late reply frees the id; b goes out on the same id and must get
	// its own answer, not "slow-a".
	mu.Lock()
	req := held["slow-a"]
	sc := srvConn
	mu.Unlock()
	sc.Reply(req, &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: "slow-a"})
	select {
	case s := <-got:
		if s != "b" {
			t.Fatalf("second request got %q, want its own answer \"b\"", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("second request not answered after the late reply freed the id")
	}
	mu.Lock()
	defer mu.Unlock()
	if streams["slow-a"] != streams["b"] {
		t.Fatalf("streams used: %v; the test needs both on the one id", streams)
	}
	if c.InFlight() != 0 {
		t.Fatalf("InFlight = %d at the end", c.InFlight())
	}
}

// Every in-flight request fails with ErrConnClosed when the socket dies.
func TestConnInFlightFailOnSocketDeath(t *testing.T) {
	var n atomic.Int32
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, ok := req.Message.(*protocol.Query); !ok {
			return false
		}
		if n.Add(1) == 10 {
			c.Kill()
		}
		return true // never answered
	}})
	c := dial(t, srv, protocol.DialOptions{})
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		go func(i int) {
			_, err := c.Do(context.Background(), query(fmt.Sprint(i)))
			errs <- err
		}(i)
	}
	for i := 0; i < 10; i++ {
		select {
		case err := <-errs:
			if !errors.Is(err, protocol.ErrConnClosed) {
				t.Fatalf("in-flight request: err = %v, want ErrConnClosed", err)
			}
			if !strings.Contains(err.Error(), "closed the connection") && !strings.Contains(err.Error(), "lost") {
				t.Fatalf("error does not say the connection was lost: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("in-flight request still waiting after the socket died")
		}
	}
	if _, err := c.Do(context.Background(), query("after")); !errors.Is(err, protocol.ErrConnClosed) {
		t.Fatalf("Do after the loss: %v, want ErrConnClosed", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done not closed after the loss")
	}
}

func TestConnCloseFailsInFlight(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		_, ok := req.Message.(*protocol.Query)
		return ok // queries are never answered
	}})
	c := dial(t, srv, protocol.DialOptions{})
	errc := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), query("q"))
		errc <- err
	}()
	for c.InFlight() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, protocol.ErrConnClosed) || !strings.Contains(err.Error(), "by Close") {
			t.Fatalf("err = %v, want ErrConnClosed by Close", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not fail the in-flight request")
	}
	c.Close() // twice is harmless
}

// A header declaring a body above the maximum kills the connection before
// anything is allocated; so does a frame cut short.
func TestConnBadFrames(t *testing.T) {
	huge := func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		h := protocol.Header{Version: c.Version(), Response: true, Stream: req.Header.Stream, Opcode: protocol.OpResult, Length: 0x7fffffff}
		c.WriteRaw(h.Append(nil))
	}
	half := func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		b, err := c.Encode(&protocol.ResponseFrame{Header: protocol.Header{Stream: req.Header.Stream},
			Message: &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: "abcdefgh"}})
		if err != nil {
			panic(err)
		}
		c.WriteRaw(b[:len(b)-3])
		c.Kill()
	}
	hugeInSegment := func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		h := protocol.Header{Version: c.Version(), Response: true, Stream: req.Header.Stream, Opcode: protocol.OpResult, Length: 0x7fffffff}
		seg, err := protocol.AppendSegment(nil, h.Append(nil), true, nil)
		if err != nil {
			panic(err)
		}
		c.WriteRaw(seg)
	}
	badCRC := func(c *fakeserver.Conn, req *protocol.RequestFrame) {
		b, err := c.Encode(&protocol.ResponseFrame{Header: protocol.Header{Stream: req.Header.Stream},
			Message: &protocol.Result{Kind: protocol.ResultSetKeyspace, Keyspace: "abcdefgh"}})
		if err != nil {
			panic(err)
		}
		b[len(b)-6] ^= 0x40 // a payload byte: the CRC32 no longer matches
		c.WriteRaw(b)
	}
	for _, tc := range []struct {
		name    string
		v       protocol.Version
		act     func(*fakeserver.Conn, *protocol.RequestFrame)
		wantErr error
	}{
		{"huge length v4", protocol.V4, huge, protocol.ErrFrameTooLarge},
		{"huge length in v5 segment", protocol.V5, hugeInSegment, protocol.ErrFrameTooLarge},
		{"bad payload CRC32 v5", protocol.V5, badCRC, protocol.ErrSegmentChecksum},
		{"half frame v4", protocol.V4, half, io.ErrUnexpectedEOF},
		{"half segment v5", protocol.V5, half, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
				if _, ok := req.Message.(*protocol.Query); !ok {
					return false
				}
				tc.act(c, req)
				return true
			}})
			c := dial(t, srv, protocol.DialOptions{Version: tc.v, MaxFrameBody: 1 << 20})
			_, err := c.Do(context.Background(), query("q"))
			if !errors.Is(err, protocol.ErrConnClosed) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want ErrConnClosed wrapping %v", err, tc.wantErr)
			}
		})
	}
}

func TestConnEvents(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		t.Run(v.String(), func(t *testing.T) {
			var registered []string
			srvConns := make(chan *fakeserver.Conn, 1)
			srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
				if r, ok := req.Message.(*protocol.Register); ok {
					registered = r.EventTypes
					c.Reply(req, &protocol.Ready{})
					srvConns <- c
					return true
				}
				return false
			}})
			events := make(chan *protocol.Event, 4)
			c := dial(t, srv, protocol.DialOptions{Version: v, OnEvent: func(ev *protocol.Event) { events <- ev }})
			if err := c.Register(context.Background(), protocol.EventSchemaChange, protocol.EventStatusChange); err != nil {
				t.Fatal(err)
			}
			if len(registered) != 2 {
				t.Fatalf("server saw REGISTER %q", registered)
			}
			sc := <-srvConns
			sc.SendEvent(&protocol.Event{Type: protocol.EventSchemaChange, Schema: protocol.SchemaChange{
				Change: "CREATED", Target: "TABLE", Keyspace: "ks", Name: "t"}})
			select {
			case ev := <-events:
				if ev.Type != protocol.EventSchemaChange || ev.Schema.Keyspace != "ks" || ev.Schema.Name != "t" {
					t.Fatalf("event = %+v", ev)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("event not delivered")
			}
		})
	}
}

func TestDialStepsDownVersion(t *testing.T) {
	for _, max := range []protocol.Version{protocol.V4, protocol.V3} {
		t.Run(max.String(), func(t *testing.T) {
			var handshakes atomic.Int32
			srv := fakeserver.New(t, fakeserver.Options{MaxVersion: max, Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
				if _, ok := req.Message.(*protocol.Options); ok {
					handshakes.Add(1)
				}
				return echoKeyspace(c, req)
			}})
			cache := &protocol.VersionCache{}
			c := dial(t, srv, protocol.DialOptions{VersionCache: cache})
			if c.Version() != max {
				t.Fatalf("negotiated %v, want %v", c.Version(), max)
			}
			if f, err := c.Do(context.Background(), query("x")); err != nil || keyspaceOf(t, f) != "x" {
				t.Fatalf("query after step-down: %v", err)
			}
			if got := cache.Get(srv.Addr()); got != max {
				t.Fatalf("cache holds %v, want %v", got, max)
			}
			first := handshakes.Load()
			c2 := dial(t, srv, protocol.DialOptions{VersionCache: cache})
			if c2.Version() != max || handshakes.Load() != first+1 {
				t.Fatalf("second dial: version %v after %d handshakes, want %v in 1", c2.Version(), handshakes.Load()-first, max)
			}

			// Without step-down room the rejection is reported.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := protocol.Dial(ctx, srv.Addr(), protocol.DialOptions{MinVersion: protocol.V5})
			if !errors.Is(err, protocol.ErrVersionRejected) {
				t.Fatalf("Dial with MinVersion v5: %v, want ErrVersionRejected", err)
			}
		})
	}
}

func TestDialPasswordAuth(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		t.Run(v.String(), func(t *testing.T) {
			srv := fakeserver.New(t, fakeserver.Options{
				Authenticator: "org.apache.cassandra.auth.PasswordAuthenticator",
				Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
					ar, ok := req.Message.(*protocol.AuthResponse)
					if !ok {
						return echoKeyspace(c, req)
					}
					if string(ar.Token) == "\x00cassandra\x00s3cret" {
						c.Reply(req, &protocol.AuthSuccess{})
					} else {
						c.Reply(req, &protocol.Error{Code: protocol.ErrCodeBadCredentials, Message: "Provided username and/or password are incorrect"})
					}
					return true
				}})
			c := dial(t, srv, protocol.DialOptions{Version: v, Authenticator: protocol.PasswordAuthenticator{Username: "cassandra", Password: "s3cret"}})
			if f, err := c.Do(context.Background(), query("x")); err != nil || keyspaceOf(t, f) != "x" {
				t.Fatalf("query after auth: %v", err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := protocol.Dial(ctx, srv.Addr(), protocol.DialOptions{Version: v, Authenticator: protocol.PasswordAuthenticator{Username: "cassandra", Password: "wrong-pw"}})
			var e *protocol.Error
			if !errors.As(err, &e) || e.Code != protocol.ErrCodeBadCredentials {
				t.Fatalf("bad password: err = %v, want BAD_CREDENTIALS", err)
			}
			if strings.Contains(err.Error(), "wrong-pw") {
				t.Fatalf("error shows the password: %v", err)
			}
			_, err = protocol.Dial(ctx, srv.Addr(), protocol.DialOptions{Version: v})
			if err == nil || !strings.Contains(err.Error(), "requires authentication") {
				t.Fatalf("no authenticator: err = %v", err)
			}
		})
	}
	if s := fmt.Sprintf("%v %+v %#v", protocol.PasswordAuthenticator{Password: "pw123"}, protocol.PasswordAuthenticator{Password: "pw123"}, protocol.PasswordAuthenticator{Password: "pw123"}); strings.Contains(s, "pw123") {
		t.Fatalf("formatting shows the password: %s", s)
	}
}

func TestDialContextDeadline(t *testing.T) {
	// The server never answers OPTIONS: the handshake ends with the context.
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool { return true }})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := protocol.Dial(ctx, srv.Addr(), protocol.DialOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Dial returned after %v", d)
	}
}

func TestConnKeyspaceOption(t *testing.T) {
	var used string
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if q, ok := req.Message.(*protocol.Query); ok {
			used = q.Statement
		}
		return echoKeyspace(c, req)
	}})
	dial(t, srv, protocol.DialOptions{Keyspace: `my"ks`})
	if used != `USE "my""ks"` {
		t.Fatalf("keyspace statement = %q", used)
	}
}

// Many concurrent requests on one connection each get their own answer.
func TestConnConcurrent(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		t.Run(v.String(), func(t *testing.T) {
			srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
				if _, ok := req.Message.(*protocol.Query); !ok {
					return false
				}
				go echoKeyspace(c, req) // answer out of order
				return true
			}})
			c := dial(t, srv, protocol.DialOptions{Version: v, Compression: "lz4", MaxStreams: 100})
			var wg sync.WaitGroup
			for g := 0; g < 50; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 40; i++ {
						s := fmt.Sprintf("q-%d-%d", g, i)
						f, err := c.Do(context.Background(), query(s))
						if err != nil {
							t.Error(err)
							return
						}
						if got := keyspaceOf(t, f); got != s {
							t.Errorf("request %q got the answer of %q", s, got)
							return
						}
					}
				}(g)
			}
			wg.Wait()
		})
	}
}

// With every stream id taken, Do waits for one and honours its context.
func TestConnWaitsForFreeStream(t *testing.T) {
	var mu sync.Mutex
	var held []*protocol.RequestFrame
	var sc *fakeserver.Conn
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if q, ok := req.Message.(*protocol.Query); !ok || q.Statement != "held" {
			return echoKeyspace(c, req)
		}
		mu.Lock()
		held, sc = append(held, req), c
		mu.Unlock()
		return true
	}})
	c := dial(t, srv, protocol.DialOptions{MaxStreams: 2})
	done := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			_, err := c.Do(context.Background(), query("held"))
			done <- err
		}()
	}
	for c.InFlight() < 2 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := c.Do(ctx, query("third")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Do with every id taken: err = %v, want deadline exceeded", err)
	}
	for {
		mu.Lock()
		n := len(held)
		mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	for _, req := range held {
		sc.Reply(req, &protocol.Result{Kind: protocol.ResultVoid})
	}
	mu.Unlock()
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if f, err := c.Do(context.Background(), query("after")); err != nil || f == nil {
		t.Fatalf("Do after ids were freed: %v", err)
	}
}

func TestDialTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fakeserver"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	srv := fakeserver.New(t, fakeserver.Options{Handler: echoKeyspace,
		TLS: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}})

	c := dial(t, srv, protocol.DialOptions{TLS: &tls.Config{RootCAs: pool}, Compression: "lz4"})
	if f, err := c.Do(context.Background(), query("over-tls")); err != nil || keyspaceOf(t, f) != "over-tls" {
		t.Fatalf("query over TLS: %v", err)
	}
	// An untrusted certificate fails the dial with a TLS error.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := protocol.Dial(ctx, srv.Addr(), protocol.DialOptions{TLS: &tls.Config{}}); err == nil || !strings.Contains(err.Error(), "TLS handshake") {
		t.Fatalf("dial with an untrusted certificate: err = %v", err)
	}
}

// A server that closes the socket on a version it does not know is
// stepped down from too, but the version is not remembered: the close may
// have had another cause.
func TestDialStepsDownOnClose(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if req.Header.Version == protocol.V5 {
			c.Kill()
			return true
		}
		return echoKeyspace(c, req)
	}})
	cache := &protocol.VersionCache{}
	c := dial(t, srv, protocol.DialOptions{VersionCache: cache})
	if c.Version() != protocol.V4 {
		t.Fatalf("negotiated %v, want v4", c.Version())
	}
	if got := cache.Get(srv.Addr()); got != 0 {
		t.Fatalf("cache holds %v after a step-down caused by a closed socket", got)
	}
}

// A request waiting for a stream id fails when the connection closes, and
// a stray reply on a stream nobody uses is ignored.
func TestConnCloseWakesStreamWaiters(t *testing.T) {
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		q, ok := req.Message.(*protocol.Query)
		if !ok {
			return false
		}
		if q.Statement == "stray" {
			// First a reply on an id that was never handed out, then the
			// real one.
			c.Send(&protocol.ResponseFrame{Header: protocol.Header{Stream: 1234}, Message: &protocol.Result{Kind: protocol.ResultVoid}})
			return echoKeyspace(c, req)
		}
		return true // "hold" is never answered
	}})
	c := dial(t, srv, protocol.DialOptions{MaxStreams: 1})
	if f, err := c.Do(context.Background(), query("stray")); err != nil || keyspaceOf(t, f) != "stray" {
		t.Fatalf("Do with a stray reply before the real one: %v", err)
	}
	go c.Do(context.Background(), query("hold"))
	for c.InFlight() == 0 {
		time.Sleep(time.Millisecond)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), query("waits for an id"))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, protocol.ErrConnClosed) {
			t.Fatalf("waiter: err = %v, want ErrConnClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("request waiting for a stream id not woken by Close")
	}
}

func TestConnDoWithDoneContextSendsNothing(t *testing.T) {
	var queries atomic.Int32
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, ok := req.Message.(*protocol.Query); ok {
			queries.Add(1)
		}
		return echoKeyspace(c, req)
	}})
	c := dial(t, srv, protocol.DialOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Do(ctx, query("never")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	if _, err := c.Do(context.Background(), query("sync")); err != nil {
		t.Fatal(err)
	}
	if n := queries.Load(); n != 1 {
		t.Fatalf("server saw %d queries, want only the second", n)
	}
	if c.InFlight() != 0 {
		t.Fatalf("InFlight = %d", c.InFlight())
	}
}
