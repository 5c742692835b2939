package schema

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"

	"github.com/apimlint/apimlint/wso2"
)

// The built-in schema's compiled form is made when apimlint is built, not
// each time it runs: `go generate ./schema` compiles the CUE of cue/*.cue
// into Go checks and writes them to builtin.tree, which the binary embeds.
// Compiling the CUE costs about 60 MB of allocations and a few tenths of a
// second of CPU; decoding builtin.tree costs a fraction of a millisecond.
// CUE itself is built only when something needs it (Print, a constraint the
// compiler left to CUE), see lazyCUE.
//
// builtin.tree is a line-oriented text encoding rather than generated Go
// code: a schema change shows up as a readable diff of the checks it
// changed, the binary does not carry a large init function, and decoding
// allocates each kind of record in one slice. Identical subtrees and
// constraints (the roles share most of #Common) are written once.
//
// The file starts with a hash of the CUE sources it was compiled from: when
// they differ (someone edited cue/*.cue and did not regenerate), Builtin
// compiles the CUE at run time as before, so a stale file can cost time but
// never wrong findings. TestBuiltinTreeFresh fails then, and also when the
// compiler changed, and says to run go generate.
//
// Format (one record a line; the n-th c line is constraint n, the n-th n
// line is node n, and every reference points at an earlier line):
//
//	apimlint-schema-tree 1
//	sources SHA256-OF-THE-CUE-SOURCES
//	counts CONSTRAINTS NODES FIELDS
//	c OP [kinds=K|K] [lit=KIND:VALUE] [re="…"] [bound=OP] [args=I,I] [elem=I] [desc="…"] [shown="…"] [at=ROLE STEP…]
//	n struct|list|leaf [free] [pattern=I] [elem=I] [leaf=I]
//	f "NAME" NODE [required] [why="…"]     (a field of the n line above)
//	root ROLE NODE
//
// When builtin.tree is missing the package does not build, and so neither
// does the generator: create it empty (Builtin then compiles the CUE) and
// run go generate.
//
// at= (last on its line) locates a constraint left to CUE in the tree the
// CUE compiles to: quoted steps are field names, bare ones are pattern,
// elem, leaf, argN and celem (a list constraint's element).

//go:generate go run ./internal/treegen builtin.tree

//go:embed builtin.tree
var builtinTree []byte

const treeMagic = "apimlint-schema-tree 1"

// BuiltinTree compiles the built-in CUE sources and returns their compiled
// form as builtin.tree holds it: what `go generate ./schema` writes.
func BuiltinTree() ([]byte, error) {
	srcs := BuiltinSources()
	s, err := Compile(srcs)
	if err != nil {
		return nil, err
	}
	return encodeTree(s, sourcesHash(srcs)), nil
}

