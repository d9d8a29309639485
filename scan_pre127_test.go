//go:build !go1.27

package cassandra

// columnScanner: database/sql converts values itself (before Go 1.27).
const columnScanner = false
