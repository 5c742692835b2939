package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"cuelang.org/go/cue"
)

// kinds is a set of the value kinds a constraint accepts.
type kinds uint8

const (
	kString kinds = 1 << iota
	kInt
	kFloat
	kBool
	kList
	kStruct
	kNumber = kInt | kFloat
)

type cop uint8

const (
	cTop    cop = iota // anything
	cBottom            // nothing: the schema's own constraints conflict
	cKind              // a basic type
	cLit               // one literal value
	cAnd
	cOr
	cRegex
	cNotRegex
	cBound
	cNotEq
	cList // a list whose elements satisfy elem
	cCUE  // anything else: evaluated by CUE itself
)

// constraint is a leaf constraint of a CUE schema compiled into Go, so that
// validating a node needs no CUE evaluation. Constraints the compiler does
// not understand keep their CUE value and are evaluated by CUE (cCUE).
type constraint struct {
	op    cop
	kinds kinds          // cKind
	lit   datum          // cLit, cNotEq, cBound (the number)
	re    *regexp.Regexp // cRegex, cNotRegex
	memo  *reMemo        // cRegex, cNotRegex: re's answers by text
	bound cue.Op         // cBound
	args  []*constraint  // cAnd, cOr
	elem  *constraint    // cList
	cue   cue.Value      // cCUE, cBottom (its error)
	desc  string         // from @desc, when given
	owner *Schema        // for cCUE evaluation
	// shown is how a cCUE constraint's CUE value prints, rendered when
	// compiling: formatting a CUE value evaluates it, which is not safe
	// while nodes are validated in parallel, and a schema decoded from
	// builtin.tree has no CUE value until one is needed.
	shown string
}

// datum is a TOML value as the validator sees it: resolved, with WSO2's
// habit of writing numbers and booleans as strings kept in mind.
type datum struct {
	k     kinds // exactly one kind; 0 for a symbolic value (never judged)
	s     string
	i     int64
	f     float64
	b     bool
	elems []datum
	src   any // *lint.Value the datum came from, for positions
}

func (d datum) text() string {
	switch d.k {
	case kString:
		return d.s
	case kInt:
		return strconv.FormatInt(d.i, 10)
	case kFloat:
		return strconv.FormatFloat(d.f, 'g', -1, 64)
	case kBool:
		return strconv.FormatBool(d.b)
	}
	return ""
}

// asInt returns the datum as an integer, reading strings as WSO2 does.
func (d datum) asInt() (int64, bool) {
	switch d.k {
	case kInt:
		return d.i, true
	case kString:
		i, err := strconv.ParseInt(strings.TrimSpace(d.s), 10, 64)
		return i, err == nil
	}
	return 0, false
}

func (d datum) asFloat() (float64, bool) {
	switch d.k {
	case kInt:
		return float64(d.i), true
	case kFloat:
		return d.f, true
	case kString:
		f, err := strconv.ParseFloat(strings.TrimSpace(d.s), 64)
		return f, err == nil
	}
	return 0, false
}

