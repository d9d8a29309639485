package testcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/ory/dockertest/v3"
	"github.com/ory/dockertest/v3/docker"
)

// containerName is shared by every test binary of a `go test ./...` run, so
// the packages reuse one container instead of starting one each.
const containerName = "cqlsql-test-cassandra"

// startDocker starts (or reuses) the official cassandra:5.0 image where a
// Docker engine answers. CASSANDRA_USE_DOCKER=0 turns this path off.
func startDocker() (string, error) {
	if os.Getenv("CASSANDRA_USE_DOCKER") == "0" {
		return "", errors.New("off (CASSANDRA_USE_DOCKER=0)")
	}
	pool, err := dockertest.NewPool("")
	if err != nil {
		return "", err
	}
	if err := pool.Client.Ping(); err != nil {
		return "", fmt.Errorf("no Docker engine: %w", err)
	}
	pool.MaxWait = 4 * time.Minute
	res, ok := pool.ContainerByName(containerName)
	if !ok {
		res, err = pool.RunWithOptions(&dockertest.RunOptions{
			Name:       containerName,
			Repository: "cassandra",
			Tag:        "5.0",
			Env: []string{
				"MAX_HEAP_SIZE=1G", "HEAP_NEWSIZE=200M",
				"JVM_EXTRA_OPTS=-Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.initial_token=0",
			},
		}, func(hc *docker.HostConfig) {
			hc.AutoRemove = true
		})
		if err != nil {
			return "", err
		}
		// The container outlives this test binary for the next packages; it
		// removes itself after half an hour.
		_ = res.Expire(1800)
	}
	addr := net.JoinHostPort("127.0.0.1", res.GetPort("9042/tcp"))
	err = pool.Retry(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := ReleaseVersion(ctx, addr, "", "", nil)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("cassandra:5.0 container did not answer CQL: %w", err)
	}
	return addr, nil
}
