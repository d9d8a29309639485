package cassandra

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cqlsql/cassandra/protocol"
)

// TestDecideRetryTable walks every row of decideRetry's table (retry.go)
// over idempotent or not, sent or not and retried 0 or 1 times.
func TestDecideRetryTable(t *testing.T) {
	const (
		R = rethrow
		S = retrySame
		N = retryNext
	)
	srvErr := func(code ErrorCode, details protocol.ErrorDetails) error {
		return &Error{Code: code, Message: "from the server", Details: details}
	}
	// How the executor sees each failure: server errors as *Error (maybe
	// wrapped), the rest as the protocol package returns them.
	lost := fmt.Errorf("cassandra: connection to 10.0.0.1:9042 lost: %w", ErrConnClosed)
	timeout := fmt.Errorf("cassandra: no response from 10.0.0.1:9042 within 2s: %w", context.DeadlineExceeded)
	ctxTimeout := fmt.Errorf("cassandra: no response from 10.0.0.1:9042 before the context's deadline: %w", context.DeadlineExceeded)
	canceled := fmt.Errorf("cassandra: request to 10.0.0.1:9042 abandoned before its response: %w", context.Canceled)
	noStream := fmt.Errorf("cassandra: no stream id free on 10.0.0.1:9042 within 2s: 8 requests in flight, 8 of them abandoned after timeouts: %w", context.DeadlineExceeded)

	for _, tc := range []struct {
		name string
		err  error
		// The decision for a sent request: idempotent, retried 0 and 1
		// times; not idempotent, retried 0 and 1 times.
		idem0, idem1, non0, non1 retryDecision
		// The decision when the request was not sent, whatever the
		// idempotence and the retries so far.
		notSent retryDecision
	}{
		{"read timeout, enough replicas, no data", srvErr(ErrCodeReadTimeout, &ReadTimeout{Received: 2, BlockFor: 2}), S, R, S, R, R},
		{"read timeout, more replicas than needed, no data", srvErr(ErrCodeReadTimeout, &ReadTimeout{Received: 3, BlockFor: 2}), S, R, S, R, R},
		{"read timeout, enough replicas, data present", srvErr(ErrCodeReadTimeout, &ReadTimeout{Received: 2, BlockFor: 2, DataPresent: true}), R, R, R, R, R},
		{"read timeout, not enough replicas", srvErr(ErrCodeReadTimeout, &ReadTimeout{Received: 1, BlockFor: 2}), R, R, R, R, R},
		{"read timeout, not enough replicas, data present", srvErr(ErrCodeReadTimeout, &ReadTimeout{Received: 1, BlockFor: 2, DataPresent: true}), R, R, R, R, R},
		{"read timeout without details", srvErr(ErrCodeReadTimeout, nil), R, R, R, R, R},
		{"write timeout BATCH_LOG", srvErr(ErrCodeWriteTimeout, &WriteTimeout{WriteType: "BATCH_LOG", Received: 0, BlockFor: 1}), S, R, R, R, R},
		{"write timeout SIMPLE", srvErr(ErrCodeWriteTimeout, &WriteTimeout{WriteType: "SIMPLE", Received: 0, BlockFor: 1}), R, R, R, R, R},
		{"write timeout BATCH", srvErr(ErrCodeWriteTimeout, &WriteTimeout{WriteType: "BATCH", Received: 0, BlockFor: 1}), R, R, R, R, R},
		{"unavailable", srvErr(ErrCodeUnavailable, &Unavailable{Required: 2, Alive: 1}), N, R, N, R, R},
		{"overloaded", srvErr(ErrCodeOverloaded, nil), N, N, R, R, R},
		{"server error", srvErr(ErrCodeServer, nil), N, N, R, R, R},
		{"truncate error", srvErr(ErrCodeTruncate, nil), N, N, R, R, R},
		{"bootstrapping", srvErr(ErrCodeIsBootstrapping, nil), N, N, N, N, R},
		{"read failure", srvErr(ErrCodeReadFailure, &ReadFailure{Received: 1, BlockFor: 2, NumFailures: 1}), R, R, R, R, R},
		{"write failure", srvErr(ErrCodeWriteFailure, &WriteFailure{Received: 1, BlockFor: 2, NumFailures: 1, WriteType: "SIMPLE"}), R, R, R, R, R},
		{"CDC write failure", srvErr(ErrCodeCDCWriteFailure, nil), R, R, R, R, R},
		{"syntax", srvErr(ErrCodeSyntax, nil), R, R, R, R, R},
		{"invalid", srvErr(ErrCodeInvalid, nil), R, R, R, R, R},
		{"config", srvErr(ErrCodeConfig, nil), R, R, R, R, R},
		{"unauthorized", srvErr(ErrCodeUnauthorized, nil), R, R, R, R, R},
		{"bad credentials", srvErr(ErrCodeBadCredentials, nil), R, R, R, R, R},
		{"already exists", srvErr(ErrCodeAlreadyExists, &AlreadyExists{Keyspace: "ks", Table: "t"}), R, R, R, R, R},
		{"function failure", srvErr(ErrCodeFunctionFailure, &FunctionFailure{Keyspace: "ks", Function: "f"}), R, R, R, R, R},
		{"protocol error", srvErr(ErrCodeProtocol, nil), R, R, R, R, R},
		{"CAS write unknown", srvErr(ErrCodeCASWriteUnknown, &CASWriteUnknown{Received: 1, BlockFor: 2}), R, R, R, R, R},
		{"unprepared (handled inside the attempt)", srvErr(ErrCodeUnprepared, nil), R, R, R, R, R},
		{"wrapped server error keeps its row", fmt.Errorf("cassandra: preparing again after UNPREPARED: %w", srvErr(ErrCodeOverloaded, nil)), N, N, R, R, R},
		{"socket lost", lost, N, N, R, R, N},
		{"socket closed by Close", fmt.Errorf("%w by Close", ErrConnClosed), N, N, R, R, N},
		{"client timeout", timeout, R, R, R, R, R},
		{"context deadline", ctxTimeout, R, R, R, R, R},
		{"context canceled", canceled, R, R, R, R, R},
		{"no stream id within the timeout", noStream, R, R, R, R, R},
		{"bare context.Canceled", context.Canceled, R, R, R, R, R},
		{"an error the table does not know", errors.New("cassandra: something else"), R, R, R, R, R},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				idempotent, sent bool
				retried          int
				want             retryDecision
			}{
				{true, true, 0, tc.idem0},
				{true, true, 1, tc.idem1},
				{false, true, 0, tc.non0},
				{false, true, 1, tc.non1},
				{true, false, 0, tc.notSent},
				{true, false, 1, tc.notSent},
				{false, false, 0, tc.notSent},
				{false, false, 1, tc.notSent},
			} {
				if got := decideRetry(tc.err, c.idempotent, c.sent, c.retried); got != c.want {
					t.Errorf("idempotent=%t sent=%t retried=%d: %v, want %v", c.idempotent, c.sent, c.retried, got, c.want)
				}
			}
		})
	}
}

