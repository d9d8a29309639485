module github.com/cqlsql/cassandra/bench

go 1.22

replace github.com/cqlsql/cassandra => ../

require (
	github.com/apache/cassandra-gocql-driver/v2 v2.1.2
	github.com/cqlsql/cassandra v0.0.0-00010101000000-000000000000
)

require (
	github.com/golang/snappy v1.0.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/pierrec/lz4/v4 v4.1.33 // indirect
	gopkg.in/inf.v0 v0.9.1 // indirect
)
