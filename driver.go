package cassandra

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// Driver is the database/sql driver, registered as "cassandra". Most
// programs use sql.Open("cassandra", dsn) or sql.OpenDB(connector) and never
// name it.
type Driver struct{}

var (
	_ driver.Driver        = Driver{}
	_ driver.DriverContext = Driver{}
)

func init() {
	sql.Register("cassandra", Driver{})
}

// OpenConnector parses dsn (see ParseDSN) and returns a Connector. sql.Open
// calls it once per *sql.DB, so every connection of the DB shares one pool
// of sockets and one prepared-statement cache.
func (Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	c, err := NewConnector(cfg)
	return c, redact(err, cfg.secrets())
}

// Open opens a connection with its own Connector, closed with the
// connection. database/sql does not call it (it uses OpenConnector); it is
// there for code that calls driver.Driver directly.
func (d Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	cn, err := c.Connect(context.Background())
	if err != nil {
		c.(*Connector).Close()
		return nil, err
	}
	cn.(*conn).ownsConnector = true
	return cn, nil
}
