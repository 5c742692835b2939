package jinja

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Ref is one key a template reads, at the line of its first read.
//
// Key paths are dotted, with segments quoted like apimlint's canonical key
// paths when they are not bare names. An element of an array of tables is
// "x[]" (apim.gateway.environment[].name) and any key of an open table a
// template iterates or indexes with a variable is "*"
// (transport.http.properties.*).
type Ref struct {
	Key  string
	Line int
}

// binding is what a local name stands for: the key paths its value comes
// from (none for a plain local such as a counter or a split string).
type binding struct{ paths []string }

type extractor struct {
	scopes []map[string]binding
	stack  []string // open block tags that push a scope: for, macro
	refs   map[string]int
}

// Keys returns the keys a template reads, sorted, each with its first line.
// It knows the tags config-mapper's templates use (if, elif, else, endif,
// for, endfor, set, macro, endmacro, do); any other tag is an error, so
// that a template using something new is noticed rather than half read.
func Keys(src string) ([]Ref, error) {
	tags, err := Tokenize(src)
	if err != nil {
		return nil, err
	}
	x := &extractor{scopes: []map[string]binding{{}}, refs: map[string]int{}}
	for _, t := range tags {
		if err := x.tag(t); err != nil {
			return nil, fmt.Errorf("line %d: %w", t.Line, err)
		}
	}
	if len(x.stack) > 0 {
		return nil, fmt.Errorf("{%% %s %%} is never closed", x.stack[len(x.stack)-1])
	}
	out := make([]Ref, 0, len(x.refs))
	for k, l := range x.refs {
		out = append(out, Ref{Key: k, Line: l})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (x *extractor) tag(t Tag) error {
	toks := t.Toks
	if !t.Block {
		x.read(toks)
		return nil
	}
	if len(toks) == 0 || toks[0].Kind != TokName {
		return fmt.Errorf("empty or malformed block tag")
	}
	switch kw := toks[0].Text; kw {
	case "if", "elif", "do":
		x.read(toks[1:])
	case "else", "endif":
		// if pushes no scope, so a stray endif (governance.xml.j2 has one,
		// which Jinjava tolerates) changes nothing.
	case "for":
		return x.forTag(toks[1:])
	case "endfor", "endmacro":
		want := strings.TrimPrefix(kw, "end")
		if len(x.stack) == 0 || x.stack[len(x.stack)-1] != want {
			return fmt.Errorf("{%% %s %%} without {%% %s %%}", kw, want)
		}
		x.stack = x.stack[:len(x.stack)-1]
		x.scopes = x.scopes[:len(x.scopes)-1]
	case "set":
		return x.setTag(toks[1:])
	case "macro":
		return x.macroTag(toks[1:])
	default:
		return fmt.Errorf("unsupported tag {%% %s %%}", kw)
	}
	return nil
}

// forTag handles {% for a[, b] in EXPR [if COND] %}.
func (x *extractor) forTag(toks []Token) error {
	in := -1
	for i, t := range toks {
		if t.Kind == TokName && t.Text == "in" {
			in = i
			break
		}
	}
	if in < 1 {
		return fmt.Errorf("for without in")
	}
	var targets []string
	for _, t := range toks[:in] {
		if t.Kind == TokName {
			targets = append(targets, t.Text)
		}
	}
	iter := toks[in+1:]
	var cond []Token
	for i, t := range iter {
		if t.Kind == TokName && (t.Text == "if" || t.Text == "recursive") && depthAt(iter, i) == 0 {
			cond = iter[i+1:]
			iter = iter[:i]
			break
		}
	}
	chains := x.read(iter)
	scope := map[string]binding{"loop": {}}
	for _, name := range targets {
		scope[name] = binding{}
	}
	// The loop variables stand for the elements of what is iterated: a
	// plain chain (x → x[]), or an open table's entries (x.items() → x.*).
	if len(chains) == 1 && chains[0].ok {
		c := chains[0]
		switch {
		case c.items && len(targets) == 2:
			scope[targets[1]] = binding{paths: c.paths(".*")}
		case c.items:
		case c.method == "" && len(targets) == 1:
			scope[targets[0]] = binding{paths: c.paths("[]")}
		}
	} else if len(targets) == 1 {
		// for x in a + b: x is an element of either.
		var ps []string
		for _, c := range chains {
			if c.ok && c.method == "" {
				ps = append(ps, c.paths("[]")...)
			}
		}
		scope[targets[0]] = binding{paths: ps}
	}
	x.scopes = append(x.scopes, scope)
	x.stack = append(x.stack, "for")
	x.read(cond)
	return nil
}

// setTag handles {% set name = EXPR %}: name becomes an alias of the keys
// EXPR yields (client_certificate_based_authentication or {}), or a plain
// local when it yields none (member.split(':'), []).
func (x *extractor) setTag(toks []Token) error {
	if len(toks) < 2 || toks[0].Kind != TokName || toks[1].Text != "=" {
		return fmt.Errorf("set without name = value")
	}
	var ps []string
	for _, c := range x.read(toks[2:]) {
		if c.ok && c.method == "" && !c.cond {
			ps = append(ps, c.paths("")...)
		}
	}
	x.scopes[len(x.scopes)-1][toks[0].Text] = binding{paths: ps}
	return nil
}

// macroTag handles {% macro name(p1, p2=default) %}. Parameters are plain
// locals: a macro that indexes a table with one (server_configuration[key])
// reads any key of it, which the chain records as ".*".
func (x *extractor) macroTag(toks []Token) error {
	if len(toks) < 1 || toks[0].Kind != TokName {
		return fmt.Errorf("macro without a name")
	}
	x.scopes[len(x.scopes)-1][toks[0].Text] = binding{}
	scope := map[string]binding{}
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == TokName && i > 0 && (toks[i-1].Text == "(" || toks[i-1].Text == ",") {
			scope[t.Text] = binding{}
		}
		if t.Text == "=" {
			end := i + 1
			for end < len(toks) && !(depthAt(toks, end) == 1 && (toks[end].Text == "," || toks[end].Text == ")")) {
				end++
			}
			x.read(toks[i+1 : min(end, len(toks))])
			i = end - 1
		}
	}
	x.scopes = append(x.scopes, scope)
	x.stack = append(x.stack, "macro")
	return nil
}

// depthAt is the bracket depth just before toks[i].
func depthAt(toks []Token, i int) int {
	d := 0
	for _, t := range toks[:i] {
		switch t.Text {
		case "(", "[", "{":
			if t.Kind == TokOp {
				d++
			}
		case ")", "]", "}":
			if t.Kind == TokOp {
				d--
			}
		}
	}
	return d
}

// chain is one variable reference: a root name and its attributes.
type chain struct {
	root   string
	segs   []string
	method string // a method called on it (items, split, …), if any
	items  bool   // .items()/.keys()/.values(): iterates an open table
	ok     bool   // a reference, not a function call
	cond   bool   // read only to test it (x is defined)
	line   int
}

// paths resolves the chain through the scopes, with suffix appended.
func (x *extractor) resolve(c chain) []string {
	rest := strings.Join(c.segs, "")
	for i := len(x.scopes) - 1; i >= 0; i-- {
		if b, ok := x.scopes[i][c.root]; ok {
			out := make([]string, 0, len(b.paths))
			for _, p := range b.paths {
				out = append(out, p+rest)
			}
			return out
		}
	}
	return []string{quote(c.root) + rest}
}

func (c chain) pathsWith(x *extractor, suffix string) []string {
	ps := x.resolve(c)
	for i := range ps {
		ps[i] += suffix
	}
	return ps
}

var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "is": true, "if": true, "else": true,
	"true": true, "false": true, "none": true, "True": true, "False": true, "None": true,
	"null": true, "recursive": true,
}

