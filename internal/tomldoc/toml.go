package tomldoc

// This is the only file that touches go-toml's unstable package, which has
// no compatibility promise: everything else works on Key, Value and Table.

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unsafe"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/apimlint/apimlint/wso2"
)

// SyntaxError is a TOML error with the position it was found at.
type SyntaxError struct {
	Pos     Position
	Message string
}

func (e *SyntaxError) Error() string { return e.Pos.String() + ": " + e.Message }

// Comment is one `#` comment of a file with its position.
type Comment struct {
	Text string // without the leading '#'
	Pos  Position
	// Trailing is set when the comment follows a key or table header on
	// the same line.
	Trailing bool
}

// Table is a table header ([a.b] or [[a.b]]) as written in the file.
type Table struct {
	Path  string // canonical path, with the index for array tables
	at           // where the header's '[' is
	Array bool
	src   *source
}

// Pos returns where the header is written: its '['.
func (t *Table) Pos() Position { return t.at.in(t.src) }

// Document is a parsed file: its keys in file order, its headers and
// comments, and the first syntax error (parsing stops there, and what came
// before is kept).
type Document struct {
	Keys     []*Key
	Tables   []*Table
	Comments []Comment
	Err      *SyntaxError
}

type tkind uint8

const (
	tTable tkind = iota + 1
	tArrayTable
	tValue
)

// tnode mirrors TOML's table semantics so that headers, dotted keys and
// arrays of tables land on one canonical path, and redefinitions are
// caught the way WSO2's parser catches them.
type tnode struct {
	kind     tkind
	explicit bool // defined by its own [header] or as a value
	inline   bool // created by an inline table or a dotted key: no [header] of its own
	// closed: an inline table or a table inside one. TOML 1.0 lets a
	// [header] define sub-tables of a table made by dotted keys, but
	// nothing may add to an inline table once it is written.
	closed   bool
	line     int
	path     string
	children []tchild // few per table: a slice beats a map here
	elems    []*tnode // array tables
	// index finds a child by segment once a table has many: without it a
	// table of 100k keys costs 100k² comparisons.
	index map[string]int
}

// indexFrom is the number of children from which a table indexes them.
const indexFrom = 16

// tchild is a table's entry: a sub-table, or a value's key (values need
// no tree node of their own, which spares one allocation per key).
type tchild struct {
	seg  string
	node *tnode
	key  *Key
}

// child returns the entry for seg; a value comes back as a transient
// tnode of kind tValue, valid until the next call.
func (b *docBuilder) child(t *tnode, seg string) *tnode {
	i := t.find(seg)
	if i < 0 {
		return nil
	}
	c := &t.children[i]
	if c.key != nil {
		b.scratch = tnode{kind: tValue, explicit: true, path: c.key.Path, line: b.lineOf(c.key.at)}
		return &b.scratch
	}
	return c.node
}

// close marks an inline table and the tables inside it as closed.
func (t *tnode) close() {
	t.closed = true
	for _, c := range t.children {
		if c.node != nil {
			c.node.close()
		}
	}
}

// find returns the index of seg among t's children, or -1.
func (t *tnode) find(seg string) int {
	if t.index != nil {
		if i, ok := t.index[seg]; ok {
			return i
		}
		return -1
	}
	for i := range t.children {
		if t.children[i].seg == seg {
			return i
		}
	}
	return -1
}

func (b *docBuilder) add(t *tnode, seg string, c *tnode) { b.addChild(t, tchild{seg: seg, node: c}) }

func (b *docBuilder) addChild(t *tnode, c tchild) {
	if len(t.children) == cap(t.children) {
		// A table that outgrows its slots moves to twice as many, cut
		// from the arena too: the root table and the large ones grow on
		// every file, and a fresh slice each time was a third of the
		// parse's garbage.
		t.children = append(b.childSlots(2*cap(t.children)), t.children...)
	}
	t.children = append(t.children, c)
	switch {
	case t.index != nil:
		t.index[c.seg] = len(t.children) - 1
	case len(t.children) >= indexFrom:
		t.index = make(map[string]int, 2*len(t.children))
		for i, ch := range t.children {
			t.index[ch.seg] = i
		}
	}
}

