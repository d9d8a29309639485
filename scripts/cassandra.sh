#!/usr/bin/env bash
# Starts and stops a local Apache Cassandra 5.0 for the tests, from the jars
# Maven Central publishes (no Docker engine needed).
#
#   scripts/cassandra.sh up       fetch jars if needed, start every node, wait for CQL
#   scripts/cassandra.sh fetch    fetch the jars only (concurrent starts share one fetch)
#   scripts/cassandra.sh wipe     delete the run dir of stopped nodes (a new cluster next time)
#   scripts/cassandra.sh down     stop what this script started (by pid file only)
#   scripts/cassandra.sh status   print each node's state; exit 1 if one is down
#   scripts/cassandra.sh log [N]  tail node N's server log (default 1)
#   scripts/cassandra.sh dir      print the run dir (its tls/ holds the certificates)
#
# Settings (environment):
#   CASSANDRA_NODES=1..4     nodes on 127.0.0.1 to 127.0.0.4 (default 1)
#   CASSANDRA_START_NODES=N  up starts nodes 1..N only (default all); a later up
#                            with more starts the others, which join the cluster
#   CASSANDRA_NUM_TOKENS=N   vnodes per node (default 1 for one node, with evenly
#                            spaced tokens; 16, Cassandra 5.0's default, for more)
#   CASSANDRA_DCS=1|2        datacenters: with 2, the first half of the nodes (rounded
#                            up) are in dc1, the rest in dc2; racks rack1, rack2
#                            alternate within each (GossipingPropertyFileSnitch)
#   CASSANDRA_AUTH=1         PasswordAuthenticator (login cassandra/cassandra)
#   CASSANDRA_TLS=1          client TLS on the native port; certificates are made
#                            at start in the run dir (ca.pem, client.pem, client.key)
#   CASSANDRA_TLS_OPTIONAL=1 with TLS: accept TLS and plaintext on one port
#   CASSANDRA_TLS_CLIENT_AUTH=1  with TLS: require a client certificate signed
#                            by the run's CA (require_client_auth: true); the
#                            client uses client.pem and client.key
#   CASSANDRA_PORT=9042      native (CQL) port on every node's address
#   CASSANDRA_STORAGE_PORT=7000  inter-node port; give each concurrent cluster its own
#   CASSANDRA_HEAP=1G        heap per node (at most 1G is advised here)
#   CASSANDRA_CACHE=DIR      jar cache (default .cache/cassandra, gitignored)
#   CASSANDRA_RUN_DIR=DIR    data, logs, config and pid files (default
#                            .cache/cassandra/run-<profile>, one per combination of the above,
#                            so a password or TLS cluster never reuses a plain one's files)
#   CASSANDRA_START_TIMEOUT  seconds to wait for CQL (default 240)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE="$ROOT/scripts/cassandra"
NODES=${CASSANDRA_NODES:-1}
START_NODES=${CASSANDRA_START_NODES:-$NODES}
DCS=${CASSANDRA_DCS:-1}
if [ "$NODES" = 1 ]; then NUM_TOKENS=${CASSANDRA_NUM_TOKENS:-1}; else NUM_TOKENS=${CASSANDRA_NUM_TOKENS:-16}; fi
AUTH=${CASSANDRA_AUTH:-0}
TLS=${CASSANDRA_TLS:-0}
TLS_OPTIONAL=${CASSANDRA_TLS_OPTIONAL:-0}
TLS_CLIENT_AUTH=${CASSANDRA_TLS_CLIENT_AUTH:-0}
HEAP=${CASSANDRA_HEAP:-1G}
PORT=${CASSANDRA_PORT:-9042}
STORAGE_PORT=${CASSANDRA_STORAGE_PORT:-7000}
CACHE=${CASSANDRA_CACHE:-$ROOT/.cache/cassandra}
PROFILE="n$NODES-p$PORT"
[ "$AUTH" = 1 ] && PROFILE+="-auth"
[ "$TLS" = 1 ] && PROFILE+="-tls"
[ "$TLS_OPTIONAL" = 1 ] && PROFILE+="-opt"
[ "$TLS_CLIENT_AUTH" = 1 ] && PROFILE+="-mtls"
[ "$DCS" != 1 ] && PROFILE+="-dc$DCS"
[ "$NUM_TOKENS" != 1 ] && [ "$NODES" != 1 ] && [ "$NUM_TOKENS" != 16 ] && PROFILE+="-t$NUM_TOKENS"
[ "$NUM_TOKENS" != 1 ] && [ "$NODES" = 1 ] && PROFILE+="-t$NUM_TOKENS"
RUN=${CASSANDRA_RUN_DIR:-$CACHE/run-$PROFILE}
START_TIMEOUT=${CASSANDRA_START_TIMEOUT:-240}
VERSION=$(sed -n 's:.*<cassandra.version>\(.*\)</cassandra.version>.*:\1:p' "$HERE/pom.xml")
LIB="$CACHE/lib-$VERSION"
# Built from this checkout, not shared through the jar cache: checkouts of
# other branches may build a cqlping with other flags.
PING="$ROOT/.cache/bin/cqlping"
# With one token per node: evenly spaced Murmur3 tokens, as ccm assigns them.
case "$NODES" in
4) TOKENS=(-9223372036854775808 -4611686018427387904 0 4611686018427387904) ;;
*) TOKENS=(-9223372036854775808 -3074457345618258603 3074457345618258602) ;;
esac