var iterMethods = map[string]bool{"items": true, "keys": true, "values": true, "iteritems": true, "entrySet": true, "keySet": true}

// boundChain is a chain together with the extractor that resolves it.
type boundChain struct {
	chain
	x *extractor
}

func (b boundChain) paths(suffix string) []string { return b.pathsWith(b.x, suffix) }

// read records every key an expression reads and returns its top-level
// chains.
func (x *extractor) read(toks []Token) []boundChain {
	var out []boundChain
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != TokName {
			continue
		}
		prev := ""
		if i > 0 {
			prev = toks[i-1].Text
		}
		switch {
		case prev == "." && i > 0 && toks[i-1].Kind == TokOp:
			continue // an attribute of something not a chain (a call's result)
		case t.Text == "is":
			// a test: skip "not" and its name; its arguments are read.
			if i+1 < len(toks) && toks[i+1].Text == "not" {
				i++
			}
			i++
			if len(out) > 0 {
				out[len(out)-1].cond = true
			}
			continue
		case keywords[t.Text]:
			continue
		case prev == "|" && toks[i-1].Kind == TokOp:
			continue // a filter
		case i+1 < len(toks) && toks[i+1].Kind == TokOp && toks[i+1].Text == "=":
			continue // a keyword argument
		}
		c, next := x.chainAt(toks, i)
		if c.ok {
			for _, p := range c.pathsWith(x, "") {
				x.record(p, c.line)
				if c.items {
					x.record(p+".*", c.line)
				}
			}
		}
		out = append(out, boundChain{c, x})
		i = next - 1
	}
	return out
}

