package cluster_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"github.com/cqlsql/cassandra/internal/cluster"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/internal/testcluster"
)

// keysPerType is how many distinct partition keys of each type are checked
// against the server's token().
const keysPerType = 10000

// tokenTable is one partition-key type: how to make random keys as CQL
// literals, and the select that returns each key's serialized components
// (the server's own serialization, through typeAsBlob) and its token.
type tokenTable struct {
	name   string
	pk     string // column definitions and PRIMARY KEY clause
	cols   string // INSERT column list
	sel    string // SELECT list: blobs of the components, then the token
	parts  int    // partition-key components
	random func(r *rand.Rand) string
	fixed  []string // literals always inserted
}

var tokenTables = []tokenTable{
	{name: "t_bigint", pk: "k bigint PRIMARY KEY", cols: "k", sel: "bigintAsBlob(k), token(k)", parts: 1,
		random: func(r *rand.Rand) string { return strconv.FormatInt(int64(r.Uint64()), 10) },
		fixed:  []string{"0", "-1", "1", strconv.FormatInt(math.MinInt64, 10), strconv.FormatInt(math.MaxInt64, 10)}},
	{name: "t_int", pk: "k int PRIMARY KEY", cols: "k", sel: "intAsBlob(k), token(k)", parts: 1,
		random: func(r *rand.Rand) string { return strconv.FormatInt(int64(int32(r.Uint32())), 10) },
		fixed:  []string{"0", "-1", "1", strconv.Itoa(math.MinInt32), strconv.Itoa(math.MaxInt32)}},
	{name: "t_text", pk: "k text PRIMARY KEY", cols: "k", sel: "textAsBlob(k), token(k)", parts: 1,
		random: func(r *rand.Rand) string { return cqlString(randomText(r)) },
		fixed:  []string{"''", "'a'", "'héllo'", "'日本語'", "'🙂🙂🙂🙂'"}},
	{name: "t_blob", pk: "k blob PRIMARY KEY", cols: "k", sel: "k, token(k)", parts: 1,
		random: func(r *rand.Rand) string { return cqlBlob(randomBytes(r, 1+r.Intn(64))) },
		fixed:  cluster.Export_murmur3VectorLiterals()},
	{name: "t_uuid", pk: "k uuid PRIMARY KEY", cols: "k", sel: "uuidAsBlob(k), token(k)", parts: 1,
		random: func(r *rand.Rand) string { return randomUUID(r, 4) }},
	{name: "t_timeuuid", pk: "k timeuuid PRIMARY KEY", cols: "k", sel: "timeuuidAsBlob(k), token(k)", parts: 1,
		random: func(r *rand.Rand) string { return randomUUID(r, 1) }},
	{name: "t_composite", pk: "a text, b int, PRIMARY KEY ((a, b))", cols: "a, b", sel: "textAsBlob(a), intAsBlob(b), token(a, b)", parts: 2,
		random: func(r *rand.Rand) string {
			return cqlString(randomText(r)) + ", " + strconv.FormatInt(int64(int32(r.Uint32())), 10)
		},
		fixed: []string{"'', 0", "'a', -1", "'héllo', 2147483647"}},
}

