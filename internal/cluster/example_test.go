package cluster_test

import (
	"fmt"

	"github.com/cqlsql/cassandra/internal/cluster"
)

// A token map from the rows of system.local / system.peers_v2 and
// system_schema.keyspaces, then the replicas of a partition key.
func ExampleTokenMap() {
	ids := []string{"11111111-0000-0000-0000-000000000000", "22222222-0000-0000-0000-000000000000", "33333333-0000-0000-0000-000000000000"}
	var hosts []cluster.Host
	for i, id := range ids {
		hid, err := cluster.ParseHostID(id)
		if err != nil {
			panic(err)
		}
		hosts = append(hosts, cluster.Host{
			ID: hid, Addr: fmt.Sprintf("10.0.0.%d:9042", i+1), Datacenter: "dc1", Rack: fmt.Sprintf("rack%d", i+1),
			Tokens: []string{fmt.Sprint(-6000000000000000000 + int64(i)*6000000000000000000)},
		})
	}
	p, err := cluster.PartitionerByName("org.apache.cassandra.dht.Murmur3Partitioner")
	if err != nil {
		panic(err)
	}
	ring, err := cluster.NewRing(p, hosts)
	if err != nil {
		panic(err)
	}
	tm, err := cluster.NewTokenMap(ring, map[string]map[string]string{
		"shop": {"class": "org.apache.cassandra.locator.NetworkTopologyStrategy", "dc1": "2"},
	})
	if err != nil {
		panic(err)
	}

	// PRIMARY KEY ((country, id)): a composite routing key.
	key, err := cluster.AppendRoutingKey(nil, [][]byte{[]byte("fr"), {0, 0, 0, 42}})
	if err != nil {
		panic(err)
	}
	fmt.Println("token", p.FormatToken(ring.Token(key)))
	for _, h := range tm.ReplicasOfKey("shop", key) {
		fmt.Println(h.Addr, h.Rack)
	}
	// Output:
	// token -5924210020788809024
	// 10.0.0.2:9042 rack2
	// 10.0.0.3:9042 rack3
}
