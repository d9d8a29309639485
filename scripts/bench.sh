#!/usr/bin/env bash
# `make bench`: the CPU microbenchmarks of the driver's own packages (no
# server needed), then, when bench/ exists, the side-by-side run against
# gocql on the same Cassandra (bench/ is its own module). BENCH_ARGS goes to
# the comparison, e.g. BENCH_ARGS=-quick make bench (a few minutes); the
# defaults take about 11 minutes on 2 cores. Its table lands in
# bench/results/latest.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
go test -run '^$' -bench . -benchmem -count "${BENCH_COUNT:-1}" ./...
if [ -f bench/go.mod ]; then
	# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
	(cd bench && go run . ${BENCH_ARGS:-} "$@")
fi
