// Command cqlping prints a node's release_version once it answers CQL.
// scripts/cassandra.sh uses it to wait for a real CQL answer, not just an
// open port. Exit status 0 means the server answered.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cqlsql/cassandra/internal/testcluster"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9042", "host:port of the node")
	user := flag.String("user", "", "username for PasswordAuthenticator")
	useTLS := flag.Bool("tls", false, "connect with TLS (certificate not verified: the test CA is self-made)")
	cert := flag.String("cert", "", "PEM client certificate, for nodes that require one (with -tls and -key)")
	key := flag.String("key", "", "PEM private key of -cert")
	timeout := flag.Duration("timeout", 5*time.Second, "time allowed for the exchange")
	flag.Parse()
	var tc *tls.Config
	if *useTLS {
		tc = &tls.Config{InsecureSkipVerify: true}
		if *cert != "" {
			pair, err := tls.LoadX509KeyPair(*cert, *key)
			if err != nil {
				fmt.Fprintln(os.Stderr, "cqlping:", err)
				os.Exit(2)
			}
			tc.Certificates = []tls.Certificate{pair}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	// The password comes from the environment so it never shows in ps output.
	v, err := testcluster.ReleaseVersion(ctx, *addr, *user, os.Getenv("CQLPING_PASSWORD"), tc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cqlping:", err)
		os.Exit(1)
	}
	fmt.Println(v)
}
