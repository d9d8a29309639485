package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"time"

	gocql "github.com/apache/cassandra-gocql-driver/v2"
	cassandra "github.com/cqlsql/cassandra"
)

const (
	insertQ = "INSERT INTO kv (pk, v1, v2) VALUES (?, ?, ?)"
	selectQ = "SELECT v1, v2 FROM kv WHERE pk = ?"
	scanQ   = "SELECT * FROM wide WHERE p = ?"
	wideQ   = "INSERT INTO wide (p, c, b, t, bl, d, bo, ts, u, f) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

// The expected values of a kv row and of a wide row, so reads can be checked.
func v1Of(pk int64) int64 { return pk * 3 }
func v2Of(pk int64) int64 { return pk ^ 0x5555 }

type wideRow struct {
	b  int64
	t  string
	bl []byte
	d  float64
	bo bool
	ts time.Time
	u  string
	f  float32
}

func wideOf(c int32) wideRow {
	return wideRow{
		b:  int64(c) * 7,
		t:  fmt.Sprintf("row-%06d-some-text-payload", c),
		bl: []byte{byte(c), byte(c >> 8), byte(c >> 16), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
		d:  float64(c) / 4,
		bo: c%2 == 0,
		ts: time.UnixMilli(1700000000000 + int64(c)).UTC(),
		u:  fmt.Sprintf("00000000-0000-4000-8000-%012x", c),
		f:  float32(c) / 2,
	}
}

// client is one driver under test.
type client interface {
	name() string
	insert(ctx context.Context, pk int64) error
	get(ctx context.Context, pk int64) error
	scan(ctx context.Context, p int32, want int) error
	batch(ctx context.Context, logged bool, base int64, n int) error
	close()
}

// newClient opens driver name (one of -drivers) at consistency cl.
func newClient(name, cl string) (client, error) {
	switch name {
	case "cqlsql", rrName, c1Name:
		return newOursNamed(name, ourDSN(name, cl))
	case "gocql", "gocql-nocoalesce", specName:
		hosts, dc := []string{*flagHost}, ""
		if clusterMode {
			hosts, dc = cluster.hosts, cluster.dc
		}
		g, err := newTheirs(name, hosts, *flagKeyspace, name != "gocql-nocoalesce", cl, dc)
		if err == nil && name == specName {
			g.spec = &gocql.SimpleSpeculativeExecution{NumAttempts: 1, TimeoutDelay: *flagSpecDelay}
		}
		return g, err
	case floorName:
		return newFloor()
	}
	return nil, fmt.Errorf("unknown driver %q", name)
}

// shareLine says where a cqlsql client's requests went at consistency cl
// (ok is false for gocql and the floor).
func shareLine(cl string, c client) (line string, ok bool) {
	cn := connectorOf(c)
	if cn == nil {
		return "", false
	}
	return fmt.Sprintf("%s, `%s`: %s", cl, c.(*ours).label, hostShare(cn.Hosts())), true
}

// connectorOf returns a cqlsql client's Connector, nil for gocql and the
// floor.
func connectorOf(c client) *cassandra.Connector {
	if o, ok := c.(*ours); ok {
		return o.cn
	}
	return nil
}

// selectKey is the preloaded key (of n) that worker w reads in its i-th
// point select: a cheap per-worker pseudo-random walk.
func selectKey(w int, i, n int64) int64 { return (int64(w)*7919 + i*104729) % n }

// ours: the cqlsql driver through database/sql, with prepared *sql.Stmt.
type ours struct {
	label string
	db    *sql.DB
	cn    *cassandra.Connector // nil for the floor
	ins   *sql.Stmt
	sel   *sql.Stmt
	scn   *sql.Stmt
	bctx  [2]context.Context // unlogged, logged
}

func newOurs(dsn string) (*ours, error) {
	return newOursNamed("cqlsql", dsn)
}

// newOursNamed opens cqlsql on a Connector of its own, kept so that its
// per-host figures can be read.
func newOursNamed(label, dsn string) (*ours, error) {
	cfg, err := cassandra.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cn, err := cassandra.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	o, err := openDB(label, sql.OpenDB(cn))
	if err != nil {
		return nil, err
	}
	o.cn, _ = cn.(*cassandra.Connector)
	return o, nil
}

// openSQL opens a client on database/sql driver driverName.
func openSQL(label, driverName, dsn string) (*ours, error) {
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	return openDB(label, db)
}

// openDB prepares the bench's statements on db.
func openDB(label string, db *sql.DB) (*ours, error) {
	var err error
	// database/sql handles are cheap views on the driver's shared sockets;
	// keep enough idle ones that 256 workers never churn them.
	db.SetMaxIdleConns(512)
	o := &ours{label: label, db: db}
	ctx := context.Background()
	if o.ins, err = db.PrepareContext(ctx, insertQ); err != nil {
		db.Close()
		return nil, err
	}
	if o.sel, err = db.PrepareContext(ctx, selectQ); err != nil {
		db.Close()
		return nil, err
	}
	if o.scn, err = db.PrepareContext(ctx, scanQ); err != nil {
		db.Close()
		return nil, err
	}
	o.bctx[0] = cassandra.WithQueryOptions(ctx, cassandra.WithBatchType(cassandra.UnloggedBatch))
	o.bctx[1] = cassandra.WithQueryOptions(ctx, cassandra.WithBatchType(cassandra.LoggedBatch))
	return o, nil
}

func (o *ours) name() string { return o.label }

func (o *ours) insert(ctx context.Context, pk int64) error {
	_, err := o.ins.ExecContext(ctx, pk, v1Of(pk), v2Of(pk))
	return err
}

func (o *ours) get(ctx context.Context, pk int64) error {
	var v1, v2 int64
	if err := o.sel.QueryRowContext(ctx, pk).Scan(&v1, &v2); err != nil {
		return err
	}
	if v1 != v1Of(pk) || v2 != v2Of(pk) {
		return fmt.Errorf("pk %d: got (%d, %d)", pk, v1, v2)
	}
	return nil
}

func (o *ours) scan(ctx context.Context, p int32, want int) error {
	rows, err := o.scn.QueryContext(ctx, p)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		pp, c int32
		r     wideRow
	)
	n := 0
	for rows.Next() {
		if err := rows.Scan(&pp, &c, &r.b, &r.bl, &r.bo, &r.d, &r.f, &r.t, &r.ts, &r.u); err != nil {
			return err
		}
		if err := checkWide(n, pp, p, c, &r); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("scan: %d rows, want %d", n, want)
	}
	return nil
}

func (o *ours) batch(ctx context.Context, logged bool, base int64, n int) error {
	bctx := o.bctx[0]
	if logged {
		bctx = o.bctx[1]
	}
	_ = ctx
	tx, err := o.db.BeginTx(bctx, nil)
	if err != nil {
		return err
	}
	for i := int64(0); i < int64(n); i++ {
		pk := base + i
		if _, err := tx.ExecContext(bctx, insertQ, pk, v1Of(pk), v2Of(pk)); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

func (o *ours) close() { o.db.Close() }

// checkWide checks row n of a wide-partition scan.
func checkWide(n int, pp, p, c int32, r *wideRow) error {
	if pp != p || c != int32(n) {
		return fmt.Errorf("scan row %d: p=%d c=%d", n, pp, c)
	}
	// Check the cheap columns on every row (without allocating, so the
	// check costs next to nothing) and all of them now and then.
	if r.b != int64(c)*7 || r.bo != (c%2 == 0) || r.d != float64(c)/4 || r.f != float32(c)/2 || len(r.bl) != 16 || len(r.t) != 28 {
		return fmt.Errorf("scan row %d: bad values %+v", n, *r)
	}
	if n%997 == 0 {
		w := wideOf(c)
		if r.t != w.t || string(r.bl) != string(w.bl) || !r.ts.Equal(w.ts) || r.u != w.u {
			return fmt.Errorf("scan row %d: got %+v want %+v", n, *r, w)
		}
	}
	return nil
}

// theirs: gocql v2, native API.
type theirs struct {
	label string
	s     *gocql.Session
	// spec, when set, marks reads idempotent and hedges them with it
	// (gocql sets speculative execution per query only).
	spec gocql.SpeculativeExecutionPolicy
}

// gocqlConsistency is gocql's level of that name.
func gocqlConsistency(name string) (gocql.Consistency, error) {
	return gocql.ParseConsistencyWrapper(name)
}

// newTheirs opens gocql on hosts at consistency cons. With dc set (cluster
// mode) it routes with TokenAwareHostPolicy(DCAwareRoundRobinPolicy(dc)).
func newTheirs(label string, hosts []string, keyspace string, coalesce bool, cons, dc string) (*theirs, error) {
	c, err := gocqlConsistency(cons)
	if err != nil {
		return nil, err
	}
	cl := gocql.NewCluster(hosts...)
	// Discovered peers get the contact points' port when they all share one.
	port := ""
	for i, h := range hosts {
		_, p, err := net.SplitHostPort(h)
		if err != nil || (i > 0 && p != port) {
			port = ""
			break
		}
		port = p
	}
	if n, err := strconv.Atoi(port); err == nil {
		cl.Port = n
	}
	if dc != "" {
		cl.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.DCAwareRoundRobinPolicy(dc))
	}
	cl.Keyspace = keyspace
	cl.Consistency = c
	cl.PageSize = 5000
	cl.Timeout = 10 * time.Second
	if !coalesce {
		cl.WriteCoalesceWaitTime = 0
	}
	s, err := cl.CreateSession()
	if err != nil {
		return nil, err
	}
	return &theirs{label: label, s: s}, nil
}

func (g *theirs) name() string { return g.label }

func (g *theirs) insert(ctx context.Context, pk int64) error {
	return g.s.Query(insertQ, pk, v1Of(pk), v2Of(pk)).ExecContext(ctx)
}

func (g *theirs) get(ctx context.Context, pk int64) error {
	var v1, v2 int64
	q := g.s.Query(selectQ, pk)
	if g.spec != nil {
		q = q.Idempotent(true).SetSpeculativeExecutionPolicy(g.spec)
	}
	if err := q.ScanContext(ctx, &v1, &v2); err != nil {
		return err
	}
	if v1 != v1Of(pk) || v2 != v2Of(pk) {
		return fmt.Errorf("pk %d: got (%d, %d)", pk, v1, v2)
	}
	return nil
}

func (g *theirs) scan(ctx context.Context, p int32, want int) error {
	iter := g.s.Query(scanQ, p).PageSize(5000).IterContext(ctx)
	var (
		pp, c int32
		r     wideRow
		u     gocql.UUID
	)
	n := 0
	for iter.Scan(&pp, &c, &r.b, &r.bl, &r.bo, &r.d, &r.f, &r.t, &r.ts, &u) {
		if n%997 == 0 {
			r.u = u.String()
		} else {
			r.u = ""
		}
		if err := checkWide(n, pp, p, c, &r); err != nil {
			iter.Close()
			return err
		}
		n++
	}
	if err := iter.Close(); err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("scan: %d rows, want %d", n, want)
	}
	return nil
}

func (g *theirs) batch(ctx context.Context, logged bool, base int64, n int) error {
	typ := gocql.UnloggedBatch
	if logged {
		typ = gocql.LoggedBatch
	}
	b := g.s.Batch(typ)
	for i := int64(0); i < int64(n); i++ {
		pk := base + i
		b.Query(insertQ, pk, v1Of(pk), v2Of(pk))
	}
	return b.ExecContext(ctx)
}

func (g *theirs) close() { g.s.Close() }
