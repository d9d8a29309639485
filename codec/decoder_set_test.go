package codec

import (
	"strings"
	"testing"
)

func TestDecoderSetShares(t *testing.T) {
	inner := Type{ID: TypeTuple, Elems: []Type{{ID: TypeInt}, {ID: TypeVarchar}}}
	outer := Type{ID: TypeList, Elems: []Type{inner}}
	var s DecoderSet
	a, err := s.Decoder(outer)
	if err != nil {
		t.Fatal(err)
	}
	// An equal type built apart (its own Elems) gets the same decoder.
	b, _ := s.Decoder(Type{ID: TypeList, Elems: []Type{{ID: TypeTuple, Elems: []Type{{ID: TypeInt}, {ID: TypeVarchar}}}}})
	if a != b {
		t.Error("equal types compiled twice")
	}
	// The component was compiled with the list: asking for it compiles
	// nothing.
	if n := testing.AllocsPerRun(5, func() { s.Decoder(inner) }); n != 0 {
		t.Errorf("nested component compiled again: %v allocations", n)
	}
	if d, _ := s.Decoder(Type{ID: TypeInt}); d == a {
		t.Error("different types share a decoder")
	}
	// Past the in-place entries, the map finds them all.
	for i := 0; i < 20; i++ {
		s.Decoder(Type{ID: TypeVector, Elems: []Type{{ID: TypeFloat}}, Dimension: i + 1})
	}
	for i := 0; i < 20; i++ {
		d, err := s.Decoder(Type{ID: TypeVector, Elems: []Type{{ID: TypeFloat}}, Dimension: i + 1})
		if err != nil || d.Type().Dimension != i+1 {
			t.Fatalf("vector %d: %v, %v", i+1, d.Type(), err)
		}
	}
	if e, _ := s.Decoder(outer); e != a {
		t.Error("lost an entry when the map was made")
	}
	out, err := a.Decode([]byte{0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 0})
	if err != nil || len(out.([][]any)) != 1 {
		t.Errorf("decode: %v, %v", out, err)
	}
}

func TestDecoderSetDepthAsNewDecoder(t *testing.T) {
	deep := Type{ID: TypeInt}
	for i := 0; i < maxDepth; i++ {
		deep = Type{ID: TypeList, Elems: []Type{deep}}
	}
	var s DecoderSet
	if _, err := s.Decoder(deep); err != nil {
		t.Fatalf("depth %d: %v", maxDepth, err)
	}
	// One level more fails, although its component is cached.
	deeper := Type{ID: TypeList, Elems: []Type{deep}}
	_, want := NewDecoder(deeper)
	_, err := s.Decoder(deeper)
	if err == nil || want == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("got %v, NewDecoder %v", err, want)
	}
}

func TestDecoderSetAllocations(t *testing.T) {
	cols := make([]Type, 1000)
	for i := range cols {
		cols[i] = Type{ID: TypeTuple, Elems: []Type{{ID: TypeInt}, {ID: TypeBigint}}}
	}
	one := testing.AllocsPerRun(10, func() {
		var s DecoderSet
		s.Decoder(cols[0])
	})
	all := testing.AllocsPerRun(10, func() {
		var s DecoderSet
		for _, c := range cols {
			s.Decoder(c)
		}
	})
	if all != one {
		t.Errorf("1000 equal columns: %v allocations, one column %v", all, one)
	}
}

func TestEncoderSetShares(t *testing.T) {
	var s EncoderSet
	m := Type{ID: TypeMap, Elems: []Type{{ID: TypeVarchar}, {ID: TypeInt}}}
	a, err := s.Encoder(m)
	b, _ := s.Encoder(Type{ID: TypeMap, Elems: []Type{{ID: TypeVarchar}, {ID: TypeInt}}})
	if err != nil || a != b {
		t.Fatalf("equal types: %p %p %v", a, b, err)
	}
	out, _, err := a.Encode(nil, map[string]int32{"a": 1})
	if err != nil || len(out) != 4+4+1+4+4 {
		t.Errorf("encode: %x, %v", out, err)
	}
}
