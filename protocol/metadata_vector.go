package protocol

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cqlsql/cassandra/codec"
)

// marshalPrefix is the Java package of Cassandra's type classes.
const marshalPrefix = "org.apache.cassandra.db.marshal."

// marshalClasses maps the simple class names of Cassandra's AbstractType
// implementations to the CQL type ids.
var marshalClasses = map[string]codec.TypeID{
	"AsciiType":         codec.TypeASCII,
	"LongType":          codec.TypeBigint,
	"BytesType":         codec.TypeBlob,
	"BooleanType":       codec.TypeBoolean,
	"CounterColumnType": codec.TypeCounter,
	"DecimalType":       codec.TypeDecimal,
	"DoubleType":        codec.TypeDouble,
	"FloatType":         codec.TypeFloat,
	"Int32Type":         codec.TypeInt,
	"TimestampType":     codec.TypeTimestamp,
	"DateType":          codec.TypeTimestamp, // the pre-2.0 name of timestamp
	"UUIDType":          codec.TypeUUID,
	"UTF8Type":          codec.TypeVarchar,
	"IntegerType":       codec.TypeVarint,
	"TimeUUIDType":      codec.TypeTimeUUID,
	"InetAddressType":   codec.TypeInet,
	"SimpleDateType":    codec.TypeDate,
	"TimeType":          codec.TypeTime,
	"ShortType":         codec.TypeSmallint,
	"ByteType":          codec.TypeTinyint,
	"DurationType":      codec.TypeDuration,
}

var marshalNames = func() map[codec.TypeID]string {
	m := make(map[codec.TypeID]string, len(marshalClasses))
	for n, id := range marshalClasses {
		if n != "DateType" {
			m[id] = n
		}
	}
	return m
}()

// ParseCustomType turns the Java class name of a custom [option] into a
// codec.Type.
//
//   - org.apache.cassandra.db.marshal.VectorType(<elem class> , <n>) becomes
//     a Type with ID codec.TypeVector, Dimension n and the element type mapped
//     from its class (FloatType -> float, Int32Type -> int, LongType ->
//     bigint, DoubleType -> double, UTF8Type -> text, ...; ListType, SetType,
//     MapType, TupleType, UserType and nested VectorType are understood;
//     FrozenType and ReversedType are unwrapped; an unknown class becomes a
//     custom element).
//   - org.apache.cassandra.db.marshal.DurationType, which Cassandra sends to
//     v3/v4 clients as a custom type, becomes codec.TypeDuration.
//   - Anything else, including a malformed vector, stays
//     Type{ID: codec.TypeCustom, Custom: class}.
//
// A class of more than MaxTypeNodes types stays custom too.
func ParseCustomType(class string) codec.Type {
	nodes := MaxTypeNodes
	t, _ := parseCustomType(class, &nodes)
	return t
}

// errClassNodes stops a classParser that has used up its nodes.
var errClassNodes = errors.New("cassandra: too many types in a class name")

// parseCustomType is ParseCustomType taking the types of a vector from
// *nodes, which already paid for the custom type itself; it fails only
// when they run out.
func parseCustomType(class string, nodes *int) (codec.Type, error) {
	custom := codec.Type{ID: codec.TypeCustom, Custom: class}
	name := strings.TrimSpace(class)
	short := strings.TrimPrefix(name, marshalPrefix)
	if short == "DurationType" {
		return codec.Type{ID: codec.TypeDuration}, nil
	}
	if !strings.HasPrefix(short, "VectorType(") {
		return custom, nil
	}
	left := *nodes + 1 // the parser counts the vector itself again
	p := classParser{s: name, nodes: &left}
	t, err := p.parse(0)
	if errors.Is(err, errClassNodes) {
		return custom, errTypeNodes()
	}
	if err != nil || p.skipSpace() != len(p.s) || t.ID != codec.TypeVector {
		return custom, nil // one custom type, already paid for
	}
	*nodes = left
	return t, nil
}

