// Command recordrows records the RESULT bodies that protocol's
// BenchmarkDecodeRecordedRows5000 decodes: 5,000 rows of 1, 8 and 32
// columns of mixed types, as a real Cassandra sends them over protocol v4,
// gzipped into protocol/testdata. Run it against a local node:
//
//	make cassandra-up && go run ./internal/cmd/recordrows
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

const rows = 5000

// The 30 value columns cycle through these types; p and c make 32.
var types = []string{"bigint", "text", "blob", "double", "boolean", "timestamp", "uuid", "float", "int", "smallint"}

func colName(i int) string { return fmt.Sprintf("v%02d_%s", i, types[i%len(types)]) }

func value(typ string, row, col int) any {
	switch typ {
	case "bigint":
		return int64(row)*7919 + int64(col)
	case "text":
		return fmt.Sprintf("row %d, column %d: some text", row, col)
	case "blob":
		return bytes.Repeat([]byte{byte(row), byte(col)}, 8+row%8)
	case "double":
		return float64(row) + 0.5
	case "boolean":
		return row%2 == 0
	case "timestamp":
		return time.UnixMilli(1700000000000 + int64(row)*1000).UTC()
	case "uuid": // version 4 layout with counters, not random, so the testdata gzips well
		return uuid.MustParse(fmt.Sprintf("%08x-0000-4000-8000-%012x", col, row))
	case "float":
		return float32(row) / 3
	case "int":
		return int32(row * col)
	case "smallint":
		return int16(row % 30000)
	}
	panic(typ)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:9042", "host:port of a Cassandra node")
	out := flag.String("out", "protocol/testdata", "directory of the recorded bodies")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := load(ctx, *addr); err != nil {
		log.Fatal(err)
	}
	c, err := protocol.Dial(ctx, *addr, protocol.DialOptions{Version: protocol.V4, MinVersion: protocol.V4})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	all := make([]string, 30)
	for i := range all {
		all[i] = colName(i)
	}
	for _, q := range []struct {
		cols int
		list string
	}{
		{1, "c"},
		{8, "c, " + strings.Join(all[:7], ", ")},
		{32, "p, c, " + strings.Join(all, ", ")},
	} {
		stmt := fmt.Sprintf("SELECT %s FROM cqlsql_recordrows.wide WHERE p = 0", q.list)
		if err := record(ctx, c, stmt, q.cols, filepath.Join(*out, fmt.Sprintf("rows5000-%dcol.v4.gz", q.cols))); err != nil {
			log.Fatal(err)
		}
	}
}

// load creates the table and writes its 5,000 rows through the driver.
func load(ctx context.Context, addr string) error {
	db, err := sql.Open("cassandra", "cassandra://"+addr+"?timeout=30s")
	if err != nil {
		return err
	}
	defer db.Close()
	defs := make([]string, 30)
	marks := make([]string, 30)
	for i := range defs {
		defs[i] = colName(i) + " " + types[i%len(types)]
		marks[i] = "?"
	}
	for _, s := range []string{
		"CREATE KEYSPACE IF NOT EXISTS cqlsql_recordrows WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
		"CREATE TABLE IF NOT EXISTS cqlsql_recordrows.wide (p int, c int, " + strings.Join(defs, ", ") + ", PRIMARY KEY (p, c))",
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	names := make([]string, 30)
	for i := range names {
		names[i] = colName(i)
	}
	ins, err := db.PrepareContext(ctx, "INSERT INTO cqlsql_recordrows.wide (p, c, "+strings.Join(names, ", ")+") VALUES (0, ?, "+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := w; r < rows; r += 16 {
				args := []any{int32(r)}
				for i := 0; i < 30; i++ {
					args = append(args, value(types[i%len(types)], r, i))
				}
				if _, err := ins.ExecContext(ctx, args...); err != nil {
					errs <- fmt.Errorf("row %d: %w", r, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// record runs stmt as one page and writes the RESULT body, gzipped, to path.
func record(ctx context.Context, c *protocol.Conn, stmt string, cols int, path string) error {
	q := &protocol.Query{Statement: stmt, Params: protocol.QueryParams{Consistency: protocol.One, PageSize: rows + 1}}
	res, f, err := c.Query(ctx, q)
	if err != nil {
		return err
	}
	if res.Kind != protocol.ResultRows || res.Rows.RowCount != rows || res.Rows.Metadata.ColumnCount != cols {
		return fmt.Errorf("%s: got %v with %d rows of %d columns, want %d of %d", stmt, res.Kind, res.Rows.RowCount, res.Rows.Metadata.ColumnCount, rows, cols)
	}
	// Decoding and encoding a body are exact inverses (the golden tests
	// hold both ways), so this is the body the server sent.
	body, err := res.AppendBody(nil, protocol.V4)
	if err != nil {
		return err
	}
	if len(body) != f.Header.Length {
		return fmt.Errorf("%s: re-encoded body of %d bytes, the server sent %d", stmt, len(body), f.Header.Length)
	}
	var gz bytes.Buffer
	w, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	w.Write(body)
	if err := w.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
		return err
	}
	log.Printf("%s: %d-byte body, %d gzipped", path, len(body), gz.Len())
	return nil
}
