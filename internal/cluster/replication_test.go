package cluster

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseReplication(t *testing.T) {
	const nts = "org.apache.cassandra.locator.NetworkTopologyStrategy"
	tests := []struct {
		options map[string]string
		want    Replication
	}{
		{map[string]string{"class": "org.apache.cassandra.locator.SimpleStrategy", "replication_factor": "3"},
			Replication{Strategy: SimpleStrategy, Factor: 3}},
		{map[string]string{"class": "SimpleStrategy", "replication_factor": "3/1"},
			Replication{Strategy: SimpleStrategy, Factor: 3}},
		{map[string]string{"class": nts, "dc2": "3/1", "dc1": "3", "dc0": "0"},
			Replication{Strategy: NetworkTopologyStrategy, Datacenters: []DatacenterFactor{{"dc1", 3}, {"dc2", 3}}}},
		{map[string]string{"class": nts}, Replication{Strategy: NetworkTopologyStrategy}},
		{map[string]string{"class": "org.apache.cassandra.locator.LocalStrategy"}, Replication{Strategy: LocalStrategy}},
		{map[string]string{"class": "org.apache.cassandra.locator.EverywhereStrategy"}, Replication{Strategy: EverywhereStrategy}},
	}
	for _, tt := range tests {
		got, err := ParseReplication(tt.options)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseReplication(%v) = %+v, %v; want %+v", tt.options, got, err, tt.want)
		}
	}

	bad := []map[string]string{
		{"class": "SimpleStrategy"},
		{"class": "SimpleStrategy", "replication_factor": "-1"},
		{"class": "SimpleStrategy", "replication_factor": "three"},
		{"class": "SimpleStrategy", "replication_factor": "3/4"},
		{"class": "SimpleStrategy", "replication_factor": "3/x"},
		{"class": nts, "dc1": ""},
		{"class": nts, "dc1": "99999999999999999999"},
	}
	for _, o := range bad {
		if r, err := ParseReplication(o); err == nil {
			t.Errorf("ParseReplication(%v) = %+v, want an error", o, r)
		}
	}
	for _, o := range []map[string]string{{}, nil, {"class": "com.example.MyStrategy"}} {
		if _, err := ParseReplication(o); !errors.Is(err, ErrUnsupportedStrategy) {
			t.Errorf("ParseReplication(%v) error = %v, want ErrUnsupportedStrategy", o, err)
		}
	}
}

func TestReplicationKeyIdentifiesSettings(t *testing.T) {
	parse := func(o map[string]string) string {
		r, err := ParseReplication(o)
		if err != nil {
			t.Fatal(err)
		}
		return r.key()
	}
	const nts = "NetworkTopologyStrategy"
	a := parse(map[string]string{"class": nts, "dc1": "3", "dc2": "2"})
	b := parse(map[string]string{"class": "org.apache.cassandra.locator." + nts, "dc2": "2/1", "dc1": "3", "dc3": "0"})
	c := parse(map[string]string{"class": nts, "dc1": "3", "dc2": "3"})
	d := parse(map[string]string{"class": nts, "dc1=3 \"dc2\"": "2"}) // a name built to look like another setting
	if a != b || a == c || a == d {
		t.Errorf("keys %q %q %q %q", a, b, c, d)
	}
}
