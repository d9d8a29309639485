package protocol

import (
	"context"
	"fmt"
)

// Register asks the server to push the given event types
// (EventTopologyChange, EventStatusChange, EventSchemaChange) on this
// connection (spec section 4.1.8); the server answers READY. Events then
// reach DialOptions.OnEvent; without OnEvent they are counted as dropped.
func (c *Conn) Register(ctx context.Context, eventTypes ...string) error {
	if len(eventTypes) == 0 {
		return fmt.Errorf("cassandra: Register needs at least one event type")
	}
	f, err := c.Do(ctx, &Register{EventTypes: eventTypes})
	if err != nil {
		return wrapf(err, "registering for %v", eventTypes)
	}
	if _, ok := f.Message.(*Ready); !ok {
		return fmt.Errorf("cassandra: server %s answered REGISTER with %v instead of READY", c.addr, f.Header.Opcode)
	}
	return nil
}
