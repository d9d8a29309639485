package protocol

import (
	"context"
	"errors"
	"math/bits"
	"sync/atomic"
)

// MaxStreams is the number of request stream ids a connection can have in
// flight at once: ids 0..32767 (spec v4/v5 section 2.3: the stream id is a
// [short]; negative ids are reserved for server-initiated streams).
const MaxStreams = 1 << 15

const streamWords = MaxStreams / 64

// streamIDs hands out stream ids from a bitmap. Allocation and release are
// lock-free (one CAS on one 64-bit word in the common case). A buffered
// channel of empty structs counts the ids in use so that a caller blocks,
// respecting its context, only when every id is taken.
type streamIDs struct {
	// slots holds one token per id in use; its capacity is the number
	// of ids. Tokens are zero-sized, so the buffer costs no memory.
	slots chan struct{}
	hint  atomic.Uint32 // word index where the next search starts
	words [streamWords]atomic.Uint64
	max   int
}

// newStreamIDs returns an allocator of ids 0..max-1; max is clamped to
// 1..MaxStreams (a smaller max is handy for tests).
func newStreamIDs(max int) *streamIDs {
	if max <= 0 || max > MaxStreams {
		max = MaxStreams
	}
	s := &streamIDs{slots: make(chan struct{}, max), max: max}
	// Mark ids >= max as permanently used.
	for id := max; id < MaxStreams; id++ {
		s.words[id/64].Store(s.words[id/64].Load() | 1<<(uint(id)%64))
	}
	return s
}

// errStreamsClosed is returned by acquire when its done channel closes,
// errStreamsTimeout when its timeout channel fires.
var (
	errStreamsClosed  = errors.New("cassandra: connection closed while waiting for a free stream id")
	errStreamsTimeout = errors.New("cassandra: timed out waiting for a free stream id")
)

// acquire returns a free stream id, waiting for one to be released when all
// are in use. It returns ctx.Err() if ctx ends first, errStreamsClosed if
// done (may be nil) closes first, errStreamsTimeout if timeout (may be nil)
// fires first.
func (s *streamIDs) acquire(ctx context.Context, done, timeout <-chan struct{}) (int16, error) {
	select {
	case s.slots <- struct{}{}:
	default:
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-done:
			return 0, errStreamsClosed
		case <-timeout:
			return 0, errStreamsTimeout
		}
	}
	// Holding a token guarantees at least one clear bit exists.
	start := int(s.hint.Load()) % streamWords
	for {
		for i := 0; i < streamWords; i++ {
			w := (start + i) % streamWords
			for {
				old := s.words[w].Load()
				if old == ^uint64(0) {
					break
				}
				bit := bits.TrailingZeros64(^old)
				if s.words[w].CompareAndSwap(old, old|1<<uint(bit)) {
					if old|1<<uint(bit) == ^uint64(0) {
						s.hint.Store(uint32(w + 1))
					}
					return int16(w*64 + bit), nil
				}
			}
		}
		// Another goroutine that also holds a token raced us for the
		// last bits of every word we looked at; the bit it will release
		// or the one not yet taken exists, so search again.
		start = 0
	}
}

// release returns id to the pool. It must be called exactly once per id
// returned by acquire.
func (s *streamIDs) release(id int16) {
	w, bit := int(id)/64, uint(id)%64
	for {
		old := s.words[w].Load()
		if s.words[w].CompareAndSwap(old, old&^(1<<bit)) {
			break
		}
	}
	<-s.slots
}

// inUse reports how many ids are currently taken.
func (s *streamIDs) inUse() int { return len(s.slots) }
