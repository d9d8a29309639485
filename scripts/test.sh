#!/usr/bin/env bash
# `make test`: go vet, then the given go test command with a Cassandra
# reachable (scripts/with-cassandra.sh). Integration tests are required here:
# an unreachable server fails them instead of skipping them. The summary at
# the end counts what passed and lists anything skipped.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CASSANDRA_TEST_REQUIRED=1

echo "== go vet ./..."
go vet ./...

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== $*"
set +e
scripts/with-cassandra.sh "$@" 2>&1 | tee "$log" | grep -vE '^(=== (RUN|PAUSE|CONT)|    --- PASS|--- PASS)'
rc=${PIPESTATUS[0]}
set -e

passed=$(grep -cE -- '--- PASS' "$log" || true)
failed=$(grep -cE -- '--- FAIL' "$log" || true)
skipped=$(grep -cE -- '--- SKIP' "$log" || true)
echo "== summary"
grep -E 'cassandra release_version' "$log" | head -1 || true
if [ "$skipped" != 0 ]; then
	echo "skipped tests:"
	grep -E -A1 -- '--- SKIP' "$log" | grep -v '^--$' | sed 's/^/  /'
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
