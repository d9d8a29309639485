package codec_test

import (
	"context"
	"math"
	"math/big"
	"net"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/testcluster"
	"github.com/cqlsql/cassandra/protocol"
)

// allTypesTable has one column of every CQL type (counter, which cannot
// share a table with other columns, has its own).
const allTypesTable = `CREATE TABLE %s.all_types (
	id int PRIMARY KEY,
	c_ascii ascii, c_bigint bigint, c_blob blob, c_boolean boolean,
	c_date date, c_decimal decimal, c_double double, c_duration duration,
	c_float float, c_inet inet, c_int int, c_smallint smallint, c_text text,
	c_time time, c_timestamp timestamp, c_timeuuid timeuuid, c_tinyint tinyint,
	c_uuid uuid, c_varint varint,
	c_list list<int>, c_set set<text>, c_map map<text, int>,
	c_tuple tuple<int, text, boolean>, c_udt frozen<address>,
	c_nested list<frozen<map<text, frozen<set<int>>>>>,
	c_blobmap map<blob, int>,
	c_vfloat vector<float, 3>, c_vtext vector<text, 2>)`

type cluster struct {
	t    *testing.T
	conn *protocol.Conn
	ks   string
}

func connect(t *testing.T) *cluster {
	addr := testcluster.Addr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := protocol.Dial(ctx, addr, protocol.DialOptions{})
	if err != nil {
		t.Fatalf("Dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &cluster{t: t, conn: conn, ks: testcluster.Name("codec")}
	c.exec("CREATE KEYSPACE " + c.ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
	t.Cleanup(func() { c.exec("DROP KEYSPACE IF EXISTS " + c.ks) })
	return c
}

func (c *cluster) exec(stmt string) *protocol.Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	q := &protocol.Query{Statement: stmt}
	q.Params.Consistency = protocol.One
	r, _, err := c.conn.Query(ctx, q)
	if err != nil {
		c.t.Fatalf("%s: %v", stmt, err)
	}
	return r
}

// row reads the only row of a SELECT as a map of column name to Decode result.
func (c *cluster) row(stmt string) map[string]any {
	c.t.Helper()
	r := c.exec(stmt)
	cells, err := r.Rows.NextRow(nil)
	if err != nil {
		c.t.Fatalf("%s: no row: %v", stmt, err)
	}
	out := map[string]any{}
	for i, col := range r.Rows.Metadata.Columns {
		d, err := codec.NewDecoder(col.Type)
		if err != nil {
			c.t.Fatalf("column %s type %s: %v", col.Name, col.Type, err)
		}
		v, err := d.Decode(cells[i])
		if err != nil {
			c.t.Fatalf("decoding column %s (%s, %x): %v", col.Name, col.Type, cells[i], err)
		}
		if v != nil && reflect.TypeOf(v) != d.ScanType() {
			c.t.Errorf("column %s: decoded %T, ScanType %v", col.Name, v, d.ScanType())
		}
		out[col.Name] = v
	}
	return out
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float32:
		y, ok := b.(float32)
		return ok && (x == y || x != x && y != y)
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || x != x && y != y)
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case codec.Decimal:
		y, ok := b.(codec.Decimal)
		return ok && x.Scale == y.Scale && x.Unscaled.Cmp(y.Unscaled) == 0
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return reflect.DeepEqual(a, b)
}

var (
	tsValue  = time.Date(1969, 7, 20, 20, 17, 40, 123e6, time.UTC)
	timeuuid = uuid.MustParse("58e0a7d7-eebc-11d8-9669-0800200c9a66")
	uuid4    = uuid.MustParse("550e8400-e29b-41d4-a716-446655440000")
	bigVal   = func() *big.Int {
		z, _ := new(big.Int).SetString("-123456789012345678901234567890123456789012345678901234567890", 10)
		return z
	}()
)

type address struct {
	Street string `cql:"street"`
	Zip    int    `cql:"zip"`
}

// TestIntegrationEncodeExecuteDecode binds one value of every type through
// EXECUTE with Encode and reads it back with Decode.
func TestIntegrationEncodeExecuteDecode(t *testing.T) {
	c := connect(t)
	c.exec("CREATE TYPE " + c.ks + ".address (street text, zip int)")
	c.exec(sprintf(allTypesTable, c.ks))

	bind := map[string]any{
		"id": 1, "c_ascii": "abc", "c_bigint": int64(math.MinInt64), "c_blob": []byte{0, 0xff},
		"c_boolean": true, "c_date": codec.Date(0), "c_decimal": codec.NewDecimal(12, -3),
		"c_double": math.Inf(-1), "c_duration": codec.Duration{Months: 1, Days: 2, Nanoseconds: 3},
		"c_float": float32(math.NaN()), "c_inet": net.ParseIP("::1"), "c_int": int32(math.MaxInt32),
		"c_smallint": int16(math.MinInt16), "c_text": "", "c_time": 24*time.Hour - 1,
		"c_timestamp": tsValue, "c_timeuuid": timeuuid, "c_tinyint": int8(-128), "c_uuid": uuid4,
		"c_varint": bigVal, "c_list": []int{3, 1, 2}, "c_set": []string{"b", "a"},
		"c_map": map[string]int32{"k": 7}, "c_tuple": []any{1, nil, false},
		"c_udt":     address{Street: "main", Zip: 75001},
		"c_nested":  []map[string][]int32{{"k": {9, 8}}, {}},
		"c_blobmap": []codec.MapEntry{{Key: []byte{1}, Value: int32(1)}},
		"c_vfloat":  []float32{1, 2.5, -3},
		"c_vtext":   []string{"a", "é"},
	}
	want := map[string]any{
		"id": int32(1), "c_ascii": "abc", "c_bigint": int64(math.MinInt64), "c_blob": []byte{0, 0xff},
		"c_boolean": true, "c_date": codec.Date(0), "c_decimal": codec.NewDecimal(12, -3),
		"c_double": math.Inf(-1), "c_duration": codec.Duration{Months: 1, Days: 2, Nanoseconds: 3},
		"c_float": float32(math.NaN()), "c_inet": net.ParseIP("::1"), "c_int": int32(math.MaxInt32),
		"c_smallint": int16(math.MinInt16), "c_text": "", "c_time": 24*time.Hour - 1,
		"c_timestamp": tsValue, "c_timeuuid": timeuuid, "c_tinyint": int8(-128), "c_uuid": uuid4,
		"c_varint": bigVal, "c_list": []int32{3, 1, 2}, "c_set": []string{"a", "b"},
		"c_map": map[string]int32{"k": 7}, "c_tuple": []any{int32(1), nil, false},
		"c_udt":     map[string]any{"street": "main", "zip": int32(75001)},
		"c_nested":  []map[string][]int32{{"k": {8, 9}}, {}},
		"c_blobmap": []codec.MapEntry{{Key: []byte{1}, Value: int32(1)}},
		"c_vfloat":  []float32{1, 2.5, -3},
		"c_vtext":   []string{"a", "é"},
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var cols []string
	for k := range bind {
		cols = append(cols, k)
	}
	stmt := "INSERT INTO " + c.ks + ".all_types (" + join(cols, ", ") + ") VALUES (" + join(repeat("?", len(cols)), ", ") + ")"
	p, _, err := c.conn.Prepare(ctx, &protocol.Prepare{Statement: stmt})
	if err != nil {
		t.Fatalf("PREPARE: %v", err)
	}
	e := &protocol.Execute{ID: p.ID, ResultMetadataID: p.ResultMetadataID}
	e.Params.Consistency = protocol.One
	for i, col := range p.Metadata.Columns {
		enc, err := codec.NewEncoder(col.Type)
		if err != nil {
			t.Fatalf("%s: %v", col.Name, err)
		}
		b, kind, err := enc.Encode(nil, bind[cols[i]])
		if err != nil {
			t.Fatalf("encoding %s: %v", col.Name, codec.WithColumn(err, col.Name))
		}
		switch kind {
		case codec.KindNull:
			e.Params.Values = append(e.Params.Values, protocol.Null)
		case codec.KindUnset:
			e.Params.Values = append(e.Params.Values, protocol.NotSet)
		default:
			e.Params.Values = append(e.Params.Values, protocol.BytesValue(b))
		}
	}
	if _, _, err := c.conn.Execute(ctx, e); err != nil {
		t.Fatalf("EXECUTE: %v", err)
	}
	got := c.row("SELECT * FROM " + c.ks + ".all_types WHERE id = 1")
	for col, w := range want {
		if !sameValue(got[col], w) {
			t.Errorf("%s: got %#v, want %#v", col, got[col], w)
		}
	}
}

// TestIntegrationLiterals inserts CQL literals and checks the Go values
// Decode gives for them.
func TestIntegrationLiterals(t *testing.T) {
	c := connect(t)
	c.exec("CREATE TYPE " + c.ks + ".address (street text, zip int)")
	c.exec(sprintf(allTypesTable, c.ks))
	c.exec("INSERT INTO " + c.ks + `.all_types (id, c_ascii, c_bigint, c_blob, c_boolean, c_date, c_decimal,
		c_double, c_duration, c_float, c_inet, c_int, c_smallint, c_text, c_time, c_timestamp, c_timeuuid,
		c_tinyint, c_uuid, c_varint, c_list, c_set, c_map, c_tuple, c_udt, c_nested, c_vfloat, c_vtext)
		VALUES (2, 'xyz', 9223372036854775807, 0x00ff, false, '2024-01-02', -0.001,
		NaN, 1y2mo3d4h, Infinity, '10.0.0.1', 123, 32767, 'héllo', '08:12:54.123456789', '1900-01-01 00:00:00+0000',
		58e0a7d7-eebc-11d8-9669-0800200c9a66,
		127, 550e8400-e29b-41d4-a716-446655440000, -129, [1, 2], {'b', 'a'}, {'a': 1}, (1, null, true),
		{street: 'x'}, [{'k': {9}}], [1.0, 2.0, 3.0], ['a', 'bc'])`)
	got := c.row("SELECT * FROM " + c.ks + ".all_types WHERE id = 2")
	date, _ := codec.DateOf(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
	want := map[string]any{
		"c_ascii": "xyz", "c_bigint": int64(math.MaxInt64), "c_blob": []byte{0, 0xff}, "c_boolean": false,
		"c_date": date, "c_decimal": codec.NewDecimal(-1, 3), "c_double": math.NaN(),
		"c_duration": codec.Duration{Months: 14, Days: 3, Nanoseconds: int64(4 * time.Hour)},
		"c_float":    float32(math.Inf(1)), "c_inet": net.IP{10, 0, 0, 1}, "c_int": int32(123),
		"c_smallint": int16(32767), "c_text": "héllo",
		"c_time":      8*time.Hour + 12*time.Minute + 54*time.Second + 123456789,
		"c_timestamp": time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "c_timeuuid": timeuuid,
		"c_tinyint": int8(127), "c_uuid": uuid4, "c_varint": big.NewInt(-129),
		"c_list": []int32{1, 2}, "c_set": []string{"a", "b"}, "c_map": map[string]int32{"a": 1},
		"c_tuple":   []any{int32(1), nil, true},
		"c_udt":     map[string]any{"street": "x", "zip": nil},
		"c_nested":  []map[string][]int32{{"k": {9}}},
		"c_blobmap": []codec.MapEntry(nil), // never written: NULL
		"c_vfloat":  []float32{1, 2, 3},
		"c_vtext":   []string{"a", "bc"},
	}
	for col, w := range want {
		if !sameValue(got[col], w) {
			t.Errorf("%s: got %#v, want %#v", col, got[col], w)
		}
	}
	if d := got["c_date"].(codec.Date); d.String() != "2024-01-02" {
		t.Errorf("date String() = %q", d)
	}

	// An empty non-frozen collection is stored as NULL and comes back as a
	// nil slice of the column's type.
	c.exec("UPDATE " + c.ks + ".all_types SET c_list = [] WHERE id = 2")
	got = c.row("SELECT c_list FROM " + c.ks + ".all_types WHERE id = 2")
	if l, ok := got["c_list"].([]int32); !ok || l != nil {
		t.Errorf("empty list: %#v", got["c_list"])
	}

	// counter
	c.exec("CREATE TABLE " + c.ks + ".counts (id int PRIMARY KEY, n counter)")
	c.exec("UPDATE " + c.ks + ".counts SET n = n + 5 WHERE id = 1")
	got = c.row("SELECT n FROM " + c.ks + ".counts WHERE id = 1")
	if got["n"] != int64(5) {
		t.Errorf("counter: %#v", got["n"])
	}
}