// CustomClassName returns the class name Cassandra uses for a vector type,
// such as "org.apache.cassandra.db.marshal.VectorType(
// org.apache.cassandra.db.marshal.FloatType , 3)", or t.Custom for a custom
// type.
func CustomClassName(t codec.Type) (string, error) {
	var b strings.Builder
	if err := appendClassName(&b, t, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

func appendClassName(b *strings.Builder, t codec.Type, depth int) error {
	if depth >= MaxTypeDepth {
		return fmt.Errorf("cassandra: type nested deeper than %d levels", MaxTypeDepth)
	}
	if n, ok := marshalNames[t.ID]; ok {
		b.WriteString(marshalPrefix + n)
		return nil
	}
	elems := func(open string) error {
		b.WriteString(marshalPrefix + open + "(")
		for i, e := range t.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendClassName(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(')')
		return nil
	}
	switch t.ID {
	case codec.TypeCustom:
		b.WriteString(t.Custom)
		return nil
	case codec.TypeVector:
		if len(t.Elems) != 1 || t.Dimension <= 0 {
			return fmt.Errorf("cassandra: vector type needs one element type and a positive dimension")
		}
		b.WriteString(marshalPrefix + "VectorType(")
		if err := appendClassName(b, t.Elems[0], depth+1); err != nil {
			return err
		}
		b.WriteString(" , " + strconv.Itoa(t.Dimension) + ")")
		return nil
	case codec.TypeList:
		return elems("ListType")
	case codec.TypeSet:
		return elems("SetType")
	case codec.TypeMap:
		return elems("MapType")
	case codec.TypeTuple:
		return elems("TupleType")
	case codec.TypeUDT:
		b.WriteString(marshalPrefix + "UserType(" + t.Keyspace + "," + hex.EncodeToString([]byte(t.Name)))
		for i, e := range t.Elems {
			f := ""
			if i < len(t.Fields) {
				f = t.Fields[i]
			}
			b.WriteString("," + hex.EncodeToString([]byte(f)) + ":")
			if err := appendClassName(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(')')
		return nil
	}
	return fmt.Errorf("cassandra: no class name for type id 0x%x", uint16(t.ID))
}

// classParser reads Cassandra's AbstractType class-name syntax:
// Name[(arg, arg, ...)].
type classParser struct {
	s     string
	pos   int
	nodes *int // types left to parse
}

func (p *classParser) skipSpace() int {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
	return p.pos
}

func (p *classParser) ident() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '(' || c == ')' || c == ',' || c == ':' || c == ' ' {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *classParser) expect(c byte) error {
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != c {
		return fmt.Errorf("cassandra: vector type: expected %q at %d", c, p.pos)
	}
	p.pos++
	return nil
}

func (p *classParser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

// parse reads one class with its parameters.
func (p *classParser) parse(depth int) (codec.Type, error) {
	if depth >= MaxTypeDepth {
		return codec.Type{}, errors.New("cassandra: vector type: too deep")
	}
	if *p.nodes--; *p.nodes < 0 {
		return codec.Type{}, errClassNodes
	}
	start := p.skipSpace()
	full := p.ident()
	short := strings.TrimPrefix(full, marshalPrefix)
	if full == "" {
		return codec.Type{}, fmt.Errorf("cassandra: vector type: empty class name at %d", start)
	}
	if p.peek() != '(' {
		if id, ok := marshalClasses[short]; ok {
			return codec.Type{ID: id}, nil
		}
		return codec.Type{ID: codec.TypeCustom, Custom: full}, nil
	}
	p.pos++ // '('
	var t codec.Type
	switch short {
	case "FrozenType", "ReversedType":
		inner, err := p.parse(depth + 1)
		if err != nil {
			return t, err
		}
		if short == "FrozenType" {
			inner.Frozen = true
		}
		return inner, p.expect(')')
	case "ListType", "SetType", "MapType", "TupleType":
		t.ID = map[string]codec.TypeID{"ListType": codec.TypeList, "SetType": codec.TypeSet, "MapType": codec.TypeMap, "TupleType": codec.TypeTuple}[short]
		for {
			e, err := p.parse(depth + 1)
			if err != nil {
				return t, err
			}
			t.Elems = append(t.Elems, e)
			if p.peek() != ',' {
				break
			}
			p.pos++
		}
		if err := p.expect(')'); err != nil {
			return t, err
		}
		want := map[codec.TypeID]int{codec.TypeList: 1, codec.TypeSet: 1, codec.TypeMap: 2}[t.ID]
		if want != 0 && len(t.Elems) != want {
			return t, fmt.Errorf("cassandra: vector type: %s with %d parameters", short, len(t.Elems))
		}
		return t, nil
	case "VectorType":
		e, err := p.parse(depth + 1)
		if err != nil {
			return t, err
		}
		if err := p.expect(','); err != nil {
			return t, err
		}
		n, err := strconv.Atoi(p.ident())
		if err != nil || n <= 0 {
			return t, errors.New("cassandra: vector type: bad dimension")
		}
		t = codec.Type{ID: codec.TypeVector, Elems: []codec.Type{e}, Dimension: n}
		return t, p.expect(')')
	case "UserType":
		t.ID = codec.TypeUDT
		t.Keyspace = p.ident()
		if err := p.expect(','); err != nil {
			return t, err
		}
		name, err := hex.DecodeString(p.ident())
		if err != nil {
			return t, err
		}
		t.Name = string(name)
		for p.peek() == ',' {
			p.pos++
			field, err := hex.DecodeString(p.ident())
			if err != nil {
				return t, err
			}
			if err := p.expect(':'); err != nil {
				return t, err
			}
			e, err := p.parse(depth + 1)
			if err != nil {
				return t, err
			}
			t.Fields = append(t.Fields, string(field))
			t.Elems = append(t.Elems, e)
		}
		return t, p.expect(')')
	}
	// An unknown parameterised class: keep it whole as a custom type.
	depthParen := 1
	for p.pos < len(p.s) && depthParen > 0 {
		switch p.s[p.pos] {
		case '(':
			depthParen++
		case ')':
			depthParen--
		}
		p.pos++
	}
	if depthParen != 0 {
		return t, errors.New("cassandra: vector type: unbalanced parentheses")
	}
	return codec.Type{ID: codec.TypeCustom, Custom: p.s[start:p.pos]}, nil
}
