package cassandra

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqlsql/cassandra/codec"
	"github.com/cqlsql/cassandra/internal/fakeserver"
	"github.com/cqlsql/cassandra/protocol"
)

// errTextAllowed lists the error texts TestErrorTexts tolerates, keyed by
// file and format, each with what is wrong and where it was found. They are
// in files being rewritten elsewhere (or not to be edited here): fix them
// there and empty this list. An entry that no longer matches fails the test.
var errTextAllowed = map[string]string{}

// errTextPackages are the module's packages whose errors reach users.
var errTextPackages = []string{"codec", "protocol", "internal/pool", "internal/cluster", "."}

const modulePath = "github.com/cqlsql/cassandra"

// TestErrorTexts reads every errors.New and fmt.Errorf of the module's
// non-test code (go/parser and go/types) and checks that:
//   - the text starts with "cassandra: ", or with %w when it only adds to
//     the (cassandra) error it wraps;
//   - no error is formatted with a verb other than %w, so errors.Is and
//     errors.As see every cause;
//   - at most one "cassandra: " ends up in the text, where the wrapped
//     errors are known: sentinel variables, errors.New and fmt.Errorf
//     calls, and types whose Error method writes the prefix.
func TestErrorTexts(t *testing.T) {
	fset := token.NewFileSet()
	// Dependencies come from the export data the go command builds (and
	// caches); only the module's packages are checked from source here.
	args := []string{"list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}={{.Export}}{{end}}"}
	for _, dir := range errTextPackages {
		args = append(args, "./"+dir)
	}
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if path, file, ok := strings.Cut(line, "="); ok {
			exports[path] = file
		}
	}
	imp := &moduleImporter{done: map[string]*types.Package{}, std: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})}
	type pkg struct {
		files []*ast.File
		info  *types.Info
	}
	var pkgs []pkg
	for _, dir := range errTextPackages {
		bp, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		var files []*ast.File
		for _, name := range bp.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
		path := modulePath
		if dir != "." {
			path += "/" + dir
		}
		conf := types.Config{Importer: imp}
		p, err := conf.Check(path, fset, files, info)
		if err != nil {
			t.Fatalf("type-checking %s: %v", path, err)
		}
		imp.done[path] = p
		pkgs = append(pkgs, pkg{files, info})
	}

	// What is known to carry the prefix: sentinel variables and types
	// whose Error method writes it.
	prefixed := map[types.Object]bool{}
	prefixedTypes := map[*types.TypeName]bool{}
	for _, p := range pkgs {
		for _, f := range p.files {
			for _, d := range f.Decls {
				if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, s := range g.Specs {
						vs := s.(*ast.ValueSpec)
						for i, v := range vs.Values {
							if format, ok := errCallFormat(v, p.info); ok && strings.HasPrefix(format, errPrefix) {
								prefixed[p.info.Defs[vs.Names[i]]] = true
							}
						}
					}
				}
			}
		}
	}
	for _, p := range pkgs {
		for _, f := range p.files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Name.Name != "Error" || fd.Recv == nil || fd.Body == nil {
					continue
				}
				if writesPrefix(fd.Body, p.info, prefixed) {
					prefixedTypes[recvTypeName(fd, p.info)] = true
				}
			}
		}
	}
	// The error variables assigned from calls of the module's functions,
	// whose texts start with "cassandra: " by the first rule. fromModule
	// takes the last assignment before the use, in the source order of the
	// function (branches are not followed).
	type assign struct {
		pos    token.Pos
		module bool
	}
	assigns := map[types.Object][]assign{}
	for _, p := range pkgs {
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok {
					return true
				}
				module := false
				if len(as.Rhs) == 1 {
					if call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok {
						module = moduleFunc(call, p.info)
					}
				}
				for _, l := range as.Lhs {
					id, ok := l.(*ast.Ident)
					if !ok {
						continue
					}
					obj := p.info.Defs[id]
					if obj == nil {
						obj = p.info.Uses[id]
					}
					if obj != nil {
						assigns[obj] = append(assigns[obj], assign{as.Pos(), module})
					}
				}
				return true
			})
		}
	}
	fromModule := func(e ast.Expr, info *types.Info) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return false
		}
		var last *assign
		for i, a := range assigns[info.Uses[id]] {
			if a.pos < id.Pos() && (last == nil || a.pos > last.pos) {
				last = &assigns[info.Uses[id]][i]
			}
		}
		return last != nil && last.module
	}
	isPrefixed := func(e ast.Expr, info *types.Info) bool {
		e = ast.Unparen(e)
		if format, ok := errCallFormat(e, info); ok {
			return strings.HasPrefix(format, errPrefix)
		}
		switch x := e.(type) {
		case *ast.Ident:
			if prefixed[info.Uses[x]] {
				return true
			}
		case *ast.SelectorExpr:
			if prefixed[info.Uses[x.Sel]] {
				return true
			}
		}
		if call, ok := e.(*ast.CallExpr); ok && moduleFunc(call, info) {
			// By this test's first rule, what the module's functions
			// return starts with "cassandra: ", but for unprefixed(err),
			// whose text drops it.
			return !isUnprefixedCall(call)
		}
		return prefixedTypes[namedOf(info.TypeOf(e))]
	}

	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	var problems []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				fn := calledFunc(call, p.info)
				pos := fset.Position(call.Pos())
				if fn == modulePath+"/protocol.wrapf" {
					// wrapf(err, format, args...) writes the prefix itself.
					tv := p.info.Types[call.Args[1]]
					format := ""
					if tv.Value != nil {
						format = constant.StringVal(tv.Value)
					}
					verbs, ok := formatVerbs(format)
					if tv.Value == nil || strings.HasPrefix(format, errPrefix) || !ok || strings.ContainsRune(string(verbs), 'w') {
						problems = append(problems, pos.String()+": wrapf: give a constant format without \"cassandra: \" and %w")
					}
					for _, a := range call.Args[2:] {
						if typ := p.info.TypeOf(a); typ != nil && types.Implements(typ, errType) {
							problems = append(problems, pos.String()+": wrapf formats an error: wrap it with fmt.Errorf and %w")
						}
					}
					return true
				}
				if fn != "errors.New" && fn != "fmt.Errorf" {
					return true
				}
				file := filepath.ToSlash(pos.Filename)
				report := func(format, why string) {
					key := file + ": " + strconv.Quote(format)
					seen[key] = true
					if _, ok := errTextAllowed[key]; ok {
						return
					}
					problems = append(problems, pos.String()+": "+strconv.Quote(format)+": "+why)
				}
				format, ok := errCallFormat(call, p.info)
				if !ok {
					// A constant head and more, as in "%w: "+format: only
					// the head can be checked.
					head, ok := constHead(call.Args[0], p.info)
					if !ok || !strings.HasPrefix(head, errPrefix) && !strings.HasPrefix(head, "%w") {
						report(head, "the text does not start with a constant \"cassandra: \" (or %w)")
					}
					return true
				}
				if !strings.HasPrefix(format, errPrefix) && !strings.HasPrefix(format, "%w") {
					report(format, `does not start with "cassandra: " (nor with %w, adding to a cassandra error)`)
				}
				if fn == "errors.New" {
					return true
				}
				verbs, ok := formatVerbs(format)
				if !ok {
					report(format, "format not understood (explicit argument indexes?)")
					return true
				}
				args := call.Args[1:]
				count := 0
				if strings.HasPrefix(format, errPrefix) {
					count = 1
				}
				for i, verb := range verbs {
					if i >= len(args) {
						break // go vet reports it
					}
					typ := p.info.TypeOf(args[i])
					isErr := typ != nil && types.Implements(typ, errType)
					if isErr && verb != 'w' {
						report(format, "an error formatted with %"+string(verb)+": wrap it with %w")
					}
					if verb == 'w' && (isPrefixed(args[i], p.info) || fromModule(args[i], p.info)) {
						count++
					}
				}
				if count > 1 {
					report(format, `wraps an error that starts with "cassandra: " too: the text would hold the prefix twice`)
				}
				return true
			})
		}
	}
	sort.Strings(problems)
	for _, pr := range problems {
		t.Error(pr)
	}
	var stale []string
	for key := range errTextAllowed {
		if !seen[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("errTextAllowed holds %s, which is fixed or gone: remove it", key)
	}
}

