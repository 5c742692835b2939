package schema

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apimlint/apimlint/internal/tomldoc"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// seg is one segment of a canonical key path (tomldoc.Segment).
type seg = tomldoc.Segment

func splitPath(p string) []seg { return tomldoc.AppendSegments(make([]seg, 0, 6), p) }

func appendSegs(out []seg, p string) []seg { return tomldoc.AppendSegments(out, p) }

// datumOf reads a TOML value for validation. Symbolic strings stay
// unjudged (kind 0).
func datumOf(v *lint.Value) datum {
	var d datum
	if v.Kind != lint.KindArray {
		fillDatum(&d, v)
		return d
	}
	d = datum{src: v, k: kList, elems: make([]datum, len(v.Elems()))}
	for i, e := range v.Elems() {
		d.elems[i] = datumOf(e)
	}
	return d
}

// datum reads a key's value into the validator's scratch datum, reusing
// its elements' storage: datumOf's result, without an allocation per
// array. It stays valid until the next call.
func (v *validator) datum(val *lint.Value) *datum {
	d := &v.scratch
	if val.Kind != lint.KindArray {
		fillDatum(d, val)
		return d
	}
	elems := v.elemBuf[:0]
	*d = datum{src: val, k: kList}
	for _, e := range val.Elems() {
		if e.Kind == lint.KindArray {
			elems = append(elems, datumOf(e))
			continue
		}
		if len(elems) < cap(elems) {
			elems = elems[:len(elems)+1]
		} else {
			elems = append(elems, datum{})
		}
		fillDatum(&elems[len(elems)-1], e)
	}
	d.elems = elems
	v.elemBuf = elems
	return d
}

// fillDatum is datumOf for a value that is not an array, written in place:
// copying a whole datum per key costs more than filling in its fields.
func fillDatum(d *datum, v *lint.Value) {
	d.k, d.s, d.i, d.f, d.b, d.elems, d.src = 0, "", 0, 0, false, nil, v
	switch v.Kind {
	case lint.KindString:
		if v.Symbolic || strings.TrimSpace(v.Resolved()) == "" {
			return
		}
		d.k, d.s = kString, v.Resolved()
	case lint.KindInteger:
		d.k, d.i = kInt, v.Int()
	case lint.KindFloat:
		d.k, d.f = kFloat, v.Float()
	case lint.KindBool:
		d.k, d.b = kBool, v.Bool
	case lint.KindTable:
		d.k = kStruct
	default:
		d.k, d.s = kString, v.Str()
	}
}

// elemBufs recycles validators' element storage between nodes: most
// nodes hold arrays, and growing a fresh buffer per node is most of what
// validation allocates.
var elemBufs sync.Pool

// validator checks one node against one role's tree.
type validator struct {
	s        *Schema
	n        *lint.Node
	root     *tnode
	role     wso2.Role
	out      []lint.Finding
	reported map[string]bool
	// scratch holds the value being checked: one per validator rather
	// than one allocation per key.
	scratch datum
	elemBuf []datum // the storage of scratch's elements, kept across keys
}

// Check validates one node against the schema of its role and returns its
// schema-type, schema-unknown-key and schema-required findings. Nodes of
// roles without a schema get none.
func (s *Schema) Check(n *lint.Node) []lint.Finding {
	root := s.roles[n.Role]
	if root == nil {
		return nil
	}
	v := &validator{s: s, n: n, root: root, role: n.Role}
	if buf, ok := elemBufs.Get().(*[]datum); ok {
		v.elemBuf = *buf
	}
	defer func() {
		buf := v.elemBuf[:0]
		elemBufs.Put(&buf)
	}()
	for _, k := range n.Keys {
		v.key(k)
	}
	if root.hasRequired && n.SyntaxError == nil {
		v.required(root, "")
	}
	return v.out
}

func (v *validator) report(f lint.Finding, rule string) {
	f.Rule = rule
	switch rule {
	case RuleUnknownKey:
		f.Severity = lint.SeverityWarning
	default:
		f.Severity = lint.SeverityError
	}
	v.out = append(v.out, f)
}

// posFor is where a problem with a whole table belongs: its header when
// written, else the key that brought it in.
func (v *validator) posFor(prefix string, k *lint.Key) lint.Position {
	if t := v.n.Table(prefix); t != nil {
		return t.Pos()
	}
	return k.Pos()
}