// TestIntegrationMurmur3MatchesServer writes keysPerType keys of every
// partition-key type and compares token(k) as the server computes it with
// Murmur3Token of the routing key built from the server's own
// serialization of k.
func TestIntegrationMurmur3MatchesServer(t *testing.T) {
	hosts := testcluster.Hosts(t)
	db, err := sql.Open("cassandra", "cassandra://"+strings.Join(hosts, ",")+"?consistency=ONE&timeout=60s")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	exec := func(q string) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.200s: %v", q, err)
		}
	}

	var partitioner string
	if err := db.QueryRowContext(ctx, "SELECT partitioner FROM system.local").Scan(&partitioner); err != nil {
		t.Fatal(err)
	}
	if p, err := cluster.PartitionerByName(partitioner); err != nil || p.Name() != (cluster.Murmur3Partitioner{}).Name() {
		t.Skipf("the server's partitioner is %s, not Murmur3Partitioner", partitioner)
	}

	ks := testcluster.Name("ring")
	exec("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP KEYSPACE IF EXISTS "+ks); err != nil {
			t.Errorf("dropping keyspace %s: %v", ks, err)
		}
	})

	r := rand.New(rand.NewSource(1))
	for _, tt := range tokenTables {
		t.Run(tt.name, func(t *testing.T) {
			table := ks + "." + tt.name
			exec("CREATE TABLE " + table + " (" + tt.pk + ")")
			keys := distinctKeys(r, tt)
			insertAll(ctx, t, db, table, tt.cols, keys)

			rows, err := db.QueryContext(ctx, "SELECT "+tt.sel+" FROM "+table)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			parts := make([][]byte, tt.parts)
			dest := make([]any, tt.parts+1)
			for i := range parts {
				dest[i] = &parts[i]
			}
			var token int64
			dest[tt.parts] = &token
			checked, mismatches := 0, 0
			var key []byte
			for rows.Next() {
				if err := rows.Scan(dest...); err != nil {
					t.Fatal(err)
				}
				key, err = cluster.AppendRoutingKey(key[:0], parts)
				if err != nil {
					t.Fatal(err)
				}
				checked++
				if got := cluster.Murmur3Token(key); got != token {
					mismatches++
					if mismatches <= 10 {
						t.Errorf("routing key %x: Murmur3Token = %d, server token() = %d", key, got, token)
					}
				}
				if tt.name == "t_blob" && isVectorKey[cluster.Export_hexOf(key)] && testing.Verbose() {
					t.Logf("vector {%q, %d},", cluster.Export_hexOf(key), token)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if checked != len(keys) {
				t.Errorf("read %d rows, wrote %d distinct keys", checked, len(keys))
			}
			t.Logf("%s: %d keys checked against the server, %d mismatches", tt.name, checked, mismatches)
		})
	}
}

var isVectorKey = func() map[string]bool {
	m := make(map[string]bool)
	for _, k := range cluster.Export_murmur3VectorKeys {
		m[k] = true
	}
	return m
}()

// distinctKeys returns the fixed literals of tt that are valid keys plus
// random ones, keysPerType in all.
func distinctKeys(r *rand.Rand, tt tokenTable) []string {
	seen := make(map[string]bool, keysPerType)
	var keys []string
	for _, k := range tt.fixed {
		// An empty partition key is refused: "Key may not be empty".
		if k == "''" || k == "0x" {
			continue
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for len(keys) < keysPerType {
		if k := tt.random(r); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// insertAll writes the keys in unlogged batches, a few at a time.
func insertAll(ctx context.Context, t *testing.T, db *sql.DB, table, cols string, keys []string) {
	t.Helper()
	const perBatch, workers = 50, 4
	batches := make(chan []string)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			var err error
			for b := range batches {
				if err != nil {
					continue
				}
				var q strings.Builder
				q.WriteString("BEGIN UNLOGGED BATCH\n")
				for _, k := range b {
					fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES (%s);\n", table, cols, k)
				}
				q.WriteString("APPLY BATCH")
				_, err = db.ExecContext(ctx, q.String())
			}
			errs <- err
		}()
	}
	for i := 0; i < len(keys); i += perBatch {
		batches <- keys[i:min(i+perBatch, len(keys))]
	}
	close(batches)
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			t.Fatalf("inserting into %s: %v", table, err)
		}
	}
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	r.Read(b)
	return b
}

// randomText mixes 1- to 4-byte UTF-8 characters so that multi-byte
// sequences (bytes ≥ 0x80) land in the hash's tail.
func randomText(r *rand.Rand) string {
	ranges := [][2]rune{{'a', 'z'}, {0xC0, 0x17F}, {0x4E00, 0x9FFF}, {0x1F600, 0x1F64F}}
	var b strings.Builder
	for n := 1 + r.Intn(40); n > 0; n-- {
		rg := ranges[r.Intn(len(ranges))]
		b.WriteRune(rg[0] + rune(r.Intn(int(rg[1]-rg[0]+1))))
	}
	return b.String()
}

// randomUUID returns a random UUID literal of the given version (1 for
// timeuuid, whose time bits are then random too).
func randomUUID(r *rand.Rand, version byte) string {
	b := randomBytes(r, 16)
	b[6] = b[6]&0x0F | version<<4
	b[8] = b[8]&0x3F | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func cqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func cqlBlob(b []byte) string { return "0x" + hex.EncodeToString(b) }
