package schema

import (
	"fmt"
	"regexp"
	"sort"

	"cuelang.org/go/cue"
)

// tnode is one value of a compiled definition: a struct with its fields, a
// list of structs (an array of tables), or a leaf with its constraint.
type tnode struct {
	fields   map[string]*tfield
	names    []string // field names, sorted, for suggestions
	pattern  *tnode   // [string]: T, when T is more than top
	free     bool     // @freeform(): any key below is fine
	isStruct bool
	isList   bool   // a list of structs
	elem     *tnode // the element of a list of structs
	leaf     *constraint
	src      cue.Value // the leaf's CUE value, for tests that compare with CUE
	// hasRequired is set when a required field lies at or below this node.
	hasRequired bool
	// needs are the fields, in names' order, that are required or hold
	// required fields: all that validator.required looks at.
	needs []*tfield
	// walks, on a role's root, remembers where key paths lead.
	walks *walkMemo
}

type tfield struct {
	name     string
	node     *tnode
	required bool
	why      string // @why: why a role needs it
}

type compiler struct {
	s *Schema
}

func (c *compiler) node(v cue.Value) *tnode {
	n := &tnode{}
	if attrSet(v, "freeform") {
		n.free = true
	}
	k := v.IncompleteKind()
	switch {
	case k == cue.StructKind:
		n.isStruct = true
		n.fields = map[string]*tfield{}
		it, err := v.Fields(cue.Optional(true))
		if err == nil {
			for it.Next() {
				sel := it.Selector()
				if sel.LabelType() != cue.StringLabel {
					continue // definitions and hidden fields are not keys
				}
				name := sel.Unquoted()
				fv := it.Value()
				f := &tfield{name: name, node: c.node(fv), required: sel.ConstraintType() == cue.RequiredConstraint}
				f.why = attrText(fv, "why")
				n.fields[name] = f
				n.names = append(n.names, name)
				if f.required || f.node.hasRequired {
					n.hasRequired = true
				}
			}
		}
		sort.Strings(n.names)
		for _, name := range n.names {
			if f := n.fields[name]; f.required || f.node.hasRequired {
				n.needs = append(n.needs, f)
			}
		}
		if p := v.LookupPath(cue.MakePath(cue.AnyString)); p.Exists() && p.IncompleteKind() != cue.TopKind {
			n.pattern = c.node(p)
		}
	case k == cue.ListKind:
		e := v.LookupPath(cue.MakePath(cue.AnyIndex))
		if e.Exists() && e.IncompleteKind() == cue.StructKind {
			n.isList = true
			n.elem = c.node(e)
			n.hasRequired = n.elem.hasRequired
			return n
		}
		n.leaf, n.src = c.leaf(v), v
	default:
		n.leaf, n.src = c.leaf(v), v
	}
	return n
}

func attrSet(v cue.Value, name string) bool {
	a := v.Attribute(name)
	return a.Err() == nil
}

func attrText(v cue.Value, name string) string {
	a := v.Attribute(name)
	if a.Err() != nil {
		return ""
	}
	s, err := a.String(0)
	if err != nil {
		return ""
	}
	return s
}

// leaf compiles a constraint on a value. @desc on the field, or on the
// definition it refers to, becomes the constraint's description.
func (c *compiler) leaf(v cue.Value) *constraint {
	desc := attrText(v, "desc")
	k := c.expr(v)
	if desc != "" {
		if k.desc == "" || k.op == cAnd || k.op == cOr {
			// A field's own @desc wins over its definition's.
			k2 := *k
			k2.desc = desc
			return &k2
		}
	}
	return k
}

