package protocol_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cqlsql/cassandra/protocol"
)

// Dial negotiates the highest protocol version the node speaks (remembered
// in the VersionCache for later dials), compression and authentication;
// the connection then multiplexes requests from any number of goroutines.
func ExampleDial() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	versions := &protocol.VersionCache{} // share it between dials
	c, err := protocol.Dial(ctx, "127.0.0.1:9042", protocol.DialOptions{
		VersionCache:  versions,
		Compression:   "lz4",
		Authenticator: protocol.PasswordAuthenticator{Username: "cassandra", Password: "cassandra"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	q := &protocol.Query{Statement: "SELECT release_version FROM system.local"}
	q.Params.Consistency = protocol.One
	res, _, err := c.Query(ctx, q)
	var cerr *protocol.Error
	switch {
	case errors.As(err, &cerr):
		fmt.Println("server error", cerr.Code, cerr.Message)
		return
	case errors.Is(err, protocol.ErrConnClosed):
		fmt.Println("connection lost:", err)
		return
	case err != nil:
		fmt.Println(err) // ctx.Err() and the like
		return
	}
	cells, err := res.Rows.NextRow(nil)
	if err == io.EOF {
		fmt.Println("system.local is empty")
		return
	} else if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v over %v: Cassandra %s\n", c.RemoteAddr(), c.Version(), cells[0])
}

// Register subscribes the connection to server events, which reach
// DialOptions.OnEvent on a goroutine of their own.
func ExampleConn_Register() {
	ctx := context.Background()
	c, err := protocol.Dial(ctx, "127.0.0.1:9042", protocol.DialOptions{
		OnEvent: func(ev *protocol.Event) {
			if ev.Type == protocol.EventSchemaChange {
				fmt.Println(ev.Schema.Change, ev.Schema.Target, ev.Schema.Keyspace, ev.Schema.Name)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	if err := c.Register(ctx, protocol.EventSchemaChange, protocol.EventStatusChange); err != nil {
		fmt.Println(err)
	}
}
