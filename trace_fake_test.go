package cassandra

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/cqlsql/cassandra/internal/fakeserver"
)

// lockedBuffer is a bytes.Buffer safe for the trace's writer goroutine and
// the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestConfigTrace: Config.Trace receives the frames of every socket of the
// Connector, with bound values redacted unless TraceValues; Close flushes
// it.
func TestConfigTrace(t *testing.T) {
	for _, values := range []bool{false, true} {
		var buf lockedBuffer
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
