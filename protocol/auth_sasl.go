package protocol

import (
	"errors"
	"fmt"
)

// Authenticator answers the server's AUTHENTICATE message (spec section
// 4.2.3): the server names its IAuthenticator class and the client replies
// with AUTH_RESPONSE tokens (section 4.1.2) until the server sends
// AUTH_SUCCESS (section 4.2.8). Tokens are opaque SASL bytes.
type Authenticator interface {
	// InitialResponse returns the first token for the named server
	// authenticator class, and the Challenger that handles the rest of the
	// exchange (nil if the mechanism expects no challenge).
	InitialResponse(authenticatorClass string) ([]byte, Challenger, error)
}

// Challenger continues a SASL exchange started by an Authenticator.
type Challenger interface {
	// Challenge answers an AUTH_CHALLENGE token (section 4.2.7).
	Challenge(token []byte) ([]byte, error)
	// Success receives the final AUTH_SUCCESS token, which may be nil.
	Success(token []byte) error
}

// PasswordAuthenticator authenticates with SASL PLAIN, the mechanism of
// Cassandra's PasswordAuthenticator (and of DSE's plain-text authenticators).
// Its String and GoString methods never show the password.
type PasswordAuthenticator struct {
	Username string
	Password string
}

// InitialResponse returns the PLAIN token "\x00username\x00password". The
// class name is not checked: any authenticator that accepts PLAIN works.
func (a PasswordAuthenticator) InitialResponse(string) ([]byte, Challenger, error) {
	tok := make([]byte, 0, 2+len(a.Username)+len(a.Password))
	tok = append(tok, 0)
	tok = append(tok, a.Username...)
	tok = append(tok, 0)
	tok = append(tok, a.Password...)
	return tok, plainChallenger{}, nil
}

// String returns the username only.
func (a PasswordAuthenticator) String() string {
	return fmt.Sprintf("PasswordAuthenticator{Username: %q, Password: <redacted>}", a.Username)
}

// GoString returns the same as String, so %#v hides the password too.
func (a PasswordAuthenticator) GoString() string { return a.String() }

type plainChallenger struct{}

func (plainChallenger) Challenge([]byte) ([]byte, error) {
	return nil, errors.New("cassandra: server sent an AUTH_CHALLENGE after the PLAIN credentials; the server authenticator needs a mechanism other than PasswordAuthenticator")
}

func (plainChallenger) Success([]byte) error { return nil }