say() { printf 'cassandra.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

case "$NODES" in 1 | 2 | 3 | 4) ;; *) die "CASSANDRA_NODES must be 1 to 4, not '$NODES'" ;; esac
case "$DCS" in 1 | 2) ;; *) die "CASSANDRA_DCS must be 1 or 2, not '$DCS'" ;; esac
case "$START_NODES" in [1-4]) [ "$START_NODES" -le "$NODES" ] || die "CASSANDRA_START_NODES ($START_NODES) is more than CASSANDRA_NODES ($NODES)" ;;
*) die "CASSANDRA_START_NODES must be 1 to CASSANDRA_NODES, not '$START_NODES'" ;; esac
case "$NUM_TOKENS" in '' | *[!0-9]*) die "CASSANDRA_NUM_TOKENS must be a number, not '$NUM_TOKENS'" ;; esac
[ "$NUM_TOKENS" -ge 1 ] && [ "$NUM_TOKENS" -le 256 ] || die "CASSANDRA_NUM_TOKENS must be 1 to 256, not $NUM_TOKENS"
[ "$TLS_CLIENT_AUTH" = 1 ] && [ "$TLS" != 1 ] && die "CASSANDRA_TLS_CLIENT_AUTH=1 needs CASSANDRA_TLS=1"

node_dir() { echo "$RUN/node$1"; }
# node_dc N and node_rack N: where node N is, with CASSANDRA_DCS.
node_dc() {
	if [ "$DCS" = 2 ] && [ "$1" -gt $(((NODES + 1) / 2)) ]; then echo dc2; else echo dc1; fi
}
node_rack() {
	local i=$1
	[ "$(node_dc "$1")" = dc2 ] && i=$(($1 - (NODES + 1) / 2))
	echo "rack$(((i - 1) % 2 + 1))"
}
node_addr() { echo "127.0.0.$1"; }
pid_file() { echo "$(node_dir "$1")/cassandra.pid"; }

# The pid of node N if the process in its pid file is alive and is our
# CassandraDaemon for this run dir; nothing otherwise.
live_pid() {
	local f pid
	f=$(pid_file "$1")
	[ -f "$f" ] || return 0
	pid=$(cat "$f" 2>/dev/null || true)
	[ -n "$pid" ] || return 0
	if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
		grep -q -- "-Dcassandra.cqlsql.node=$(node_dir "$1") "; then
		echo "$pid"
	fi
}