func (d datum) asBool() (bool, bool) {
	switch d.k {
	case kBool:
		return d.b, true
	case kString:
		switch strings.ToLower(strings.TrimSpace(d.s)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

func (d datum) scalar() bool { return d.k&(kString|kInt|kFloat|kBool) != 0 }

// failure says which datum broke which constraint: for a list, the element.
type failure struct {
	at *datum
	c  *constraint
}

// check reports whether d satisfies c; when it does not, the failure names
// the innermost element and constraint to explain.
func (c *constraint) check(d *datum) (ok bool, f failure) {
	if d.k == 0 {
		return true, f // symbolic: never judged
	}
	fail := failure{at: d, c: c}
	switch c.op {
	case cTop:
		return true, f
	case cBottom:
		return false, fail
	case cKind:
		return c.kindOK(d), fail
	case cLit:
		return c.litOK(d), fail
	case cNotEq:
		return !c.litOK(d), fail
	case cRegex, cNotRegex:
		if !d.scalar() {
			return false, fail
		}
		return c.memo.match(c.re, d.text()) == (c.op == cRegex), fail
	case cBound:
		x, ok := d.asFloat()
		if !ok {
			return false, fail
		}
		return compare(c.bound, x, c.lit.f), fail
	case cAnd:
		for _, a := range c.args {
			if ok, af := a.check(d); !ok {
				if c.desc != "" && af.at == d {
					return false, fail
				}
				return false, af
			}
		}
		return true, f
	case cOr:
		var inner failure
		for _, a := range c.args {
			ok, af := a.check(d)
			if ok {
				return true, f
			}
			// An element of a list that fails the only list alternative
			// is the better place to point at.
			if a.acceptsKind(d.k) && af.at != d {
				inner = af
			}
		}
		if inner.at != nil {
			return false, inner
		}
		return false, fail
	case cList:
		if d.k != kList {
			return false, fail
		}
		for i := range d.elems {
			if ok, ef := c.elem.check(&d.elems[i]); !ok {
				if ef.at == &d.elems[i] && c.elem.desc == "" {
					ef.c = c.elem
				}
				return false, ef
			}
		}
		return true, f
	case cCUE:
		return c.owner.evalCUE(c, d), fail
	}
	return false, fail
}

func compare(op cue.Op, x, bound float64) bool {
	switch op {
	case cue.LessThanOp:
		return x < bound
	case cue.LessThanEqualOp:
		return x <= bound
	case cue.GreaterThanOp:
		return x > bound
	case cue.GreaterThanEqualOp:
		return x >= bound
	}
	return false
}

func (c *constraint) kindOK(d *datum) bool {
	switch {
	case d.k&c.kinds != 0:
		return true
	case d.k == kList || d.k == kStruct:
		return false
	case c.kinds&kString != 0:
		return true // a number or boolean where text is allowed: its text
	case c.kinds&kInt != 0:
		if _, ok := d.asInt(); ok {
			return true
		}
	}
	if c.kinds&kFloat != 0 {
		if _, ok := d.asFloat(); ok {
			return true
		}
	}
	if c.kinds&kBool != 0 {
		if _, ok := d.asBool(); ok {
			return true
		}
	}
	return false
}

func (c *constraint) litOK(d *datum) bool {
	switch c.lit.k {
	case kString:
		return d.scalar() && d.text() == c.lit.s
	case kInt:
		i, ok := d.asInt()
		return ok && i == c.lit.i
	case kFloat:
		x, ok := d.asFloat()
		return ok && x == c.lit.f
	case kBool:
		b, ok := d.asBool()
		return ok && b == c.lit.b
	}
	return false
}

// acceptsKind reports whether values of kind k can satisfy c at all.
func (c *constraint) acceptsKind(k kinds) bool {
	switch c.op {
	case cKind:
		return c.kinds&k != 0
	case cList:
		return k == kList
	case cLit:
		return c.lit.k == k
	case cAnd:
		for _, a := range c.args {
			if !a.acceptsKind(k) {
				return false
			}
		}
		return true
	case cOr:
		for _, a := range c.args {
			if a.acceptsKind(k) {
				return true
			}
		}
		return false
	case cRegex, cNotRegex:
		return k == kString
	case cBound:
		return k&kNumber != 0
	}
	return true
}

// describe says in words what the constraint allows.
func (c *constraint) describe() string {
	if c.desc != "" {
		return c.desc
	}
	switch c.op {
	case cTop:
		return "any value"
	case cBottom:
		return fmt.Sprintf("nothing: the schema's constraints conflict (%v)", c.cue.Err())
	case cKind:
		return kindWords(c.kinds)
	case cLit:
		return c.lit.quoted()
	case cNotEq:
		return "anything but " + c.lit.quoted()
	case cRegex:
		return fmt.Sprintf("a string matching %s", c.re)
	case cNotRegex:
		return fmt.Sprintf("a string not matching %s", c.re)
	case cBound:
		return boundWords(c.bound, c.lit.f)
	case cList:
		if c.elem.op == cKind && c.elem.desc == "" {
			return "a list of " + plural(kindWords(c.elem.kinds))
		}
		return "a list of values that are each " + c.elem.describe()
	case cOr:
		lits := true
		var parts []string
		for _, a := range c.args {
			if a.op != cLit || a.desc != "" {
				lits = false
			}
			parts = append(parts, a.describe())
		}
		if lits {
			return "one of " + strings.Join(parts, ", ")
		}
		return strings.Join(parts, ", or ")
	case cAnd:
		return c.describeAnd()
	case cCUE:
		return "a value satisfying " + c.shown
	}
	return "a valid value"
}

// describeAnd folds a kind and its bounds into one phrase ("an integer from
// 0 to 65535"); a literal among the conjuncts says it all.
func (c *constraint) describeAnd() string {
	var kind string
	lo, hi := "", ""
	var rest []string
	var flat func(x *constraint)
	flat = func(x *constraint) {
		if x.op == cAnd && x.desc == "" {
			for _, a := range x.args {
				flat(a)
			}
			return
		}
		switch {
		case x.op == cLit:
			rest = append([]string{"exactly " + x.describe()}, rest...)
		case x.op == cKind && x.desc == "":
			kind = kindWords(x.kinds)
		case x.op == cBound && x.desc == "" && (x.bound == cue.GreaterThanEqualOp):
			lo = num(x.lit.f)
		case x.op == cBound && x.desc == "" && (x.bound == cue.LessThanEqualOp):
			hi = num(x.lit.f)
		default:
			rest = append(rest, x.describe())
		}
	}
	flat(c)
	var parts []string
	switch {
	case len(rest) > 0 && strings.HasPrefix(rest[0], "exactly "):
		return rest[0]
	case lo != "" && hi != "":
		parts = append(parts, fmt.Sprintf("%s from %s to %s", orWord(kind, "a number"), lo, hi))
	case lo != "":
		parts = append(parts, fmt.Sprintf("%s of at least %s", orWord(kind, "a number"), lo))
	case hi != "":
		parts = append(parts, fmt.Sprintf("%s of at most %s", orWord(kind, "a number"), hi))
	case kind != "" && len(rest) == 0:
		parts = append(parts, kind)
	}
	parts = append(parts, rest...)
	return strings.Join(parts, " and ")
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func boundWords(op cue.Op, f float64) string {
	switch op {
	case cue.LessThanOp:
		return "a number below " + num(f)
	case cue.LessThanEqualOp:
		return "a number of at most " + num(f)
	case cue.GreaterThanOp:
		return "a number above " + num(f)
	}
	return "a number of at least " + num(f)
}

func kindWords(k kinds) string {
	var parts []string
	if k&kString != 0 {
		parts = append(parts, "a string")
	}
	switch {
	case k&kNumber == kNumber:
		parts = append(parts, "a number")
	case k&kInt != 0:
		parts = append(parts, "an integer")
	case k&kFloat != 0:
		parts = append(parts, "a number")
	}
	if k&kBool != 0 {
		parts = append(parts, "true or false")
	}
	if k&kList != 0 {
		parts = append(parts, "a list")
	}
	if k&kStruct != 0 {
		parts = append(parts, "a table")
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " or ")
}

// plural turns "a string or an integer" into "strings or integers".
func plural(words string) string {
	parts := strings.Split(words, " or ")
	for i, p := range parts {
		p = strings.TrimPrefix(strings.TrimPrefix(p, "a "), "an ")
		if p == "true" || p == "false" {
			parts[i] = p
			continue
		}
		parts[i] = p + "s"
	}
	return strings.Join(parts, " or ")
}

func (d datum) quoted() string {
	if d.k == kString {
		return strconv.Quote(d.s)
	}
	return d.text()
}

// goValue turns a datum into plain Go data for CUE to encode.
func (d datum) goValue() any {
	switch d.k {
	case kString:
		return d.s
	case kInt:
		return d.i
	case kFloat:
		return d.f
	case kBool:
		return d.b
	case kList:
		out := make([]any, len(d.elems))
		for i, e := range d.elems {
			out[i] = e.goValue()
		}
		return out
	}
	return map[string]any{}
}

// coerced returns the forms WSO2 would read the datum as: itself, and for a
// string holding a number or boolean, that number or boolean.
func (d datum) coerced() []datum {
	out := []datum{d}
	if d.k != kString {
		return out
	}
	if i, ok := d.asInt(); ok {
		out = append(out, datum{k: kInt, i: i})
	} else if f, ok := d.asFloat(); ok {
		out = append(out, datum{k: kFloat, f: f})
	}
	if b, ok := d.asBool(); ok {
		out = append(out, datum{k: kBool, b: b})
	}
	return out
}

// memoKey names one verdict of CUE on a constraint the compiler left to it.
type memoKey struct {
	c *constraint
	v string
}

// reMemo remembers a regexp's answers: a fleet of thousands of gateways
// writes the same few URLs on every node, and matching a URL pattern costs
// far more than looking its answer up. Nodes are validated concurrently.
type reMemo struct {
	answers sync.Map // string -> bool
	size    atomic.Int64
}

// reMemoMax bounds a memo, so that a long-running watcher re-linting
// changing files does not grow it without end.
const reMemoMax = 1 << 14

func (m *reMemo) match(re *regexp.Regexp, s string) bool {
	if m == nil {
		return re.MatchString(s)
	}
	if ok, found := m.answers.Load(s); found {
		return ok.(bool)
	}
	ok := re.MatchString(s)
	if m.size.Load() < reMemoMax {
		if _, loaded := m.answers.LoadOrStore(s, ok); !loaded {
			m.size.Add(1)
		}
	}
	return ok
}
