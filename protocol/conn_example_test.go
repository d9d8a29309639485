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
	versions := &protocol.VersionCache{}                              // share it between dials
	c, err := protocol.Dial(ctx, exampleHost(), protocol.DialOptions{ // e.g. "127.0.0.1:9042"
		VersionCache:  versions,
		Compression:   "lz4",
		Authenticator: protocol.PasswordAuthenticator{Username: "cassandra", Password: "cassandra"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	q := &protocol.Query{Statement: "SELECT key FROM system.local"}
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
	fmt.Printf("system.local: %s, protocol v4 or later: %v\n", cells[0], c.Version() >= protocol.V4)
	// Output: system.local: local, protocol v4 or later: true
}

// Register subscribes the connection to server events, which reach
// DialOptions.OnEvent on a goroutine of their own.
func ExampleConn_Register() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ks := exampleKeyspaceName("register") // e.g. "example_register_1a2b3c4d5e6f"
	created := make(chan *protocol.SchemaChange, 1)
	c, err := protocol.Dial(ctx, exampleHost(), protocol.DialOptions{
		OnEvent: func(ev *protocol.Event) {
			if ev.Type == protocol.EventSchemaChange && ev.Schema.Keyspace == ks && ev.Schema.Change == "CREATED" {
				select {
				case created <- &ev.Schema:
				default:
				}
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
		return
	}

	q := &protocol.Query{Statement: "CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"}
	q.Params.Consistency = protocol.One
	if _, _, err := c.Query(ctx, q); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Query(context.Background(), &protocol.Query{Statement: "DROP KEYSPACE " + ks, Params: protocol.QueryParams{Consistency: protocol.One}})
	select {
	case sc := <-created:
		fmt.Println(sc.Change, sc.Target)
	case <-ctx.Done():
		fmt.Println("no event:", ctx.Err())
	}
	// Output: CREATED KEYSPACE
}
