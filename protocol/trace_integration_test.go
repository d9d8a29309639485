package protocol_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

// TestIntegrationTrace traces a real handshake and QUERY, in v4 and v5.
func TestIntegrationTrace(t *testing.T) {
	for _, v := range []protocol.Version{protocol.V4, protocol.V5} {
		t.Run(v.String(), func(t *testing.T) {
			var buf bytes.Buffer
			tw := protocol.NewTraceWriter(&buf)
			c := dialReal(t, v, "", protocol.DialOptions{Trace: tw})
			exec(t, c, "SELECT release_version FROM system.local WHERE key = ?", protocol.BytesValue([]byte("local")))
			c.Close()
			tw.Flush()
			got := buf.String()
			t.Logf("trace:\n%s", got)
			pre := c.RemoteAddr().String() + " " + v.String() + " stream=0 "
			for _, want := range []string{
				"-> " + pre + "OPTIONS flags=0 len=0\n",
				"<- " + pre + "SUPPORTED flags=0 len=",
				" PROTOCOL_VERSIONS=[",
				"-> " + pre + "STARTUP flags=0 len=",
				" | CQL_VERSION=3.0.0 DRIVER_NAME=cqlsql DRIVER_VERSION=",
				"<- " + pre + "READY flags=0 len=0\n",
				"-> " + pre + "QUERY flags=0 len=",
				` | "SELECT release_version FROM system.local WHERE key = ?" consistency=ONE paging_state=no values=1 [5 bytes]` + "\n",
				"<- " + pre + "RESULT flags=0 len=",
				" | Rows columns=1 rows=1 more_pages=no\n",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("trace lacks %q", want)
				}
			}
		})
	}
}