// slab hands out values from chunks, to spare the allocator one call per
// value on the hot path; chunks never move, so pointers stay valid.
type slab[T any] struct {
	chunk   []T
	spilled bool // the first chunk filled up and was replaced
}

func (s *slab[T]) new() *T {
	if len(s.chunk) == cap(s.chunk) {
		s.spilled = true
		// The first chunk is sized from the source; an overflow is
		// usually a few items, and what a chunk leaves unused is held as
		// long as the document.
		s.chunk = make([]T, 0, max(16, cap(s.chunk)/4))
	}
	s.chunk = s.chunk[:len(s.chunk)+1]
	return &s.chunk[len(s.chunk)-1]
}

type docBuilder struct {
	file   string
	src    []byte
	srcStr string // src as one string: values are substrings of it
	source *source
	// elemStack gathers the elements of the arrays being read.
	elemStack []*Value
	lines     lineIndex
	p         *unstable.Parser
	root      *tnode
	cur       *tnode
	inArray   bool // current table is (inside) an array table
	doc       *Document
	segs      []string
	values    slab[Value]
	scratch   tnode
	intern    pathInterner
	lastLine  int // index into lines of the last position found
	keys      slab[Key]
	tables    slab[Table]
	tnodes    slab[tnode]
	children  []tchild // arena for tables' first children
	// depth is how deep the value being read is nested in arrays and
	// inline tables.
	depth int
	// keyPos is where the key whose value is being read is written.
	keyPos Position
}

// Bounds on what one file may hold: far above anything WSO2 reads, low
// enough that a hostile file of a few bytes cannot make a path of
// gigabytes (every segment repeats the path before it) or recurse for
// minutes. Beyond them the file is a syntax error with a position.
const (
	MaxKeySegments = 64
	MaxNesting     = 32
)

// offset returns where bs starts in the source, when it lies inside it.
func (b *docBuilder) offset(bs []byte) (int, bool) {
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b.src)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(bs)))
	if len(bs) == 0 || p < base || p+uintptr(len(bs)) > base+uintptr(len(b.src)) {
		return 0, false
	}
	return int(p - base), true
}

// str returns bs as a string, sharing memory with srcStr when bs lies
// inside the source (no escapes), instead of copying.
func (b *docBuilder) str(bs []byte) string {
	if len(bs) == 0 {
		return ""
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b.src)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(bs)))
	if p >= base && p+uintptr(len(bs)) <= base+uintptr(len(b.src)) {
		off := int(p - base)
		return b.srcStr[off : off+len(bs)]
	}
	return string(bs)
}

func (b *docBuilder) newTnode(t tnode) *tnode {
	n := b.tnodes.new()
	*n = t
	if n.kind == tTable && n.children == nil {
		// Most tables hold a handful of keys: six slots cut from the
		// scratch's arena.
		n.children = b.childSlots(6)
	}
	return n
}

// childSlots cuts room empty child slots from the scratch's arena.
func (b *docBuilder) childSlots(room int) []tchild {
	room = max(room, 1)
	if len(b.children)+room > cap(b.children) {
		b.children = make([]tchild, 0, max(256, 2*cap(b.children), 2*room))
	}
	at := len(b.children)
	b.children = b.children[:at+room]
	return b.children[at : at : at+room]
}

// pathInterner shares canonical path strings between the files one loader
// goroutine parses: fleets repeat the same paths on every node, and one
// string per path instead of one per key spares the allocator and the GC.
type pathInterner map[[2]string]string

const maxInterned = 1 << 16

func (pi pathInterner) join(prefix, seg string) string {
	if pi == nil {
		return JoinPath(prefix, seg)
	}
	k := [2]string{prefix, seg}
	if p, ok := pi[k]; ok {
		return p
	}
	p := JoinPath(prefix, seg)
	if len(pi) >= maxInterned {
		clear(pi)
	}
	// The key must not share memory with this file's source.
	pi[[2]string{strings.Clone(prefix), strings.Clone(seg)}] = p
	return p
}

