package codec

// EncoderSet is DecoderSet for encoders: the bind markers of one
// statement, or components nested in them, of equal types share one plan.
// The zero value is ready to use; it is not safe for concurrent use, the
// Encoders it returns are.
type EncoderSet struct {
	plans planCache[*Encoder]
}

// Encoder returns the encoder of t, as NewEncoder would build it, compiled
// on the first call for a type equal to t.
func (s *EncoderSet) Encoder(t Type) (*Encoder, error) { return s.encoder(t, 0) }

func (s *EncoderSet) encoder(t Type, depth int) (*Encoder, error) {
	return s.plans.plan(t, depth, func(t Type, depth int) (*Encoder, error) {
		p, err := compileEnc(t, depth, s)
		if err != nil {
			return nil, err
		}
		return &Encoder{t: t, p: p}, nil
	})
}

// subEnc compiles a component of a type at depth, through s when there is
// one.
func subEnc(t Type, depth int, s *EncoderSet) (*encPlan, error) {
	if s == nil {
		return compileEnc(t, depth, nil)
	}
	e, err := s.encoder(t, depth)
	if err != nil {
		return nil, err
	}
	return e.p, nil
}
