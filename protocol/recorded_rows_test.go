package protocol

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/cqlsql/cassandra/codec"
)

// recordedRows returns a RESULT body that Cassandra 5.0 sent over protocol
// v4: 5,000 rows of cols columns (1: int; 8 and 32: int, bigint, text,
// blob, double, boolean, timestamp, uuid, float, smallint...), recorded by
// internal/cmd/recordrows.
func recordedRows(tb testing.TB, cols int) []byte {
	tb.Helper()
	gz, err := os.ReadFile(fmt.Sprintf("testdata/rows5000-%dcol.v4.gz", cols))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		tb.Fatal(err)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// The recorded bodies decode into the rows recordrows wrote: row r has
// clustering key c = r and, from 8 columns on, v00_bigint = r*7919.
func TestRecordedRowsDecode(t *testing.T) {
	for _, cols := range []int{1, 8, 32} {
		var res Result
		if err := res.Decode(recordedRows(t, cols), V4); err != nil {
			t.Fatalf("%d columns: %v", cols, err)
		}
		md := res.Rows.Metadata
		if res.Kind != ResultRows || res.Rows.RowCount != 5000 || md.ColumnCount != cols || len(md.Columns) != cols {
			t.Fatalf("%d columns: %v, %d rows, metadata %d/%d columns", cols, res.Kind, res.Rows.RowCount, md.ColumnCount, len(md.Columns))
		}
		ci, bi := -1, -1
		for i, c := range md.Columns {
			switch c.Name {
			case "c":
				ci = i
			case "v00_bigint":
				bi = i
			}
		}
		var cells [][]byte
		for r := 0; ; r++ {
			var err error
			if cells, err = res.Rows.NextRow(cells); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if c, err := codec.DecodeInt(cells[ci]); err != nil || c != int32(r) {
				t.Fatalf("%d columns, row %d: c = %d, %v", cols, r, c, err)
			}
			if bi >= 0 {
				if v, err := codec.DecodeBigint(cells[bi]); err != nil || v != int64(r)*7919 {
					t.Fatalf("%d columns, row %d: v00_bigint = %d, %v", cols, r, v, err)
				}
			}
		}
	}
}

// BenchmarkDecodeRecordedRows5000 decodes the recorded bodies: "cells"
// decodes the RESULT and walks every cell (what protocol does for a page);
// "values" also turns every cell into its Go value with decoders built
// once, as the driver's rows do. ns/op and allocs/op are per 5,000-row page.
func BenchmarkDecodeRecordedRows5000(b *testing.B) {
	for _, cols := range []int{1, 8, 32} {
		body := recordedRows(b, cols)
		var res Result
		if err := res.Decode(body, V4); err != nil {
			b.Fatal(err)
		}
		decs := make([]*codec.Decoder, cols)
		for i, c := range res.Rows.Metadata.Columns {
			var err error
			if decs[i], err = codec.NewDecoder(c.Type); err != nil {
				b.Fatal(err)
			}
		}
		for _, values := range []bool{false, true} {
			name := fmt.Sprintf("cols=%d/cells", cols)
			if values {
				name = fmt.Sprintf("cols=%d/values", cols)
			}
			b.Run(name, func(b *testing.B) {
				var each func([][]byte)
				if values {
					each = func(cells [][]byte) {
						for j, cell := range cells {
							if _, err := decs[j].Decode(cell); err != nil {
								b.Fatal(err)
							}
						}
					}
				}
				var cells [][]byte
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					var n int
					if cells, n = decodeAndWalk(b, &res, body, cells, each); n != 5000 {
						b.Fatalf("%d rows", n)
					}
				}
			})
		}
	}
}