// Scratch is what one loader goroutine reuses from file to file: the
// parser (its node arena), the path interner, and the memory of the table
// tree that places keys while a file is read (garbage once it is read:
// about a fifth of what loading a fleet allocated).
type Scratch struct {
	parser    unstable.Parser
	intern    pathInterner
	tnodes    []tnode
	children  []tchild
	elemStack []*Value
	lines     lineIndex
}

func NewScratch() *Scratch { return &Scratch{intern: pathInterner{}} }

func Parse(file string, src []byte, scratch *Scratch) *Document {
	// Editors on Windows write a byte-order mark; it is not part of the
	// TOML and editors do not count it as a column.
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if uint64(len(src)) > math.MaxUint32 {
		// Values are spans of the file with 32-bit offsets.
		return &Document{Err: &SyntaxError{Pos: Position{File: file, Line: 1, Column: 1}, Message: "the file is larger than 4 GiB"}}
	}
	if scratch == nil {
		scratch = &Scratch{}
	}
	b := &docBuilder{
		p:      &scratch.parser,
		intern: scratch.intern,
		file:   file,
		src:    src,
		// Values are substrings of the source; sharing its bytes instead
		// of copying them is safe because nothing writes to src after
		// loading (Node.Src is documented read-only).
		srcStr: unsafe.String(unsafe.SliceData(src), len(src)),
		lines:  appendLineIndex(scratch.lines, src),
		source: &source{file: file},
		root:   &tnode{kind: tTable, explicit: true},
		doc:    &Document{},
	}
	// Size the slabs from the number of '=' signs: about one key, one
	// value and one tree node each, so most files need one chunk of each.
	// Lines with an '=' count keys (a base64 secret's padding is on the
	// same line as its key); commas count the extra values of arrays.
	// Spare capacity is held as long as the node, so estimate closely:
	// the count is exact for keys written one per line, and the few keys
	// an inline table adds on its line overflow into a small chunk.
	n := countSlots(src)
	est := n.keys + 2
	b.doc.Keys = make([]*Key, 0, est)
	b.source.text = b.srcStr
	if n.elems > 0 {
		b.source.elems = make([]*Value, 0, n.elems)
	}
	b.values.chunk = make([]Value, 0, est+n.elems)
	b.keys.chunk = make([]Key, 0, est)
	b.tables.chunk = make([]Table, 0, n.headers+1)
	b.doc.Tables = make([]*Table, 0, n.headers+1)
	if want := est/2 + 8; cap(scratch.tnodes) >= want {
		b.tnodes.chunk = scratch.tnodes[:0]
	} else {
		b.tnodes.chunk = make([]tnode, 0, want)
	}
	b.children = scratch.children[:0]
	b.elemStack = scratch.elemStack[:0]
	first := b.tnodes.chunk
	b.cur = b.root
	b.p.KeepComments = true
	b.p.Reset(src)
	b.run()
	// The tree points at this file's keys: cleared, so that the scratch
	// does not keep the file alive, and handed back for the next file.
	if b.tnodes.spilled {
		clear(first[:cap(first)])
	}
	clear(b.tnodes.chunk)
	clear(b.children)
	scratch.tnodes, scratch.children = first[:0], b.children[:0]
	scratch.lines = b.lines[:0]
	clear(b.elemStack) // a failed array leaves its elements
	scratch.elemStack = b.elemStack[:0]
	return b.doc
}

// slotCounts estimates how many keys, array elements and table headers a
// file holds, to size the slabs before parsing.
type slotCounts struct{ keys, elems, headers int }

// countSlots reads src line by line: a line starting with '[' is a header;
// any other line with an '=' holds a key (a base64 secret's padding is on
// its key's line); commas and '[' on other lines count array elements
// (an array of n elements has n-1 commas, plus one for its '['). Strings
// holding these characters only over-estimate, by a slot each.
func countSlots(src []byte) slotCounts {
	var n slotCounts
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) || line[i] == '#' {
			continue
		}
		if line[i] == '[' {
			n.headers++
			continue
		}
		if bytes.IndexByte(line, '=') >= 0 {
			n.keys++
		}
		n.elems += bytes.Count(line, comma) + bytes.Count(line, openBracket)
	}
	return n
}

