#!/usr/bin/env bash
# go vet and go test -race for the repository's separate Go modules, which
# the root's `go test ./...` does not enter (each has its own go.mod):
# otelcql (the OpenTelemetry adapter). Extra arguments go to go test, after
# -race -count=1 (e.g. -v). A module whose dependencies cannot be
# downloaded (no module proxy) is skipped with a message, and fails in CI.
# Integration tests in it find Cassandra as the root's do (CASSANDRA_HOSTS,
# else 127.0.0.1:9042); this script starts none.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
modules=(otelcql)
rc=0
for m in "${modules[@]}"; do
	echo "== module $m"
	cd "$ROOT/$m" || { rc=1; continue; }
	if ! out=$(go mod download 2>&1); then
		echo "go-test-modules.sh: skipping $m: its dependencies cannot be downloaded:"
		echo "$out" | tail -5
		# In CI a module left untested is a failure.
		if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then rc=1; fi
		continue
	fi
	go vet ./... && go test -race -count=1 "$@" ./... || rc=1
done
exit $rc
