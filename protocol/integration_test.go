package protocol_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
	"github.com/cqlsql/cassandra/protocol"
)

// These tests run against the real Cassandra 5.0 of internal/testcluster.

func dialReal(t testing.TB, v protocol.Version, comp string, opts protocol.DialOptions) *protocol.Conn {
	t.Helper()
	addr := testcluster.Addr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts.Version, opts.MinVersion, opts.Compression = v, v, comp
	c, err := protocol.Dial(ctx, addr, opts)
	if err != nil {
		t.Fatalf("Dial %s %v %q: %v", addr, v, comp, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func exec(t testing.TB, c *protocol.Conn, stmt string, values ...protocol.Value) *protocol.Result {
	t.Helper()
	q := &protocol.Query{Statement: stmt}
	q.Params.Consistency = protocol.One
	q.Params.Values = values
	r, _, err := c.Query(ctxT(t), q)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return r
}

// freshKeyspace creates a keyspace for the test and drops it at the end.
func freshKeyspace(t testing.TB, c *protocol.Conn) string {
	t.Helper()
	ks := testcluster.Name("proto")
	exec(t, c, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	t.Cleanup(func() {
		q := &protocol.Query{Statement: "DROP KEYSPACE IF EXISTS " + ks}
		q.Params.Consistency = protocol.One
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := c.Do(ctx, q); err != nil && c.Err() == nil {
			t.Errorf("dropping %s: %v", ks, err)
		}
	})
	return ks
}

func intValue(i int32) protocol.Value {
	return protocol.BytesValue(binary.BigEndian.AppendUint32(nil, uint32(i)))
}

func rowsOf(t testing.TB, r *protocol.Result) [][]string {
	t.Helper()
	if r.Kind != protocol.ResultRows {
		t.Fatalf("result kind %v, want Rows", r.Kind)
	}
	var out [][]string
	var cells [][]byte
	for {
		var err error
		cells, err = r.Rows.NextRow(cells)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cells))
		for i, c := range cells {
			row[i] = string(c)
		}
		out = append(out, row)
	}
}

func TestIntegrationHandshakes(t *testing.T) {
	for _, tc := range []struct {
		v    protocol.Version
		comp string
	}{
		{protocol.V5, ""}, {protocol.V5, "lz4"},
		{protocol.V4, ""}, {protocol.V4, "lz4"}, {protocol.V4, "snappy"},
		{protocol.V3, ""}, {protocol.V3, "lz4"},
	} {
		t.Run(fmt.Sprintf("%v/%s", tc.v, tc.comp), func(t *testing.T) {
			c := dialReal(t, tc.v, tc.comp, protocol.DialOptions{})
			if c.Version() != tc.v {
				t.Fatalf("Version() = %v", c.Version())
			}
			if c.Compression() != tc.comp {
				t.Fatalf("Compression() = %q, want %q (the server did not list it in SUPPORTED?)", c.Compression(), tc.comp)
			}
			rows := rowsOf(t, exec(t, c, "SELECT release_version FROM system.local"))
			if len(rows) != 1 || !strings.HasPrefix(rows[0][0], "5.0") {
				t.Fatalf("release_version = %q, want 5.0.x", rows)
			}
			r := exec(t, c, "SELECT * FROM system_schema.columns")
			if n := len(rowsOf(t, r)); n < 100 {
				t.Fatalf("system_schema.columns has %d rows", n)
			}
		})
	}
}

func TestIntegrationVersionNegotiation(t *testing.T) {
	addr := testcluster.Addr(t)
	cache := &protocol.VersionCache{}
	c, err := protocol.Dial(ctxT(t), addr, protocol.DialOptions{VersionCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Version() != protocol.V5 || cache.Get(addr) != protocol.V5 {
		t.Fatalf("negotiated %v, cached %v; Cassandra 5.0 speaks v5", c.Version(), cache.Get(addr))
	}
}

func TestIntegrationPrepareExecuteBatch(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V5, protocol.V4, protocol.V3} {
		t.Run(v.String(), func(t *testing.T) {
			c := dialReal(t, v, "", protocol.DialOptions{})
			ks := freshKeyspace(t, c)
			exec(t, c, "CREATE TABLE "+ks+".t (id int PRIMARY KEY, v text)")

			ins, _, err := c.Prepare(ctxT(t), &protocol.Prepare{Statement: "INSERT INTO " + ks + ".t (id, v) VALUES (?, ?)"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ins.Metadata.Columns) != 2 {
				t.Fatalf("prepared INSERT has %d bind markers", len(ins.Metadata.Columns))
			}
			e := &protocol.Execute{ID: ins.ID, ResultMetadataID: ins.ResultMetadataID}
			e.Params.Consistency = protocol.One
			e.Params.Values = []protocol.Value{intValue(1), protocol.BytesValue([]byte("one"))}
			if r, _, err := c.Execute(ctxT(t), e); err != nil || r.Kind != protocol.ResultVoid {
				t.Fatalf("EXECUTE: %v %v", r, err)
			}

			b := &protocol.Batch{Type: protocol.BatchLogged, Consistency: protocol.One, Children: []protocol.BatchChild{
				{ID: ins.ID, Values: []protocol.Value{intValue(2), protocol.BytesValue([]byte("two"))}},
				{ID: ins.ID, Values: []protocol.Value{intValue(3), protocol.BytesValue([]byte("three"))}},
				{Statement: "INSERT INTO " + ks + ".t (id, v) VALUES (?, 'four')", Values: []protocol.Value{intValue(4)}},
			}}
			if r, _, err := c.Batch(ctxT(t), b); err != nil || r.Kind != protocol.ResultVoid {
				t.Fatalf("BATCH: %v %v", r, err)
			}

			sel, _, err := c.Prepare(ctxT(t), &protocol.Prepare{Statement: "SELECT v FROM " + ks + ".t WHERE id = ?"})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range []string{"", "one", "two", "three", "four"} {
				if i == 0 {
					continue
				}
				e := &protocol.Execute{ID: sel.ID, ResultMetadataID: sel.ResultMetadataID}
				e.Params.Consistency = protocol.One
				e.Params.Values = []protocol.Value{intValue(int32(i))}
				r, _, err := c.Execute(ctxT(t), e)
				if err != nil {
					t.Fatal(err)
				}
				rows := rowsOf(t, r)
				if len(rows) != 1 || rows[0][0] != want {
					t.Fatalf("id %d: rows %q, want %q", i, rows, want)
				}
			}
		})
	}
}

func TestIntegrationSchemaChangeEvent(t *testing.T) {
	events := make(chan *protocol.Event, 64)
	c := dialReal(t, protocol.V5, "lz4", protocol.DialOptions{OnEvent: func(ev *protocol.Event) { events <- ev }})
	ks := freshKeyspace(t, c)
	if err := c.Register(ctxT(t), protocol.EventSchemaChange); err != nil {
		t.Fatal(err)
	}
	exec(t, c, "CREATE TABLE "+ks+".evt (id int PRIMARY KEY)")
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-events:
			s := ev.Schema
			if ev.Type == protocol.EventSchemaChange && s.Change == "CREATED" && s.Target == "TABLE" && s.Keyspace == ks && s.Name == "evt" {
				return
			}
			t.Logf("other event: %+v", ev)
		case <-deadline:
			t.Fatal("no SCHEMA_CHANGE CREATED TABLE event within 30s")
		}
	}
}

func TestIntegrationSyntaxError(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V5, protocol.V4} {
		c := dialReal(t, v, "", protocol.DialOptions{})
		q := &protocol.Query{Statement: "SELEC nothing FROM nowhere"}
		q.Params.Consistency = protocol.One
		_, err := c.Do(ctxT(t), q)
		var e *protocol.Error
		if !errors.As(err, &e) || e.Code != 0x2000 {
			t.Fatalf("%v: err = %v, want a *Error with code 0x2000", v, err)
		}
		if c.Err() != nil {
			t.Fatalf("connection broken by a syntax error: %v", c.Err())
		}
	}
}

// 10,000 concurrent requests on one connection each get their own answer.
func TestIntegrationConcurrentOneConn(t *testing.T) {
	for _, tc := range []struct {
		v    protocol.Version
		comp string
	}{{protocol.V5, "lz4"}, {protocol.V4, ""}} {
		t.Run(fmt.Sprintf("%v/%s", tc.v, tc.comp), func(t *testing.T) {
			const n = 10000
			c := dialReal(t, tc.v, tc.comp, protocol.DialOptions{})
			ks := freshKeyspace(t, c)
			exec(t, c, "CREATE TABLE "+ks+".echo (id int PRIMARY KEY, v text)")
			ins, _, err := c.Prepare(ctxT(t), &protocol.Prepare{Statement: "INSERT INTO " + ks + ".echo (id, v) VALUES (?, ?)"})
			if err != nil {
				t.Fatal(err)
			}
			sel, _, err := c.Prepare(ctxT(t), &protocol.Prepare{Statement: "SELECT id, v FROM " + ks + ".echo WHERE id = ?"})
			if err != nil {
				t.Fatal(err)
			}
			run := func(each func(i int) error) {
				var wg sync.WaitGroup
				errs := make(chan error, n)
				for i := 0; i < n; i++ {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						if err := each(i); err != nil {
							errs <- err
						}
					}(i)
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			// A loaded server may shed a request it has not started
			// (OVERLOADED): an answer to that request all the same. It is
			// sent again (so that the SELECTs find every row), and no more
			// than a tenth of a phase's requests may be shed.
			var overloaded atomic.Int64
			execute := func(e *protocol.Execute) (*protocol.Result, error) {
				for attempt := 0; ; attempt++ {
					r, _, err := c.Execute(ctxT(t), e)
					var pe *protocol.Error
					if errors.As(err, &pe) && pe.Code == protocol.ErrCodeOverloaded && attempt < 5 {
						overloaded.Add(1)
						time.Sleep(50 * time.Millisecond)
						continue
					}
					return r, err
				}
			}
			checkShed := func(what string) {
				o := overloaded.Swap(0)
				if o > n/10 {
					t.Errorf("%d of %d %s answered OVERLOADED", o, n, what)
				}
			}
			start := time.Now()
			run(func(i int) error {
				e := &protocol.Execute{ID: ins.ID, ResultMetadataID: ins.ResultMetadataID}
				e.Params.Consistency = protocol.One
				e.Params.Values = []protocol.Value{intValue(int32(i)), protocol.BytesValue([]byte(fmt.Sprintf("value-%d", i)))}
				_, err := execute(e)
				return err
			})
			t.Logf("%d concurrent INSERTs in %v (%d answered OVERLOADED and were sent again)", n, time.Since(start), overloaded.Load())
			checkShed("INSERTs")
			start = time.Now()
			run(func(i int) error {
				e := &protocol.Execute{ID: sel.ID, ResultMetadataID: sel.ResultMetadataID}
				e.Params.Consistency = protocol.One
				e.Params.Values = []protocol.Value{intValue(int32(i))}
				r, err := execute(e)
				if err != nil {
					return err
				}
				cells, err := r.Rows.NextRow(nil)
				if err != nil {
					return fmt.Errorf("request %d: %w", i, err)
				}
				if got := int32(binary.BigEndian.Uint32(cells[0])); got != int32(i) || string(cells[1]) != fmt.Sprintf("value-%d", i) {
					return fmt.Errorf("request for id %d got the row of id %d (%q)", i, got, cells[1])
				}
				return nil
			})
			t.Logf("%d concurrent SELECTs in %v (%d answered OVERLOADED and were sent again)", n, time.Since(start), overloaded.Load())
			checkShed("SELECTs")
			if c.InFlight() != 0 {
				t.Fatalf("InFlight = %d after all requests", c.InFlight())
			}
		})
	}
}

// A value larger than a v5 segment (128 KiB) travels in split envelopes both
// ways: the EXECUTE that writes it and the RESULT that reads it back.
func TestIntegrationLargeValueSegments(t *testing.T) {
	for _, comp := range []string{"", "lz4"} {
		t.Run("v5/"+comp, func(t *testing.T) {
			c := dialReal(t, protocol.V5, comp, protocol.DialOptions{})
			ks := freshKeyspace(t, c)
			exec(t, c, "CREATE TABLE "+ks+".big (id int PRIMARY KEY, b blob)")
			big := make([]byte, 700<<10)
			x := uint32(12345)
			for i := range big {
				x = x*1664525 + 1013904223 // incompressible enough for lz4
				big[i] = byte(x >> 24)
			}
			exec(t, c, "INSERT INTO "+ks+".big (id, b) VALUES (?, ?)", intValue(7), protocol.BytesValue(big))
			rows := rowsOf(t, exec(t, c, "SELECT b FROM "+ks+".big WHERE id = ?", intValue(7)))
			if len(rows) != 1 || rows[0][0] != string(big) {
				t.Fatalf("read back %d rows, first value of %d bytes, want %d bytes equal", len(rows), len(rows[0][0]), len(big))
			}
		})
	}
}