// moduleImporter gives the packages of this module that the test has
// checked, and everything else from export data.
type moduleImporter struct {
	done map[string]*types.Package
	std  types.Importer
}

func (m *moduleImporter) Import(path string) (*types.Package, error) {
	if p, ok := m.done[path]; ok {
		return p, nil
	}
	return m.std.Import(path)
}

// calledFunc returns "pkg.Func" for a call of a package-level function.
func calledFunc(call *ast.CallExpr, info *types.Info) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	fn, ok := info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return ""
	}
	return fn.Pkg().Path() + "." + fn.Name()
}

// constHead returns the constant left end of a string concatenation.
func constHead(e ast.Expr, info *types.Info) (string, bool) {
	for {
		if tv := info.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
			return constant.StringVal(tv.Value), true
		}
		b, ok := ast.Unparen(e).(*ast.BinaryExpr)
		if !ok || b.Op != token.ADD {
			return "", false
		}
		e = b.X
	}
}

// moduleFunc reports whether call calls a function or method of this
// module.
func moduleFunc(call *ast.CallExpr, info *types.Info) bool {
	if n, ok := info.TypeOf(call.Fun).(*types.Named); ok && n.Obj().Pkg() != nil && strings.HasPrefix(n.Obj().Pkg().Path(), modulePath) {
		return true // a value of one of the module's function types
	}
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return false
	}
	fn, ok := info.Uses[id].(*types.Func)
	return ok && fn.Pkg() != nil && strings.HasPrefix(fn.Pkg().Path(), modulePath)
}

