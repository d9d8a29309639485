package cassandra

import (
	"strings"
	"testing"

	"github.com/cqlsql/cassandra/internal/fakeserver"
)

// TestConfigTrace: Config.Trace receives the frames of every socket of the
// Connector, with bound values redacted unless TraceValues; Close flushes
// it.
func TestConfigTrace(t *testing.T) {
	for _, values := range []bool{false, true} {
		var buf syncBuffer
		n := newScriptedNode(t, fakeserver.Options{})
		db, _ := fakeConnector(t, n.srv.Addr(), func(cfg *Config) {
			cfg.Trace, cfg.TraceValues = &buf, values
		})
		if _, err := db.Exec("INSERT INTO t (k) VALUES (?)", 0x1234abcd); err != nil {
			t.Fatal(err)
		}
		db.Close()
		out := buf.String()
		for _, want := range []string{"-> ", "STARTUP", "PREPARE", `"INSERT INTO t (k) VALUES (?)"`, "EXECUTE", "<- ", "RESULT"} {
			if !strings.Contains(out, want) {
				t.Errorf("values=%v: trace lacks %q:\n%s", values, want, out)
			}
		}
		if shown := strings.Contains(strings.ToLower(out), "1234abcd"); shown != values {
			t.Errorf("values=%v: bound value shown = %v:\n%s", values, shown, out)
		}
	}
}
