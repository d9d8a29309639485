package cluster

import "testing"

func TestHostID(t *testing.T) {
	const s = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	id, err := ParseHostID(s)
	if err != nil || id.String() != s {
		t.Errorf("ParseHostID(%s) = %v, %v", s, id, err)
	}
	if _, err := ParseHostID("nope"); err == nil {
		t.Error("ParseHostID accepted garbage")
	}
}
