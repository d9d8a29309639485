package protocol

import "strconv"

// appendTraceMessage decodes body and appends " | " and a summary of the
// message (nothing for an empty one: OPTIONS, READY), or " | undecodable:
// <error>".
func appendTraceMessage(dst []byte, h Header, body []byte, values bool) []byte {
	mark := len(dst)
	dst = appendTraceSummary(dst, h, body, values)
	if len(dst) == mark+2 {
		return dst[:mark] // " |" and nothing after it
	}
	return dst
}

func appendTraceSummary(dst []byte, h Header, body []byte, values bool) []byte {
	if h.Response {
		f, err := DecodeResponse(h, body)
		if err != nil {
			return appendUndecodable(dst, err)
		}
		dst = append(dst, " |"...)
		if f.Traced() {
			dst = append(dst, " tracing_id="...)
			dst = append(dst, f.TracingID.String()...)
		}
		if f.Warnings != nil {
			dst = append(dst, " warnings="...)
			dst = appendStrings(dst, f.Warnings)
		}
		if f.CustomPayload != nil {
			dst = appendPayload(dst, f.CustomPayload)
		}
		return appendResponse(dst, f.Message)
	}
	f, err := DecodeRequest(h, body)
	if err != nil {
		if h.Opcode == OpAuthResponse {
			// The error of a token that does not decode could quote it.
			return append(dst, " | undecodable AUTH_RESPONSE (token REDACTED)"...)
		}
		return appendUndecodable(dst, err)
	}
	dst = append(dst, " |"...)
	if f.CustomPayload != nil {
		dst = appendPayload(dst, f.CustomPayload)
	}
	return appendRequest(dst, f.Message, values)
}

func appendUndecodable(dst []byte, err error) []byte {
	dst = append(dst, " | undecodable: "...)
	return appendClean(dst, err.Error())
}

// appendRequest appends the summary of a request message.
func appendRequest(dst []byte, m Message, values bool) []byte {
	switch m := m.(type) {
	case *Startup:
		dst = appendTraceMap(dst, m.Options, appendWord)
	case *AuthResponse:
		// SASL PLAIN tokens hold the password: never shown, not even
		// their length.
		dst = append(dst, " token=REDACTED"...)
	case *Query:
		dst = append(dst, ' ')
		dst = appendText(dst, m.Statement)
		dst = appendParams(dst, &m.Params, values)
	case *Prepare:
		dst = append(dst, ' ')
		dst = appendText(dst, m.Statement)
		if m.Keyspace != "" {
			dst = append(dst, " keyspace="...)
			dst = appendWord(dst, m.Keyspace)
		}
	case *Execute:
		dst = append(dst, " id="...)
		dst = appendHex(dst, m.ID)
		if m.ResultMetadataID != nil {
			dst = append(dst, " result_metadata_id="...)
			dst = appendHex(dst, m.ResultMetadataID)
		}
		dst = appendParams(dst, &m.Params, values)
	case *Batch:
		dst = appendBatch(dst, m, values)
	case *Register:
		dst = append(dst, " events="...)
		dst = appendStrings(dst, m.EventTypes)
	}
	return dst // OPTIONS has no body
}

// appendParams appends the <query_parameters> worth seeing in a trace.
func appendParams(dst []byte, p *QueryParams, values bool) []byte {
	dst = append(dst, " consistency="...)
	dst = append(dst, p.Consistency.String()...)
	if p.SerialConsistency != 0 {
		dst = append(dst, " serial="...)
		dst = append(dst, p.SerialConsistency.String()...)
	}
	if p.PageSize != 0 {
		dst = append(dst, " page_size="...)
		dst = strconv.AppendInt(dst, int64(p.PageSize), 10)
	}
	if p.PagingState != nil {
		dst = append(dst, " paging_state=yes"...)
	} else {
		dst = append(dst, " paging_state=no"...)
	}
	if p.Keyspace != "" {
		dst = append(dst, " keyspace="...)
		dst = appendWord(dst, p.Keyspace)
	}
	return appendTraceValues(dst, p.Values, p.Names, values)
}

