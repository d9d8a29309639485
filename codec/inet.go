package codec

import (
	"net"
	"net/netip"
)

// inet: 4 bytes for IPv4, 16 for IPv6 (native_protocol_v5.spec section 5.10).

var tInet = Type{ID: TypeInet}

// DecodeInet decodes an inet as a net.IP of 4 or 16 bytes (a copy). NULL
// and empty values return ErrNull.
func DecodeInet(b []byte) (net.IP, error) {
	if len(b) == 0 {
		return nil, ErrNull
	}
	if len(b) != 4 && len(b) != 16 {
		return nil, decErr(tInet, "want 4 or 16 bytes, got %d", len(b))
	}
	return net.IP(append(make([]byte, 0, len(b)), b...)), nil
}

// DecodeInetAddr decodes an inet as a netip.Addr, without allocating.
func DecodeInetAddr(b []byte) (netip.Addr, error) {
	switch len(b) {
	case 4:
		return netip.AddrFrom4([4]byte(b)), nil
	case 16:
		return netip.AddrFrom16([16]byte(b)), nil
	case 0:
		return netip.Addr{}, ErrNull
	}
	return netip.Addr{}, decErr(tInet, "want 4 or 16 bytes, got %d", len(b))
}

// encInet takes net.IP (IPv4, including IPv4-mapped 16-byte forms, is sent
// as 4 bytes), netip.Addr (sent as 4 bytes for Is4, 16 otherwise; zones are
// rejected) and strings netip.ParseAddr accepts.
func encInet(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		switch x := v.(type) {
		case net.IP:
			if v4 := x.To4(); v4 != nil {
				return append(dst, v4...), nil
			}
			if len(x) == 16 {
				return append(dst, x...), nil
			}
			return dst, encErr(t, v, "net.IP of %d bytes", len(x))
		case netip.Addr:
			return appendAddr(dst, t, v, x)
		case string:
			a, err := netip.ParseAddr(x)
			if err != nil {
				return dst, encWrap(t, v, "", err)
			}
			return appendAddr(dst, t, v, a)
		}
		return dst, encTypeErr(t, v)
	}
}

func appendAddr(dst []byte, t Type, v any, a netip.Addr) ([]byte, error) {
	switch {
	case !a.IsValid():
		return dst, encErr(t, v, "invalid (zero) netip.Addr")
	case a.Zone() != "":
		return dst, encErr(t, v, "inet cannot hold the zone %q", a.Zone())
	case a.Is4():
		b := a.As4()
		return append(dst, b[:]...), nil
	}
	b := a.As16()
	return append(dst, b[:]...), nil
}
