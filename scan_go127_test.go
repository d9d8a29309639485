//go:build go1.27

package cassandra

// columnScanner: database/sql scans through the driver's ScanColumn.
const columnScanner = true