var comma, openBracket = []byte{','}, []byte{'['}

func (b *docBuilder) pos(r unstable.Range) Position {
	off := int(r.Offset)
	// Positions are asked for in file order: walk forward from the last
	// line found, and search only when asked for an earlier place.
	li := b.lines
	i := b.lastLine
	if i >= len(li) || li[i] > off {
		line, col := li.position(off)
		b.lastLine = line - 1
		return Position{File: b.file, Line: line, Column: col}
	}
	for i+1 < len(li) && li[i+1] <= off {
		i++
	}
	b.lastLine = i
	return Position{File: b.file, Line: i + 1, Column: off - li[i] + 1}
}

func (b *docBuilder) fail(pos Position, format string, args ...any) {
	if b.doc.Err == nil {
		b.doc.Err = &SyntaxError{Pos: pos, Message: fmt.Sprintf(format, args...)}
	}
}

func (b *docBuilder) run() {
	for b.doc.Err == nil && b.p.NextExpression() {
		e := b.p.Expression()
		switch e.Kind {
		case unstable.Comment:
			b.comment(e, false)
		case unstable.KeyValue:
			b.keyValue(e)
		case unstable.Table:
			b.table(e, false)
		case unstable.ArrayTable:
			b.table(e, true)
		}
		if n := e.Next(); n != nil && n.Kind == unstable.Comment {
			b.comment(n, true)
		}
	}
	if err := b.p.Error(); err != nil && b.doc.Err == nil {
		var perr *unstable.ParserError
		if errors.As(err, &perr) {
			off := b.offsetOf(perr.Highlight)
			b.fail(b.pos(unstable.Range{Offset: uint32(off)}), "%s", b.secretSafe(off, perr.Message))
		} else {
			b.fail(Position{File: b.file, Line: 1, Column: 1}, "%s", err.Error())
		}
	}
}

// offsetOf finds where a highlight slice (a sub-slice of the input) starts.
func (b *docBuilder) offsetOf(h []byte) int {
	if len(h) == 0 || len(b.src) == 0 {
		return len(b.src)
	}
	r := b.p.Range(h)
	if int(r.Offset) > len(b.src) {
		return len(b.src)
	}
	return int(r.Offset)
}

func (b *docBuilder) comment(n *unstable.Node, trailing bool) {
	b.doc.Comments = append(b.doc.Comments, Comment{
		Text:     strings.TrimPrefix(b.str(n.Data), "#"), // shares the source, as values do
		Pos:      b.pos(n.Raw),
		Trailing: trailing,
	})
}

// keySegments returns the parts of a dotted key and the position of its
// first part; ok is false (and the document failed) beyond MaxKeySegments.
func (b *docBuilder) keySegments(it unstable.Iterator) (segs []string, first Position, ok bool) {
	b.segs = b.segs[:0]
	for it.Next() {
		k := it.Node()
		if len(b.segs) == 0 {
			first = b.pos(k.Raw)
		}
		if len(b.segs) == MaxKeySegments {
			b.fail(first, "key or table name has more than %d dotted parts", MaxKeySegments)
			return nil, first, false
		}
		b.segs = append(b.segs, b.str(k.Data))
	}
	return b.segs, first, true
}

