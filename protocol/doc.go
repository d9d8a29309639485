// Package protocol is the wire layer of the driver: the CQL native protocol
// v3, v4 and v5 as bytes, with no I/O and no knowledge of database/sql.
//
// It is built in layers, each usable on its own:
//
//  1. Primitives (primitives*.go): the notations of spec section 3 ([int],
//     [string], [bytes], [value], [inet], [option], vints, ...). Encoders
//     are append-style (AppendInt(dst, v) []byte); a Reader decodes them from
//     a byte slice with bounds checks, returning errors that wrap
//     ErrMalformed instead of panicking, and never allocating for a count
//     the remaining bytes could not hold. Byte slices a Reader returns alias
//     its input.
//  2. Messages (msg_*.go): one type per message. Requests (Startup,
//     AuthResponse, Options, Query, Prepare, Execute, Batch, Register) and
//     responses (Error, Ready, Authenticate, Supported, Result, Event,
//     AuthChallenge, AuthSuccess) all implement Message: AppendBody(dst, v)
//     and Decode(body, v), so a client and a test server share the code.
//     Result metadata and column types live in metadata*.go; column types
//     are codec.Type values, vectors included (metadata_vector.go).
//  3. Frames (header.go, frame.go): the 9-byte Header, ParseHeader with a
//     maximum body length checked before anything is allocated,
//     AppendFrame (header + body, length patched in place),
//     DecodeResponse (tracing id, warnings and custom payload, then the
//     message) and their request/response counterparts for test servers.
//  4. Compression (compress*.go): LZ4 and Snappy for v4 frame bodies
//     (CompressFrame, Compressor.Decompress), LZ4 raw blocks for v5
//     segments. Decompressors refuse a declared size above their maximum
//     before allocating.
//  5. v5 segments (segment*.go, crc*.go): the outer framing of v5, a 6-byte
//     (8 when compressed) header protected by a CRC24 and a payload
//     protected by a CRC32, carrying envelopes (the v4-style frames above).
//     AppendSegments splits a payload; ParseSegmentHeader,
//     DecodeSegmentPayload and ReadSegment check and unpack; an
//     EnvelopeAssembler turns segment payloads back into envelopes.
//
// Decoded messages alias the body they were decoded from unless their
// documentation says otherwise: the row cells of a Rows result in
// particular are sub-slices of the frame body, valid until the buffer is
// reused. An *Error and the metadata, ids and paging state of a Result are
// copies, safe to keep.
//
// The connection (multiplexing, streams, I/O) is built on top of this
// layer in conn*.go and streams*.go of this package.
//
// # Stability
//
// This package is public so that tools and tests can speak CQL without
// database/sql, but it is not yet a stable API: its names and signatures
// may change before v1 of the module. The driver's stable API is the root
// package, github.com/cqlsql/cassandra, whose aliases (cassandra.Error,
// cassandra.Consistency, the ErrCode constants, ...) keep their names and
// meaning whatever becomes of the types they point to here.
package protocol
