package protocol

import (
	"context"
	"fmt"
)

// Query runs a QUERY (spec section 4.1.4) and returns its RESULT.
func (c *Conn) Query(ctx context.Context, q *Query) (*Result, *ResponseFrame, error) {
	return c.result(ctx, q)
}

// Prepare runs a PREPARE (spec section 4.1.5) and returns the Prepared
// result (statement id, metadata).
func (c *Conn) Prepare(ctx context.Context, p *Prepare) (*Prepared, *ResponseFrame, error) {
	r, f, err := c.result(ctx, p)
	if err != nil {
		return nil, f, err
	}
	if r.Kind != ResultPrepared {
		return nil, f, fmt.Errorf("cassandra: server %s answered PREPARE with a %v result", c.addr, r.Kind)
	}
	return &r.Prepared, f, nil
}

// Execute runs an EXECUTE (spec section 4.1.6) and returns its RESULT. An
// UNPREPARED error comes back as a *Error with code ErrCodeUnprepared.
func (c *Conn) Execute(ctx context.Context, e *Execute) (*Result, *ResponseFrame, error) {
	return c.result(ctx, e)
}

// Batch runs a BATCH (spec section 4.1.7) and returns its RESULT.
func (c *Conn) Batch(ctx context.Context, b *Batch) (*Result, *ResponseFrame, error) {
	return c.result(ctx, b)
}

// QueryWith is Query with per-request frame options.
func (c *Conn) QueryWith(ctx context.Context, q *Query, o RequestOptions) (*Result, *ResponseFrame, error) {
	return c.resultWith(ctx, q, o)
}

func (c *Conn) result(ctx context.Context, req Request) (*Result, *ResponseFrame, error) {
	return c.resultWith(ctx, req, RequestOptions{})
}

func (c *Conn) resultWith(ctx context.Context, req Request, o RequestOptions) (*Result, *ResponseFrame, error) {
	f, err := c.DoWith(ctx, req, o)
	if err != nil {
		return nil, f, err
	}
	r, ok := f.Message.(*Result)
	if !ok {
		return nil, f, fmt.Errorf("cassandra: server %s answered %v with %v instead of RESULT", c.addr, req.Opcode(), f.Header.Opcode)
	}
	return r, f, nil
}