// sourcesHash names the CUE sources a compiled form was made from.
func sourcesHash(srcs []Source) string {
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "%s\x00%d\x00", s.Name, len(s.Data))
		h.Write(s.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// roleOrder is the order roles are written in, so that the file is stable.
var roleOrder = []wso2.Role{wso2.RoleControlPlane, wso2.RoleGateway, wso2.RoleTrafficManager, wso2.RoleKeyManager, wso2.RoleAllInOne}

// treeEncoder writes a compiled schema's trees, each distinct record once.
type treeEncoder struct {
	cons, nodes []string // the lines, in order
	nfields     int
	consID      map[string]int // line → index
	nodeID      map[string]int
}

func encodeTree(s *Schema, hash string) []byte {
	e := &treeEncoder{consID: map[string]int{}, nodeID: map[string]int{}}
	var roots []string
	for _, r := range roleOrder {
		t := s.roles[r]
		if t == nil {
			continue
		}
		id := e.node(t, string(r), nil)
		roots = append(roots, fmt.Sprintf("root %s %d", r, id))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nsources %s\ncounts %d %d %d\n", treeMagic, hash, len(e.cons), len(e.nodes), e.nfields)
	// Constraints first: nodes refer to them, never the other way round.
	for _, l := range e.cons {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, l := range e.nodes {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	for _, l := range roots {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// at extends a locator by one step.
func at(path []string, step string) []string {
	return append(append([]string(nil), path...), step)
}

func (e *treeEncoder) node(t *tnode, role string, path []string) int {
	var b strings.Builder
	b.WriteString("n ")
	switch {
	case t.isStruct:
		b.WriteString("struct")
	case t.isList:
		b.WriteString("list")
	default:
		b.WriteString("leaf")
	}
	if t.free {
		b.WriteString(" free")
	}
	if t.pattern != nil {
		fmt.Fprintf(&b, " pattern=%d", e.node(t.pattern, role, at(path, "pattern")))
	}
	if t.elem != nil {
		fmt.Fprintf(&b, " elem=%d", e.node(t.elem, role, at(path, "elem")))
	}
	if t.leaf != nil {
		fmt.Fprintf(&b, " leaf=%d", e.constraint(t.leaf, role, at(path, "leaf")))
	}
	for _, name := range t.names {
		f := t.fields[name]
		fmt.Fprintf(&b, "\nf %s %d", strconv.Quote(name), e.node(f.node, role, at(path, strconv.Quote(name))))
		if f.required {
			b.WriteString(" required")
		}
		if f.why != "" {
			fmt.Fprintf(&b, " why=%s", strconv.Quote(f.why))
		}
	}
	line := b.String()
	if id, ok := e.nodeID[line]; ok {
		return id
	}
	id := len(e.nodes)
	e.nodeID[line] = id
	e.nodes = append(e.nodes, line)
	e.nfields += len(t.names)
	return id
}

var opNames = map[cop]string{
	cTop: "top", cBottom: "bottom", cKind: "kind", cLit: "lit", cAnd: "and", cOr: "or",
	cRegex: "regex", cNotRegex: "notregex", cBound: "bound", cNotEq: "noteq", cList: "list", cCUE: "cue",
}

var kindNames = []struct {
	k    kinds
	name string
}{{kString, "string"}, {kInt, "int"}, {kFloat, "float"}, {kBool, "bool"}, {kList, "list"}, {kStruct, "struct"}}

var boundOps = map[cue.Op]string{
	cue.LessThanOp: "<", cue.LessThanEqualOp: "<=", cue.GreaterThanOp: ">", cue.GreaterThanEqualOp: ">=",
}

func (e *treeEncoder) constraint(c *constraint, role string, path []string) int {
	var b strings.Builder
	b.WriteString("c ")
	b.WriteString(opNames[c.op])
	if c.kinds != 0 {
		var ks []string
		for _, k := range kindNames {
			if c.kinds&k.k != 0 {
				ks = append(ks, k.name)
			}
		}
		b.WriteString(" kinds=" + strings.Join(ks, "|"))
	}
	if c.lit.k != 0 {
		b.WriteString(" lit=")
		switch c.lit.k {
		case kString:
			b.WriteString("string:" + strconv.Quote(c.lit.s))
		case kInt:
			b.WriteString("int:" + strconv.FormatInt(c.lit.i, 10))
		case kFloat:
			b.WriteString("float:" + strconv.FormatFloat(c.lit.f, 'g', -1, 64))
		case kBool:
			b.WriteString("bool:" + strconv.FormatBool(c.lit.b))
		}
	}
	if c.re != nil {
		b.WriteString(" re=" + strconv.Quote(c.re.String()))
	}
	if c.op == cBound {
		b.WriteString(" bound=" + boundOps[c.bound])
	}
	if len(c.args) > 0 {
		ids := make([]string, len(c.args))
		for i, a := range c.args {
			ids[i] = strconv.Itoa(e.constraint(a, role, at(path, "arg"+strconv.Itoa(i))))
		}
		b.WriteString(" args=" + strings.Join(ids, ","))
	}
	if c.elem != nil {
		fmt.Fprintf(&b, " elem=%d", e.constraint(c.elem, role, at(path, "celem")))
	}
	if c.desc != "" {
		b.WriteString(" desc=" + strconv.Quote(c.desc))
	}
	if c.shown != "" {
		b.WriteString(" shown=" + strconv.Quote(c.shown))
	}
	if c.op == cCUE {
		// Where to find it once CUE is built; also keeps it from being
		// merged with an equal-looking constraint elsewhere.
		b.WriteString(" at=" + role)
		for _, p := range path {
			b.WriteString(" " + p)
		}
	}
	line := b.String()
	if id, ok := e.consID[line]; ok {
		return id
	}
	id := len(e.cons)
	e.consID[line] = id
	e.cons = append(e.cons, line)
	return id
}

// decodedTree is builtin.tree read back.
type decodedTree struct {
	sources string
	roles   map[wso2.Role]*tnode
	// cueAt locates, in the trees CUE compiles to, the constraints left
	// to CUE.
	cueAt map[*constraint]cueLocator
}

type cueLocator struct {
	role  wso2.Role
	steps []string
}

var errTreeFormat = errors.New("not an apimlint schema tree")

// decodeTree reads an encoded tree. Errors name the line.
func decodeTree(data []byte) (*decodedTree, error) {
	d := &decodedTree{roles: map[wso2.Role]*tnode{}}
	// One string for the whole file: lines, tokens and most unquoted
	// strings are slices of it.
	lines := strings.Split(string(data), "\n")
	if len(lines) < 3 || lines[0] != treeMagic {
		return nil, errTreeFormat
	}
	src, ok := strings.CutPrefix(lines[1], "sources ")
	if !ok {
		return nil, fmt.Errorf("line 2: %w", errTreeFormat)
	}
	d.sources = src
	var nc, nn, nf int
	if _, err := fmt.Sscanf(lines[2], "counts %d %d %d", &nc, &nn, &nf); err != nil {
		return nil, fmt.Errorf("line 3: %w", err)
	}
	if min(nc, nn, nf) < 0 || max(nc, nn, nf) > 1<<20 {
		return nil, fmt.Errorf("line 3: counts %d %d %d out of range", nc, nn, nf)
	}
	// One slice per kind of record: a few allocations for the whole tree.
	cons := make([]constraint, 0, nc)
	nodes := make([]tnode, 0, nn)
	fields := make([]tfield, 0, nf)
	regexps := map[string]*regexp.Regexp{}
	var cur *tnode // the node the f lines below belong to
	finish := func() {
		if cur != nil {
			finishNode(cur)
		}
		cur = nil
	}
	var toks []string
	for i, line := range lines[3:] {
		lineNo := i + 4
		if line == "" {
			continue
		}
		var err error
		toks, err = splitTokens(toks[:0], line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		switch toks[0] {
		case "c":
			if len(cons) == cap(cons) {
				return nil, fmt.Errorf("line %d: more constraints than counted", lineNo)
			}
			cons = append(cons, constraint{})
			c := &cons[len(cons)-1]
			if err := d.decodeConstraint(c, toks[1:], cons[:len(cons)-1], regexps); err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
		case "n":
			finish()
			if len(nodes) == cap(nodes) {
				return nil, fmt.Errorf("line %d: more nodes than counted", lineNo)
			}
			nodes = append(nodes, tnode{})
			cur = &nodes[len(nodes)-1]
			if err := decodeNode(cur, toks[1:], nodes[:len(nodes)-1], cons); err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
		case "f":
			if cur == nil || !cur.isStruct || len(toks) < 3 {
				return nil, fmt.Errorf("line %d: a field outside a struct", lineNo)
			}
			if len(fields) == cap(fields) {
				return nil, fmt.Errorf("line %d: more fields than counted", lineNo)
			}
			name, err := strconv.Unquote(toks[1])
			if err != nil {
				return nil, fmt.Errorf("line %d: field name: %w", lineNo, err)
			}
			child, err := ref(toks[2], len(nodes)-1)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			fields = append(fields, tfield{name: name, node: &nodes[child]})
			f := &fields[len(fields)-1]
			for _, t := range toks[3:] {
				switch k, v, _ := strings.Cut(t, "="); k {
				case "required":
					f.required = true
				case "why":
					if f.why, err = strconv.Unquote(v); err != nil {
						return nil, fmt.Errorf("line %d: why: %w", lineNo, err)
					}
				default:
					return nil, fmt.Errorf("line %d: unknown field attribute %q", lineNo, t)
				}
			}
			cur.fields[name] = f
			cur.names = append(cur.names, name)
		case "root":
			finish()
			if len(toks) != 3 {
				return nil, fmt.Errorf("line %d: want root ROLE NODE", lineNo)
			}
			id, err := ref(toks[2], len(nodes))
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			root := &nodes[id]
			if root.walks == nil {
				root.walks = &walkMemo{}
			}
			d.roles[wso2.Role(toks[1])] = root
		default:
			return nil, fmt.Errorf("line %d: unknown record %q", lineNo, toks[0])
		}
	}
	finish()
	for _, r := range roleOrder {
		if d.roles[r] == nil {
			return nil, fmt.Errorf("no root for role %s", r)
		}
	}
	return d, nil
}

// finishNode derives what the compiler derives from a struct's fields.
func finishNode(n *tnode) {
	switch {
	case n.isStruct:
		sort.Strings(n.names)
		for _, name := range n.names {
			if f := n.fields[name]; f.required || f.node.hasRequired {
				n.hasRequired = true
				n.needs = append(n.needs, f)
			}
		}
	case n.isList:
		n.hasRequired = n.elem.hasRequired
	}
}

// ref reads a reference to one of the first n records.
func ref(tok string, n int) (int, error) {
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || i >= n {
		return 0, fmt.Errorf("bad reference %q", tok)
	}
	return i, nil
}

func decodeNode(n *tnode, toks []string, earlier []tnode, cons []constraint) error {
	if len(toks) == 0 {
		return errors.New("node without a kind")
	}
	switch toks[0] {
	case "struct":
		n.isStruct = true
		n.fields = map[string]*tfield{}
	case "list":
		n.isList = true
	case "leaf":
	default:
		return fmt.Errorf("unknown node kind %q", toks[0])
	}
	for _, t := range toks[1:] {
		k, v, _ := strings.Cut(t, "=")
		switch k {
		case "free":
			n.free = true
		case "pattern", "elem":
			id, err := ref(v, len(earlier))
			if err != nil {
				return err
			}
			if k == "pattern" {
				n.pattern = &earlier[id]
			} else {
				n.elem = &earlier[id]
			}
		case "leaf":
			id, err := ref(v, len(cons))
			if err != nil {
				return err
			}
			n.leaf = &cons[id]
		default:
			return fmt.Errorf("unknown node attribute %q", t)
		}
	}
	if n.isList && n.elem == nil {
		return errors.New("a list node without its element")
	}
	return nil
}

func (d *decodedTree) decodeConstraint(c *constraint, toks []string, earlier []constraint, regexps map[string]*regexp.Regexp) error {
	if len(toks) == 0 {
		return errors.New("constraint without an operator")
	}
	op, ok := cop(0), false
	for o, name := range opNames {
		if name == toks[0] {
			op, ok = o, true
		}
	}
	if !ok {
		return fmt.Errorf("unknown operator %q", toks[0])
	}
	c.op = op
	for i, t := range toks[1:] {
		k, v, _ := strings.Cut(t, "=")
		var err error
		switch k {
		case "kinds":
			for _, name := range strings.Split(v, "|") {
				found := false
				for _, kn := range kindNames {
					if kn.name == name {
						c.kinds |= kn.k
						found = true
					}
				}
				if !found {
					return fmt.Errorf("unknown kind %q", name)
				}
			}
		case "lit":
			c.lit, err = decodeLit(v)
		case "re":
			var src string
			if src, err = strconv.Unquote(v); err != nil {
				break
			}
			re := regexps[src]
			if re == nil {
				if re, err = regexp.Compile(src); err != nil {
					break
				}
				regexps[src] = re
			}
			c.re, c.memo = re, &reMemo{}
		case "bound":
			ok := false
			for o, name := range boundOps {
				if name == v {
					c.bound, ok = o, true
				}
			}
			if !ok {
				return fmt.Errorf("unknown bound %q", v)
			}
		case "args":
			for _, a := range strings.Split(v, ",") {
				id, err := ref(a, len(earlier))
				if err != nil {
					return err
				}
				c.args = append(c.args, &earlier[id])
			}
		case "elem":
			id, err := ref(v, len(earlier))
			if err != nil {
				return err
			}
			c.elem = &earlier[id]
		case "desc":
			c.desc, err = strconv.Unquote(v)
		case "shown":
			c.shown, err = strconv.Unquote(v)
		case "at":
			// toks is reused for the next line: the steps are copied.
			loc := cueLocator{role: wso2.Role(v), steps: append([]string(nil), toks[i+2:]...)}
			if d.cueAt == nil {
				d.cueAt = map[*constraint]cueLocator{}
			}
			d.cueAt[c] = loc
			return nil // at= is last: the rest are its steps
		default:
			return fmt.Errorf("unknown constraint attribute %q", t)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	if (op == cRegex || op == cNotRegex) && c.re == nil {
		return errors.New("a regex constraint without its regex")
	}
	if op == cList && c.elem == nil {
		return errors.New("a list constraint without its element")
	}
	if op == cCUE {
		if _, ok := d.cueAt[c]; !ok {
			return errors.New("a CUE constraint without its place (at=)")
		}
	}
	return nil
}

func decodeLit(v string) (datum, error) {
	kind, val, _ := strings.Cut(v, ":")
	switch kind {
	case "string":
		s, err := strconv.Unquote(val)
		return datum{k: kString, s: s}, err
	case "int":
		i, err := strconv.ParseInt(val, 10, 64)
		return datum{k: kInt, i: i}, err
	case "float":
		f, err := strconv.ParseFloat(val, 64)
		return datum{k: kFloat, f: f}, err
	case "bool":
		b, err := strconv.ParseBool(val)
		return datum{k: kBool, b: b}, err
	}
	return datum{}, fmt.Errorf("unknown literal kind %q", kind)
}

// splitTokens appends the parts of a line between spaces outside quoted
// strings to toks.
func splitTokens(toks []string, line string) ([]string, error) {
	for line != "" {
		if line[0] == ' ' {
			line = line[1:]
			continue
		}
		i := 0
		for i < len(line) && line[i] != ' ' {
			if line[i] == '"' {
				q, err := strconv.QuotedPrefix(line[i:])
				if err != nil {
					return nil, err
				}
				i += len(q)
				continue
			}
			i++
		}
		toks = append(toks, line[:i])
		line = line[i:]
	}
	if len(toks) == 0 {
		return nil, errTreeFormat
	}
	return toks, nil
}

// resolve finds, in a tree compiled from CUE, the constraint a locator
// names.
func (l cueLocator) resolve(roles map[wso2.Role]*tnode) *constraint {
	n := roles[l.role]
	var c *constraint
	for _, st := range l.steps {
		switch {
		case n == nil && c == nil:
			return nil
		case c != nil && st == "celem":
			c = c.elem
		case c != nil && strings.HasPrefix(st, "arg"):
			i, err := strconv.Atoi(st[len("arg"):])
			if err != nil || i < 0 || i >= len(c.args) {
				return nil
			}
			c = c.args[i]
		case c != nil:
			return nil
		case st == "pattern":
			n = n.pattern
		case st == "elem":
			n = n.elem
		case st == "leaf":
			c, n = n.leaf, nil
		default:
			name, err := strconv.Unquote(st)
			if err != nil || n.fields[name] == nil {
				return nil
			}
			n = n.fields[name].node
		}
	}
	if c == nil || c.op != cCUE {
		return nil
	}
	return c
}
