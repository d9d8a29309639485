package cluster

import (
	"net/netip"
	"slices"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// Debouncing, as the Java driver 4 does it: the events of a burst (a
// rolling restart, a schema migration) are gathered until none came for a
// window, or until maxBatch arrived, then acted on at once, the last event
// of each node winning. A burst then costs one refresh, not one per event.
const maxBatch = 20

// statusChange is the last STATUS_CHANGE of one node in a batch.
type statusChange struct {
	Addr string // the event's address, host:port of the native transport
	Up   bool
}

// eventBatch is what a debounced batch of events asks for.
type eventBatch struct {
	// Refresh: a TOPOLOGY_CHANGE came (NEW_NODE, REMOVED_NODE, MOVED_NODE),
	// or events were lost: read the whole topology again.
	Refresh bool
	// Status holds the last STATUS_CHANGE of each node, in the order the
	// nodes first appeared.
	Status []statusChange
	// Keyspaces whose definition changed (SCHEMA_CHANGE on a KEYSPACE
	// target), sorted: their replication is read again.
	Keyspaces []string
}

func (b *eventBatch) empty() bool {
	return !b.Refresh && len(b.Status) == 0 && len(b.Keyspaces) == 0
}

// debouncer gathers events into batches. It is a plain value driven by
// the monitor's goroutine, with the time passed in, so that its rules are
// tested without a clock.
type debouncer struct {
	window time.Duration
	n      int       // events in the open batch
	due    time.Time // when the open batch is due; zero when none is open
	batch  eventBatch
}

// add puts ev into the open batch and resets the window. It returns true
// when the batch is full and must be taken now.
func (d *debouncer) add(ev *protocol.Event, now time.Time) bool {
	switch ev.Type {
	case protocol.EventTopologyChange:
		d.batch.Refresh = true
	case protocol.EventStatusChange:
		addr := eventAddr(ev.Address)
		up := ev.Change == protocol.StatusUp
		if ev.Change != protocol.StatusUp && ev.Change != protocol.StatusDown {
			return d.touch(now) // unknown change: counts, says nothing
		}
		if i := slices.IndexFunc(d.batch.Status, func(s statusChange) bool { return s.Addr == addr }); i >= 0 {
			d.batch.Status[i].Up = up
		} else {
			d.batch.Status = append(d.batch.Status, statusChange{Addr: addr, Up: up})
		}
	case protocol.EventSchemaChange:
		// Only a keyspace's own definition holds its replication; tables,
		// types and functions do not move replicas.
		if ev.Schema.Target == protocol.TargetKeyspace && ev.Schema.Keyspace != "" {
			if i, found := slices.BinarySearch(d.batch.Keyspaces, ev.Schema.Keyspace); !found {
				d.batch.Keyspaces = slices.Insert(d.batch.Keyspaces, i, ev.Schema.Keyspace)
			}
		}
	}
	return d.touch(now)
}

// lost records that events were dropped: the batch asks for a refresh.
func (d *debouncer) lost(now time.Time) bool {
	d.batch.Refresh = true
	return d.touch(now)
}

func (d *debouncer) touch(now time.Time) bool {
	d.n++
	d.due = now.Add(d.window)
	return d.n >= maxBatch
}

// deadline is when the open batch is due, and false when none is open.
func (d *debouncer) deadline() (time.Time, bool) {
	return d.due, d.n > 0
}

// take returns the open batch and starts a new one.
func (d *debouncer) take() eventBatch {
	b := d.batch
	*d = debouncer{window: d.window}
	return b
}

// eventAddr formats an event's address as host:port, an IPv4-mapped IPv6
// address as IPv4.
func eventAddr(ap netip.AddrPort) string {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()).String()
}

// Backoff of the control connection's reconnection: exponential from
// 1 s to 30 s, each delay scaled by a random factor in [0.85, 1.15) so
// that the clients of a restarted cluster do not come back at once. It
// never gives up (the Python driver giving up after 64 tries is a known
// complaint).
const (
	backoffBase = time.Second
	backoffMax  = 30 * time.Second
)

// backoffDelay is the delay after the attempt-th failed round (0-based);
// u is a random number in [0, 1).
func backoffDelay(attempt int, u float64) time.Duration {
	d := backoffMax
	if attempt < 5 { // 1 s << 5 = 32 s > max
		d = min(backoffBase<<attempt, backoffMax)
	}
	return time.Duration(float64(d) * (0.85 + 0.3*u))
}

// jittered scales d by a random factor in [1-frac, 1+frac); u is in [0, 1).
func jittered(d time.Duration, frac, u float64) time.Duration {
	return time.Duration(float64(d) * (1 - frac + 2*frac*u))
}
