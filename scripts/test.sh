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

# A second node with PasswordAuthenticator and client TLS (TLS optional on
# the port) for the authentication and TLS tests: testcluster.Secure.
secure_started=0
secure_env=(CASSANDRA_AUTH=1 CASSANDRA_TLS=1 CASSANDRA_TLS_OPTIONAL=1 CASSANDRA_PORT=9142
	CASSANDRA_STORAGE_PORT=7100 CASSANDRA_HEAP=${CASSANDRA_SECURE_HEAP:-512M})
if [ -z "${CASSANDRA_SECURE_HOSTS:-}" ]; then
	if command -v java >/dev/null && command -v mvn >/dev/null; then
		if ! env "${secure_env[@]}" scripts/cassandra.sh status >/dev/null 2>&1; then
			env "${secure_env[@]}" scripts/cassandra.sh up
			secure_started=1
		fi
		export CASSANDRA_SECURE_HOSTS=127.0.0.1:9142
		export CASSANDRA_SECURE_CA="$ROOT/.cache/cassandra/run-n1-p9142-auth-tls-opt/tls/ca.pem"
	else
		echo "test.sh: no JDK and Maven here; the password/TLS tests will skip" >&2
		export CASSANDRA_SECURE_SKIP=1
	fi
fi

log=$(mktemp)
cleanup() {
	rm -f "$log"
	if [ "$secure_started" = 1 ]; then env "${secure_env[@]}" scripts/cassandra.sh down || true; fi
}
trap cleanup EXIT
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
