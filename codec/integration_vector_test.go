package codec_test

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/protocol"
)

// TestIntegrationVectorElements checks which element types Cassandra packs
// with no length (fixed-size) and which it prefixes with a vint length, by
// writing literals and decoding them, then binding the same values.
func TestIntegrationVectorElements(t *testing.T) {
	c := connect(t)
	c.exec("CREATE TABLE " + c.ks + `.vecs (id int PRIMARY KEY,
		v_int vector<int, 2>, v_bigint vector<bigint, 2>, v_smallint vector<smallint, 2>,
		v_tinyint vector<tinyint, 2>, v_boolean vector<boolean, 2>, v_double vector<double, 2>,
		v_uuid vector<uuid, 1>, v_timestamp vector<timestamp, 1>, v_date vector<date, 1>,
		v_time vector<time, 1>, v_varint vector<varint, 2>, v_nested vector<frozen<vector<int, 2>>, 2>,
		v_list vector<frozen<list<int>>, 2>)`)
	c.exec("INSERT INTO " + c.ks + `.vecs (id, v_int, v_bigint, v_smallint, v_tinyint, v_boolean, v_double,
		v_uuid, v_timestamp, v_date, v_time, v_varint, v_nested, v_list) VALUES (1,
		[1, -1], [2, -2], [3, -3], [4, -4], [true, false], [0.5, -0.5],
		[550e8400-e29b-41d4-a716-446655440000], ['1970-01-01 00:00:01+0000'], ['2024-01-02'],
		['00:00:01'], [129, -129], [[1, 2], [3, 4]], [[1], [2, 3]])`)
	date, _ := codec.DateOf(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
	want := map[string]any{
		"v_int": []int32{1, -1}, "v_bigint": []int64{2, -2}, "v_smallint": []int16{3, -3},
		"v_tinyint": []int8{4, -4}, "v_boolean": []bool{true, false}, "v_double": []float64{0.5, -0.5},
		"v_uuid": []uuid.UUID{uuid4}, "v_timestamp": []time.Time{time.Unix(1, 0).UTC()},
		"v_date": []codec.Date{date}, "v_time": []time.Duration{time.Second},
		"v_varint": []*big.Int{big.NewInt(129), big.NewInt(-129)},
		"v_nested": [][]int32{{1, 2}, {3, 4}}, "v_list": [][]int32{{1}, {2, 3}},
	}
	got := c.row("SELECT * FROM " + c.ks + ".vecs WHERE id = 1")
	for col, w := range want {
		if !sameSlice(got[col], w) {
			t.Errorf("%s: got %#v, want %#v", col, got[col], w)
		}
	}

	// Bind the decoded values back under another key and compare the rows.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cols := []string{"v_int", "v_bigint", "v_smallint", "v_tinyint", "v_boolean", "v_double", "v_uuid",
		"v_timestamp", "v_date", "v_time", "v_varint", "v_nested", "v_list"}
	p, _, err := c.conn.Prepare(ctx, &protocol.Prepare{Statement: "INSERT INTO " + c.ks + ".vecs (id, " +
		join(cols, ", ") + ") VALUES (2, " + join(repeat("?", len(cols)), ", ") + ")"})
	if err != nil {
		t.Fatal(err)
	}
	e := &protocol.Execute{ID: p.ID, ResultMetadataID: p.ResultMetadataID}
	e.Params.Consistency = protocol.One
	for i, col := range p.Metadata.Columns {
		b, _, err := codec.Encode(nil, col.Type, got[cols[i]])
		if err != nil {
			t.Fatalf("%s: %v", col.Name, err)
		}
		e.Params.Values = append(e.Params.Values, protocol.BytesValue(b))
	}
	if _, _, err := c.conn.Execute(ctx, e); err != nil {
		t.Fatalf("EXECUTE: %v", err)
	}
	again := c.row("SELECT * FROM " + c.ks + ".vecs WHERE id = 2")
	for _, col := range cols {
		if !sameSlice(again[col], got[col]) {
			t.Errorf("%s: bound %#v, read back %#v", col, got[col], again[col])
		}
	}
}
