package cluster

// What the external test package (the integration tests, which import the
// driver, which imports this package) needs of the internal test helpers.
var (
	Export_hexOf                 = hexOf
	Export_murmur3VectorKeys     = murmur3VectorKeys
	Export_murmur3VectorLiterals = murmur3VectorLiterals
)

// Export_mapCount is the number of distinct replica maps of m.
func Export_mapCount(m *TokenMap) int { return len(m.maps) }
