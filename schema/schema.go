// Package schema validates node files against apimlint's CUE schemas of
// WSO2 API Manager's deployment.toml: one definition per role, embedded in
// the binary and optionally extended by the fleet's own CUE policies.
//
// CUE is the single source of truth, but it is not evaluated per node: the
// definitions are compiled into a tree of Go checks (types, enums, regular
// expressions, bounds, required fields), and only constraints the compiler
// does not understand are handed back to CUE, with their verdicts memoised.
// The built-in definitions are compiled when apimlint is built (see
// tree.go), so linting without policies evaluates no CUE. Node files are never decoded by CUE: the validator walks the keys
// apimlint already parsed, so every finding carries the key's position.
package schema

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

//go:embed cue/*.cue
var builtinFS embed.FS

// IDs of the rules whose findings this package produces.
const (
	RuleType       = "schema-type"
	RuleUnknownKey = "schema-unknown-key"
	RuleRequired   = "schema-required"
)

// PackageName is the CUE package of the built-in schemas; extra policy
// files must use it (a file without a package clause is put in it).
const PackageName = "apim"

// definitions maps each role with a schema to its CUE definition.
var definitions = map[wso2.Role]string{
	wso2.RoleControlPlane:   "#ControlPlane",
	wso2.RoleGateway:        "#Gateway",
	wso2.RoleTrafficManager: "#TrafficManager",
	wso2.RoleKeyManager:     "#KeyManager",
	wso2.RoleAllInOne:       "#AllInOne",
}

// Definition returns the CUE definition of a role ("" for roles without
// one: other products and unknown roles get no APIM schema).
func Definition(r wso2.Role) string { return definitions[r] }

// Source is one CUE file of a schema.
type Source struct {
	Name string
	Data []byte
}

// BuiltinSources returns the embedded CUE files, in name order.
func BuiltinSources() []Source {
	entries, err := fs.ReadDir(builtinFS, "cue")
	if err != nil {
		panic(fmt.Sprintf("schema: embedded CUE missing: %v", err)) // the build embeds them
	}
	var out []Source
	for _, e := range entries {
		data, err := builtinFS.ReadFile(path.Join("cue", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("schema: embedded CUE unreadable: %v", err))
		}
		out = append(out, Source{Name: "apimlint/schema/" + e.Name(), Data: data})
	}
	return out
}

// Schema is a compiled set of role schemas. It is safe for concurrent use.
type Schema struct {
	roles map[wso2.Role]*tnode
	defs  map[wso2.Role]cue.Value
	root  cue.Value // the whole package, extras unified

	// CUE values are only touched under mu: a cue.Context is not safe for
	// concurrent use, and the compiled tree keeps a few for cCUE checks.
	mu   sync.Mutex
	ctx  *cue.Context
	memo map[memoKey]bool // CUE's verdicts, so each is asked once

	// dynamic lists, per role, the tables where a user policy uses a
	// construct only CUE can evaluate (see policy_eval.go).
	dynamic map[lint.Role][][]string

	// lazy is set on a schema decoded from builtin.tree, which has no CUE
	// values of its own (defs, root and ctx stay empty): Print and cCUE
	// checks go to the schema compiled from CUE on first need.
	lazy *lazyCUE
}

var (
	builtinOnce sync.Once
	builtin     *Schema
	builtinErr  error
)

// Builtin returns the built-in schemas, compiled once: read from the form
// `go generate` compiled them to (builtin.tree), without evaluating CUE.
func Builtin() (*Schema, error) {
	builtinOnce.Do(func() {
		builtin, builtinErr = newBuiltin()
	})
	return builtin, builtinErr
}

