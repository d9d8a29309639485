package cassandra

import (
	"context"
	"errors"

	"github.com/cqlsql/cassandra/protocol"
)

// retryDecision is what the executor does after a failed attempt.
type retryDecision uint8

const (
	rethrow   retryDecision = iota // return the error
	retrySame                      // send again to the same host
	retryNext                      // send again to the next host
)

func (d retryDecision) String() string {
	return [...]string{"rethrow", "retry on the same host", "retry on the next host"}[d]
}

// decideRetry is the retry table, modelled on the DataStax Java driver's
// DefaultRetryPolicy (README, "Retries"). retried is how many retries this
// request already had; sent says whether the failed attempt may have
// reached the server (protocol.NotSent tells).
//
//	failure                          idempotent            not idempotent
//	not sent (socket closed before)  next host             next host
//	read timeout                     same host, once, when enough replicas answered but the data did not come back
//	write timeout                    same host, once, for a BATCH_LOG write   never
//	unavailable                      next host, once       next host, once
//	overloaded, server error,        next host             never
//	truncate error
//	bootstrapping                    next host             next host (never executed)
//	socket lost after sending        next host             never: ErrMaybeApplied
//	client timeout, context ended    never (the budget is spent)
//	anything else (syntax, invalid,  never
//	unauthorized, already exists,
//	read/write failure, function
//	failure, protocol, CAS unknown)
func decideRetry(err error, idempotent, sent bool, retried int) retryDecision {
	if !sent {
		if errors.Is(err, protocol.ErrConnClosed) {
			return retryNext
		}
		return rethrow
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return rethrow
	}
	var e *Error
	if !errors.As(err, &e) {
		if idempotent && errors.Is(err, protocol.ErrConnClosed) {
			return retryNext
		}
		return rethrow
	}
	switch e.Code {
	case ErrCodeReadTimeout:
		if rt, ok := e.Details.(*ReadTimeout); ok && retried == 0 && rt.Received >= rt.BlockFor && !rt.DataPresent {
			return retrySame
		}
	case ErrCodeWriteTimeout:
		if wt, ok := e.Details.(*WriteTimeout); ok && idempotent && retried == 0 && wt.WriteType == "BATCH_LOG" {
			return retrySame
		}
	case ErrCodeUnavailable:
		if retried == 0 {
			return retryNext
		}
	case ErrCodeOverloaded, ErrCodeServer, ErrCodeTruncate:
		if idempotent {
			return retryNext
		}
	case ErrCodeIsBootstrapping:
		return retryNext
	}
	return rethrow
}

// maybeApplied reports whether err leaves a write in doubt: it was sent
// and no answer came.
func maybeApplied(err error, sent bool) bool {
	if !sent || err == nil {
		return false
	}
	if _, ok := serverCode(err); ok {
		return false // the server answered
	}
	return errors.Is(err, protocol.ErrConnClosed) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