// isUnprefixedCall reports whether call is unprefixed(err): the module's
// helper (root and protocol) that drops the prefix of an error quoted after
// another prefix.
func isUnprefixedCall(call *ast.CallExpr) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	return ok && id.Name == "unprefixed"
}

// errCallFormat returns the constant text of an errors.New or fmt.Errorf
// call.
func errCallFormat(e ast.Expr, info *types.Info) (string, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return "", false
	}
	if fn := calledFunc(call, info); fn != "errors.New" && fn != "fmt.Errorf" {
		return "", false
	}
	tv := info.Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// formatVerbs returns the verbs of format in argument order, with 0 for an
// argument taken by a '*' width or precision.
func formatVerbs(format string) ([]rune, bool) {
	var verbs []rune
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for ; i < len(format); i++ {
			c := format[i]
			switch {
			case c == '[':
				return nil, false
			case c == '*':
				verbs = append(verbs, 0)
			case strings.IndexByte("+-# 0.", c) >= 0 || '0' <= c && c <= '9':
			default:
				if c != '%' {
					verbs = append(verbs, rune(c))
				}
				goto next
			}
		}
	next:
	}
	return verbs, true
}

// writesPrefix reports whether an Error method body writes "cassandra: ":
// a string constant starting with it, or the text of a sentinel that does.
func writesPrefix(body *ast.BlockStmt, info *types.Info, prefixed map[types.Object]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.BasicLit:
			if s, err := strconv.Unquote(x.Value); err == nil && strings.HasPrefix(s, errPrefix) {
				found = true
			}
		case *ast.Ident:
			if prefixed[info.Uses[x]] {
				found = true
			}
		}
		return !found
	})
	return found
}

func recvTypeName(fd *ast.FuncDecl, info *types.Info) *types.TypeName {
	return namedOf(info.TypeOf(fd.Recv.List[0].Type))
}

// namedOf returns the type name of t or of what t points to.
func namedOf(t types.Type) *types.TypeName {
	if t == nil {
		return nil
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj()
	}
	return nil
}

// onePrefix fails the test unless err's text holds "cassandra: " once, at
// its start. allowedTwice names the errTextAllowed entry that still lets
// the text hold it twice, or "".
func onePrefix(t *testing.T, what string, err error, allowedTwice string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	s := err.Error()
	want := 1
	if _, ok := errTextAllowed[allowedTwice]; ok && allowedTwice != "" {
		want = 2
	}
	// database/sql puts its own words in front of a Scan error.
	if i := strings.Index(s, errPrefix); strings.HasPrefix(s, "sql: Scan error on column") && i > 0 {
		s = s[i:]
	}
	if n := strings.Count(s, errPrefix); n > want || !strings.HasPrefix(s, errPrefix) {
		t.Errorf("%s: %d %q in %q, want %d at the start", what, n, errPrefix, s, want)
	}
}

