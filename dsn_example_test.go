package cassandra_test

import (
	"fmt"
	"time"

	"github.com/cqlsql/cassandra"
)

func ExampleParseDSN() {
	cfg, err := cassandra.ParseDSN("cassandra://app:p%40ss@10.0.0.1,10.0.0.2:9043,[::1]/shop?consistency=local_quorum&page_size=1000&timeout=2s")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Hosts)
	fmt.Println(cfg.Keyspace, cfg.Username, cfg.Consistency, cfg.PageSize, cfg.Timeout)
	fmt.Println(cfg) // String hides the password

	_, err = cassandra.ParseDSN("cassandra://localhost/shop?consitency=ONE")
	fmt.Println(err)
	// Output:
	// [10.0.0.1:9042 10.0.0.2:9043 [::1]:9042]
	// shop app LOCAL_QUORUM 1000 2s
	// cassandra://app:***@10.0.0.1:9042,10.0.0.2:9043,[::1]:9042/shop?consistency=LOCAL_QUORUM&page_size=1000&timeout=2s
	// cassandra: unknown DSN parameter "consitency"; accepted: app_name, app_version, compression, connect_timeout, conns_per_host, consistency, heartbeat_interval, heartbeat_timeout, host_discovery, idempotent, local_dc, max_frame_size, max_requests_per_conn, page_size, paging, protocol_version, remote_dc_hosts, retries, serial_consistency, speculative, speculative_max, timeout, tls, tls_ca, tls_cert, tls_key, tls_server_name
}

func ExampleConfig_FormatDSN() {
	cfg := cassandra.NewConfig()
	cfg.Hosts = []string{"cass1.example.com:9042", "cass2.example.com:9042"}
	cfg.Keyspace = "shop"
	cfg.Username = "app"
	cfg.Password = "s3cr/t"
	cfg.Consistency = cassandra.Quorum
	cfg.ConnectTimeout = 10 * time.Second
	cfg.TLS = cassandra.TLSVerify
	cfg.TLSCA = "/etc/cassandra/ca.pem"
	fmt.Println(cfg.FormatDSN())
	// Output:
	// cassandra://app:s3cr%2Ft@cass1.example.com:9042,cass2.example.com:9042/shop?connect_timeout=10s&consistency=QUORUM&tls=true&tls_ca=/etc/cassandra/ca.pem
}
