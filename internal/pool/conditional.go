package pool

// isConditional reports whether a CQL statement has an IF clause (a
// lightweight transaction: INSERT ... IF NOT EXISTS, UPDATE ... IF ...,
// DELETE ... IF EXISTS). Query plans keep the replicas of such a
// statement in a fixed order, so that clients do not contend in Paxos. It
// looks for IF as a word outside string literals, quoted names and
// comments.
func isConditional(q string) bool {
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(q, i, c)
		case c == '$' && i+1 < len(q) && q[i+1] == '$':
			i = skipDollar(q, i)
		case c == '-' && i+1 < len(q) && q[i+1] == '-', c == '/' && i+1 < len(q) && q[i+1] == '/':
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			i += 2
			for i+1 < len(q) && !(q[i] == '*' && q[i+1] == '/') {
				i++
			}
			i++
		case isWordByte(c):
			j := i
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			if j-i == 2 && (q[i]|0x20) == 'i' && (q[i+1]|0x20) == 'f' {
				return true
			}
			i = j - 1
		}
	}
	return false
}

// skipQuoted returns the index of the quote closing the literal or name
// opened at q[i] (a doubled quote stands for itself), or len(q).
func skipQuoted(q string, i int, quote byte) int {
	for i++; i < len(q); i++ {
		if q[i] == quote {
			if i+1 < len(q) && q[i+1] == quote {
				i++
				continue
			}
			return i
		}
	}
	return len(q)
}

// skipDollar returns the index of the last byte of the $$...$$ string
// opened at q[i], or len(q).
func skipDollar(q string, i int) int {
	for i += 2; i+1 < len(q); i++ {
		if q[i] == '$' && q[i+1] == '$' {
			return i + 1
		}
	}
	return len(q)
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
