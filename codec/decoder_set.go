package codec

// DecoderSet builds the decoders of the columns of one result, compiling
// each distinct type once: columns, or components nested in them, of equal
// types share one plan, so N identical columns cost one compilation. The
// zero value is ready to use. A DecoderSet is not safe for concurrent use;
// the Decoders it returns are.
type DecoderSet struct {
	plans planCache[*Decoder]
}

// Decoder returns the decoder of t, as NewDecoder would build it, compiled
// on the first call for a type equal to t.
func (s *DecoderSet) Decoder(t Type) (*Decoder, error) { return s.decoder(t, 0) }

func (s *DecoderSet) decoder(t Type, depth int) (*Decoder, error) {
	return s.plans.plan(t, depth, func(t Type, depth int) (*Decoder, error) {
		p, err := compileDec(t, depth, s)
		if err != nil {
			return nil, err
		}
		return &Decoder{t: t, p: p}, nil
	})
}

// subDec compiles a component of a type at depth, through s when there is
// one.
func subDec(t Type, depth int, s *DecoderSet) (*decPlan, error) {
	if s == nil {
		return compileDec(t, depth, nil)
	}
	d, err := s.decoder(t, depth)
	if err != nil {
		return nil, err
	}
	return d.p, nil
}
