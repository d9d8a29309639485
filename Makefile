# cqlsql: the two commands a user needs are `make demo` and `make test`.
# Both find a Cassandra the same way: CASSANDRA_HOSTS if set; else whatever
# answers on 127.0.0.1:9042; else a Docker engine (dockertest); else a node
# started from the Maven Central jars by scripts/cassandra.sh.

GO      ?= go
FUZZTIME ?= 10s

.PHONY: all test demo bench fuzz lint cassandra-up cassandra-down cassandra-status

all: lint test

## test: go vet, then every test (integration included) with -race; starts
## Cassandra if none is reachable and stops only what it started. The root
## package runs a second time with Go 1.27 (scripts/go-test.sh).
test:
	@scripts/test.sh scripts/go-test.sh -race -count=1 -v

## demo: the example program against the local Cassandra.
demo:
	@scripts/with-cassandra.sh $(GO) run ./examples/demo

## bench: CPU microbenchmarks of the driver's packages, then the side-by-side
## comparison with gocql (bench/ is its own module).
bench:
	@scripts/with-cassandra.sh scripts/bench.sh

## fuzz: a short run of every fuzz target (FUZZTIME each).
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

## lint: gofmt and go vet.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

cassandra-up:
	@scripts/cassandra.sh up

cassandra-down:
	@scripts/cassandra.sh down

cassandra-status:
	@scripts/cassandra.sh status