func (v *validator) key(k *lint.Key) {
	memo := v.root.walks
	if t, ok := memo.load(k.Path); ok {
		if t := t.(*tnode); t != nil {
			v.value(k, t)
		}
		return
	}
	var buf [10]seg
	segs := appendSegs(buf[:0], k.Path)
	cur := v.root
	for i, sg := range segs {
		if cur.free {
			memo.remember(k.Path, nil)
			return
		}
		prefix := k.Path[:sg.End]
		parent := ""
		if i > 0 {
			parent = k.Path[:segs[i-1].End]
		}
		if !cur.isStruct {
			v.once(parent, func() {
				pos := v.posFor(parent, k)
				v.report(lint.At(v.n, pos, parent, "%s must be %s, not a table", parent, v.describeNode(cur)), RuleType)
			})
			return
		}
		var next *tnode
		if f := cur.fields[sg.Name]; f != nil {
			next = f.node
		} else if cur.pattern != nil {
			next = cur.pattern
		}
		if next == nil {
			v.once(prefix, func() { v.unknown(k, segs, i, cur) })
			return
		}
		last := i == len(segs)-1
		switch {
		case sg.Idx >= 0 && next.isList:
			next = next.elem
		case sg.Idx >= 0:
			base := k.Path[:sg.NameEnd]
			v.once(base, func() {
				pos := v.posFor(prefix, k)
				fix := fmt.Sprintf("write [%s]", base)
				if !next.isStruct {
					fix = fmt.Sprintf("write it as a key: %s = ...", base)
				}
				v.report(lint.At(v.n, pos, base, "%s is written as an array of tables [[%s]], but it must be %s; %s",
					base, base, v.describeNode(next), fix), RuleType)
			})
			return
		case next.isList && !last:
			v.once(prefix, func() {
				pos := v.posFor(prefix, k)
				v.report(lint.At(v.n, pos, prefix, "%s must be an array of tables: write [[%s]], not [%s]",
					prefix, prefix, prefix), RuleType)
			})
			return
		}
		if last {
			memo.remember(k.Path, next)
			v.value(k, next)
			return
		}
		cur = next
	}
}

// walkMemo remembers where key paths lead from a role's root, without a
// problem on the way: to a schema node, or (nil) into a free-form table
// where nothing is checked. Every node of a role repeats the same paths,
// and walking one costs a split and a map lookup per segment. Walks that
// report a problem are not remembered: they run again, and report again,
// for each node. Nodes are validated concurrently.
type walkMemo struct {
	m sync.Map // path -> *tnode
	n atomic.Int64
}

// walkMemoMax bounds a memo, so that a long-running watcher re-linting
// changing files does not grow it without end.
const walkMemoMax = 1 << 16

func (w *walkMemo) load(path string) (any, bool) {
	if w == nil {
		return nil, false
	}
	return w.m.Load(path)
}

func (w *walkMemo) remember(path string, t *tnode) {
	if w == nil || w.n.Load() >= walkMemoMax {
		return
	}
	if _, loaded := w.m.LoadOrStore(path, t); !loaded {
		w.n.Add(1)
	}
}

func (v *validator) once(key string, fn func()) {
	if v.reported[key] {
		return
	}
	if v.reported == nil {
		v.reported = map[string]bool{}
	}
	v.reported[key] = true
	fn()
}

// value checks a key's value against the schema node it maps to.
func (v *validator) value(k *lint.Key, t *tnode) {
	switch {
	case t.free:
		return
	case t.isStruct:
		if k.Value.Kind == lint.KindArray && allTables(k.Value) {
			return
		}
		v.report(lint.AtKey(v.n, k, "%s is %s, but it must be a table ([%s])", k.Path, v.shape(k, k.Value), k.Path), RuleType)
		return
	case t.isList:
		if k.Value.Kind == lint.KindArray && allTables(k.Value) {
			return
		}
		v.report(lint.AtKey(v.n, k, "%s is %s, but it must be an array of tables ([[%s]])", k.Path, v.shape(k, k.Value), k.Path), RuleType)
		return
	case t.leaf == nil:
		return
	}
	d := v.datum(k.Value)
	ok, f := t.leaf.check(d)
	if ok {
		return
	}
	at := k.Value
	what := k.Path
	if f.at != nil && f.at != d {
		if src, _ := f.at.src.(*lint.Value); src != nil {
			at = src
			for i, e := range k.Value.Elems() {
				if e == src {
					what = fmt.Sprintf("%s[%d]", k.Path, i)
				}
			}
		}
	}
	c := f.c
	if c == nil {
		c = t.leaf
	}
	v.report(lint.AtValue(v.n, k, at, "%s is %s, but it must be %s", what, v.shape(k, at), c.describe()), RuleType)
}

func allTables(v *lint.Value) bool {
	for _, e := range v.Elems() {
		if e.Kind != lint.KindTable {
			return false
		}
	}
	return true
}

// shape shows a value in a message: the value itself, or for a secret only
// its shape.
func (v *validator) shape(k *lint.Key, val *lint.Value) string {
	if k.IsSecret() {
		return lint.Shape(val)
	}
	switch val.Kind {
	case lint.KindString:
		return k.ShowValue(val) + " (a string)"
	case lint.KindArray:
		return fmt.Sprintf("a list of %d", len(val.Elems()))
	case lint.KindInteger:
		return val.Str() + " (an integer)"
	case lint.KindFloat:
		return val.Str() + " (a number)"
	case lint.KindBool:
		return val.Str() + " (a boolean)"
	}
	return lint.Shape(val)
}

func (v *validator) describeNode(t *tnode) string {
	switch {
	case t.isStruct:
		return "a table"
	case t.isList:
		return "an array of tables"
	case t.leaf != nil:
		return t.leaf.describe()
	}
	return "a value"
}