find_java() {
	local j v
	for j in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} java /usr/lib/jvm/java-17-openjdk-*/bin/java /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*11*/bin/java; do
		command -v "$j" >/dev/null 2>&1 || continue
		v=$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
		case "$v" in 11 | 17) echo "$j"; return 0 ;; esac
	done
	die "Cassandra 5.0 needs JDK 11 or 17 (java on PATH is $(java -version 2>&1 | head -1)); install openjdk-17-jdk or set JAVA_HOME"
}

fetch_jars() {
	if [ -f "$LIB/.complete" ]; then
		return 0
	fi
	# test.sh starts several nodes at once: one fetch, the others wait for it.
	mkdir -p "$CACHE"
	if command -v flock >/dev/null; then
		exec 9>"$CACHE/fetch.lock"
		flock 9
		if [ -f "$LIB/.complete" ]; then
			flock -u 9
			return 0
		fi
	fi
	command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch cassandra-all $VERSION; install maven or set CASSANDRA_HOSTS"
	say "fetching cassandra-all $VERSION and its dependencies into $LIB"
	local start=$SECONDS
	rm -rf "$LIB" && mkdir -p "$LIB"
	mvn -B -q -f "$HERE/pom.xml" \
		org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$LIB" >"$CACHE/mvn.log" 2>&1 ||
		{ tail -30 "$CACHE/mvn.log" >&2; die "mvn could not fetch the jars (log: $CACHE/mvn.log)"; }
	[ -f "$LIB/cassandra-all-$VERSION.jar" ] || die "cassandra-all-$VERSION.jar missing after mvn"
	touch "$LIB/.complete"
	say "jars fetched in $((SECONDS - start))s"
	if command -v flock >/dev/null; then flock -u 9; fi
}

build_ping() {
	# Rebuilt when its sources change; go build is a no-op otherwise.
	mkdir -p "$(dirname "$PING")"
	# Built aside and renamed: test.sh starts two nodes at once.
	(cd "$ROOT" && go build -o "$PING.$$" ./internal/cmd/cqlping && mv -f "$PING.$$" "$PING") ||
		{ rm -f "$PING.$$"; die "could not build cqlping"; }
}

ping_node() {
	local args=(-addr "$(node_addr "$1"):$PORT" -timeout 5s)
	[ "$AUTH" = 1 ] && args+=(-user cassandra)
	[ "$TLS" = 1 ] && [ "$TLS_OPTIONAL" != 1 ] && args+=(-tls)
	[ "$TLS_CLIENT_AUTH" = 1 ] && args+=(-cert "$RUN/tls/client.pem" -key "$RUN/tls/client.key")
	CQLPING_PASSWORD=cassandra "$PING" "${args[@]}"
}

make_certs() {
	local d="$RUN/tls"
	[ -f "$d/server.p12" ] && return 0
	command -v keytool >/dev/null || die "keytool (from the JDK) is needed for CASSANDRA_TLS=1"
	command -v openssl >/dev/null || die "openssl is needed for CASSANDRA_TLS=1"
	mkdir -p "$d"
	say "making a test CA and certificates in $d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=cqlsql test CA" \
		-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
	for who in server client; do
		openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout "$d/$who.key" -out "$d/$who.csr" 2>/dev/null
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\n' >"$d/$who.ext"
		openssl x509 -req -in "$d/$who.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
			-days 30 -extfile "$d/$who.ext" -out "$d/$who.pem" 2>/dev/null
	done
	openssl pkcs12 -export -in "$d/server.pem" -inkey "$d/server.key" -name server \
		-passout pass:cassandra -out "$d/server.p12"
	rm -f "$d/truststore.p12"
	keytool -importcert -noprompt -alias ca -file "$d/ca.pem" -storetype PKCS12 \
		-keystore "$d/truststore.p12" -storepass cassandra >/dev/null 2>&1
}