func (b *docBuilder) table(e *unstable.Node, array bool) {
	segs, pos, ok := b.keySegments(e.Key())
	if !ok {
		return
	}
	// A header's position is its '[' so that findings about a table point at it.
	pos.Column -= 1
	if array {
		pos.Column--
	}
	if pos.Column < 1 {
		pos.Column = 1
	}
	t := b.root
	inArray := false
	for i, seg := range segs {
		last := i == len(segs)-1
		c := b.child(t, seg)
		if c == nil {
			c = b.newTnode(tnode{kind: tTable, path: b.intern.join(t.path, seg), line: pos.Line})
			if last && array {
				c.kind = tArrayTable
			}
			b.add(t, seg, c)
		}
		switch c.kind {
		case tValue:
			b.fail(pos, "key %s is already a value (line %d) and cannot be a table", c.path, c.line)
			return
		case tArrayTable:
			inArray = true
			if last && array {
				el := b.newTnode(tnode{kind: tTable, explicit: true, line: pos.Line, path: c.path + "[" + strconv.Itoa(len(c.elems)) + "]"})
				c.elems = append(c.elems, el)
				t = el
				continue
			}
			if last {
				b.fail(pos, "table %s is already an array of tables (line %d)", c.path, c.line)
				return
			}
			if len(c.elems) == 0 {
				b.fail(pos, "array of tables %s has no element to extend", c.path)
				return
			}
			t = c.elems[len(c.elems)-1]
		case tTable:
			if last {
				if array {
					b.fail(pos, "table %s is already defined at line %d and cannot be an array of tables", c.path, c.line)
					return
				}
				if c.explicit || c.inline {
					b.fail(pos, "table %s is already defined at line %d", c.path, c.line)
					return
				}
				c.explicit = true
				c.line = pos.Line
			} else if c.closed {
				b.fail(pos, "table %s is an inline table (line %d) and cannot be extended by a header", c.path, c.line)
				return
			}
			t = c
		}
	}
	b.cur = t
	b.inArray = inArray
	tb := b.tables.new()
	*tb = Table{Path: t.path, at: b.atOf(pos), src: b.source, Array: array}
	b.doc.Tables = append(b.doc.Tables, tb)
}

func (b *docBuilder) keyValue(e *unstable.Node) {
	segs, pos, ok := b.keySegments(e.Key())
	if !ok {
		return
	}
	b.keyPos = pos
	b.assign(b.cur, segs, pos, e.Value(), b.inArray)
}

// assign places a value at segs below t, creating implicit tables for dotted keys.
func (b *docBuilder) assign(t *tnode, segs []string, pos Position, vn *unstable.Node, inArray bool) {
	for i, seg := range segs {
		c := b.child(t, seg)
		if i == len(segs)-1 {
			if c != nil {
				b.fail(pos, "duplicate key %s: previously defined at line %d", c.path, c.line)
				return
			}
			path := b.intern.join(t.path, seg)
			if vn.Kind == unstable.InlineTable {
				it := b.newTnode(tnode{kind: tTable, explicit: true, inline: true, line: pos.Line, path: path})
				b.add(t, seg, it)
				b.inlineTable(it, vn, inArray)
				it.close()
				return
			}
			v := b.value(vn, path, inArray)
			if v == nil {
				return
			}
			k := b.keys.new()
			*k = Key{Path: path, at: b.atOf(pos), Value: v, InArrayTable: inArray}
			b.addChild(t, tchild{seg: seg, key: k})
			b.doc.Keys = append(b.doc.Keys, k)
			return
		}
		if c == nil {
			c = b.newTnode(tnode{kind: tTable, inline: true, line: pos.Line, path: b.intern.join(t.path, seg)})
			b.add(t, seg, c)
		}
		switch {
		case c.kind == tValue:
			b.fail(pos, "key %s is already a value (line %d)", c.path, c.line)
			return
		case c.closed:
			b.fail(pos, "key %s is an inline table (line %d) and cannot be extended with dotted keys", c.path, c.line)
			return
		case c.kind == tArrayTable:
			b.fail(pos, "key %s is an array of tables (line %d) and cannot take dotted keys", c.path, c.line)
			return
		case c.explicit && !c.inline:
			b.fail(pos, "table %s is already defined at line %d and cannot be extended with dotted keys", c.path, c.line)
			return
		}
		t = c
	}
}

func (b *docBuilder) inlineTable(t *tnode, vn *unstable.Node, inArray bool) {
	if !b.enter() {
		return
	}
	defer b.leave()
	it := vn.Children()
	for it.Next() {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			continue
		}
		segs, pos, ok := b.keySegments(kv.Key())
		if !ok {
			return
		}
		segs = append([]string(nil), segs...)
		b.assign(t, segs, pos, kv.Value(), inArray)
		if b.doc.Err != nil {
			return
		}
	}
}

