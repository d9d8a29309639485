package cassandra

import (
	"crypto/tls"
	"database/sql/driver"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
)

// redacted replaces a secret in an error text.
const redacted = "<redacted>"

// errPrefix starts every error text of the driver. It is never redacted,
// even when the password is "cassandra" (the default of a new cluster) or
// a part of the word: an error keeps saying where it comes from.
const errPrefix = "cassandra: "

// secrets returns what no error text may show: the password, as given and
// percent-encoded, and the PEM of the TLS private key once tlsConfig has
// loaded it, whole and line by line.
func (c *Config) secrets() []string {
	var s []string
	if c.Password != "" {
		s = append(s, c.Password)
		if e := escape(c.Password, ""); e != c.Password {
			s = append(s, e)
		}
	}
	if c.tlsKey != nil {
		key := *c.tlsKey.text
		s = append(s, strings.TrimSpace(key))
		for _, line := range strings.Split(key, "\n") {
			// Base64 lines of the key; the BEGIN and END lines are not secret.
			if line = strings.TrimSpace(line); len(line) >= 16 && !strings.HasPrefix(line, "-----") {
				s = append(s, line)
			}
		}
	}
	return s
}

// secret holds a text two pointers away from the Config, where fmt never
// prints it: fmt shows the fields of a struct it cannot call String on (an
// unexported field holding a Config), and with a verb other than %v the
// pointee of a pointer field, but a pointer inside that as an address.
type secret struct{ text *string }

// loadKeyPair reads TLSCert and TLSKey and keeps the key's PEM, so that
// errors can be scrubbed of it (see secrets).
func (c *Config) loadKeyPair() (tls.Certificate, error) {
	certPEM, err := os.ReadFile(c.TLSCert)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cassandra: reading tls_cert: %w", err)
	}
	keyPEM, err := os.ReadFile(c.TLSKey)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cassandra: reading tls_key: %w", err)
	}
	if b, _ := pem.Decode(keyPEM); b != nil {
		text := string(keyPEM)
		c.tlsKey = &secret{text: &text}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("cassandra: loading tls_cert and tls_key: %w", err)
	}
	return cert, nil
}

// scrub returns err with the Connector's secrets (see Config.secrets)
// replaced by "<redacted>" in its text; errors.Is and errors.As still see
// every error err wraps. An error that shows no secret is returned as it
// is, so that io.EOF and driver.ErrBadConn stay themselves.
func (c *Connector) scrub(err error) error {
	if err == nil || err == io.EOF || c == nil || c.cfg == nil { // io.EOF ends every result: keep it cheap
		return err
	}
	return redact(err, c.cfg.secrets())
}

// The exported methods of conn, stmt and Connector return through these,
// one line each: return cn.c.scrubRows(cn.query(...)).
func (c *Connector) scrubRows(r driver.Rows, err error) (driver.Rows, error) {
	return r, c.scrub(err)
}

func (c *Connector) scrubResult(r driver.Result, err error) (driver.Result, error) {
	return r, c.scrub(err)
}

// redact returns err with every secret replaced by "<redacted>" in its
// text and in the texts of the errors it wraps, or err itself when its text
// shows none. The result mirrors err's tree: Unwrap gives the redacted
// wrapped errors (one or several, as %w gave them), Is matches what the
// original error matched, and As hands out the original errors, except
// that a server *Error comes with its Message redacted.
func redact(err error, secrets []string) error {
	if err == nil || len(secrets) == 0 {
		return err
	}
	switch err {
	case io.EOF, driver.ErrBadConn, driver.ErrSkip, driver.ErrRemoveArgument:
		// Constant texts of the standard library, compared with == by
		// database/sql.
		return err
	}
	if _, changed := redactText(err.Error(), secrets); !changed {
		return err
	}
	return mirror(err, secrets)
}

func mirror(err error, secrets []string) error {
	r := &redactedError{orig: err, secrets: secrets}
	r.msg, _ = redactText(err.Error(), secrets)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if k := u.Unwrap(); k != nil {
			r.kids = []error{mirror(k, secrets)}
		}
	case interface{ Unwrap() []error }:
		for _, k := range u.Unwrap() {
			if k != nil {
				r.kids = append(r.kids, mirror(k, secrets))
			}
		}
	}
	return r
}

// redactedError stands for one error of the tree redact was given.
type redactedError struct {
	msg     string
	orig    error   // the error this one stands for
	kids    []error // what orig wraps, redacted
	secrets []string
}

func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the redacted errors orig wraps.
func (e *redactedError) Unwrap() []error { return e.kids }

// Is reports whether orig itself (not what it wraps: Unwrap covers that)
// matches target.
func (e *redactedError) Is(target error) bool {
	if reflect.TypeOf(target).Comparable() && e.orig == target {
		return true
	}
	x, ok := e.orig.(interface{ Is(error) bool })
	return ok && x.Is(target)
}

// As sets target to orig when orig's type fits, with a server *Error's
// Message redacted.
func (e *redactedError) As(target any) bool {
	if x, ok := e.orig.(interface{ As(any) bool }); ok && x.As(target) {
		return true
	}
	v := reflect.ValueOf(target).Elem() // errors.As checked target
	if v.Kind() == reflect.Interface && reflect.TypeOf(e).Implements(v.Type()) {
		v.Set(reflect.ValueOf(e))
		return true
	}
	if !reflect.TypeOf(e.orig).AssignableTo(v.Type()) {
		return false
	}
	var out error = e.orig
	var se *Error
	if errors.As(e.orig, &se) && se == e.orig {
		cp := *se
		cp.Message, _ = redactText(cp.Message, e.secrets)
		out = &cp
	}
	v.Set(reflect.ValueOf(out))
	return true
}

// redactText replaces every occurrence of every secret in s by
// "<redacted>", except inside the "cassandra: " prefixes, and reports
// whether it replaced anything.
func redactText(s string, secrets []string) (string, bool) {
	var keep [][2]int
	for i := 0; ; {
		j := strings.Index(s[i:], errPrefix)
		if j < 0 {
			break
		}
		keep = append(keep, [2]int{i + j, i + j + len(errPrefix)})
		i += j + len(errPrefix)
	}
	var cut [][2]int
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for i := 0; i < len(s); {
			j := strings.Index(s[i:], sec)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(sec)
			if !within(keep, start, end) {
				cut = append(cut, [2]int{start, end})
			}
			i = start + 1
		}
	}
	if len(cut) == 0 {
		return s, false
	}
	sort.Slice(cut, func(a, b int) bool { return cut[a][0] < cut[b][0] })
	merged := cut[:1]
	for _, c := range cut[1:] {
		if m := &merged[len(merged)-1]; c[0] <= m[1] {
			m[1] = max(m[1], c[1])
			continue
		}
		merged = append(merged, c)
	}
	var b strings.Builder
	last := 0
	for _, c := range merged {
		b.WriteString(s[last:c[0]])
		b.WriteString(redacted)
		last = c[1]
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// within reports whether [start, end) lies inside one of the ranges.
func within(ranges [][2]int, start, end int) bool {
	for _, r := range ranges {
		if r[0] <= start && end <= r[1] {
			return true
		}
	}
	return false
}