write_config() {
	local n=$1 dir addr
	dir=$(node_dir "$n")
	addr=$(node_addr "$n")
	mkdir -p "$dir"/{conf,data,commitlog,saved_caches,hints,cdc_raw,logs,tmp}
	{
		cat <<EOF
# Written by scripts/cassandra.sh: one test node; data in $dir.
cluster_name: cqlsql-test
$(if [ "$NUM_TOKENS" = 1 ]; then printf 'num_tokens: 1\ninitial_token: %s' "${TOKENS[$((n - 1))]}"; else printf 'num_tokens: %s' "$NUM_TOKENS"; fi)
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: $([ "$DCS" = 1 ] && echo SimpleSnitch || echo GossipingPropertyFileSnitch)
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"
listen_address: $addr
rpc_address: $addr
storage_port: $STORAGE_PORT
native_transport_port: $PORT
start_native_transport: true
native_transport_allow_older_protocols: true
data_file_directories: [$dir/data]
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
auto_bootstrap: false
auto_snapshot: false
snapshot_before_compaction: false
# make test runs ten JVMs on two CPUs: a write that waits for the commit
# log past the 2 s default fails with WRITE_TIMEOUT although nothing is wrong.
write_request_timeout: 10000ms
read_request_timeout: 10000ms
# Tests create and drop many tables; keep the server light.
concurrent_compactors: 1
user_defined_functions_enabled: true
materialized_views_enabled: true
EOF
		if [ "$AUTH" = 1 ]; then
			printf 'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\nrole_manager: CassandraRoleManager\n'
		else
			printf 'authenticator: AllowAllAuthenticator\nauthorizer: AllowAllAuthorizer\n'
		fi
		if [ "$TLS" = 1 ]; then
			cat <<EOF
client_encryption_options:
  enabled: true
  optional: $([ "$TLS_OPTIONAL" = 1 ] && echo true || echo false)
  keystore: $RUN/tls/server.p12
  keystore_password: cassandra
  store_type: PKCS12
  require_client_auth: $([ "$TLS_CLIENT_AUTH" = 1 ] && echo true || echo false)
  truststore: $RUN/tls/truststore.p12
  truststore_password: cassandra
EOF
		fi
	} >"$dir/conf/cassandra.yaml"
	printf 'dc=%s\nrack=%s\n' "$(node_dc "$n")" "$(node_rack "$n")" >"$dir/conf/cassandra-rackdc.properties"
	cat >"$dir/conf/logback.xml" <<EOF
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$dir/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
  <logger name="org.apache.cassandra" level="INFO"/>
</configuration>
EOF
}

