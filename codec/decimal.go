package codec

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// decimal: an [int] scale then a varint unscaled value; the number is
// unscaled * 10^-scale (native_protocol_v5.spec section 5.6).

var tDecimal = Type{ID: TypeDecimal}

// Decimal is an arbitrary-precision decimal number: Unscaled * 10^-Scale,
// as Java's BigDecimal. A negative Scale multiplies by a power of ten
// (Unscaled 12, Scale -3 is 12000). The zero Decimal (nil Unscaled) is 0.
type Decimal struct {
	Unscaled *big.Int
	Scale    int32
}

// NewDecimal returns unscaled * 10^-scale.
func NewDecimal(unscaled int64, scale int32) Decimal {
	return Decimal{Unscaled: big.NewInt(unscaled), Scale: scale}
}

// ParseDecimal parses [+-]digits[.digits][(e|E)[+-]digits], keeping every
// digit: "1.50" has scale 2, "1.5e3" is unscaled 15 with scale -2.
func ParseDecimal(s string) (Decimal, error) {
	bad := func() (Decimal, error) {
		return Decimal{}, fmt.Errorf("cassandra: %q is not a decimal number", s)
	}
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 40)
		if err != nil {
			return bad()
		}
		mant, exp = s[:i], e
	}
	frac := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		frac = len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	digits := strings.TrimLeft(mant, "+-")
	if digits == "" || len(mant)-len(digits) > 1 || strings.Trim(digits, "0123456789") != "" {
		return bad()
	}
	z, ok := new(big.Int).SetString(mant, 10)
	if !ok {
		return bad()
	}
	scale := int64(frac) - exp
	if scale < math.MinInt32 || scale > math.MaxInt32 {
		return Decimal{}, fmt.Errorf("cassandra: %q: decimal scale %d out of int32 range", s, scale)
	}
	return Decimal{Unscaled: z, Scale: int32(scale)}, nil
}

func (d Decimal) unscaled() *big.Int {
	if d.Unscaled == nil {
		return new(big.Int)
	}
	return d.Unscaled
}

// String formats d as Java's BigDecimal.toString does: plain digits when
// the scale is not negative and the number is not tiny, scientific
// notation (1.2E+4) otherwise, so that no scale makes it huge.
func (d Decimal) String() string {
	u := d.unscaled()
	digits := new(big.Int).Abs(u).String()
	sign := ""
	if u.Sign() < 0 {
		sign = "-"
	}
	adjusted := -int64(d.Scale) + int64(len(digits)-1)
	if d.Scale >= 0 && adjusted >= -6 {
		if d.Scale == 0 {
			return sign + digits
		}
		sc := int(d.Scale)
		if len(digits) > sc {
			return sign + digits[:len(digits)-sc] + "." + digits[len(digits)-sc:]
		}
		return sign + "0." + strings.Repeat("0", sc-len(digits)) + digits
	}
	s := sign + digits[:1]
	if len(digits) > 1 {
		s += "." + digits[1:]
	}
	if adjusted >= 0 {
		return s + "E+" + strconv.FormatInt(adjusted, 10)
	}
	return s + "E" + strconv.FormatInt(adjusted, 10)
}

// Rat returns d as an exact *big.Rat. Scales of magnitude above 100,000 are
// refused (the power of ten would be enormous): Rat returns nil then.
func (d Decimal) Rat() *big.Rat {
	if d.Scale > 100000 || d.Scale < -100000 {
		return nil
	}
	r := new(big.Rat).SetInt(d.unscaled())
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(d.Scale))), nil)
	if d.Scale > 0 {
		return r.Quo(r, new(big.Rat).SetInt(p))
	}
	return r.Mul(r, new(big.Rat).SetInt(p))
}

func abs32(x int32) int64 {
	if x < 0 {
		return -int64(x)
	}
	return int64(x)
}

// Float64 returns the float64 nearest to d (±Inf beyond its range).
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// Cmp compares the numeric values of d and e (1.0 equals 1.00). It uses
// Rat, so the same scale limits apply; outside them it compares strings.
func (d Decimal) Cmp(e Decimal) int {
	a, b := d.Rat(), e.Rat()
	if a == nil || b == nil {
		return strings.Compare(d.String(), e.String())
	}
	return a.Cmp(b)
}

// Value implements driver.Valuer: the decimal's string.
func (d Decimal) Value() (driver.Value, error) { return d.String(), nil }

// Scan implements sql.Scanner from Decimal, string, []byte, integers and
// *big.Int. float64 is accepted through its shortest decimal form.
func (d *Decimal) Scan(src any) error {
	switch x := src.(type) {
	case Decimal:
		*d = x
		return nil
	case *big.Int:
		*d = Decimal{Unscaled: new(big.Int).Set(x)}
		return nil
	case string:
		p, err := ParseDecimal(x)
		if err != nil {
			return err
		}
		*d = p
		return nil
	case []byte:
		return d.Scan(string(x))
	case float64:
		return d.Scan(strconv.FormatFloat(x, 'g', -1, 64))
	}
	if n, ok, overflow := asInt64(src); ok && !overflow {
		*d = NewDecimal(n, 0)
		return nil
	}
	return fmt.Errorf("cassandra: cannot scan Go %s into codec.Decimal", goTypeName(src))
}

// DecodeDecimal decodes a decimal. NULL and empty values return ErrNull.
func DecodeDecimal(b []byte) (Decimal, error) {
	if len(b) == 0 {
		return Decimal{}, ErrNull
	}
	if len(b) < 5 {
		return Decimal{}, decErr(tDecimal, "want at least 5 bytes, got %d", len(b))
	}
	if len(b)-4 > maxVarintLen {
		return Decimal{}, decErr(tDecimal, "%d bytes is more than this driver decodes", len(b))
	}
	return Decimal{Scale: int32(binary.BigEndian.Uint32(b)), Unscaled: varintFromBytes(b[4:])}, nil
}

// encDecimal takes Decimal, a decimal string (ParseDecimal), *big.Int,
// big.Int and Go integers (scale 0). Floats are refused: their binary value
// is rarely the decimal the caller means; convert with ParseDecimal.
func encDecimal(t Type) func([]byte, any) ([]byte, error) {
	return func(dst []byte, v any) ([]byte, error) {
		var d Decimal
		switch x := v.(type) {
		case Decimal:
			d = x
		case string:
			p, err := ParseDecimal(x)
			if err != nil {
				return dst, encWrap(t, v, "", err)
			}
			d = p
		case *big.Int:
			d = Decimal{Unscaled: x}
		case big.Int:
			d = Decimal{Unscaled: &x}
		case *big.Float, big.Float:
			return dst, encErr(t, v, "a binary float is not an exact decimal; pass codec.Decimal or a string (for example f.Text('f', -1))")
		default:
			if _, _, ok := asFloat64(v); ok {
				return dst, encErr(t, v, "floats are not exact decimals; pass codec.Decimal or a string")
			}
			n, ok, overflow := asInt64(v)
			if !ok {
				return dst, encTypeErr(t, v)
			}
			if overflow {
				return dst, encErr(t, v, "convert unsigned values above 2^63 to *big.Int")
			}
			dst = binary.BigEndian.AppendUint32(dst, 0)
			return appendVarint64(dst, n), nil
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(d.Scale))
		return appendVarint(dst, d.unscaled()), nil
	}
}
