package cassandra

import (
	"testing"
)

// BenchmarkIntegrationPointSelect measures a prepared point read through
// database/sql, in parallel: routed by token (the default) and with
// host_discovery=false (round robin over the DSN's hosts).
func BenchmarkIntegrationPointSelect(b *testing.B) {
	for _, mode := range routingModes {
		b.Run(mode.name, func(b *testing.B) {
			db, _, _ := testDB(b, mode.edit)
			mustExec(b, db, "CREATE TABLE kv (k int PRIMARY KEY, v text)")
			mustExec(b, db, "INSERT INTO kv (k, v) VALUES (?, ?)", 1, "value")
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var v string
				for pb.Next() {
					if err := db.QueryRow("SELECT v FROM kv WHERE k = ?", 1).Scan(&v); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// routingModes are the two ways requests find their host.
var routingModes = []struct {
	name string
	edit func(*Config)
}{
	{"token-aware", func(*Config) {}},
	{"round-robin", func(c *Config) { c.HostDiscovery = false }},
}

// BenchmarkIntegrationScanPages measures reading 1,000 rows in pages of 100.
func BenchmarkIntegrationScanPages(b *testing.B) {
	db, _, _ := testDB(b, func(c *Config) { c.PageSize = 100 })
	mustExec(b, db, "CREATE TABLE p (pk int, ck int, v text, PRIMARY KEY (pk, ck))")
	insertRows(b, db, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := db.Query("SELECT ck, v FROM p WHERE pk = ?", 0)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var ck int
			var v string
			if err := rows.Scan(&ck, &v); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if err := rows.Err(); err != nil || n != 1000 {
			b.Fatal(n, err)
		}
		rows.Close()
	}
}