// Compile builds a schema from CUE sources, all in package apim. Errors
// carry the CUE file positions.
func Compile(srcs []Source) (*Schema, error) {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance("apimlint/schema", nil)
	for _, s := range srcs {
		f, err := parser.ParseFile(s.Name, s.Data, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if f.PackageName() == "" {
			// A policy file may leave the package out; it joins ours, with
			// its own line numbers intact.
			f.Decls = append([]ast.Decl{&ast.Package{Name: ast.NewIdent(PackageName)}}, f.Decls...)
		}
		if name := f.PackageName(); name != PackageName {
			return nil, fmt.Errorf("%s: package %s: schema files must be in package %s", s.Name, name, PackageName)
		}
		if err := inst.AddSyntax(f); err != nil {
			return nil, err
		}
	}
	v := ctx.BuildInstance(inst)
	if err := v.Err(); err != nil {
		return nil, err
	}
	s := &Schema{roles: map[wso2.Role]*tnode{}, defs: map[wso2.Role]cue.Value{}, ctx: ctx, root: v}
	s.memo = map[memoKey]bool{}
	dyn, err := findDynamic(srcs)
	if err != nil {
		return nil, err
	}
	s.dynamic = s.roleTables(dyn)
	c := &compiler{s: s}
	for role, def := range definitions {
		dv := v.LookupPath(cue.ParsePath(def))
		if !dv.Exists() {
			return nil, fmt.Errorf("schema: definition %s is missing", def)
		}
		if err := dv.Err(); err != nil {
			return nil, fmt.Errorf("schema: %s: %w", def, err)
		}
		s.defs[role] = dv
		root := c.node(dv)
		if root.walks == nil {
			root.walks = &walkMemo{}
		}
		s.roles[role] = root
	}
	return s, nil
}

// ErrorFindings turns a CUE compile error into schema-type findings at the
// positions of the CUE files involved.
func ErrorFindings(err error) []lint.Finding {
	var out []lint.Finding
	for _, e := range errors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if msg == "" {
			// An error of ours (a policy in another package), which CUE's
			// errors wrap without a message of their own.
			msg = e.Error()
		}
		f := lint.Finding{Rule: RuleType, Severity: lint.SeverityError, Line: 1, Column: 1,
			Message: "schema policy does not compile: " + msg}
		if ps := errors.Positions(e); len(ps) > 0 && ps[0].IsValid() {
			p := ps[0].Position()
			f.File, f.Line, f.Column = p.Filename, p.Line, p.Column
		}
		if f.File == "" {
			f.File = lint.ConfigFileName
		}
		out = append(out, f)
	}
	if len(out) == 0 && err != nil {
		out = append(out, lint.Finding{Rule: RuleType, Severity: lint.SeverityError, File: lint.ConfigFileName, Line: 1, Column: 1,
			Message: "schema policy does not compile: " + err.Error()})
	}
	return out
}

// Print renders the effective CUE of a role: the package the role's
// definition lives in, with every extra policy unified into it, so that the
// definitions it builds on are printed beside it.
func (s *Schema) Print(r wso2.Role) (string, error) {
	def, ok := definitions[r]
	if !ok {
		return "", fmt.Errorf("role %s has no schema (roles with one: %s)", r, strings.Join(SchemaRoles(), ", "))
	}
	if s.lazy != nil {
		full, err := s.lazy.schema()
		if err != nil {
			return "", fmt.Errorf("print %s: %w", def, err)
		}
		return full.Print(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	syn := s.root.Syntax(cue.Docs(true), cue.Attributes(true), cue.Optional(true), cue.Definitions(true))
	b, err := format.Node(syn, format.Simplify())
	if err != nil {
		return "", fmt.Errorf("print %s: %w", def, err)
	}
	return fmt.Sprintf("// apimlint validates %s nodes against %s below.\n%s\n", r, def, b), nil
}

// SchemaRoles lists the roles that have a schema.
func SchemaRoles() []string {
	var out []string
	for r := range definitions {
		out = append(out, string(r))
	}
	sort.Strings(out)
	return out
}

// evalCUE decides a constraint the compiler left to CUE, trying the value
// and the number or boolean a string holds.
func (s *Schema) evalCUE(c *constraint, d *datum) bool {
	if s.lazy != nil {
		full, twin := s.lazy.twin(c)
		if twin == nil {
			return false // cannot happen while builtin.tree is fresh (TestBuiltinTreeFresh)
		}
		return full.evalCUE(twin, d)
	}
	key := memoKey{c, fmt.Sprintf("%d:%s:%v", d.k, d.text(), d.goValue())}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok, seen := s.memo[key]; seen {
		return ok
	}
	ok := false
	for _, x := range d.coerced() {
		v := c.cue.Unify(s.ctx.Encode(x.goValue()))
		if v.Validate(cue.Concrete(true)) == nil {
			ok = true
			break
		}
	}
	if len(s.memo) < 1<<16 {
		s.memo[key] = ok
	}
	return ok
}
