package protocol

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// VersionCache remembers, per server address, the protocol version a
// handshake last succeeded with, so that later dials to the same node skip
// the versions it rejected. It is safe for concurrent use. The zero value
// is ready; the caller owns it (there is no process-wide cache).
type VersionCache struct {
	mu sync.Mutex
	m  map[string]Version
}

// Get returns the version remembered for addr, or 0.
func (vc *VersionCache) Get(addr string) Version {
	if vc == nil {
		return 0
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return vc.m[addr]
}

// Put remembers that addr speaks v.
func (vc *VersionCache) Put(addr string, v Version) {
	if vc == nil {
		return
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	if vc.m == nil {
		vc.m = make(map[string]Version)
	}
	vc.m[addr] = v
}

// Forget drops what is remembered for addr (after a node upgrade, say).
func (vc *VersionCache) Forget(addr string) {
	if vc == nil {
		return
	}
	vc.mu.Lock()
	defer vc.mu.Unlock()
	delete(vc.m, addr)
}

// ErrVersionRejected is matched (errors.Is) by the error of a handshake in
// which the server refused the protocol version.
var ErrVersionRejected = errors.New("cassandra: server rejected the protocol version")

// versionRejectedError says that the server did not accept Tried. Server is
// the version of the server's reply header when it told one (0 if not).
type versionRejectedError struct {
	Tried  Version
	Server Version
	Cause  error
}

func (e *versionRejectedError) Error() string {
	s := fmt.Sprintf("cassandra: server rejected protocol %v", e.Tried)
	if e.Server != 0 && e.Server != e.Tried {
		s += fmt.Sprintf(" (it answered in %v)", e.Server)
	}
	if e.Cause != nil {
		// The cause is a cassandra error too: one prefix is enough.
		s += ": " + strings.TrimPrefix(e.Cause.Error(), "cassandra: ")
	}
	return s
}

func (e *versionRejectedError) Unwrap() []error { return []error{ErrVersionRejected, e.Cause} }

// isVersionRejection reports whether the reply (header h, decoded message
// msg) to the first request of a handshake at version tried says that the
// server does not speak tried. A server that does not speak the version
// answers with a PROTOCOL_ERROR written in a version it does speak (spec
// v5 section 2.4.1.1 and the note on version negotiation in section 8).
func isVersionRejection(tried Version, h Header, msg Message) bool {
	e, ok := msg.(*Error)
	if !ok {
		return false
	}
	if h.Version != tried {
		return true
	}
	if e.Code != ErrCodeProtocol {
		return false
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "protocol version") || strings.Contains(m, "beta")
}

// nextVersion returns the version to try after tried was rejected with
// rej, or 0 if none is left at or above min.
func nextVersion(tried, min Version, rej *versionRejectedError) Version {
	next := tried - 1
	if rej.Server.Supported() && rej.Server < tried {
		next = rej.Server
	}
	if next < min || !next.Supported() {
		return 0
	}
	return next
}
