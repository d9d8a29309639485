package cassandra

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
	"github.com/google/uuid"
)

// pagedTracedNode serves "SELECT v FROM t" in pages of two rows, three
// pages: page n (1, 2, 3) carries tracing id {n} and the warning "page n".
func pagedTracedNode(t *testing.T) *sql.DB {
	t.Helper()
	srv := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		q, ok := req.Message.(*protocol.Query)
		if !ok {
			return false
		}
		page := 1
		if len(q.Params.PagingState) == 1 {
			page = int(q.Params.PagingState[0])
		}
		rows := protocol.Rows{Metadata: protocol.RowsMetadata{ColumnCount: 1, Columns: []protocol.ColumnSpec{col("v", codec.TypeInt)}}}
		for i := 0; i < 2; i++ {
			if err := rows.AppendRow(be32(uint32(2*(page-1) + i))); err != nil {
				t.Error(err)
			}
		}
		if page < 3 {
			rows.Metadata.PagingState = []byte{byte(page + 1)}
		}
		f := &protocol.ResponseFrame{
			Header:   protocol.Header{Stream: req.Header.Stream, Flags: protocol.FlagWarning},
			Warnings: []string{fmt.Sprintf("page %d", page)},
			Message:  &protocol.Result{Kind: protocol.ResultRows, Rows: rows},
		}
		if req.Header.Flags&protocol.FlagTracing != 0 {
			f.Header.Flags |= protocol.FlagTracing
			f.TracingID = protocol.UUID{15: byte(page)}
		}
		c.Send(f)
		return true
	}})
	return fakeDB(t, srv.Addr(), nil)
}

// Every page is traced; the id is the latest page's the caller reached,
// and each page's warnings are appended when Next reaches it.
func TestTracingAndWarningsOfEveryPage(t *testing.T) {
	db := pagedTracedNode(t)
	var id uuid.UUID
	var warnings []string
	rows, err := db.Query("SELECT v FROM t", WithTracing(&id), WithWarnings(&warnings))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if id != (uuid.UUID{15: 1}) || len(warnings) != 1 {
		t.Fatalf("after Query: id %v, warnings %q", id, warnings)
	}
	seen := map[uuid.UUID]bool{}
	n := 0
	for rows.Next() {
		seen[id] = true
		n++
	}
	if err := rows.Err(); err != nil || n != 6 {
		t.Fatalf("%d rows, %v", n, err)
	}
	if id != (uuid.UUID{15: 3}) || len(seen) != 3 {
		t.Errorf("tracing ids seen %v, last %v: want the 3 pages', the last page's at the end", seen, id)
	}
	if fmt.Sprint(warnings) != "[page 1 page 2 page 3]" {
		t.Errorf("warnings %q", warnings)
	}
}

// One WithWarnings and one WithTracing on a context shared by goroutines:
// every query appends, none races (run with -race).
func TestWarningsOnSharedContext(t *testing.T) {
	db := pagedTracedNode(t)
	var id uuid.UUID
	var warnings []string
	ctx := WithQueryOptions(context.Background(), WithTracing(&id), WithWarnings(&warnings), WithPageSize(2))
	const goroutines = 8
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := db.QueryContext(ctx, "SELECT v FROM t")
			if err != nil {
				t.Error(err)
				return
			}
			for rows.Next() {
			}
			rows.Close()
		}()
	}
	wg.Wait()
	if len(warnings) != 3*goroutines {
		t.Errorf("%d warnings, want %d", len(warnings), 3*goroutines)
	}
	if id != (uuid.UUID{15: 3}) && id != (uuid.UUID{15: 1}) && id != (uuid.UUID{15: 2}) {
		t.Errorf("tracing id %v", id)
	}
}
