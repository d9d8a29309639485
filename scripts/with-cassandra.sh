#!/usr/bin/env bash
# Runs a command with a Cassandra reachable, starting one from the Maven jars
# when nothing else provides it, and stopping only what it started.
#
# Order: CASSANDRA_HOSTS (any cluster) wins; else whatever answers on
# 127.0.0.1:9042; else, where a Docker engine answers, the tests' dockertest
# helper starts the official image itself; else scripts/cassandra.sh up.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

started=0
stop() {
	local rc=$?
	if [ "$started" = 1 ]; then scripts/cassandra.sh down || true; fi
	exit $rc
}
trap stop EXIT INT TERM

if [ -n "${CASSANDRA_HOSTS:-}" ]; then
	echo "with-cassandra: using CASSANDRA_HOSTS=$CASSANDRA_HOSTS" >&2
elif (exec 3<>/dev/tcp/127.0.0.1/9042) 2>/dev/null; then
	echo "with-cassandra: using the Cassandra already listening on 127.0.0.1:9042" >&2
	export CASSANDRA_HOSTS=127.0.0.1:9042
elif [ "${CASSANDRA_USE_DOCKER:-1}" = 1 ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
	echo "with-cassandra: a Docker engine answers; the tests start cassandra:5.0 through dockertest" >&2
else
	scripts/cassandra.sh up
	started=1
	export CASSANDRA_HOSTS=127.0.0.1:9042
fi
"$@"
