package protocol

import "errors"

// notSentError marks the error of a request none of whose bytes were
// handed to the socket: the server cannot have seen it, so sending it
// again elsewhere is safe whether or not it is idempotent.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

func notSent(err error) error {
	if err == nil || NotSent(err) {
		return err
	}
	return &notSentError{err}
}

// NotSent reports whether err is the error of a request that never left
// the process (the connection was closed or lost before the writer took
// it, no stream id was free, the context ended first, or it could not be
// encoded). Any other failure after a request was queued may have reached
// the server.
func NotSent(err error) bool {
	var e *notSentError
	return errors.As(err, &e)
}