start_node() {
	local n=$1 dir java
	dir=$(node_dir "$n")
	java=$(find_java)
	write_config "$n"
	local opts=(
		"-Dcassandra.cqlsql.node=$dir" # marks the process as ours (see live_pid)
		-Xms"$HEAP" -Xmx"$HEAP" -Xss256k -XX:+UseG1GC -XX:+ParallelRefProcEnabled
		-XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m -XX:+ExitOnOutOfMemoryError
		-XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true
		"-Djava.io.tmpdir=$dir/tmp"
		"-Dcassandra.config=file://$dir/conf/cassandra.yaml"
		"-Dcassandra-rackdc.properties=file://$dir/conf/cassandra-rackdc.properties"
		"-Dcassandra.storagedir=$dir"
		"-Dcassandra.logdir=$dir/logs"
		"-Dlogback.configurationFile=file://$dir/conf/logback.xml"
		-Dcassandra-foreground=yes
		-Dcassandra.skip_wait_for_gossip_to_settle=0
		-Dcassandra.superuser_setup_delay_ms=0
		-Dcassandra.ring_delay_ms=1000
		-Dcassandra.migration_task_wait_in_seconds=1
		-Dcassandra.jmx.local.port=$((STORAGE_PORT + 199 + n * 10))
		# JDK 17 module access, as Cassandra's conf/jvm17-server.options lists it.
		-Djdk.attach.allowAttachSelf=true
		-Dio.netty.tryReflectionSetAccessible=true
		-Dio.netty.allocator.useCacheForAllThreads=true -Dio.netty.allocator.maxOrder=11
	)
	local m
	for m in java.base/jdk.internal.misc java.management.rmi/com.sun.jmx.remote.internal.rmi \
		java.rmi/sun.rmi.registry java.rmi/sun.rmi.server java.sql/java.sql java.base/java.lang.ref \
		jdk.unsupported/sun.misc jdk.compiler/com.sun.tools.javac.file jdk.attach/sun.tools.attach; do
		opts+=(--add-exports "$m=ALL-UNNAMED")
	done
	for m in java.base/java.lang.module java.base/jdk.internal.loader java.base/jdk.internal.ref \
		java.base/jdk.internal.reflect java.base/jdk.internal.math java.base/jdk.internal.module \
		java.base/jdk.internal.util.jar jdk.management/com.sun.management.internal java.base/sun.nio.ch \
		java.base/java.io java.base/java.lang.reflect jdk.compiler/com.sun.tools.javac \
		java.base/java.lang java.base/java.util java.base/java.nio java.base/java.util.concurrent \
		java.base/java.util.concurrent.atomic java.base/java.nio.charset; do
		opts+=(--add-opens "$m=ALL-UNNAMED")
	done
	[ -f "$LIB/jamm-0.4.0.jar" ] && opts+=("-javaagent:$LIB/jamm-0.4.0.jar")
	say "starting node $n on $(node_addr "$n"):$PORT ($(node_dc "$n")/$(node_rack "$n"), $NUM_TOKENS tokens; Cassandra $VERSION, heap $HEAP)"
	# setsid: the node outlives make and the shell that started it; the pid
	# file is the only handle `down` uses.
	setsid nohup "$java" "${opts[@]}" -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
		>"$dir/logs/stdout.log" 2>&1 </dev/null &
	local pid=$! i
	echo "$pid" >"$(pid_file "$n")"
	# Until the forked shell has exec'd java, /proc shows this script's
	# command line, without the marker live_pid looks for: a check in that
	# window took a starting node for one that had exited (and removed the
	# pid file of a node that went on running). Wait for the exec.
	for i in $(seq 1 100); do
		[ -n "$(live_pid "$n")" ] && return 0
		running "$pid" || return 0 # wait_node reports it
		sleep 0.1
	done
}

# running reports whether process pid exists and is not a zombie.
running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) } # the state follows "pid (comm) "
	[ -n "$stat" ] && [ "${stat%% *}" != Z ]
}

# wait_node waits for node N, whose process is pid, to answer CQL. It
# returns 1 if the process exits first, and ends the script if the node
# does not answer within START_TIMEOUT.
wait_node() {
	local n=$1 pid=$2 start=$SECONDS
	while :; do
		if ! running "$pid"; then
			say "node $n exited during start; last lines of its logs:"
			tail -25 "$(node_dir "$n")/logs/system.log" >&2 2>/dev/null || true
			tail -15 "$(node_dir "$n")/logs/stdout.log" >&2 2>/dev/null || true
			rm -f "$(pid_file "$n")"
			return 1
		fi
		if v=$(ping_node "$n" 2>/dev/null); then
			say "node $n answers CQL: release_version $v (pid $pid, ready after $((SECONDS - start))s)"
			return 0
		fi
		if [ $((SECONDS - start)) -ge "$START_TIMEOUT" ]; then
			say "node $n did not answer CQL within ${START_TIMEOUT}s; last lines of its log:"
			tail -25 "$(node_dir "$n")/logs/system.log" >&2 2>/dev/null || true
			exit 1
		fi
		sleep 1
	done
}