func (b *docBuilder) value(n *unstable.Node, path string, inArray bool) *Value {
	v := b.values.new()
	switch n.Kind {
	case unstable.Array:
		if !b.enter() {
			return nil
		}
		defer b.leave()
		v.Kind = KindArray
		v.src = b.source
		v.newSlot().at = b.atOf(b.arrayPos(n))
		it := n.Children()
		// The elements are gathered on the builder's stack (an inner
		// array gathers and moves its own first), then moved together
		// into the file's one arena of elements, which the array indexes.
		base := len(b.elemStack)
		i := 0
		for it.Next() {
			c := it.Node()
			switch c.Kind {
			case unstable.Comment:
				continue
			case unstable.InlineTable:
				// An array of inline tables: its fields become keys path[i].field.
				ev := &Value{Kind: KindTable, src: b.source}
				ev.newSlot().at = b.atOf(b.firstPos(c, v.Pos()))
				v.nested = true
				b.elemStack = append(b.elemStack, ev)
				// WSO2 reads both spellings of an array of tables into
				// the same list of maps, and resolves no $ref{} in it.
				t := &tnode{kind: tTable, explicit: true, inline: true, path: fmt.Sprintf("%s[%d]", path, i)}
				b.inlineTable(t, c, true)
			default:
				// Element paths only matter for inline tables inside nested arrays.
				e := b.value(c, path, inArray)
				if e == nil {
					return nil
				}
				v.nested = v.nested || e.Kind == KindArray
				b.elemStack = append(b.elemStack, e)
			}
			i++
		}
		v.off = uint32(len(b.source.elems))
		v.n = uint32(len(b.elemStack) - base)
		b.source.elems = append(b.source.elems, b.elemStack[base:]...)
		clear(b.elemStack[base:])
		b.elemStack = b.elemStack[:base]
		return v
	case unstable.InlineTable:
		// Only reachable inside arrays, handled above.
		return &Value{Kind: KindTable}
	}
	switch n.Kind {
	case unstable.String:
		v.Kind = KindString
	case unstable.Bool:
		v.Kind = KindBool
	case unstable.Integer:
		v.Kind = KindInteger
	case unstable.Float:
		v.Kind = KindFloat
	default:
		v.Kind = KindDateTime
	}
	if off, ok := b.offset(b.p.Raw(n.Raw)); ok {
		v.setSpan(b.source, off, int(n.Raw.Length), b.str(n.Data))
	} else {
		raw := string(b.p.Raw(n.Raw))
		pos := b.pos(n.Raw)
		v.setSpan(&source{file: b.file, text: raw, fixed: &pos}, 0, len(raw), b.str(n.Data))
	}
	switch v.Kind {
	case KindBool:
		v.Bool = v.Str() == "true"
	case KindInteger:
		_, err := parseTOMLInt(v.Str())
		if err != nil {
			// Never quote the number: it may be a password or a key
			// (password = 98765432109876543210123, key = 0x3f1c…).
			why := "is not a valid integer"
			if errors.Is(err, strconv.ErrRange) {
				why = "does not fit in 64 bits"
			}
			b.fail(v.Pos(), "integer of %d characters %s", len(v.Raw()), why)
			return nil
		}
	case KindFloat:
		if _, err := parseTOMLFloat(v.Str()); err != nil && !isTOMLSpecialFloat(v.Str()) {
			b.fail(v.Pos(), "float of %d characters is not a valid number", len(v.Raw()))
			return nil
		}
	}
	return v
}

// arrayPos returns the position of an array's '['; the array node has no
// range of its own, so it is found from the first element or the key.
func (b *docBuilder) arrayPos(n *unstable.Node) Position {
	it := n.Children()
	for it.Next() {
		c := it.Node()
		if c.Raw.Length > 0 || c.Kind == unstable.Comment {
			return b.openBracketBefore(int(c.Raw.Offset))
		}
		if c.Kind == unstable.Array || c.Kind == unstable.InlineTable {
			p := b.arrayPos(c)
			return b.openBracketBefore(b.offsetAt(p))
		}
	}
	// An empty array: the first '[' after the '=' of the key being read
	// (exact for key = [], the line at least inside inline tables and
	// nested arrays).
	if b.keyPos.IsValid() {
		off := b.offsetAt(b.keyPos)
		if eq := bytes.IndexByte(b.src[off:], '='); eq >= 0 {
			if br := bytes.IndexByte(b.src[off+eq:], '['); br >= 0 {
				return b.pos(unstable.Range{Offset: uint32(off + eq + br)})
			}
		}
	}
	return Position{File: b.file}
}