// unknown reports a key (or a table) the role's schema does not know.
func (v *validator) unknown(k *lint.Key, segs []seg, i int, parent *tnode) {
	sg := segs[i]
	prefix := k.Path[:sg.NameEnd]
	where := "at the top level"
	if i > 0 {
		where = "in [" + k.Path[:segs[i-1].End] + "]"
	}
	what := "key " + sg.Name
	if i < len(segs)-1 {
		what = "table " + prefix
	}
	pos, section := k.Pos(), prefix
	if t := v.tableOf(k); t != nil && (t.Path == prefix || strings.HasPrefix(t.Path, prefix+".") || strings.HasPrefix(t.Path, prefix+"[")) {
		// The key sits in a table written below the unknown part: point
		// at its header and name it whole.
		pos, section = t.Pos(), normalize(t.Path)
	}
	msg := fmt.Sprintf("unknown %s %s", what, where)
	if roles := v.s.rolesKnowing(normalize(section)); len(roles) > 0 {
		msg = fmt.Sprintf("%s is not read by %s nodes; it is a setting of %s nodes", section, v.role, strings.Join(roles, " and "))
	} else if sug := suggest(sg.Name, parent.names); sug != "" {
		msg += fmt.Sprintf("; did you mean %s?", sug)
	}
	msg += " (WSO2 ignores keys it does not know)"
	f := lint.At(v.n, pos, prefix, "%s", msg)
	if i == len(segs)-1 && len(v.s.rolesKnowing(normalize(section))) == 0 {
		f.Fixes = renameFix(v.n, k, sg.Name, parent.names)
	}
	v.report(f, RuleUnknownKey)
}

// tableOf returns the header the key is written under: the longest table
// path the key's path starts with.
func (v *validator) tableOf(k *lint.Key) *lint.Table {
	var best *lint.Table
	for _, t := range v.n.Tables {
		if strings.HasPrefix(k.Path, t.Path) && len(k.Path) > len(t.Path) && (k.Path[len(t.Path)] == '.') {
			if best == nil || len(t.Path) > len(best.Path) {
				best = t
			}
		}
	}
	return best
}

// normalize drops array indexes from a canonical path.
func normalize(p string) string {
	if !strings.Contains(p, "[") {
		return p
	}
	var b strings.Builder
	for _, s := range splitPath(p) {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(quoteSeg(s.Name))
	}
	return b.String()
}

func quoteSeg(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(s)
		}
	}
	return s
}

// rolesKnowing lists the roles (other than all-in-one) whose schema knows
// a path without array indexes.
func (s *Schema) rolesKnowing(p string) []string {
	var out []string
	for _, r := range []wso2.Role{wso2.RoleControlPlane, wso2.RoleGateway, wso2.RoleTrafficManager, wso2.RoleKeyManager} {
		if t := s.roles[r]; t != nil && knows(t, splitPath(p)) {
			out = append(out, string(r))
		}
	}
	return out
}

func knows(t *tnode, segs []seg) bool {
	for _, sg := range segs {
		if t.free {
			return true
		}
		if t.isList {
			t = t.elem
		}
		if !t.isStruct {
			return false
		}
		var next *tnode
		if f := t.fields[sg.Name]; f != nil {
			next = f.node
		} else {
			next = t.pattern
		}
		if next == nil {
			return false
		}
		t = next
	}
	return true
}

// required reports the required fields of t missing below prefix, and
// recurses into the present sections that have required fields of their own.
func (v *validator) required(t *tnode, prefix string) {
	for _, f := range t.needs {
		p := quoteSeg(f.name)
		if prefix != "" {
			p = prefix + "." + p
		}
		if !v.n.Has(p) {
			if f.required {
				v.missing(prefix, p, f)
			}
			continue
		}
		switch {
		case f.node.isStruct:
			v.required(f.node, p)
		case f.node.isList:
			for i := range v.n.ArrayLen(p) {
				v.required(f.node.elem, p+"["+strconv.Itoa(i)+"]")
			}
		}
	}
}

func (v *validator) missing(parent, p string, f *tfield) {
	if f.why == "" && f.node.isStruct && f.node.hasRequired {
		// A section required only for what it holds: name what it must hold.
		for _, name := range f.node.names {
			if c := f.node.fields[name]; c.required {
				v.missing(p, p+"."+quoteSeg(name), c)
			}
		}
		return
	}
	var what string
	switch {
	case f.node.isList:
		what = fmt.Sprintf("no [[%s]]", p)
	case f.node.isStruct:
		what = fmt.Sprintf("no [%s] table", p)
	case parent == "":
		what = fmt.Sprintf("no %s key", p)
	default:
		what = fmt.Sprintf("[%s] has no %s", parent, f.name)
	}
	msg := fmt.Sprintf("%s node has %s", v.role, what)
	if strings.HasPrefix(what, "[") {
		msg = fmt.Sprintf("%s, which %s nodes need", what, v.role)
	} else {
		msg += fmt.Sprintf(", which %s nodes need", v.role)
	}
	if f.why != "" {
		msg += ": " + f.why
	}
	fd := lint.AtTable(v.n, parent, "%s", msg)
	fd.Key = p
	v.report(fd, RuleRequired)
}
