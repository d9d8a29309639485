package cluster

// Reading the topology on the control connection: system.local and the
// peers tables, with their bad rows reported once.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/protocol"
)

// query runs one topology query on c and returns its rows.
func (m *Monitor) query(ctx context.Context, c *protocol.Conn, stmt string, values ...string) (*protocol.Rows, error) {
	q := &protocol.Query{Statement: stmt}
	q.Params.Consistency = protocol.One
	for _, v := range values {
		q.Params.Values = append(q.Params.Values, protocol.Value{Bytes: []byte(v)})
	}
	res, _, err := c.QueryWith(ctx, q, protocol.RequestOptions{Timeout: m.opts.QueryTimeout})
	if err != nil {
		return nil, err
	}
	if res.Kind != protocol.ResultRows {
		return nil, fmt.Errorf("cassandra: %q answered a %v result, not rows", stmt, res.Kind)
	}
	return &res.Rows, nil
}

// read reads the whole topology through c, the control connection to
// addr, and builds the snapshot.
func (m *Monitor) read(ctx context.Context, c *protocol.Conn, addr string) (*Topology, error) {
	rows, err := m.query(ctx, c, localQuery)
	if err != nil {
		return nil, err
	}
	local, err := decodeTopoRows(rows)
	if err != nil {
		return nil, err
	}
	if len(local) != 1 {
		return nil, fmt.Errorf("cassandra: system.local of %s has %d rows, want 1", addr, len(local))
	}
	peers, err := m.readPeers(ctx, c)
	if err != nil {
		return nil, err
	}
	if rows, err = m.query(ctx, c, keyspacesQ); err != nil {
		return nil, err
	}
	keyspaces, bad, err := decodeKeyspaceRows(rows)
	if err != nil {
		return nil, err
	}
	t, problems, err := buildTopology(topoInput{
		ControlAddr: addr, Local: local[0], Peers: peers, Keyspaces: keyspaces,
		LocalDC: m.localDC, Prev: m.topo.Load(),
	})
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		problems = append(problems, rowProblem{text: b})
	}
	m.report(problems)
	return t, nil
}

// readPeers reads system.peers_v2, or system.peers for good once the
// server said it has no peers_v2 (Cassandra before 4.0; DSE 6.0.0-6.0.2).
func (m *Monitor) readPeers(ctx context.Context, c *protocol.Conn) ([]topoRow, error) {
	if !m.peersV1 {
		rows, err := m.query(ctx, c, peersV2Query)
		if err == nil {
			return decodeTopoRows(rows)
		}
		if !noPeersV2(err) {
			return nil, err
		}
		m.peersV1 = true
		m.info("system.peers_v2 is missing: reading system.peers from now on", "addr", c.RemoteAddr().String(), "err", err)
	}
	rows, err := m.query(ctx, c, peersQuery)
	if err != nil {
		return nil, err
	}
	return decodeTopoRows(rows)
}

// noPeersV2 reports whether err says that system.peers_v2 does not exist.
func noPeersV2(err error) bool {
	var e *protocol.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code == protocol.ErrCodeInvalid ||
		e.Code == protocol.ErrCodeServer && strings.Contains(e.Message, "Unknown keyspace/cf pair (system.peers_v2)")
}

// report logs the problems not reported by the previous build: a bad row
// is logged once, when it appears, not at every refresh.
func (m *Monitor) report(problems []rowProblem) {
	seen := make(map[string]bool, len(problems))
	for _, p := range problems {
		seen[p.text] = true
		if m.problems[p.text] {
			continue
		}
		if p.debug {
			m.debug("topology row skipped", "why", p.text)
		} else {
			m.warn("topology row skipped", "why", p.text)
		}
	}
	m.problems = seen
}
