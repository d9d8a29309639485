package cluster_test

import (
	"context"
	"database/sql"
	"github.com/cqlsql/cassandra/internal/cluster"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

// TestIntegrationTokenMapFromServer builds the ring and the replicas of
// every keyspace from the server's own topology and schema rows: every
// token parses, every replication map parses, and each keyspace's replicas
// are nodes of the ring. A single node cannot show multi-node placement;
// the hand-worked rings of the placement tests do.
func TestIntegrationTokenMapFromServer(t *testing.T) {
	hosts := testcluster.Hosts(t)
	db, err := sql.Open("cassandra", "cassandra://"+strings.Join(hosts, ",")+"?consistency=ONE&timeout=60s")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	var (
		partitioner, dc, rack, hostID string
		tokens                        []string
	)
	err = db.QueryRowContext(ctx, "SELECT partitioner, data_center, rack, host_id, tokens FROM system.local").
		Scan(&partitioner, &dc, &rack, &hostID, &tokens)
	if err != nil {
		t.Fatal(err)
	}
	p, err := cluster.PartitionerByName(partitioner)
	if err != nil {
		t.Skip(err)
	}
	id, err := cluster.ParseHostID(hostID)
	if err != nil {
		t.Fatal(err)
	}
	ring := []cluster.Host{{ID: id, Addr: hosts[0], Datacenter: dc, Rack: rack, Tokens: tokens}}
	rows, err := db.QueryContext(ctx, "SELECT host_id, data_center, rack, tokens FROM system.peers_v2")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h cluster.Host
		var s string
		if err := rows.Scan(&s, &h.Datacenter, &h.Rack, &h.Tokens); err != nil {
			t.Fatal(err)
		}
		if h.ID, err = cluster.ParseHostID(s); err != nil {
			t.Fatal(err)
		}
		ring = append(ring, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	r, err := cluster.NewRing(p, ring)
	if err != nil {
		t.Fatal(err)
	}

	ks := testcluster.Name("ring")
	if _, err := db.ExecContext(ctx, "CREATE KEYSPACE "+ks+" WITH replication = {'class': 'NetworkTopologyStrategy', '"+dc+"': '3'}"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP KEYSPACE IF EXISTS "+ks); err != nil {
			t.Errorf("dropping keyspace %s: %v", ks, err)
		}
	})
	replication := map[string]map[string]string{}
	krows, err := db.QueryContext(ctx, "SELECT keyspace_name, replication FROM system_schema.keyspaces")
	if err != nil {
		t.Fatal(err)
	}
	for krows.Next() {
		var name string
		var repl map[string]string
		if err := krows.Scan(&name, &repl); err != nil {
			t.Fatal(err)
		}
		replication[name] = repl
	}
	if err := krows.Err(); err != nil {
		t.Fatal(err)
	}
	tm, err := cluster.NewTokenMap(r, replication)
	if err != nil {
		t.Fatalf("the server's replication settings: %v", err)
	}
	t.Logf("%d hosts, %d tokens, %d keyspaces in %d replica maps", len(r.Hosts()), r.Len(), len(replication), cluster.Export_mapCount(tm))

	key := []byte("any key")
	want := min(3, len(r.Hosts()))
	if got := tm.ReplicasOfKey(ks, key); len(got) != want {
		t.Errorf("%s (NTS %s: 3): %d replicas, want %d", ks, dc, len(got), want)
	}
	if repl, ok := tm.Replication("system"); !ok || repl.Strategy != cluster.LocalStrategy || tm.ReplicasOfKey("system", key) != nil {
		t.Errorf("system: %v %v, want LocalStrategy without replicas", repl, ok)
	}
}
