#!/usr/bin/env bash
# The test command of `make test` (run by scripts/test.sh with a Cassandra
# reachable): go test with the given flags over every package, then the
# root package again with a Go 1.27 toolchain, where database/sql scans
# through the driver's RowsColumnScanner (rows_scan_go127.go), which older
# Go does not compile. The go command fetches that toolchain from the Go
# module proxy once (GO127_TOOLCHAIN, default go1.27.3; empty skips the
# second run). When the machine's own Go is 1.27 or later, the first run
# already covers it.
set -uo pipefail
# The root package's integration tests (multi-node, failover, fault
# injection) take longer than go test's default 10 minutes under -race on
# 2 CPUs; a -timeout among the arguments overrides this one.
timeout=${GO_TEST_TIMEOUT:-30m}
go test -timeout "$timeout" "$@" ./...
rc=$?
# The repository's other modules (otelcql), which ./... does not enter.
scripts/go-test-modules.sh "$@" || rc=1
toolchain=${GO127_TOOLCHAIN-go1.27.3}
own=$(go env GOVERSION)
if [ -z "$toolchain" ]; then
	echo "go-test.sh: GO127_TOOLCHAIN is empty: the Go 1.27 scan path is not tested"
elif [ "$(printf '%s\n%s\n' "$own" go1.27 | sort -V | head -1)" = go1.27 ]; then
	echo "go-test.sh: $own already compiles the Go 1.27 scan path"
else
	echo "== the root package again with $toolchain (database/sql's RowsColumnScanner path)"
	GOTOOLCHAIN=$toolchain go version || exit 1
	GOTOOLCHAIN=$toolchain go vet . || rc=1
	# The stalled-node, multi-node and failover tests kill, freeze and
	# restart nodes and test nothing of the scan path: once is enough.
	GOTOOLCHAIN=$toolchain go test -timeout "$timeout" "$@" -skip 'TestIntegrationStalledNode|TestCluster|TestFailover|TestContactPoints' . || rc=1
fi
exit $rc