// TestErrorTextsHoldOnePrefix makes representative errors of every layer
// as users get them, through database/sql: DSN and Config errors, codec
// errors while binding and decoding, server errors, a TLS mismatch and a
// failed login on connect. Each text holds "cassandra: " once.
func TestErrorTextsHoldOnePrefix(t *testing.T) {
	for _, dsn := range []string{
		"postgres://h",
		"cassandra://h?consistency=MOST",
		"cassandra://h?nope=1",
		"cassandra://h:0",
		"cassandra://u:p@h/ks?page_size=x@y",
		"cassandra://h?tls=true&tls_ca=/does/not/exist.pem",
		"cassandra://h?tls_cert=/c.pem",
	} {
		_, err := sql.Open("cassandra", dsn)
		if err == nil {
			// sql.Open parsed it; the Connector reads the files.
			var c *Config
			if c, err = ParseDSN(dsn); err == nil {
				_, err = NewConnector(c)
			}
		}
		onePrefix(t, dsn, err, "")
	}

	binds := []protocol.ColumnSpec{col("k", codec.TypeInt)}
	result := []protocol.ColumnSpec{col("v", codec.TypeInt), col("l", codec.TypeList)}
	result[1].Type.Elems = []codec.Type{{ID: codec.TypeVarchar}}
	rows := &protocol.Rows{}
	rows.Metadata.ColumnCount = 2
	rows.AppendRow([]byte{0, 0, 0, 1}, []byte{0, 0, 0, 1, 0, 0, 0, 9, 'x'}) // a list whose element runs past the end
	srv := preparedNode(t, binds, result, rows)
	db := fakeDB(t, srv.Addr(), nil)
	ctx := context.Background()
	_, err := db.ExecContext(ctx, "UPDATE t SET v = 1 WHERE k = ?", "not an int")
	onePrefix(t, "binding a string to an int", err, "")
	var ce *codec.Error
	if !errors.As(err, &ce) {
		t.Errorf("binding: %v is no *codec.Error", err)
	}
	var v int
	var l []string
	err = db.QueryRowContext(ctx, "SELECT v, l FROM t WHERE k = ?", 1).Scan(&v, &l)
	onePrefix(t, "decoding a bad list (QueryRow)", err, "")
	rs, err := db.QueryContext(ctx, "SELECT v, l FROM t WHERE k = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	// Before Go 1.27 Rows.Next decodes the row, from Go 1.27 Rows.Scan does.
	for err == nil && rs.Next() {
		err = rs.Scan(&v, &l)
	}
	if err == nil {
		err = rs.Err()
	}
	rs.Close()
	onePrefix(t, "decoding a bad list (Rows.Next)", err, "")
	if !errors.As(err, &ce) || ce.Column != "l" {
		t.Errorf("decoding: %v is no *codec.Error for column l", err)
	}

	srvErr := fakeserver.New(t, fakeserver.Options{Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
		if _, ok := req.Message.(*protocol.Query); !ok {
			return false
		}
		c.Reply(req, &protocol.Error{Code: protocol.ErrCodeSyntax, Message: "line 1:0 no viable alternative"})
		return true
	}})
	_, err = fakeDB(t, srvErr.Addr(), nil).ExecContext(ctx, "SELEC 1")
	onePrefix(t, "server error", err, "")

	const poolEntry = ""
	err = fakeDB(t, srvErr.Addr(), func(c *Config) { c.TLS = TLSSkipVerify; c.ConnectTimeout = 2 * time.Second }).PingContext(ctx)
	onePrefix(t, "TLS to a plaintext port", err, poolEntry)
	login := fakeserver.New(t, fakeserver.Options{Authenticator: "org.apache.cassandra.auth.PasswordAuthenticator",
		Handler: func(c *fakeserver.Conn, req *protocol.RequestFrame) bool {
			if _, ok := req.Message.(*protocol.AuthResponse); !ok {
				return false
			}
			c.Reply(req, &protocol.Error{Code: protocol.ErrCodeBadCredentials, Message: "Provided username u and/or password are incorrect"})
			return true
		}})
	err = fakeDB(t, login.Addr(), func(c *Config) { c.Username, c.Password = "u", "secret-pw" }).PingContext(ctx)
	onePrefix(t, "bad credentials", err, poolEntry)
	if !errors.Is(err, &Error{Code: ErrCodeBadCredentials}) {
		t.Errorf("bad credentials: %v does not match BAD_CREDENTIALS", err)
	}
}
