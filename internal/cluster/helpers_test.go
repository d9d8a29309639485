package cluster

import (
	"encoding/hex"
	"strconv"
)

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func itoa(n int) string { return strconv.Itoa(n) }
