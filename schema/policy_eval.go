package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"

	"github.com/apimlint/apimlint/lint"
)

// A user policy may say things the compiled Go checks cannot prove they
// check the same way CUE would: a conditional field
// (if enabled { gateway_id!: string }), a reference to another field, a
// call such as list.MinItems(1). The compiler sees such a struct with the
// conditional fields missing (so it would call them unknown) and the
// constraints it does not understand (so it would allow or forbid
// wrongly). For the tables those constructs sit in, apimlint asks CUE
// itself: the node's values below the table are unified with the role's
// definition there and validated, and CUE's verdicts replace the
// compiled ones.

// dynamicTable is a table of a role's definition where a user policy uses
// such a construct.
type dynamicTable struct {
	def    string // the definition it was written under: #Gateway, #Common …
	prefix []string
}

// findDynamic lists the tables of the extra (non-built-in) sources that
// use a conditional field, a call, or a reference to a field.
func findDynamic(srcs []Source) ([]dynamicTable, error) {
	var out []dynamicTable
	for _, s := range srcs {
		if strings.HasPrefix(s.Name, "apimlint/schema/") {
			continue
		}
		f, err := parser.ParseFile(s.Name, s.Data)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if fld, ok := d.(*ast.Field); ok {
				walkDynamic(fld, nil, &out)
			}
		}
	}
	return out, nil
}

func labelName(l ast.Label) string {
	switch l := l.(type) {
	case *ast.Ident:
		return l.Name
	case *ast.BasicLit:
		if u, err := strconv.Unquote(l.Value); err == nil {
			return u
		}
		return l.Value
	}
	return ""
}

// walkDynamic records the table path of every dynamic construct below a
// field.
func walkDynamic(f *ast.Field, path []string, out *[]dynamicTable) {
	name := labelName(f.Label)
	if name == "" {
		return
	}
	path = append(append([]string(nil), path...), name)
	var visit func(e ast.Expr, at []string)
	record := func(at []string) {
		if len(at) == 0 || !strings.HasPrefix(at[0], "#") {
			return
		}
		for _, d := range *out {
			if d.def == at[0] && strings.Join(d.prefix, ".") == strings.Join(at[1:], ".") {
				return
			}
		}
		*out = append(*out, dynamicTable{def: at[0], prefix: append([]string(nil), at[1:]...)})
	}
	visit = func(e ast.Expr, at []string) {
		switch e := e.(type) {
		case *ast.StructLit:
			for _, el := range e.Elts {
				switch el := el.(type) {
				case *ast.Field:
					walkDynamic(el, at, out)
				case *ast.Comprehension:
					record(at)
				case *ast.EmbedDecl:
					visit(el.Expr, at)
				}
			}
		case *ast.CallExpr:
			record(parentOf(at))
		case *ast.Ident:
			if !strings.HasPrefix(e.Name, "#") && !builtinIdent[e.Name] {
				record(parentOf(at))
			}
		case *ast.BinaryExpr:
			visit(e.X, at)
			visit(e.Y, at)
		case *ast.UnaryExpr:
			visit(e.X, at)
		case *ast.ListLit:
			for _, x := range e.Elts {
				visit(x, at)
			}
		case *ast.ParenExpr:
			visit(e.X, at)
		case *ast.SelectorExpr:
			record(parentOf(at))
		}
	}
	visit(f.Value, path)
}

// parentOf is the table a constrained field sits in.
func parentOf(at []string) []string {
	if len(at) <= 1 {
		return at
	}
	return at[:len(at)-1]
}

// builtinIdent are identifiers that name types, not fields.
var builtinIdent = map[string]bool{
	"string": true, "int": true, "float": true, "number": true, "bool": true, "bytes": true,
	"null": true, "true": true, "false": true, "_": true, "_|_": true, "uint": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"float32": true, "float64": true, "rune": true,
}

// roleTables maps the dynamic tables onto the roles whose definitions
// include them: a table under #Gateway is the gateway's; one under a shared
// definition (#Common …) is every role's.
func (s *Schema) roleTables(dyn []dynamicTable) map[lint.Role][][]string {
	out := map[lint.Role][][]string{}
	for _, d := range dyn {
		for role, def := range definitions {
			if d.def == def || !isRoleDef(d.def) {
				out[role] = append(out[role], d.prefix)
			}
		}
	}
	return out
}

func isRoleDef(def string) bool {
	for _, d := range definitions {
		if d == def {
			return true
		}
	}
	return false
}