cmd_up() {
	mkdir -p "$RUN" "$CACHE"
	fetch_jars
	build_ping
	[ "$TLS" = 1 ] && make_certs
	local n pid
	for n in $(seq 1 "$START_NODES"); do
		pid=$(live_pid "$n")
		if [ -n "$pid" ]; then
			if v=$(ping_node "$n" 2>/dev/null); then
				say "node $n already running (pid $pid, release_version $v)"
				continue
			fi
			say "node $n (pid $pid) is running but does not answer CQL yet; waiting"
			wait_node "$n" "$pid" || exit 1
			continue
		fi
		if [ -f "$(pid_file "$n")" ]; then
			say "node $n: stale pid file (process gone, crashed or killed); restarting"
			rm -f "$(pid_file "$n")"
		fi
		if (exec 3<>"/dev/tcp/$(node_addr "$n")/$PORT") 2>/dev/null; then
			die "something not started by this script listens on $(node_addr "$n"):$PORT; stop it or point the tests at it with CASSANDRA_HOSTS=$(node_addr "$n"):$PORT"
		fi
		# Nodes join one after another, as a real cluster must. A node
		# that exits during start gets one more try: on a loaded machine
		# a joining node can miss its seeds' gossip replies in the short
		# ring delay set above ("Unable to gossip with any peers").
		local attempt
		for attempt in 1 2; do
			start_node "$n"
			wait_node "$n" "$(cat "$(pid_file "$n")")" && break
			[ "$attempt" = 2 ] && exit 1
			say "node $n: starting it once more"
		done
	done
}

# cmd_wipe deletes the run dir (data, logs, configuration), so that the
# next up starts a new cluster; it refuses while a node runs.
cmd_wipe() {
	local f n
	for f in "$RUN"/node*/cassandra.pid; do
		[ -e "$f" ] || continue
		n=${f%/cassandra.pid}
		n=${n##*/node}
		[ -z "$(live_pid "$n")" ] || die "node $n is running: run down first"
	done
	[ -z "$(run_dir_pids)" ] || die "a node of $RUN is running without a pid file: run down first"
	rm -rf "$RUN"
	say "wiped $RUN"
}

# stop_pid stops a node's process: SIGTERM, then SIGKILL after 30 s.
stop_pid() {
	local pid=$1 what=$2 i
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	say "$what ignored SIGTERM for 30s; killing it"
	kill -9 "$pid" 2>/dev/null || true
}

cmd_down() {
	local n pid f
	for f in "$RUN"/node*/cassandra.pid; do
		[ -e "$f" ] || continue
		n=${f%/cassandra.pid}
		n=${n##*/node}
		pid=$(live_pid "$n")
		if [ -n "$pid" ]; then
			say "stopping node $n (pid $pid)"
			stop_pid "$pid" "node $n"
		fi
		rm -f "$f"
	done
	# A node of this run dir whose pid file is gone or names another
	# process is still found by its marker, so that down never leaves one
	# running (a CI run once did, and the next run found its ports taken).
	for pid in $(run_dir_pids); do
		say "stopping a node of $RUN that had no pid file (pid $pid)"
		stop_pid "$pid" "pid $pid"
	done
}

# run_dir_pids lists the processes of this run dir's nodes, pid file or
# not, by the marker on their command line (see start_node).
run_dir_pids() {
	pgrep -f -- "-Dcassandra.cqlsql.node=$RUN/node[0-9]+ " 2>/dev/null || true
}

cmd_status() {
	local n pid rc=0 f seen=0
	for f in "$RUN"/node*/conf/cassandra.yaml; do
		[ -e "$f" ] || continue
		n=${f%/conf/cassandra.yaml}
		n=${n##*/node}
		seen=$((seen + 1))
		pid=$(live_pid "$n")
		if [ -n "$pid" ]; then
			echo "node $n: running, pid $pid, $(node_addr "$n"):$PORT"
		else
			echo "node $n: stopped"
			rc=1
		fi
	done
	if [ "$seen" = 0 ]; then
		echo "no node configured in $RUN"
		return 1
	fi
	return $rc
}

case "${1:-}" in
up) cmd_up ;;
fetch) mkdir -p "$CACHE"; fetch_jars ;;
wipe) cmd_wipe ;;
down) cmd_down ;;
status) cmd_status ;;
log) tail -50 "$(node_dir "${2:-1}")/logs/system.log" ;;
dir) echo "$RUN" ;;
*) die "usage: $0 up|fetch|down|wipe|status|log [N]|dir" ;;
esac
