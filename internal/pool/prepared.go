package pool

import (
	"context"
	"errors"
	"sync"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// MaxPrepared bounds the statements a Cache keeps; past it, an arbitrary
// entry is dropped (the server keeps its own copy, so a dropped entry only
// costs one PREPARE when used again).
const MaxPrepared = 4096

// Stmt is a prepared statement shared by every connection of a Connector:
// its id, the types of its bind markers with their compiled encoders, and
// the metadata of the rows it returns, which a v5 server may announce has
// changed (after ALTER TABLE) and which Stmt then keeps up to date.
type Stmt struct {
	Keyspace string
	Query    string
	ID       []byte
	Bound    []protocol.ColumnSpec
	Encoders []*codec.Encoder
	// PKIndexes gives, per partition key column in order, the bound value
	// that supplies it (spec v4 section 4.2.5.4), for token-aware routing;
	// empty when some partition key column has no plain bind marker.
	PKIndexes []uint16
	// Conditional: the statement has an IF clause (a lightweight
	// transaction), so its replicas are tried in a fixed order.
	Conditional bool

	mu       sync.RWMutex
	resultID []byte
	result   []protocol.ColumnSpec
	plan     any // derived from result by the driver; dropped when result changes
}

// Plan returns what CachePlan last stored for the current result columns,
// or nil. The driver keeps its per-column decoders there, so that they are
// built once per statement rather than once per query.
func (s *Stmt) Plan() any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.plan
}

// CachePlan stores plan, derived from cols, unless cols are no longer the
// statement's result columns (the metadata changed meanwhile).
func (s *Stmt) CachePlan(cols []protocol.ColumnSpec, plan any) {
	s.mu.Lock()
	if sameSlice(cols, s.result) {
		s.plan = plan
	}
	s.mu.Unlock()
}

// sameSlice reports whether a and b are the same slice of the same array.
func sameSlice(a, b []protocol.ColumnSpec) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Result returns the result metadata id (v5) and the result columns last
// known for the statement.
func (s *Stmt) Result() (id []byte, cols []protocol.ColumnSpec) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.resultID, s.result
}

// SetResult records new result metadata, as a Rows result with
// Metadata_changed or a new PREPARE reports it.
func (s *Stmt) SetResult(id []byte, cols []protocol.ColumnSpec) {
	s.mu.Lock()
	s.resultID, s.result, s.plan = id, cols, nil
	s.mu.Unlock()
}

// NewStmt builds a Stmt from a Prepared result, compiling one encoder per
// distinct bind marker type.
func NewStmt(keyspace, query string, p *protocol.Prepared) (*Stmt, error) {
	s := &Stmt{
		Keyspace:    keyspace,
		Query:       query,
		ID:          p.ID,
		Bound:       p.Metadata.Columns,
		Encoders:    make([]*codec.Encoder, len(p.Metadata.Columns)),
		PKIndexes:   p.Metadata.PKIndexes,
		Conditional: isConditional(query),
		resultID:    p.ResultMetadataID,
		result:      p.ResultMetadata.Columns,
	}
	var set codec.EncoderSet // equal bind marker types share one encoder
	for i, c := range p.Metadata.Columns {
		e, err := set.Encoder(c.Type)
		if err != nil {
			return nil, codec.WithColumn(err, c.Name)
		}
		s.Encoders[i] = e
	}
	return s, nil
}

// Update takes the id and metadata of a new PREPARE of the same statement
// (after UNPREPARED).
func (s *Stmt) Update(p *protocol.Prepared) {
	s.mu.Lock()
	s.ID = p.ID
	s.resultID, s.result, s.plan = p.ResultMetadataID, p.ResultMetadata.Columns, nil
	s.mu.Unlock()
}

// StmtID returns the current statement id.
func (s *Stmt) StmtID() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ID
}

type cacheKey struct{ keyspace, query string }

type entry struct {
	done chan struct{}
	stmt *Stmt
	err  error
}

// Cache maps keyspace and query text to prepared statements. Concurrent
// first uses of a query prepare it once.
type Cache struct {
	mu sync.Mutex
	m  map[cacheKey]*entry
}

// PrepareFunc sends PREPARE for query and builds the Stmt.
type PrepareFunc func(ctx context.Context) (*Stmt, error)

// Get returns the cached statement for keyspace and query, or prepares it
// with prepare. A failed prepare is not cached. A caller waiting for
// another caller's prepare that was cancelled tries again itself.
func (c *Cache) Get(ctx context.Context, keyspace, query string, prepare PrepareFunc) (*Stmt, error) {
	k := cacheKey{keyspace, query}
	for {
		c.mu.Lock()
		if c.m == nil {
			c.m = make(map[cacheKey]*entry)
		}
		e, ok := c.m[k]
		if !ok {
			if len(c.m) >= MaxPrepared {
				for old := range c.m {
					delete(c.m, old)
					break
				}
			}
			e = &entry{done: make(chan struct{})}
			c.m[k] = e
			c.mu.Unlock()
			e.stmt, e.err = prepare(ctx)
			if e.err != nil {
				c.mu.Lock()
				if c.m[k] == e {
					delete(c.m, k)
				}
				c.mu.Unlock()
			}
			close(e.done)
			return e.stmt, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e.stmt, nil
		}
		if errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded) {
			continue // someone else's context ended; prepare with ours
		}
		return nil, e.err
	}
}

// Forget drops the statement for keyspace and query.
func (c *Cache) Forget(keyspace, query string) {
	c.mu.Lock()
	delete(c.m, cacheKey{keyspace, query})
	c.mu.Unlock()
}

// Len returns the number of cached statements.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
