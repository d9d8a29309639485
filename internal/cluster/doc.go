// Package cluster holds the pure, network-free pieces of the cluster layer:
// partitioner tokens, routing keys, the token ring and replica placement.
//
// Everything here is an immutable value built from rows the control
// connection reads (system.local, system.peers_v2, system_schema.keyspaces),
// so a query planner can read a snapshot without locks while a new one is
// built and swapped in.
package cluster
