package protocol

import (
	"encoding/binary"
	"io"
	"math"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

func bigint(v int64) Value {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(v))
	return Value{Bytes: b}
}

func BenchmarkEncodeQuery(b *testing.B) {
	q := &Query{
		Statement: "SELECT id, name, email, created_at FROM app.users WHERE tenant = ? AND id = ?",
		Params: QueryParams{
			Consistency: LocalQuorum,
			Values:      []Value{BytesValue([]byte("tenant-42")), bigint(123456789)},
			PageSize:    5000,
		},
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var err error
		if buf, err = AppendFrame(buf[:0], V4, 0, int16(i&0x7FFF), q); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func executeWith3Bigints() *Execute {
	return &Execute{
		ID:               []byte{0x4f, 0x1d, 0x2a, 0x77, 0x10, 0x9c, 0x55, 0xe1, 0x03, 0x88, 0x6b, 0x21, 0xf0, 0x42, 0x99, 0x0d},
		ResultMetadataID: []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10},
		Params: QueryParams{
			Consistency: LocalQuorum,
			Values:      []Value{bigint(1), bigint(-2), bigint(math.MaxInt64)},
		},
	}
}

// BenchmarkEncodeExecute3Bigints is the hot path of a prepared statement:
// it must not allocate once dst has capacity.
func BenchmarkEncodeExecute3Bigints(b *testing.B) {
	for _, v := range []Version{V4, V5} {
		b.Run(v.String(), func(b *testing.B) {
			e := executeWith3Bigints()
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var err error
				if buf, err = AppendFrame(buf[:0], v, 0, int16(i&0x7FFF), e); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

func TestEncodeExecuteZeroAllocs(t *testing.T) {
	e := executeWith3Bigints()
	buf := make([]byte, 0, 256)
	for _, v := range []Version{V3, V4, V5} {
		allocs := testing.AllocsPerRun(1000, func() {
			var err error
			if buf, err = e.AppendBody(buf[:0], v); err != nil {
				t.Fatal(err)
			}
			if buf, err = AppendFrame(buf[:0], v, 0, 1, e); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v: EXECUTE with 3 bigints allocates %v times per call", v, allocs)
		}
	}
}

// mixedRowsBody returns the body of a RESULT Rows of n rows with columns
// int, bigint, text, blob, double, boolean, timestamp, uuid.
func mixedRowsBody(tb testing.TB, n int, v Version) []byte {
	ty := func(id codec.TypeID) codec.Type { return codec.Type{ID: id} }
	res := &Result{Kind: ResultRows, Rows: Rows{Metadata: RowsMetadata{
		GlobalTableSpec: true,
		ColumnCount:     8,
		Columns: []ColumnSpec{
			{Keyspace: "bench", Table: "mixed", Name: "i", Type: ty(codec.TypeInt)},
			{Keyspace: "bench", Table: "mixed", Name: "b", Type: ty(codec.TypeBigint)},
			{Keyspace: "bench", Table: "mixed", Name: "t", Type: ty(codec.TypeVarchar)},
			{Keyspace: "bench", Table: "mixed", Name: "bl", Type: ty(codec.TypeBlob)},
			{Keyspace: "bench", Table: "mixed", Name: "d", Type: ty(codec.TypeDouble)},
			{Keyspace: "bench", Table: "mixed", Name: "bo", Type: ty(codec.TypeBoolean)},
			{Keyspace: "bench", Table: "mixed", Name: "ts", Type: ty(codec.TypeTimestamp)},
			{Keyspace: "bench", Table: "mixed", Name: "u", Type: ty(codec.TypeUUID)},
		},
	}}}
	i32 := make([]byte, 4)
	i64 := make([]byte, 8)
	text := []byte("the quick brown fox jumps")
	blob := make([]byte, 64)
	uuid := make([]byte, 16)
	for r := 0; r < n; r++ {
		binary.BigEndian.PutUint32(i32, uint32(r))
		binary.BigEndian.PutUint64(i64, uint64(r)*7919)
		var txt []byte
		if r%10 != 0 { // some NULLs
			txt = text
		}
		if err := res.Rows.AppendRow(i32, i64, txt, blob, i64, []byte{1}, i64, uuid); err != nil {
			tb.Fatal(err)
		}
	}
	body, err := res.AppendBody(nil, v)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodeRows5000 decodes a 5,000-row RESULT of mixed column types
// into a reused Result and walks every cell.
func BenchmarkDecodeRows5000(b *testing.B) {
	body := mixedRowsBody(b, 5000, V4)
	var res Result
	var cells [][]byte
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var n int
		if cells, n = decodeAndWalk(b, &res, body, cells, nil); n != 5000 {
			b.Fatalf("%d rows", n)
		}
	}
}

// decodeAndWalk decodes body into res and walks its rows, calling each (if
// set) on every row's cells. It returns the cells buffer and the row count.
func decodeAndWalk(b *testing.B, res *Result, body []byte, cells [][]byte, each func([][]byte)) ([][]byte, int) {
	if err := res.Decode(body, V4); err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		var err error
		if cells, err = res.Rows.NextRow(cells); err == io.EOF {
			return cells, n
		} else if err != nil {
			b.Fatal(err)
		}
		if each != nil {
			each(cells)
		}
		n++
	}
}

// BenchmarkDecodeResponseRows5000 is the same through DecodeResponse, which
// allocates a fresh Result each time.
func BenchmarkDecodeResponseRows5000(b *testing.B) {
	body := mixedRowsBody(b, 5000, V4)
	h := Header{Version: V4, Response: true, Opcode: OpResult, Length: len(body)}
	var cells [][]byte
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := DecodeResponse(h, body)
		if err != nil {
			b.Fatal(err)
		}
		rows := &f.Message.(*Result).Rows
		for {
			if cells, err = rows.NextRow(cells); err != nil {
				break
			}
		}
	}
}
