package cassandra

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// BenchmarkClusterFirstRequests measures what the first requests of a new
// *sql.DB cost on the 3-node cluster (DSN naming one node, RF=1 keyspace):
// the first query (discovery, prepare, execute) and the 30 point reads
// after it, with the local datacenter's hosts dialed at discovery (the
// default) and lazily, when a query plan first names them. Each iteration
// opens and closes a Connector.
//
//	make cluster-up; CASSANDRA_CLUSTER_HOSTS=127.0.0.1:9062,127.0.0.2:9062,127.0.0.3:9062 \
//	  go test -run '^$' -bench ClusterFirstRequests -benchtime 20x
func BenchmarkClusterFirstRequests(b *testing.B) {
	hosts := testcluster.ThreeNodes.Hosts(b)
	setup := openTestDB(b, clusterConfig(b, hosts))
	ks := testcluster.Name("first")
	mustExec(b, setup, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	b.Cleanup(func() { setup.Exec("DROP KEYSPACE IF EXISTS " + ks) })
	mustExec(b, setup, "CREATE TABLE "+ks+".kv (k bigint PRIMARY KEY, v int)")
	const reads = 30
	for k := int64(0); k <= reads; k++ {
		mustExec(b, setup, "INSERT INTO "+ks+".kv (k, v) VALUES (?, ?)", k, int(k))
	}
	query := "SELECT v FROM " + ks + ".kv WHERE k = ?"
	for _, mode := range []struct {
		name  string
		eager bool
	}{{"dial-at-discovery", true}, {"dial-when-chosen", false}} {
		b.Run(mode.name, func(b *testing.B) {
			defer func(old bool) { connectLocalAtDiscovery = old }(connectLocalAtDiscovery)
			connectLocalAtDiscovery = mode.eager
			var first, rest, worst time.Duration
			for i := 0; i < b.N; i++ {
				c, err := newConnector(clusterConfig(b, hosts))
				if err != nil {
					b.Fatal(err)
				}
				db := sql.OpenDB(c)
				ctx := context.Background()
				var v int
				t0 := time.Now()
				if err := db.QueryRowContext(ctx, query, int64(0)).Scan(&v); err != nil {
					b.Fatal(err)
				}
				first += time.Since(t0)
				for k := int64(1); k <= reads; k++ {
					t1 := time.Now()
					if err := db.QueryRowContext(ctx, query, k).Scan(&v); err != nil || v != int(k) {
						b.Fatalf("k=%d: v=%d, %v", k, v, err)
					}
					d := time.Since(t1)
					rest += d
					if d > worst {
						worst = d
					}
				}
				db.Close()
			}
			b.ReportMetric(float64(first.Microseconds())/float64(b.N), "first-µs")
			b.ReportMetric(float64(rest.Microseconds())/float64(b.N*reads), "next-µs/read")
			b.ReportMetric(float64(worst.Microseconds()), "worst-next-µs")
		})
	}
}
