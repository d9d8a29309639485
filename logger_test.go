package cassandra

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLoggerReportsHostDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // refuses connections from now on
	var logs syncBuffer
	db := fakeDB(t, addr, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		c.ConnectTimeout = time.Second
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Ping of a refusing host = %v, want an error naming it", err)
	}
	out := logs.String()
	if !strings.Contains(out, "host is down") || !strings.Contains(out, addr) {
		t.Fatalf("log = %q, want the host going down", out)
	}
}
