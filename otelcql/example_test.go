package otelcql_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"time"

	"github.com/cqlsql/cassandra"
	"github.com/cqlsql/cassandra/otelcql"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// The wiring: the Observer goes in the Config; every request of the DB is
// then a span under the span in its context, and a
// db.client.operation.duration measurement. Without options the observer
// uses the global tracer and meter providers (otel.SetTracerProvider,
// otel.SetMeterProvider).
func Example() {
	cfg := cassandra.NewConfig()
	cfg.Hosts = []string{"127.0.0.1:9042"}
	cfg.Keyspace = "shop"
	cfg.Observer = otelcql.NewObserver()
	c, err := cassandra.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	// ctx carries the caller's span, such as an HTTP handler's.
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT id, name FROM items WHERE shop = ?", "paris")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
}

// What a request becomes: the span the driver's report of one request
// makes, here with an in-memory exporter and a report built by hand.
func ExampleNewObserver() {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	obs := otelcql.NewObserver(otelcql.WithTracerProvider(tp))

	// What the driver tells the observer when a query's first page ends.
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	obs.ObserveRequest(context.Background(), &cassandra.ObservedRequest{
		Operation: "SELECT", Statement: "SELECT id, name FROM items WHERE shop = ?", Keyspace: "shop",
		Consistency: cassandra.LocalQuorum, PageSize: 5000, Page: 1, Idempotent: true,
		Host:     cassandra.ObservedHost{Addr: "10.0.0.7:9042", HostID: "be13faa2-8574-4d71-926d-27f16cf8a7af", Datacenter: "dc1"},
		Attempts: 1, Rows: 3, Start: start, Latency: 4 * time.Millisecond,
	})

	span := exp.GetSpans()[0]
	fmt.Println(span.Name, span.SpanKind, span.EndTime.Sub(span.StartTime))
	show := map[attribute.Key]bool{"db.system.name": true, "db.namespace": true, "server.address": true,
		"server.port": true, "cassandra.consistency.level": true, "cassandra.coordinator.dc": true}
	for _, kv := range span.Attributes {
		if show[kv.Key] {
			fmt.Printf("%s=%s\n", kv.Key, kv.Value.Emit())
		}
	}
	// Output:
	// SELECT shop client 4ms
	// db.system.name=cassandra
	// db.namespace=shop
	// server.address=10.0.0.7
	// server.port=9042
	// cassandra.consistency.level=local_quorum
	// cassandra.coordinator.dc=dc1
}