// TestMaybeApplied: a write is in doubt when it was sent and no answer
// came (lost socket, timeout, context ended), never when the server
// answered or the request never left.
func TestMaybeApplied(t *testing.T) {
	lost := fmt.Errorf("cassandra: connection to h lost: %w", ErrConnClosed)
	timeout := fmt.Errorf("cassandra: no response from h within 1s: %w", context.DeadlineExceeded)
	canceled := fmt.Errorf("cassandra: request to h abandoned before its response: %w", context.Canceled)
	server := &Error{Code: ErrCodeWriteTimeout, Details: &WriteTimeout{WriteType: "SIMPLE"}}
	for _, tc := range []struct {
		name string
		err  error
		sent bool
		want bool
	}{
		{"lost after sending", lost, true, true},
		{"lost before sending", lost, false, false},
		{"timeout after sending", timeout, true, true},
		{"timeout before sending", timeout, false, false},
		{"canceled after sending", canceled, true, true},
		{"server write timeout", server, true, false},
		{"server error wrapping nothing else", &Error{Code: ErrCodeOverloaded}, true, false},
		{"success", nil, true, false},
		{"unknown error", errors.New("cassandra: other"), true, false},
	} {
		if got := maybeApplied(tc.err, tc.sent); got != tc.want {
			t.Errorf("%s: maybeApplied = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// TestRetryDecisionString names every decision.
func TestRetryDecisionString(t *testing.T) {
	for d, want := range map[retryDecision]string{rethrow: "rethrow", retrySame: "retry on the same host", retryNext: "retry on the next host"} {
		if d.String() != want {
			t.Errorf("%d: %q, want %q", d, d.String(), want)
		}
	}
}
