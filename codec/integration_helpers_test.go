package codec_test

import (
	"fmt"
	"reflect"
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

func sameSlice(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if !ra.IsValid() || !rb.IsValid() || ra.Type() != rb.Type() || ra.Len() != rb.Len() {
		return false
	}
	for i := 0; i < ra.Len(); i++ {
		x, y := ra.Index(i).Interface(), rb.Index(i).Interface()
		if ra.Index(i).Kind() == reflect.Slice {
			if !sameSlice(x, y) {
				return false
			}
			continue
		}
		if !sameValue(x, y) {
			return false
		}
	}
	return true
}
