package testcluster

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// ReleaseVersion asks the node at addr for system.local's release_version
// over a minimal protocol v4 exchange of its own (STARTUP, optional PLAIN
// auth, QUERY). It lets the launcher and the first test check that a real
// server answers CQL independently of the driver under test.
func ReleaseVersion(ctx context.Context, addr, user, password string, tlsConf *tls.Config) (string, error) {
	d := net.Dialer{}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	} else {
		nc.SetDeadline(time.Now().Add(10 * time.Second))
	}
	if tlsConf != nil {
		tc := tls.Client(nc, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			return "", err
		}
		nc = tc
	}
	p := pinger{rw: nc}
	// STARTUP: [string map] {"CQL_VERSION": "3.0.0"} (spec v4 section 4.1.1).
	body := binary.BigEndian.AppendUint16(nil, 1)
	body = appendString(appendString(body, "CQL_VERSION"), "3.0.0")
	op, resp, err := p.roundTrip(0x01, body)
	if err != nil {
		return "", err
	}
	if op == 0x03 { // AUTHENTICATE: answer with PLAIN.
		token := append(append(append([]byte{0}, user...), 0), password...)
		ab := binary.BigEndian.AppendUint32(nil, uint32(len(token)))
		if op, resp, err = p.roundTrip(0x0F, append(ab, token...)); err != nil {
			return "", err
		}
		if op != 0x10 {
			return "", p.unexpected(op, resp, "AUTH_SUCCESS")
		}
	} else if op != 0x02 {
		return "", p.unexpected(op, resp, "READY")
	}
	// QUERY: [long string] query, [consistency] ONE, [byte] flags 0.
	q := "SELECT release_version FROM system.local"
	qb := binary.BigEndian.AppendUint32(nil, uint32(len(q)))
	qb = append(qb, q...)
	qb = append(qb, 0, 1, 0)
	op, resp, err = p.roundTrip(0x07, qb)
	if err != nil {
		return "", err
	}
	if op != 0x08 {
		return "", p.unexpected(op, resp, "RESULT")
	}
	return firstTextCell(resp)
}

type pinger struct {
	rw     io.ReadWriter
	stream uint16
}

func (p *pinger) roundTrip(op byte, body []byte) (byte, []byte, error) {
	p.stream++
	hdr := []byte{0x04, 0, byte(p.stream >> 8), byte(p.stream), op, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[5:], uint32(len(body)))
	if _, err := p.rw.Write(append(hdr, body...)); err != nil {
		return 0, nil, err
	}
	if _, err := io.ReadFull(p.rw, hdr); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[5:])
	if n > 1<<20 {
		return 0, nil, fmt.Errorf("cassandra: reply of %d bytes is too large for a ping", n)
	}
	resp := make([]byte, n)
	if _, err := io.ReadFull(p.rw, resp); err != nil {
		return 0, nil, err
	}
	return hdr[4], resp, nil
}

func (p *pinger) unexpected(op byte, resp []byte, want string) error {
	if op == 0x00 && len(resp) >= 6 {
		code := binary.BigEndian.Uint32(resp)
		n := int(binary.BigEndian.Uint16(resp[4:]))
		if 6+n <= len(resp) {
			return fmt.Errorf("cassandra: server error 0x%04x: %s", code, resp[6:6+n])
		}
	}
	return fmt.Errorf("cassandra: got opcode 0x%02x, want %s", op, want)
}

// firstTextCell reads the first cell of a Rows result (spec v4 section 4.2.5.2).
func firstTextCell(b []byte) (string, error) {
	r := reader{b: b}
	if kind := r.u32(); kind != 2 {
		return "", fmt.Errorf("cassandra: result kind %d, want Rows", kind)
	}
	flags := r.u32()
	cols := int(r.u32())
	if flags&0x0002 != 0 { // has_more_pages: paging state
		r.skip(int(r.u32()))
	}
	if flags&0x0004 == 0 { // metadata present
		if flags&0x0001 != 0 { // global table spec
			r.skip(int(r.u16()))
			r.skip(int(r.u16()))
		}
		for i := 0; i < cols; i++ {
			if flags&0x0001 == 0 {
				r.skip(int(r.u16()))
				r.skip(int(r.u16()))
			}
			r.skip(int(r.u16())) // name
			r.u16()              // type id; release_version is text, no sub-options
		}
	}
	if rows := r.u32(); rows < 1 {
		return "", errors.New("cassandra: system.local returned no row")
	}
	n := int(int32(r.u32()))
	if r.err || n < 0 || n > len(r.b) {
		return "", errors.New("cassandra: malformed Rows result")
	}
	return string(r.b[:n]), nil
}

type reader struct {
	b   []byte
	err bool
}

func (r *reader) skip(n int) {
	if n < 0 || n > len(r.b) {
		r.err, r.b = true, nil
		return
	}
	r.b = r.b[n:]
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.err, r.b = true, nil
		return 0
	}
	v := binary.BigEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

func (r *reader) u32() uint32 {
	if len(r.b) < 4 {
		r.err, r.b = true, nil
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func appendString(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint16(b, uint16(len(s))), s...)
}