// chainAt parses the chain starting at toks[i] and returns it and the
// index after it. Expressions inside its brackets and call arguments are
// read as they go.
func (x *extractor) chainAt(toks []Token, i int) (chain, int) {
	c := chain{root: toks[i].Text, ok: true, line: toks[i].Line}
	j := i + 1
	called := false
	for j < len(toks) && toks[j].Kind == TokOp {
		switch toks[j].Text {
		case ".":
			if j+1 >= len(toks) || toks[j+1].Kind != TokName {
				return c, j
			}
			if !called {
				c.segs = append(c.segs, "."+quote(toks[j+1].Text))
			}
			j += 2
		case "[":
			end := matching(toks, j)
			inner := toks[j+1 : end]
			if !called {
				switch {
				case len(inner) == 1 && inner[0].Kind == TokString:
					c.segs = append(c.segs, "."+quote(inner[0].Text))
				case len(inner) == 1 && inner[0].Kind == TokNumber:
					c.segs = append(c.segs, "[]")
				default:
					c.segs = append(c.segs, ".*")
				}
			}
			x.read(inner)
			j = end + 1
		case "(":
			end := matching(toks, j)
			x.read(toks[j+1 : end])
			if !called {
				if len(c.segs) == 0 {
					c.ok = false // a function or macro call: range(), a macro
				} else {
					last := c.segs[len(c.segs)-1]
					c.segs = c.segs[:len(c.segs)-1]
					c.method = strings.Trim(strings.TrimPrefix(last, "."), `"`)
					c.items = iterMethods[c.method]
				}
			}
			called = true
			j = end + 1
		default:
			return c, j
		}
	}
	return c, j
}

// matching returns the index of the bracket closing toks[open] (the last
// token when it is never closed).
func matching(toks []Token, open int) int {
	d := 0
	for k := open; k < len(toks); k++ {
		if toks[k].Kind != TokOp {
			continue
		}
		switch toks[k].Text {
		case "(", "[", "{":
			d++
		case ")", "]", "}":
			d--
			if d == 0 {
				return k
			}
		}
	}
	return len(toks)
}

func (x *extractor) record(p string, line int) {
	p = strings.TrimSuffix(p, "[]")
	if p == "" {
		return
	}
	if l, ok := x.refs[p]; !ok || line < l {
		x.refs[p] = line
	}
}

// quote writes one key segment as apimlint's canonical paths do.
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(s)
		}
	}
	return s
}
