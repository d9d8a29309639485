package cassandra

import (
	"context"
	"fmt"
	"testing"
)

// TestIntegrationProtocolVersions runs prepared writes, a paged read and a
// batch on every protocol version, with and without compression.
func TestIntegrationProtocolVersions(t *testing.T) {
	for _, tc := range []struct {
		version     int
		compression string
	}{{3, ""}, {4, ""}, {4, "snappy"}, {4, "lz4"}, {5, ""}, {5, "lz4"}} {
		t.Run(fmt.Sprintf("v%d-%s", tc.version, tc.compression), func(t *testing.T) {
			db, c, _ := testDB(t, func(c *Config) {
				c.ProtocolVersion = tc.version
				c.Compression = tc.compression
				c.PageSize = 10
			})
			mustExec(t, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
			insertRows(t, db, 35)
			mustExec(t, db, "INSERT INTO p (pk, ck, v) VALUES (?, ?, ?)", 1, 1, nil)
			n := 0
			rows, err := db.Query("SELECT ck, v FROM p WHERE pk = ?", 0)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var ck int
				var v string
				if err := rows.Scan(&ck, &v); err != nil {
					t.Fatal(err)
				}
				if ck != n || v != "v"+itoa(n) {
					t.Fatalf("row %d: %d %q", n, ck, v)
				}
				n++
			}
			if err := rows.Err(); err != nil || n != 35 {
				t.Fatalf("%d rows, %v", n, err)
			}
			rows.Close()
			sock, _, err := c.pool.Acquire(context.Background(), 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if int(sock.Version()) != tc.version || sock.Compression() != tc.compression {
				t.Errorf("socket speaks %v with %q", sock.Version(), sock.Compression())
			}
		})
	}
}
