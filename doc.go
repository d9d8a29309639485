// Package cassandra is a database/sql driver for Apache Cassandra, written
// in pure Go on the CQL native protocol (v3 to v5).
//
//	db, err := sql.Open("cassandra", "cassandra://127.0.0.1:9042/shop?consistency=local_quorum")
//
// or, from a Config built in code:
//
//	cfg := cassandra.NewConfig()
//	cfg.Hosts = []string{"10.0.0.1:9042", "10.0.0.2:9042"}
//	connector, err := cassandra.NewConnector(cfg)
//	db := sql.OpenDB(connector)
//
// # Connections
//
// A *sql.DB has one Connector, which owns the sockets: Config.ConnsPerHost
// multiplexed connections per host (default 2), opened on first use,
// replaced when broken. Requests go to the hosts in round robin and, on a
// host, to the socket with the fewest requests in flight. The connections
// database/sql manages (SetMaxOpenConns...) are cheap handles on these
// sockets, so a large pool of them costs no sockets. db.Close closes the
// sockets. With Config.LocalDC (local_dc in the DSN) set, each new socket
// asks its node for its datacenter, and requests prefer the nodes of the
// local one, then nodes not asked yet, then the others. USE is refused because it would change one shared socket only:
// set the keyspace in the DSN or qualify table names.
//
// # Statements
//
// A statement with arguments is prepared once per Connector (the prepared
// statement is cached by keyspace and text; concurrent first uses prepare
// once) and executed with its arguments encoded for the types of its bind
// markers. When a node has forgotten the statement (UNPREPARED), the driver
// prepares it again and retries once; when the table changed (v5), the
// cached result metadata is updated, so SELECT * sees new columns. A
// statement without arguments is sent as a plain QUERY. After a schema
// change (CREATE, ALTER, DROP) the driver waits, up to 10s, until every
// node reports the same schema version.
//
// Unset, bound to a marker, leaves the column as it is (nil writes NULL).
//
// Bind markers are ? or :name. Arguments are positional, or all named with
// sql.Named, matched to the marker names (for ?, the column name).
//
// Values scan into the Go types listed by Rows.ColumnTypes (ScanType): int
// into int32, bigint into int64, text into string, map<text, int> into
// map[string]int32, inet into net.IP, uuid and timeuuid into string (which
// also scans into uuid.UUID). ColumnTypeDatabaseTypeName reports CQL type
// names in upper case, as database/sql asks: "INT", "MAP<TEXT, INT>",
// "LIST<FROZEN<MAP<TEXT, INT>>>", "VECTOR<FLOAT, 3>"; a user-defined type
// by its name, a custom type by its Java class name. Every column is
// reported nullable.
//
// With Go 1.27 or newer the driver scans each column itself
// (driver.RowsColumnScanner): common types go straight into destinations
// of their own Go type, text, ascii and blob into sql.RawBytes without a
// copy, and destinations database/sql cannot convert into are filled by
// codec.Assign: list<int> into []int64, map<inet, int> into
// map[string]int32, a user-defined type into a struct with `cql` tags, a
// tuple into a struct (fields in order), sql.Null[[]int64]. Every other
// destination gets what database/sql's conversion makes of the value. With
// Go 1.22 to 1.26 database/sql converts values without the driver and
// refuses those destinations; wrap them with Scan (or As) to have them
// filled as with Go 1.27:
//
//	var scores []int64
//	err := row.Scan(cassandra.Scan(&scores))
//
// # Paging
//
// With paging=auto (the default) Rows.Next walks every page, fetching the
// next page in the background while the current one is read. With
// paging=pages (DSN) or WithPaging(PagingPages) (one query), each page is a
// result set: Next stops at the end of the page and Rows.NextResultSet
// fetches the next one. To resume a query later (a web cursor), pass an
// sql.Out{Dest: &state} argument, with state a []byte: it receives the
// paging state of the next page (nil after the last page); pass it back with
// WithPagingState(state).
//
// # Per-query options
//
// QueryOption values passed among the arguments, or attached to the
// context with WithQueryOptions, set the consistency, serial consistency,
// page size, paging mode, paging state, client timestamp, idempotence,
// tracing and server warnings of one query: see WithConsistency and the
// other With functions. In a transaction they go on the context given to
// BeginTx and apply to the whole BATCH. WithTracing and WithWarnings cover
// every page of a query, and may be shared by goroutines through a context.
//
// # Transactions
//
// Cassandra has no transactions: a *sql.Tx is one BATCH. Exec in the
// transaction checks the statement at once (INSERT, UPDATE or DELETE only,
// prepared with its arguments) and queues it; Query is an error; Commit
// sends one BATCH frame; Rollback sends nothing. The batch is LOGGED unless
// WithBatchType(UnloggedBatch or CounterBatch) is attached to the context
// given to BeginTx. Isolation levels other than the default, and ReadOnly,
// are errors. A batch without conditions may span tables and partitions;
// Cassandra refuses a conditional batch (IF ...) that does, so keep one to
// a single partition of one table. A conditional batch whose conditions
// fail makes Commit return a *NotAppliedError, which matches ErrNotApplied.
//
// Result.RowsAffected is 1 or 0 for a conditional statement (whether it
// applied) and an error for any other: Cassandra does not count the rows a
// write touches. LastInsertId is always an error.
//
// # Errors
//
// Server errors are *Error values (errors.As), with the code (ErrCodeSyntax,
// ErrCodeUnavailable, ...) and typed details (*Unavailable, *ReadTimeout,
// *WriteTimeout...). A request whose socket closed before its answer fails
// with an error wrapping ErrConnClosed; when it was sent and is not
// idempotent it also matches ErrMaybeApplied: it may have been applied.
//
// Every request, on every path, runs through one executor that retries by a
// table modelled on the DataStax Java driver's DefaultRetryPolicy (README,
// "Retries, timeouts and dead nodes"), at most Config.Retries times for
// requests that may have reached the server. A SELECT is idempotent unless
// WithIdempotent(false) says otherwise; writes only with Config.Idempotent
// or WithIdempotent(true).
//
// Every request has one budget: its context's deadline and Config.Timeout,
// the earlier of the two. It covers getting a socket, waiting for a stream
// id, the round trip and every retry. Sockets that stop making progress are
// closed (Config.HeartbeatTimeout) and idle ones send heartbeats
// (Config.HeartbeatInterval).
//
// # Stability
//
// This package is the driver's stable API: the names it exports, its DSN
// parameters and the values its Scan produces are kept compatible from v1
// on, as Go's module compatibility rules ask. Its aliases of
// the protocol and codec packages' names (Consistency and its constants,
// Error, ErrorCode and the ErrCode constants, the error details types,
// ErrConnClosed, Unset) are part of it: use them rather than the originals.
// The packages protocol (the wire) and codec (CQL values) are public so
// that tools and tests can use them on their own, but may change before v1;
// codec's value types (Decimal, Date, Duration, MapEntry) are the ones Scan
// produces and stay. Everything under internal/ is private.
package cassandra
