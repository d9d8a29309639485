package cassandra

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// The README is checked against the code: every identifier, DSN
// parameter and make target it names in a code span exists.

// notGo are names the README writes in code spans that are not Go
// identifiers of this module or of database/sql: Java classes, Cassandra's
// own names.
var notGo = map[string]bool{
	"CassandraDaemon": true, "PasswordAuthenticator": true, "BigDecimal": true,
	"Overloaded":         true, // a Cassandra error (ErrCodeOverloaded)
	"DefaultRetryPolicy": true, "GossipingPropertyFileSnitch": true,
}

// notParams are lower-case names with underscores the README writes that
// are not DSN parameters: columns, tables and settings of Cassandra.
var notParams = map[string]bool{
	"release_version": true, "replication_factor": true, "require_client_auth": true,
	"session_id": true, "name": true, // name=value
}

var (
	reFence     = regexp.MustCompile("(?s)```.*?```")
	reSpan      = regexp.MustCompile("`([^`\n]+)`")
	reQualified = regexp.MustCompile(`\b(cassandra|codec|protocol)\.([A-Z]\w*)(?:\.([A-Z]\w*))?`)
	reMethod    = regexp.MustCompile(`\(\*?([A-Z]\w*)\)\.([A-Z]\w*)`)
	reBare      = regexp.MustCompile(`^([A-Z]\w*)(?:\.([A-Z]\w*))?(?:\(|$|\{|\[)`)
	reHeading   = regexp.MustCompile("(?m)^#####\\s+`([^`]+)`")
	reParamSet  = regexp.MustCompile(`(?:^|[?&])([a-z][a-z0-9_]*)=`)
	reSnake     = regexp.MustCompile(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$`)
	reMake      = regexp.MustCompile(`\bmake ([a-z][a-z0-9-]*)`)
	reTarget    = regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`)
)

// exported returns the exported names of the Go package in dir (tests
// excluded unless withTests): top-level names, and Type.Member for methods
// and fields.
func exported(t *testing.T, dir string, withTests ...bool) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool {
		return len(withTests) > 0 || !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for name, p := range pkgs {
		if strings.HasSuffix(name, "_test") && len(withTests) == 0 || name == "main" {
			continue
		}
		for _, f := range p.Files {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						names[d.Name.Name] = true
						continue
					}
					rt := d.Recv.List[0].Type
					if s, ok := rt.(*ast.StarExpr); ok {
						rt = s.X
					}
					if ix, ok := rt.(*ast.IndexExpr); ok {
						rt = ix.X
					}
					if id, ok := rt.(*ast.Ident); ok {
						names[id.Name+"."+d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.ValueSpec:
							for _, n := range s.Names {
								names[n.Name] = true
							}
						case *ast.TypeSpec:
							names[s.Name.Name] = true
							var fields *ast.FieldList
							switch tt := s.Type.(type) {
							case *ast.StructType:
								fields = tt.Fields
							case *ast.InterfaceType:
								fields = tt.Methods
							}
							if fields != nil {
								for _, fl := range fields.List {
									for _, n := range fl.Names {
										names[s.Name.Name+"."+n.Name] = true
									}
								}
							}
						}
					}
				}
			}
		}
	}
	return names
}

func TestREADMENamesExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	pkgs := map[string]map[string]bool{
		"cassandra": exported(t, "."),
		"codec":     exported(t, "codec"),
		"protocol":  exported(t, "protocol"),
	}
	std := map[string]bool{}
	// The tests the README points to (TestTypedScanTable, TestMain).
	for n := range exported(t, ".", true) {
		std[n] = true
	}
	for _, p := range []string{"database/sql", "database/sql/driver", "testing"} {
		for n := range exported(t, filepath.Join(runtime.GOROOT(), "src", p)) {
			std[n] = true
		}
	}
	if sqlx, err := build.Import("github.com/jmoiron/sqlx", ".", build.FindOnly); err != nil {
		t.Errorf("finding sqlx, which the README's sqlx section names: %v", err)
	} else {
		for n := range exported(t, sqlx.Dir) {
			std[n] = true
		}
	}
	// A method or field on its own (Commit, ReadOnly) is known when some
	// type has it.
	for _, names := range []map[string]bool{std, pkgs["cassandra"], pkgs["codec"], pkgs["protocol"]} {
		for n := range names {
			if i := strings.IndexByte(n, '.'); i > 0 {
				std[n[i+1:]] = true
			}
		}
	}
	paramSet := map[string]bool{}
	for _, p := range params {
		paramSet[p.name] = true
	}
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range reTarget.FindAllStringSubmatch(string(makefile), -1) {
		targets[m[1]] = true
	}

	var missing []string
	miss := func(what, name, where string) {
		missing = append(missing, what+" "+name+" (in `"+where+"`)")
	}
	// cassandra.X, codec.X, protocol.X and (*T).M, in spans and in code
	// blocks alike.
	for _, m := range reQualified.FindAllStringSubmatch(text, -1) {
		names := pkgs[m[1]]
		if !names[m[2]] {
			miss("identifier", m[1]+"."+m[2], m[0])
		} else if m[3] != "" && !names[m[2]+"."+m[3]] && !names[m[3]] {
			miss("identifier", m[1]+"."+m[2]+"."+m[3], m[0])
		}
	}
	for _, m := range reMethod.FindAllStringSubmatch(text, -1) {
		if !pkgs["cassandra"][m[1]+"."+m[2]] {
			miss("method", m[1]+"."+m[2], m[0])
		}
	}
	known := func(name string) bool {
		if std[name] || notGo[name] {
			return true
		}
		for _, names := range pkgs {
			if names[name] {
				return true
			}
		}
		return false
	}
	prose := reFence.ReplaceAllString(text, "")
	for _, m := range reSpan.FindAllStringSubmatch(prose, -1) {
		span := m[1]
		// A Go name on its own: WithTracing(&id), Config.TLSConfig,
		// NotAppliedError. All-caps words are CQL (USE, LOCAL_ONE).
		if b := reBare.FindStringSubmatch(span); b != nil && strings.ToUpper(b[1]) != b[1] {
			if !known(b[1]) {
				miss("identifier", b[1], span)
			} else if b[2] != "" && !known(b[1]+"."+b[2]) {
				miss("identifier", b[1]+"."+b[2], span)
			}
		}
		// DSN parameters: name=value pairs and bare snake_case names.
		for _, p := range reParamSet.FindAllStringSubmatch(span, -1) {
			if !paramSet[p[1]] && !notParams[p[1]] {
				miss("DSN parameter", p[1], span)
			}
		}
		if _, isLevel := ParseConsistency(span); reSnake.MatchString(span) && !paramSet[span] && !notParams[span] && isLevel != nil {
			miss("DSN parameter", span, span)
		}
		for _, mk := range reMake.FindAllStringSubmatch(span, -1) {
			if !targets[mk[1]] {
				miss("make target", mk[1], span)
			}
		}
	}
	// The parameter reference: one heading per parameter, no more.
	headed := map[string]bool{}
	for _, h := range reHeading.FindAllStringSubmatch(text, -1) {
		headed[h[1]] = true
		if !paramSet[h[1]] {
			miss("DSN parameter", h[1], "##### "+h[1])
		}
	}
	for p := range paramSet {
		if !headed[p] {
			missing = append(missing, "DSN parameter "+p+" has no ##### heading in the README")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error("README names a", m, "that does not exist")
	}
}

// The examples run: every Example function of the module's packages has
// an Output comment (go test only compiles an example without one).
func TestEveryExampleHasOutput(t *testing.T) {
	dirs := []string{".", "codec", "protocol"}
	err := filepath.WalkDir("internal", func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, dir := range dirs {
		if _, err := build.ImportDir(dir, build.ImportComment); err != nil {
			continue // no Go files
		}
		fset := token.NewFileSet()
		files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		var parsed []*ast.File
		for _, f := range files {
			af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, af)
		}
		for _, ex := range doc.Examples(parsed...) {
			total++
			if ex.Output == "" && !ex.EmptyOutput {
				t.Errorf("%s: Example%s has no // Output: comment, so go test never runs it", dir, ex.Name)
			}
		}
	}
	if total == 0 {
		t.Fatal("no examples found")
	}
}

// reCamel matches identifier-like words with an inner capital
// (PagingState, WithTracing), which doc comments use for Go names.
var (
	reCamel = regexp.MustCompile(`\b(?:[a-z]+\.)?[A-Z][a-z0-9]+[A-Z]\w*\b`)
	reSee   = regexp.MustCompile(`\bsee ([A-Z]\w*(?:\.\w+)?)`)
)

