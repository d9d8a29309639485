package codec_test

import (
	"fmt"
	"strings"
)

func sprintf(f string, a ...any) string  { return fmt.Sprintf(f, a...) }
func join(s []string, sep string) string { return strings.Join(s, sep) }
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
