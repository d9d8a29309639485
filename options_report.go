package cassandra

import (
	"sync"

	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// traceSink is the destination of WithTracing. Its mutex serializes the
// writes of queries that share the option (through a context).
type traceSink struct {
	mu sync.Mutex
	id *uuid.UUID
}

func (s *traceSink) set(id uuid.UUID) {
	s.mu.Lock()
	*s.id = id
	s.mu.Unlock()
}

// warningSink is the destination of WithWarnings, guarded as traceSink.
type warningSink struct {
	mu  sync.Mutex
	dst *[]string
}

func (s *warningSink) add(w []string) {
	s.mu.Lock()
	*s.dst = append(*s.dst, w...)
	s.mu.Unlock()
}

// tracing reports whether the requests of the query ask for tracing.
func (o *queryOptions) tracing() bool {
	return o.trace != nil || o.pages != nil && o.pages.trace != nil
}

// report hands the tracing id and warnings of response f to the query's
// destinations: at once, or, for the pages after the first (fetched in the
// background), to pageReports until the caller reaches the page.
func (o *queryOptions) report(f *protocol.ResponseFrame) {
	if f == nil {
		return
	}
	if o.pages != nil {
		o.pages.hold(f)
		return
	}
	if o.trace != nil && f.Traced() {
		o.trace.set(uuid.UUID(f.TracingID))
	}
	if o.warnings != nil && len(f.Warnings) > 0 {
		o.warnings.add(f.Warnings)
	}
}

// deferReports is called once the first page of a query is in: the
// tracing ids and warnings of later pages, which may arrive on a prefetch
// goroutine, wait in a pageReports that rows deliver from the caller's own
// calls (rows.install).
func (o *queryOptions) deferReports() {
	if o.trace == nil && o.warnings == nil {
		return
	}
	o.pages = &pageReports{trace: o.trace, warnings: o.warnings}
	o.trace, o.warnings = nil, nil
}

// pageReports keeps what the responses of later pages reported until the
// page is installed.
type pageReports struct {
	trace    *traceSink
	warnings *warningSink

	mu      sync.Mutex
	traced  bool
	traceID uuid.UUID
	pending []string
}

func (p *pageReports) hold(f *protocol.ResponseFrame) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trace != nil && f.Traced() {
		p.traced, p.traceID = true, uuid.UUID(f.TracingID)
	}
	if p.warnings != nil && len(f.Warnings) > 0 {
		p.pending = append(p.pending, f.Warnings...)
	}
}

// deliver writes what the pages received so far reported into the
// caller's destinations. A nil p delivers nothing.
func (p *pageReports) deliver() {
	if p == nil {
		return
	}
	p.mu.Lock()
	traced, id, warns := p.traced, p.traceID, p.pending
	p.traced, p.pending = false, nil
	p.mu.Unlock()
	if traced {
		p.trace.set(id)
	}
	if len(warns) > 0 {
		p.warnings.add(warns)
	}
}
