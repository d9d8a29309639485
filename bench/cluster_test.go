package main

import "testing"

func TestParseHosts(t *testing.T) {
	good := "127.0.0.1:9062, 127.0.0.2:9062,127.0.0.3:9062,127.0.0.4:9042"
	hs, err := parseHosts(good)
	if err != nil || len(hs) != 4 || hs[1] != "127.0.0.2:9062" {
		t.Fatalf("parseHosts(%q) = %v, %v", good, hs, err)
	}
	for _, bad := range []string{"", "127.0.0.5:9062", "10.0.0.1:9042", "127.0.0.1", "127.0.0.1:x", "localhost:9042",
		"127.0.0.1:9062,127.0.0.1:9062"} {
		if hs, err := parseHosts(bad); err == nil {
			t.Errorf("parseHosts(%q) = %v, want an error", bad, hs)
		}
	}
}

func TestOurDSN(t *testing.T) {
	defer func(h string, ks string, m bool, c clusterInfo) {
		*flagHost, *flagKeyspace, clusterMode, cluster = h, ks, m, c
	}(*flagHost, *flagKeyspace, clusterMode, cluster)
	*flagKeyspace = "ks"
	clusterMode = true
	cluster.hosts = []string{"127.0.0.1:9062", "127.0.0.2:9062", "127.0.0.3:9062"}
	for _, c := range []struct{ label, want string }{
		{"cqlsql", "cassandra://127.0.0.1:9062/ks?consistency=LOCAL_QUORUM&page_size=5000"},
		{rrName, "cassandra://127.0.0.1:9062,127.0.0.2:9062,127.0.0.3:9062/ks?consistency=LOCAL_QUORUM&page_size=5000&host_discovery=false"},
	} {
		if got := ourDSN(c.label, "LOCAL_QUORUM"); got != c.want {
			t.Errorf("ourDSN(%s) = %s, want %s", c.label, got, c.want)
		}
	}
}
