#!/usr/bin/env bash
# `make test`: go vet, then the given go test command with a Cassandra
# reachable (scripts/with-cassandra.sh). Integration tests are required here:
# an unreachable server fails them instead of skipping them. The summary at
# the end counts what passed and lists anything skipped.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CASSANDRA_TEST_REQUIRED=1

# Two more nodes for the authentication and TLS tests, started in the
# background while go vet runs, and stopped at the end if this script
# started them:
#   secure: PasswordAuthenticator and client TLS, TLS optional on the port
#           (testcluster.Secure: CASSANDRA_SECURE_HOSTS, CASSANDRA_SECURE_CA)
#   mtls:   TLS only, with a client certificate required
#           (testcluster.MutualTLS: CASSANDRA_MTLS_HOSTS, _CA, _CERT, _KEY)
secure_env=(CASSANDRA_AUTH=1 CASSANDRA_TLS=1 CASSANDRA_TLS_OPTIONAL=1 CASSANDRA_PORT=9142
	CASSANDRA_STORAGE_PORT=7100 CASSANDRA_HEAP=${CASSANDRA_SECURE_HEAP:-512M})
mtls_env=(CASSANDRA_TLS=1 CASSANDRA_TLS_CLIENT_AUTH=1 CASSANDRA_PORT=9152
	CASSANDRA_STORAGE_PORT=7150 CASSANDRA_HEAP=${CASSANDRA_SECURE_HEAP:-512M})
#   stall:  a plain node that TestIntegrationStalledNode stops with SIGSTOP
#           (it would start the node itself; started here, it overlaps the rest)
#   main:   the plain node on 127.0.0.1:9042, when nothing provides one
#           (scripts/with-cassandra.sh would start it, after the others)
stall_env=(CASSANDRA_PORT=9242 CASSANDRA_STORAGE_PORT=7200 CASSANDRA_HEAP=512M)
main_env=(CASSANDRA_PORT=9042)
#   cluster: 3 nodes on 127.0.0.1-3:9062, 16 vnodes each, one datacenter
#           (testcluster.ThreeNodes: CASSANDRA_CLUSTER_HOSTS; only read)
#   dc2:    3 nodes on 127.0.0.1-3:9072, dc1 (nodes 1, 2) and dc2 (node 3)
#           (testcluster.TwoDCs: CASSANDRA_DC2_HOSTS; tests kill and restart
#           its nodes)
# Their settings must match testcluster's (internal/testcluster/multinode.go).
cluster_env=(CASSANDRA_NODES=3 CASSANDRA_NUM_TOKENS=16 CASSANDRA_PORT=9062 CASSANDRA_STORAGE_PORT=7600
	CASSANDRA_HEAP=${CASSANDRA_CLUSTER_HEAP:-512M})
dc2_env=(CASSANDRA_NODES=3 CASSANDRA_DCS=2 CASSANDRA_NUM_TOKENS=16 CASSANDRA_PORT=9072 CASSANDRA_STORAGE_PORT=7700
	CASSANDRA_HEAP=${CASSANDRA_CLUSTER_HEAP:-512M})
