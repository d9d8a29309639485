package protocol_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// BenchmarkRoundTrip measures Do against the in-process fake server over
// loopback TCP, at 1, 64 and 256 concurrent callers on one connection.
// Allocations include the fake server's (same process).
func BenchmarkRoundTrip(b *testing.B) { benchRoundTrip(b, protocol.DialOptions{}) }

// BenchmarkRoundTripTraced is BenchmarkRoundTrip with the wire trace on,
// written to io.Discard: what tracing costs, for reference.
func BenchmarkRoundTripTraced(b *testing.B) {
	benchRoundTrip(b, protocol.DialOptions{Trace: io.Discard})
}

func benchRoundTrip(b *testing.B, opts protocol.DialOptions) {
	void := &protocol.Result{Kind: protocol.ResultVoid}
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		for _, conc := range []int{1, 64, 256} {
			b.Run(fmt.Sprintf("%v/conc=%d", v, conc), func(b *testing.B) {
				srv, err := fakeserver.Start(fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
					if _, ok := req.Message.(*protocol.Query); !ok {
						return false
					}
					c.Reply(req, void)
					return true
				}})
				if err != nil {
					b.Fatal(err)
				}
				defer srv.Close()
				opts.Version = v
				c, err := protocol.Dial(context.Background(), srv.Addr(), opts)
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				q := query("SELECT release_version FROM system.local WHERE key = 'local'")
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				if conc == 1 {
					for i := 0; i < b.N; i++ {
						if _, err := c.Do(ctx, q); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				procs := runtime.GOMAXPROCS(0)
				b.SetParallelism((conc + procs - 1) / procs)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := c.Do(ctx, q); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}
