package protocol

import (
	"encoding/hex"
	"strconv"
	"unicode/utf8"
)

// Bounds of one frame's trace, so a huge or hostile frame still makes a
// few lines: a statement or message shows its first traceTextMax bytes, a
// value its first traceValueMax, lists their first traceListMax entries,
// and the whole trace of a frame is cut at traceFrameMax bytes.
const (
	traceFrameMax = 4 << 10
	traceTextMax  = 1 << 10
	traceValueMax = 64
	traceListMax  = 16
)

// appendTrace appends the trace of one frame: the header line with a
// summary of the message, then indented lines for the parts of a BATCH.
// h is the header as on the wire; body is the decompressed body. It never
// fails: a body that does not decode is traced as "undecodable".
func appendTrace(dst []byte, out bool, addr string, h Header, body []byte, values bool) []byte {
	start := len(dst)
	dst = appendTraceHeader(dst, out, addr, h)
	dst = appendTraceMessage(dst, h, body, values)
	return endTrace(dst, start)
}

// appendTraceError appends the trace of a frame that could not be taken
// apart: its header (as far as known) and why.
func appendTraceError(dst []byte, out bool, addr string, h Header, what string, err error) []byte {
	start := len(dst)
	dst = appendTraceHeader(dst, out, addr, h)
	dst = append(dst, " | "...)
	dst = append(dst, what...)
	if err != nil {
		dst = append(dst, ": "...)
		dst = appendClean(dst, err.Error())
	}
	return endTrace(dst, start)
}

// appendTraceHeader appends "-> addr v4 stream=3 QUERY flags=0 len=42".
func appendTraceHeader(dst []byte, out bool, addr string, h Header) []byte {
	if out {
		dst = append(dst, "-> "...)
	} else {
		dst = append(dst, "<- "...)
	}
	dst = append(dst, addr...)
	dst = append(dst, ' ')
	dst = append(dst, h.Version.String()...)
	dst = append(dst, " stream="...)
	dst = strconv.AppendInt(dst, int64(h.Stream), 10)
	dst = append(dst, ' ')
	dst = append(dst, h.Opcode.String()...)
	dst = append(dst, " flags="...)
	dst = append(dst, h.Flags.String()...)
	dst = append(dst, " len="...)
	return strconv.AppendInt(dst, int64(h.Length), 10)
}

// endTrace cuts the trace started at dst[start:] to traceFrameMax bytes
// and ends it with a newline.
func endTrace(dst []byte, start int) []byte {
	const cut = "…(trace cut)"
	if len(dst)-start > traceFrameMax-1 {
		n := start + traceFrameMax - 1 - len(cut)
		for n > start && !utf8.RuneStart(dst[n]) {
			n--
		}
		dst = append(dst[:n], cut...)
	}
	return append(dst, '\n')
}

// appendText appends s quoted in ASCII (so a trace line stays one line and
// shows no control characters), cut after traceTextMax bytes.
func appendText(dst []byte, s string) []byte {
	if len(s) <= traceTextMax {
		return strconv.AppendQuoteToASCII(dst, s)
	}
	dst = strconv.AppendQuoteToASCII(dst, s[:traceTextMax])
	return appendMore(dst, len(s)-traceTextMax, " bytes")
}

// appendWord appends s as is when it is a plain word (such as
// "CQL_VERSION", "5/v5-beta", "LOCAL_QUORUM"), else quoted by appendText.
func appendWord(dst []byte, s string) []byte {
	if s == "" || len(s) > 128 {
		return appendText(dst, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-' || c == '/') {
			return appendText(dst, s)
		}
	}
	return append(dst, s...)
}

// appendClean appends s, an error text, unquoted but with every byte that
// is not printable ASCII replaced by '?', cut after traceTextMax bytes.
func appendClean(dst []byte, s string) []byte {
	n := min(len(s), traceTextMax)
	for i := 0; i < n; i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			dst = append(dst, '?')
		} else {
			dst = append(dst, c)
		}
	}
	if n < len(s) {
		dst = appendMore(dst, len(s)-n, " bytes")
	}
	return dst
}

// appendMore appends "…+n" and what n counts.
func appendMore(dst []byte, n int, what string) []byte {
	dst = append(dst, "…+"...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, what...)
}

// appendHex appends b in hex, cut after traceValueMax bytes.
func appendHex(dst []byte, b []byte) []byte {
	dst = append(dst, "0x"...)
	if len(b) <= traceValueMax {
		return hex.AppendEncode(dst, b)
	}
	dst = hex.AppendEncode(dst, b[:traceValueMax])
	return appendMore(dst, len(b)-traceValueMax, " bytes")
}

// appendTraceValues appends "values=2 [4 bytes, NULL]": the count, then each
// value's length (or NULL, UNSET), or its bytes in hex when shown.
func appendTraceValues(dst []byte, vals []Value, names []string, shown bool) []byte {
	dst = append(dst, " values="...)
	dst = strconv.AppendInt(dst, int64(len(vals)), 10)
	if len(vals) == 0 {
		return dst
	}
	dst = append(dst, " ["...)
	for i, v := range vals {
		if i == traceListMax {
			dst = appendMore(dst, len(vals)-i, " more")
			break
		}
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if i < len(names) {
			dst = appendWord(dst, names[i])
			dst = append(dst, '=')
		}
		switch {
		case v.Unset:
			dst = append(dst, "UNSET"...)
		case v.Bytes == nil:
			dst = append(dst, "NULL"...)
		case shown:
			dst = appendHex(dst, v.Bytes)
		default:
			dst = strconv.AppendInt(dst, int64(len(v.Bytes)), 10)
			dst = append(dst, " bytes"...)
		}
	}
	return append(dst, ']')
}

// appendStrings appends a list of strings, quoted, at most traceListMax.
func appendStrings(dst []byte, list []string) []byte {
	dst = append(dst, '[')
	for i, s := range list {
		if i == traceListMax {
			dst = appendMore(dst, len(list)-i, " more")
			break
		}
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendWord(dst, s)
	}
	return append(dst, ']')
}

// traceKeys returns the keys of m in order (maps trace the same way
// every time), at most traceListMax, and how many were left out.
func traceKeys[V any](m map[string]V) ([]string, int) {
	keys := sortedKeys(m)
	if len(keys) > traceListMax {
		return keys[:traceListMax], len(keys) - traceListMax
	}
	return keys, 0
}

// appendTraceMap appends " key=value" per entry of m, keys in order, at
// most traceListMax of them.
func appendTraceMap[V any](dst []byte, m map[string]V, appendValue func([]byte, V) []byte) []byte {
	keys, more := traceKeys(m)
	for _, k := range keys {
		dst = append(dst, ' ')
		dst = appendWord(dst, k)
		dst = append(dst, '=')
		dst = appendValue(dst, m[k])
	}
	if more > 0 {
		dst = appendMore(dst, more, " more")
	}
	return dst
}

// appendPayload appends the keys of a custom payload and the length of
// each value: payloads may carry anything, so their bytes never show.
func appendPayload(dst []byte, p map[string][]byte) []byte {
	keys, more := traceKeys(p)
	dst = append(dst, " payload={"...)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendWord(dst, k)
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(len(p[k])), 10)
		dst = append(dst, " bytes"...)
	}
	if more > 0 {
		dst = appendMore(dst, more, " more")
	}
	return append(dst, '}')
}
