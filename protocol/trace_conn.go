package protocol

import "io"

// tracer writes the wire trace of one connection. It is nil when
// DialOptions.Trace is, so the hot paths pay one nil check; everything
// below runs only with the trace on and may allocate.
type tracer struct {
	w      *TraceWriter
	addr   string
	values bool
}

func newTracer(w io.Writer, addr string, values bool) *tracer {
	if w == nil {
		return nil
	}
	tw, ok := w.(*TraceWriter)
	if !ok {
		tw = NewTraceWriter(w)
	} else if tw == nil {
		return nil
	}
	return &tracer{w: tw, addr: addr, values: values}
}

// sent traces one encoded request frame. comp is the frame compressor
// (v3/v4), needed to show a compressed body.
func (t *tracer) sent(frame []byte, comp Compressor) {
	h, err := ParseHeader(frame, 0)
	if err != nil || len(frame)-HeaderSize < h.Length {
		t.w.Write(appendTraceError(nil, true, t.addr, h, "undecodable frame header", err))
		return
	}
	body := frame[HeaderSize : HeaderSize+h.Length]
	if h.Flags&FlagCompression != 0 && h.Version < V5 && comp != nil {
		if body, err = comp.Decompress(nil, body, DefaultMaxFrameBody); err != nil {
			t.w.Write(appendTraceError(nil, true, t.addr, h, "undecompressable body", err))
			return
		}
	}
	t.w.Write(appendTrace(nil, true, t.addr, h, body, t.values))
}

// received traces one response frame; h is the header as it came on the
// wire (its flags and length before decompression), body is decompressed.
func (t *tracer) received(h Header, body []byte) {
	t.w.Write(appendTrace(nil, false, t.addr, h, body, t.values))
}

// failed traces a response header the reader rejected.
func (t *tracer) failed(h Header, err error) {
	t.w.Write(appendTraceError(nil, false, t.addr, h, "rejected frame header", err))
}
