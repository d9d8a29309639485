package cassandra

import "io"

// HasNextResultSet reports, in PagingPages mode, whether another page
// follows; in PagingAuto mode there is a single result set.
func (r *rows) HasNextResultSet() bool {
	return r.mode == PagingPages && r.state != nil && !r.closed
}

// NextResultSet fetches the next page (PagingPages mode) and makes it the
// current result set. It returns io.EOF after the last page. When the last
// page was full, the server only learns there is nothing more when asked
// again and answers with an empty final page: that page is not a result
// set, NextResultSet returns io.EOF instead.
func (r *rows) NextResultSet() error {
	if !r.HasNextResultSet() {
		return io.EOF
	}
	res, cols, err := r.req.fetch(r.ctx, r.state)
	if err != nil {
		return r.req.c.scrub(err)
	}
	if err := r.install(res, cols); err != nil {
		return r.req.c.scrub(err)
	}
	if r.state == nil && (r.cur == nil || r.cur.Remaining() == 0) {
		return io.EOF
	}
	return nil
}
