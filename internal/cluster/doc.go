// Package cluster is the cluster layer: what the driver knows of the nodes
// and how it keeps that knowledge current.
//
// The pure pieces: partitioner tokens, routing keys, the token ring, the
// replica placement of each replication setting (TokenMap) and the query
// plan (Plan). Each is an immutable value built from the rows the control
// connection reads (system.local, system.peers_v2, system_schema.keyspaces),
// so a query planner reads a snapshot without locks while a new one is built
// and swapped in.
//
// The control connection (Monitor): one connection to one node that reads
// those rows into a Topology snapshot (hosts identified by host_id, peer rows
// validated, the ring and replica maps), registers for TOPOLOGY_CHANGE,
// STATUS_CHANGE and SCHEMA_CHANGE events (spec v4 sections 4.1.8, 4.2.6),
// debounces them, refreshes everything periodically in case one was lost,
// and moves to another node, with backoff and without ever giving up, when
// its node goes away or stops answering. Everything it does happens on one
// goroutine, which also runs its callbacks.
package cluster