// notGoInComments are camel-case words of the root package's comments
// that are not Go names.
var notGoInComments = map[string]bool{
	"DataStax": true, "ScyllaDB": true, "BigDecimal": true, "CassandraDaemon": true,
	"PasswordAuthenticator": true, "DefaultRetryPolicy": true, "LocalDC": true,
	"ErrCode":    true, // "the ErrCode constants"
	"MiB":        true,
	"ServerName": true, // tls.Config.ServerName
}

// The root package's doc comments name only identifiers that exist (in it,
// codec, protocol, database/sql or a package they qualify), and do not
// point to documents readers do not have ("the issue").
func TestDocCommentsNameWhatExists(t *testing.T) {
	// Names declared in the root package (unexported ones too: comments
	// explain the internals) and in database/sql, with their methods and
	// fields on their own (Next, Config.Timeout); codec's and protocol's
	// top-level names.
	known := map[string]bool{}
	for _, p := range []string{".", filepath.Join(runtime.GOROOT(), "src", "database/sql"), filepath.Join(runtime.GOROOT(), "src", "database/sql/driver")} {
		for n := range exported(t, p) {
			known[n] = true
			if i := strings.IndexByte(n, '.'); i > 0 {
				known[n[i+1:]] = true
			}
		}
	}
	// Tests and benchmarks a comment points to (TestTypedScanTable).
	for n := range exported(t, ".", true) {
		if strings.HasPrefix(n, "Test") || strings.HasPrefix(n, "Benchmark") {
			known[n] = true
		}
	}
	// "see X" must name something of the root package itself.
	see := map[string]bool{"Stability": true} // the package doc's section
	for n := range known {
		see[n] = true
	}
	for _, p := range []string{"codec", "protocol"} {
		for n := range exported(t, p) {
			known[n] = true
			if i := strings.IndexByte(n, '.'); i > 0 {
				known[n[i+1:]] = true
			}
		}
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range pkgs["cassandra"].Files {
		for _, cg := range f.Comments {
			text := cg.Text()
			if strings.Contains(strings.ToLower(text), "the issue") {
				t.Errorf("%s: a comment refers to \"the issue\", which readers do not have", name)
			}
			for _, w := range reCamel.FindAllString(text, -1) {
				if strings.Contains(w, ".") {
					continue // qualified by another package: sql.RawBytes
				}
				if !known[w] && !notGoInComments[w] {
					t.Errorf("%s: a comment names %s, which does not exist", name, w)
				}
			}
			for _, m := range reSee.FindAllStringSubmatch(text, -1) {
				if !see[m[1]] {
					t.Errorf("%s: a comment says \"see %s\", which the package does not have", name, m[1])
				}
			}
		}
	}
}

// The root's aliases of protocol and codec names say that the root's name
// is the stable one, and doc.go has the Stability section they point to.
func TestAliasesSayTheyAreStable(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	p := pkgs["cassandra"]
	if p.Files["doc.go"] == nil || !strings.Contains(p.Files["doc.go"].Doc.Text(), "# Stability") {
		t.Error("doc.go has no Stability section")
	}
	for name, f := range p.Files {
		// A block of aliases shares a doc comment, the first of the file's
		// blocks may say it for the others.
		fileSays := false
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, s := range g.Specs {
				var alias string
				var doc *ast.CommentGroup
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Assign.IsValid() {
						alias, doc = exprString(s.Type), s.Doc
					}
				case *ast.ValueSpec:
					if len(s.Values) == 1 && g.Tok == token.VAR {
						alias, doc = exprString(s.Values[0]), s.Doc
					}
				}
				if !strings.HasPrefix(alias, "protocol.") && !strings.HasPrefix(alias, "codec.") {
					continue
				}
				says := strings.Contains(doc.Text()+g.Doc.Text(), "stable") || strings.Contains(doc.Text()+g.Doc.Text(), "alias")
				if says {
					fileSays = true
				}
				if !says && !fileSays {
					t.Errorf("%s: %s = %s does not say it is the stable name", name, specName(s), alias)
				}
			}
		}
	}
}

func exprString(e ast.Expr) string {
	if s, ok := e.(*ast.SelectorExpr); ok {
		if id, ok := s.X.(*ast.Ident); ok {
			return id.Name + "." + s.Sel.Name
		}
	}
	return ""
}

func specName(s ast.Spec) string {
	switch s := s.(type) {
	case *ast.TypeSpec:
		return s.Name.Name
	case *ast.ValueSpec:
		return s.Names[0].Name
	}
	return "?"
}
