package testcluster

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Lookup returns the test cluster's addresses as Hosts does, or none and
// the reason, without a test to skip or fail: for TestMain and examples.
func Lookup() ([]string, string) {
	once.Do(discover)
	return append([]string(nil), hosts...), why
}

// ExamplesMain is the TestMain of a package whose examples need the test
// server. An example cannot skip itself (it has no *testing.T), so:
//
//   - with a server reachable, every example runs against it;
//   - with none and Required() (make test, CI), every example runs too,
//     and those that need the server fail with the error they print;
//   - with none and not Required() (a plain `go test` on a laptop), the
//     examples that need the server are left out through -test.skip, and
//     a line on stderr names them. The others still run.
//
// An example needs the server when its body calls one of the functions
// named in helpers (the package's helpers that return the server's
// address or a keyspace on it); ExamplesMain finds them by parsing the
// package's _test.go files, so no list is kept by hand.
func ExamplesMain(m *testing.M, helpers ...string) int {
	flag.Parse()
	if hs, why := Lookup(); len(hs) == 0 && !Required() {
		names, err := ExamplesCalling(".", helpers...)
		if err != nil {
			fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
			return 1
		}
		if len(names) > 0 {
			pattern := "^(" + strings.Join(names, "|") + ")$"
			if old := flag.Lookup("test.skip").Value.String(); old != "" {
				pattern = old + "|" + pattern
			}
			if err := flag.Set("test.skip", pattern); err != nil {
				fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
				return 1
			}
			fmt.Fprintf(os.Stderr, "testcluster: no Cassandra reachable (%s): not running %s; run `make cassandra-up` or set CASSANDRA_HOSTS (CASSANDRA_TEST_REQUIRED=1 runs them regardless)\n",
				why, strings.Join(names, ", "))
		}
	}
	return m.Run()
}

// ExamplesCalling returns the names of the Example functions of the
// _test.go files in dir whose bodies call one of the functions helpers.
func ExamplesCalling(dir string, helpers ...string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, h := range helpers {
		want[h] = true
	}
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Example") {
				continue
			}
			calls := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if id, ok := c.Fun.(*ast.Ident); ok && want[id.Name] {
						calls = true
					}
				}
				return !calls
			})
			if calls {
				names = append(names, fn.Name.Name)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