// appendBatch appends the batch type and count, then one indented line per
// statement (at most traceListMax).
func appendBatch(dst []byte, m *Batch, values bool) []byte {
	dst = append(dst, ' ')
	dst = append(dst, m.Type.String()...)
	dst = append(dst, " statements="...)
	dst = strconv.AppendInt(dst, int64(len(m.Children)), 10)
	dst = append(dst, " consistency="...)
	dst = append(dst, m.Consistency.String()...)
	for i := range m.Children {
		if i == traceListMax {
			dst = append(dst, "\n    "...)
			dst = appendMore(dst, len(m.Children)-i, " more statements")
			break
		}
		c := &m.Children[i]
		dst = append(dst, "\n    ["...)
		dst = strconv.AppendInt(dst, int64(i), 10)
		dst = append(dst, "] "...)
		if c.ID != nil {
			dst = append(dst, "id="...)
			dst = appendHex(dst, c.ID)
		} else {
			dst = appendText(dst, c.Statement)
		}
		dst = appendTraceValues(dst, c.Values, nil, values)
	}
	return dst
}

// appendResponse appends the summary of a response message.
func appendResponse(dst []byte, m Message) []byte {
	switch m := m.(type) {
	case *Error:
		dst = append(dst, ' ')
		dst = append(dst, m.Code.String()...)
		dst = append(dst, " (0x"...)
		dst = strconv.AppendUint(dst, uint64(uint32(m.Code)), 16)
		dst = append(dst, ") "...)
		dst = appendText(dst, m.Message)
		if d := describeDetails(m.Details); d != "" {
			dst = append(dst, " ["...)
			dst = appendClean(dst, d)
			dst = append(dst, ']')
		}
	case *Authenticate:
		dst = append(dst, " authenticator="...)
		dst = appendWord(dst, m.Authenticator)
	case *Supported:
		dst = appendTraceMap(dst, m.Options, appendStrings)
	case *Result:
		dst = appendResult(dst, m)
	case *Event:
		dst = append(dst, ' ')
		dst = appendWord(dst, m.Type)
		if m.Type == EventSchemaChange {
			dst = appendSchemaChange(dst, &m.Schema)
		} else {
			dst = append(dst, ' ')
			dst = appendWord(dst, m.Change)
			dst = append(dst, ' ')
			dst = append(dst, m.Address.String()...)
		}
	case *AuthChallenge:
		dst = appendToken(dst, m.Token)
	case *AuthSuccess:
		dst = appendToken(dst, m.Token)
	}
	return dst // READY has no body
}

// appendToken appends the length of a server SASL token: it is the
// server's half of the exchange, but no more of it is needed to debug.
func appendToken(dst []byte, tok []byte) []byte {
	if tok == nil {
		return append(dst, " token=null"...)
	}
	dst = append(dst, " token="...)
	dst = strconv.AppendInt(dst, int64(len(tok)), 10)
	return append(dst, " bytes"...)
}

func appendResult(dst []byte, m *Result) []byte {
	dst = append(dst, ' ')
	dst = append(dst, m.Kind.String()...)
	switch m.Kind {
	case ResultRows:
		dst = append(dst, " columns="...)
		dst = strconv.AppendInt(dst, int64(m.Rows.Metadata.ColumnCount), 10)
		dst = append(dst, " rows="...)
		dst = strconv.AppendInt(dst, int64(m.Rows.RowCount), 10)
		if m.Rows.Metadata.HasMorePages() {
			dst = append(dst, " more_pages=yes"...)
		} else {
			dst = append(dst, " more_pages=no"...)
		}
	case ResultSetKeyspace:
		dst = append(dst, ' ')
		dst = appendWord(dst, m.Keyspace)
	case ResultPrepared:
		dst = append(dst, " id="...)
		dst = appendHex(dst, m.Prepared.ID)
		dst = append(dst, " bind_markers="...)
		dst = strconv.AppendInt(dst, int64(len(m.Prepared.Metadata.Columns)), 10)
		dst = append(dst, " result_columns="...)
		dst = strconv.AppendInt(dst, int64(m.Prepared.ResultMetadata.ColumnCount), 10)
	case ResultSchemaChange:
		dst = appendSchemaChange(dst, &m.SchemaChange)
	}
	return dst
}

// appendSchemaChange appends "CREATED TABLE ks.name".
func appendSchemaChange(dst []byte, s *SchemaChange) []byte {
	dst = append(dst, ' ')
	dst = appendWord(dst, s.Change)
	dst = append(dst, ' ')
	dst = appendWord(dst, s.Target)
	dst = append(dst, ' ')
	dst = appendWord(dst, s.Keyspace)
	if s.Name != "" {
		dst = append(dst, '.')
		dst = appendWord(dst, s.Name)
	}
	return dst
}