// evalDynamic replaces the compiled findings below each dynamic table of
// the node's role with CUE's own verdicts there.
func (s *Schema) evalDynamic(n *lint.Node, compiled []lint.Finding) []lint.Finding {
	tables := s.dynamic[n.Role]
	if len(tables) == 0 {
		return compiled
	}
	var out []lint.Finding
	under := func(key string) bool {
		for _, t := range tables {
			p := strings.Join(t, ".")
			if p == "" || strings.HasPrefix(key, p+".") || strings.HasPrefix(key, p+"[") {
				return true
			}
		}
		return false
	}
	// The compiled required checks stay: they come from the built-in
	// definitions, whose required fields the compiler reads exactly.
	required := map[string]bool{}
	for _, f := range compiled {
		if (f.Rule == RuleType || f.Rule == RuleUnknownKey) && under(f.Key) {
			continue
		}
		if f.Rule == RuleRequired {
			required[f.Key] = true
		}
		out = append(out, f)
	}
	for _, t := range tables {
		for _, f := range s.evalTable(n, t) {
			if f.Rule == RuleRequired && required[f.Key] {
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// evalTable validates the node's values below one table with CUE.
func (s *Schema) evalTable(n *lint.Node, table []string) []lint.Finding {
	prefix := strings.Join(table, ".")
	if prefix != "" && !n.Has(prefix) {
		return nil // an absent table: the compiled required checks speak for it
	}
	data, symbolic := nodeSubtree(n, prefix)
	s.mu.Lock()
	defer s.mu.Unlock()
	sel := []cue.Selector{}
	for _, p := range table {
		sel = append(sel, cue.Str(p))
	}
	def := s.defs[n.Role].LookupPath(cue.MakePath(sel...))
	if !def.Exists() {
		return nil
	}
	v := def.Unify(s.ctx.Encode(data))
	err := v.Validate(cue.Concrete(true))
	if err == nil {
		return nil
	}
	var out []lint.Finding
	seen := map[string]bool{}
	for _, e := range errors.Errors(err) {
		rel := cuePathKey(e.Path(), len(table))
		key := rel
		if prefix != "" {
			key = prefix
			if rel != "" {
				key = prefix + "." + rel
			}
		}
		if symbolic[key] || seen[key] {
			continue
		}
		seen[key] = true
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		rule := RuleType
		switch {
		case strings.Contains(msg, "not allowed"):
			rule = RuleUnknownKey
		case strings.Contains(msg, "required"):
			rule = RuleRequired
		}
		var f lint.Finding
		if k := n.Get(key); k != nil {
			if k.IsSecret() {
				msg = "the value breaks your policy (not shown: it is a secret)"
			}
			f = lint.AtKey(n, k, "%s: %s (your policy, evaluated by CUE)", key, msg)
		} else {
			f = lint.AtTable(n, parentKey(key), "%s: %s (your policy, evaluated by CUE)", key, msg)
			f.Key = key
		}
		f.Rule = rule
		f.Severity = lint.SeverityError
		if rule == RuleUnknownKey {
			f.Severity = lint.SeverityWarning
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

func parentKey(key string) string {
	segs := splitPath(key)
	if len(segs) <= 1 {
		return ""
	}
	return key[:segs[len(segs)-2].End]
}

// cuePathKey turns a CUE error path (definition, table segments, key) into
// a key path below the table: list indexes as [i], other segments dotted.
func cuePathKey(path []string, skip int) string {
	if len(path) > 0 && strings.HasPrefix(path[0], "#") {
		path = path[1:]
	}
	if len(path) < skip {
		return ""
	}
	path = path[skip:]
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quoteSeg(strings.Trim(p, `"`)))
	}
	return b.String()
}

// nodeSubtree builds the node's values below prefix as Go maps and lists
// for CUE, and names the keys whose values are placeholders (left out:
// only their owner knows them).
func nodeSubtree(n *lint.Node, prefix string) (map[string]any, map[string]bool) {
	root := map[string]any{}
	symbolic := map[string]bool{}
	for _, k := range n.Keys {
		rel := k.Path
		if prefix != "" {
			if !strings.HasPrefix(k.Path, prefix+".") {
				continue
			}
			rel = k.Path[len(prefix)+1:]
		}
		if k.Value.Kind == lint.KindTable || (k.Value.Kind == lint.KindArray && allTables(k.Value)) {
			continue
		}
		d := datumOf(k.Value)
		if d.k == 0 && k.Value.Kind != lint.KindTable {
			symbolic[k.Path] = true
			continue
		}
		setPath(root, splitPath(rel), d.goValue())
	}
	return root, symbolic
}

// setPath stores v at the segments' place, making tables and arrays of
// tables on the way.
func setPath(m map[string]any, segs []seg, v any) {
	for i, sg := range segs {
		last := i == len(segs)-1
		if sg.Idx < 0 {
			if last {
				m[sg.Name] = v
				return
			}
			next, _ := m[sg.Name].(map[string]any)
			if next == nil {
				next = map[string]any{}
				m[sg.Name] = next
			}
			m = next
			continue
		}
		list, _ := m[sg.Name].([]any)
		for len(list) <= sg.Idx {
			list = append(list, map[string]any{})
		}
		m[sg.Name] = list
		elem, _ := list[sg.Idx].(map[string]any)
		if elem == nil {
			elem = map[string]any{}
			list[sg.Idx] = elem
		}
		if last {
			list[sg.Idx] = v
			return
		}
		m = elem
	}
}