secure_started=0 mtls_started=0 stall_started=0 main_started=0 cluster_started=0 dc2_started=0
secure_pid='' mtls_pid='' stall_pid='' main_pid='' cluster_pid='' dc2_pid=''
tmp=$(mktemp -d)
cleanup() {
	# The background starts finish first: a node is never left half started.
	wait 2>/dev/null || true
	if [ "$secure_started" = 1 ]; then env "${secure_env[@]}" scripts/cassandra.sh down || true; fi
	if [ "$mtls_started" = 1 ]; then env "${mtls_env[@]}" scripts/cassandra.sh down || true; fi
	if [ "$stall_started" = 1 ]; then env "${stall_env[@]}" scripts/cassandra.sh down || true; fi
	if [ "$main_started" = 1 ]; then env "${main_env[@]}" scripts/cassandra.sh down || true; fi
	if [ "$cluster_started" = 1 ]; then env "${cluster_env[@]}" scripts/cassandra.sh down || true; fi
	if [ "$dc2_started" = 1 ]; then env "${dc2_env[@]}" scripts/cassandra.sh down || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_bg NAME ENV...: start that node in the background unless it runs.
start_bg() {
	local name=$1
	shift
	if env "$@" scripts/cassandra.sh status >/dev/null 2>&1; then
		return 1
	fi
	echo "test.sh: starting the $name node in the background" >&2
	env "$@" bash -c 'start=$SECONDS; scripts/cassandra.sh up && echo "test.sh: $0 node ready after $((SECONDS - start))s"' "$name" >"$tmp/$name.log" 2>&1 &
}

# The jars first, once, before nodes start side by side.
if command -v java >/dev/null && command -v mvn >/dev/null; then
	scripts/cassandra.sh fetch
fi

if [ -z "${CASSANDRA_SECURE_HOSTS:-}" ] || [ -z "${CASSANDRA_MTLS_HOSTS:-}" ]; then
	if command -v java >/dev/null && command -v mvn >/dev/null; then
		if [ -z "${CASSANDRA_SECURE_HOSTS:-}" ]; then
			if start_bg secure "${secure_env[@]}"; then secure_started=1 secure_pid=$!; fi
			dir=$(env "${secure_env[@]}" scripts/cassandra.sh dir)
			export CASSANDRA_SECURE_HOSTS=127.0.0.1:9142 CASSANDRA_SECURE_CA="$dir/tls/ca.pem"
		fi
		if [ -z "${CASSANDRA_MTLS_HOSTS:-}" ]; then
			if start_bg mtls "${mtls_env[@]}"; then mtls_started=1 mtls_pid=$!; fi
			dir=$(env "${mtls_env[@]}" scripts/cassandra.sh dir)
			export CASSANDRA_MTLS_HOSTS=127.0.0.1:9152 CASSANDRA_MTLS_CA="$dir/tls/ca.pem"
			export CASSANDRA_MTLS_CERT="$dir/tls/client.pem" CASSANDRA_MTLS_KEY="$dir/tls/client.key"
		fi
	else
		# In CI the tests fail instead (testcluster.Secure, MutualTLS).
		echo "test.sh: no JDK and Maven here; the password/TLS tests will skip" >&2
		export CASSANDRA_SECURE_SKIP=1
	fi
fi

if command -v java >/dev/null && command -v mvn >/dev/null; then
	if start_bg stall "${stall_env[@]}"; then stall_started=1 stall_pid=$!; fi
	if [ -z "${CASSANDRA_HOSTS:-}" ] && ! (exec 3<>/dev/tcp/127.0.0.1/9042) 2>/dev/null &&
		! { [ "${CASSANDRA_USE_DOCKER:-1}" = 1 ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; }; then
		if start_bg main "${main_env[@]}"; then main_started=1 main_pid=$!; fi
	fi
fi

if command -v java >/dev/null && command -v mvn >/dev/null; then
	if [ -z "${CASSANDRA_CLUSTER_HOSTS:-}" ]; then
		if start_bg cluster "${cluster_env[@]}"; then cluster_started=1 cluster_pid=$!; fi
		export CASSANDRA_CLUSTER_HOSTS=127.0.0.1:9062,127.0.0.2:9062,127.0.0.3:9062
	fi
	if [ -z "${CASSANDRA_DC2_HOSTS:-}" ]; then
		if start_bg dc2 "${dc2_env[@]}"; then dc2_started=1 dc2_pid=$!; fi
		export CASSANDRA_DC2_HOSTS=127.0.0.1:9072,127.0.0.2:9072,127.0.0.3:9072
	fi
fi

echo "== go vet ./..."
go vet ./...

for name in secure mtls stall main cluster dc2; do
	pid_var=${name}_pid
	[ -n "${!pid_var}" ] || continue
	if ! wait "${!pid_var}"; then
		cat "$tmp/$name.log" >&2
		echo "test.sh: the $name node did not start" >&2
		exit 1
	fi
	grep 'test.sh:' "$tmp/$name.log" >&2 || true
done

log=$tmp/test.log
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
