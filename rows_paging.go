package cassandra

import "io"

// HasNextResultSet reports, in PagingPages mode, whether another page
// follows; in PagingAuto mode there is a single result set.
func (r *rows) HasNextResultSet() bool {
	return r.mode == PagingPages && r.state != nil && !r.closed
}

// NextResultSet fetches the next page (PagingPages mode) and makes it the
// current result set. It returns io.EOF after the last page.
func (r *rows) NextResultSet() error {
	if !r.HasNextResultSet() {
		return io.EOF
	}
	res, cols, err := r.req.fetch(r.ctx, r.state)
	if err != nil {
		return err
	}
	return r.install(res, cols)
}