func (c *compiler) expr(v cue.Value) *constraint {
	if err := v.Err(); err != nil && v.IncompleteKind() == cue.BottomKind {
		// Described now, while compiling: formatting a CUE error evaluates
		// it lazily, which is not safe while nodes are validated in parallel.
		return &constraint{op: cBottom, cue: v, desc: fmt.Sprintf("nothing: the schema's constraints conflict (%v)", err)}
	}
	op, args := v.Expr()
	switch op {
	case cue.SelectorOp:
		d := cue.Dereference(v)
		if d == v {
			return c.fallback(v)
		}
		k := c.expr(d)
		if desc := attrText(d, "desc"); desc != "" {
			k2 := *k
			k2.desc = desc
			return &k2
		}
		return k
	case cue.AndOp, cue.OrOp:
		out := &constraint{op: cAnd}
		if op == cue.OrOp {
			out.op = cOr
		}
		for _, a := range args {
			out.args = append(out.args, c.leaf(a))
		}
		return out
	case cue.RegexMatchOp, cue.NotRegexMatchOp:
		if len(args) != 1 {
			return c.fallback(v)
		}
		s, err := args[0].String()
		if err != nil {
			return c.fallback(v)
		}
		re, err := regexp.Compile(s)
		if err != nil {
			return c.fallback(v)
		}
		out := &constraint{op: cRegex, re: re, memo: &reMemo{}}
		if op == cue.NotRegexMatchOp {
			out.op = cNotRegex
		}
		return out
	case cue.LessThanOp, cue.LessThanEqualOp, cue.GreaterThanOp, cue.GreaterThanEqualOp:
		if len(args) != 1 {
			return c.fallback(v)
		}
		f, err := args[0].Float64()
		if err != nil {
			return c.fallback(v)
		}
		return &constraint{op: cBound, bound: op, lit: datum{k: kFloat, f: f}}
	case cue.NotEqualOp:
		if len(args) != 1 {
			return c.fallback(v)
		}
		d, ok := literal(args[0])
		if !ok {
			return c.fallback(v)
		}
		return &constraint{op: cNotEq, lit: d}
	case cue.NoOp:
		return c.basic(v)
	}
	return c.fallback(v)
}

// basic compiles a value with no operator: a literal, a basic type or a list.
func (c *compiler) basic(v cue.Value) *constraint {
	k := v.IncompleteKind()
	if k == cue.TopKind {
		return &constraint{op: cTop}
	}
	if k == cue.ListKind {
		e := v.LookupPath(cue.MakePath(cue.AnyIndex))
		if !e.Exists() {
			// A closed or fixed-length list: leave it to CUE.
			return c.fallback(v)
		}
		return &constraint{op: cList, elem: c.leaf(e)}
	}
	if v.IsConcrete() && k != cue.StructKind {
		if d, ok := literal(v); ok {
			return &constraint{op: cLit, lit: d}
		}
		return c.fallback(v)
	}
	var ks kinds
	if k&cue.StringKind != 0 {
		ks |= kString
	}
	if k&cue.IntKind != 0 {
		ks |= kInt
	}
	if k&cue.FloatKind != 0 {
		ks |= kFloat
	}
	if k&cue.BoolKind != 0 {
		ks |= kBool
	}
	if k&cue.ListKind != 0 {
		ks |= kList
	}
	if k&cue.StructKind != 0 {
		ks |= kStruct
	}
	if k&^(cue.StringKind|cue.NumberKind|cue.BoolKind|cue.ListKind|cue.StructKind) != 0 {
		return c.fallback(v)
	}
	return &constraint{op: cKind, kinds: ks}
}

func literal(v cue.Value) (datum, bool) {
	switch v.Kind() {
	case cue.StringKind:
		s, err := v.String()
		return datum{k: kString, s: s}, err == nil
	case cue.IntKind:
		i, err := v.Int64()
		return datum{k: kInt, i: i}, err == nil
	case cue.FloatKind:
		f, err := v.Float64()
		return datum{k: kFloat, f: f}, err == nil
	case cue.BoolKind:
		b, err := v.Bool()
		return datum{k: kBool, b: b}, err == nil
	}
	return datum{}, false
}

func (c *compiler) fallback(v cue.Value) *constraint {
	return &constraint{op: cCUE, cue: v, owner: c.s, shown: fmt.Sprint(v)}
}
