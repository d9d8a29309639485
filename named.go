package cassandra

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/cqlsql/cassandra/protocol"
)

// orderArgs returns the argument values in bind-marker order. Positional
// arguments are taken as they come. Named arguments (sql.Named) are matched
// to the names of the markers in the prepared metadata: the name of a :name
// marker, or for a ? marker the column it is compared with or assigned to.
// A name is matched exactly, else ignoring case (CQL folds unquoted names to
// lower case); one argument may feed several markers of the same name.
// Mixing named and positional arguments, a marker without an argument and
// an argument without a marker are errors. The values are appended to dst.
func orderArgs(dst []any, markers []protocol.ColumnSpec, args []driver.NamedValue) ([]any, error) {
	named := 0
	for _, a := range args {
		if a.Name != "" {
			named++
		}
	}
	if named == 0 {
		for _, a := range args {
			dst = append(dst, a.Value)
		}
		return dst, nil
	}
	if named != len(args) {
		return nil, fmt.Errorf("cassandra: %d of %d arguments are named: name all of them (sql.Named) or none", named, len(args))
	}
	used := make([]bool, len(args))
	for i, m := range markers {
		j := findArg(args, m.Name)
		if j < 0 {
			return nil, fmt.Errorf("cassandra: no argument named %q for bind marker %d; the markers are %s", m.Name, i+1, markerNames(markers))
		}
		dst = append(dst, args[j].Value)
		used[j] = true
	}
	for j, u := range used {
		if !u {
			return nil, fmt.Errorf("cassandra: argument %q matches no bind marker; the markers are %s", args[j].Name, markerNames(markers))
		}
	}
	return dst, nil
}

func findArg(args []driver.NamedValue, name string) int {
	for j, a := range args {
		if a.Name == name {
			return j
		}
	}
	for j, a := range args {
		if strings.EqualFold(a.Name, name) {
			return j
		}
	}
	return -1
}

func markerNames(markers []protocol.ColumnSpec) string {
	names := make([]string, len(markers))
	for i, m := range markers {
		names[i] = m.Name
	}
	return "(" + strings.Join(names, ", ") + ")"
}
