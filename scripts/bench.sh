#!/usr/bin/env bash
# `make bench`: the CPU microbenchmarks of the driver's own packages (no
# server needed), then, when bench/ exists, the side-by-side run against
# gocql on the same Cassandra (bench/ is its own module).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-1}" ./...
if [ -f bench/go.mod ]; then
	(cd bench && go run . "$@")
fi