func (b *docBuilder) firstPos(n *unstable.Node, fallback Position) Position {
	it := n.Children()
	for it.Next() {
		c := it.Node()
		if c.Kind == unstable.KeyValue {
			kit := c.Key()
			if kit.Next() {
				return b.pos(kit.Node().Raw)
			}
		}
	}
	return fallback
}

// lineOf returns the line of a compact position in the file being parsed.
func (b *docBuilder) lineOf(a at) int {
	if a == 0 {
		return 0
	}
	line, _ := b.lines.position(int(a) - 1)
	return line
}

// atOf returns the compact form of a position in the file being parsed.
func (b *docBuilder) atOf(p Position) at {
	if !p.IsValid() || p.Line > len(b.lines) {
		return 0
	}
	return at(b.offsetAt(p) + 1)
}

func (b *docBuilder) offsetAt(p Position) int {
	if p.Line < 1 || p.Line > len(b.lines) {
		return 0
	}
	return b.lines[p.Line-1] + p.Column - 1
}

func (b *docBuilder) openBracketBefore(off int) Position {
	for i := off - 1; i >= 0 && i < len(b.src); i-- {
		if b.src[i] == '[' {
			return b.pos(unstable.Range{Offset: uint32(i)})
		}
	}
	return b.pos(unstable.Range{Offset: uint32(off)})
}

// parseTOMLFloat parses a TOML float, underscores and all.
func parseTOMLFloat(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
}

func parseTOMLInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "0o"):
		base, s = 8, s[2:]
	case strings.HasPrefix(s, "0b"):
		base, s = 2, s[2:]
	}
	return strconv.ParseInt(s, base, 64)
}

func isTOMLSpecialFloat(s string) bool {
	switch strings.TrimLeft(s, "+-") {
	case "inf", "nan":
		return true
	}
	return false
}

// joinPath appends one key segment to a canonical path, quoting it when it
// is not a bare TOML key.
func JoinPath(prefix, seg string) string {
	q := quoteSegment(seg)
	if prefix == "" {
		return q
	}
	return prefix + "." + q
}

func quoteSegment(seg string) string {
	if seg == "" {
		return `""`
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return strconv.Quote(seg)
		}
	}
	return seg
}

// enter counts one more level of arrays and inline tables, failing the
// document beyond MaxNesting.
func (b *docBuilder) enter() bool {
	b.depth++
	if b.depth > MaxNesting {
		b.fail(b.keyPos, "arrays and inline tables are nested more than %d deep", MaxNesting)
		return false
	}
	return true
}

func (b *docBuilder) leave() { b.depth-- }

// secretSafe keeps a parser message about the value of a secret-named key
// from quoting any of it: go-toml names the offending character
// ("expected newline but got U+0033 '3'").
func (b *docBuilder) secretSafe(off int, msg string) string {
	if !b.onSecretLine(off) {
		return msg
	}
	return quotedChar.ReplaceAllString(msg, "a character")
}

// quotedChar is a character as fmt's %#U writes it: U+0027 ”', U+0041 'A'.
var quotedChar = regexp.MustCompile(`U\+[0-9A-Fa-f]{4,6}(?: '(?:'|[^']+)')?`)

// onSecretLine reports whether offset off lies after the '=' of a line
// whose key (read leniently: the line need not parse) names a secret in
// the current table.
func (b *docBuilder) onSecretLine(off int) bool {
	off = min(max(off, 0), len(b.src))
	start := bytes.LastIndexByte(b.src[:off], '\n') + 1
	line := b.src[start:]
	if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	eq := bytes.IndexByte(line, '=')
	if eq < 0 || start+eq >= off {
		return false
	}
	path := b.cur.path
	for _, seg := range strings.Split(string(line[:eq]), ".") {
		path = JoinPath(path, strings.Trim(strings.TrimSpace(seg), `"'`))
	}
	return wso2.IsSecretPath(path)
}
