package tomldoc

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/apimlint/apimlint/wso2"
)

// ValueKind is the TOML type of a value.
type ValueKind uint8

// The kinds of TOML values. Inline tables are flattened into keys, so
// KindTable only appears as an element of an array of inline tables.
const (
	KindString ValueKind = iota + 1
	KindInteger
	KindFloat
	KindBool
	KindDateTime
	KindArray
	KindTable
)

var kindNames = [...]string{"", "string", "integer", "float", "boolean", "datetime", "array", "table"}

func (k ValueKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ResolveState is how far placeholder resolution got with a value.
type ResolveState uint8

// The states of resolution.
const (
	Unresolved ResolveState = iota
	Resolving
	Resolved
)

// Value is one TOML value with its position and, for strings, the result
// of placeholder resolution.
//
// A node holds a Value per scalar and per array element (about 90 in a
// gateway's file), so its size is most of the node model's. A value is a
// span of its file's text: its raw text, decoded string, number and
// position are read from the span when asked for. What only arrays,
// inline tables, escaped strings and placeholders need lives in its
// source's slots, which the value numbers. Twenty-four bytes and one
// pointer, where a value with its strings and position as fields took
// ninety-six and five: the model of a fleet is that much smaller, and the
// collector scans less.
type Value struct {
	off, n uint32 // the raw text: src.text[off:off+n]; an array's elements: src.elems[off:off+n]
	Kind   ValueKind
	Bool   bool
	// Symbolic is set when Resolved still holds a placeholder (see Resolved).
	Symbolic bool
	// Resolution is how far placeholder resolution got (package lint
	// resolves).
	Resolution ResolveState
	nested     bool // KindArray with arrays or tables inside
	// hasPlaceholders is set when resolution found placeholders in Str.
	hasPlaceholders bool
	// slot numbers the value's entry in src.slots, from 1 (0: none;
	// slotElsewhere: src.more holds the index).
	slot uint16

	src *source
}

// slotElsewhere marks a value whose slot index did not fit in 16 bits.
const slotElsewhere = math.MaxUint16

// source is what the values, keys and tables of one file share: the
// file's name, its text, which values are spans of, and the elements of
// its arrays, which arrays are spans of (an array of three strings took a
// valueExt and a slice of its own: about 130 bytes, now 24).
type source struct {
	file  string
	text  string
	elems []*Value
	slots []slot
	more  map[*Value]int // slot indexes past the 65,534th
	// fixed, when set, is the position of every value of the source: a
	// value that is not a span of its file's text, or one with no
	// position at all (StringValue).
	fixed *Position

	// near is the last position asked for (offset<<32 | line), from which
	// the next is counted.
	near      atomic.Uint64
	linesOnce sync.Once
	lines     lineIndex // of a large file, made when a position is first asked for
}

// slot holds what few values have: an array's or inline table's position
// (their span indexes elems, not the text), and a string's extension.
type slot struct {
	ext *valueExt
	at  at
}

// at is a compact position: a byte offset of the text of the record's
// source, plus one (0 when the record has no position). Line and column
// are worked out when asked for: most records are never reported.
type at uint32

// in returns the position in src's file.
func (a at) in(src *source) Position {
	switch {
	case src == nil:
		return Position{}
	case src.fixed != nil:
		return *src.fixed
	case a == 0:
		return Position{File: src.file}
	}
	off := min(int(a)-1, len(src.text))
	if len(src.text) <= scanPositionsUpTo {
		// Counting lines costs less than an index in time and memory for
		// the few positions asked of a node, and positions are mostly asked
		// in file order: the count goes on from the last one asked.
		from, line := 0, 1
		if near := src.near.Load(); near != 0 && int(near>>32) <= off {
			from, line = int(near>>32), int(uint32(near))
		}
		line += strings.Count(src.text[from:off], "\n")
		src.near.Store(uint64(off)<<32 | uint64(line))
		return Position{File: src.file, Line: line, Column: off - strings.LastIndexByte(src.text[:off], '\n')}
	}
	src.linesOnce.Do(func() { src.lines = appendLineIndex(nil, unsafe.Slice(unsafe.StringData(src.text), len(src.text))) })
	line, col := src.lines.position(off)
	return Position{File: src.file, Line: line, Column: col}
}

// scanPositionsUpTo is the size of text whose positions are counted; a
// larger file gets a line index the first time a position is asked of it.
const scanPositionsUpTo = 32 << 10

// slotOf returns the value's slot, or nil.
func (v *Value) slotOf() *slot {
	switch {
	case v.slot == 0:
		return nil
	case v.slot == slotElsewhere:
		return &v.src.slots[v.src.more[v]]
	}
	return &v.src.slots[v.slot-1]
}

// newSlot gives the value a slot (at loading, by the one goroutine that
// loads its file: slots are then only read).
func (v *Value) newSlot() *slot {
	if s := v.slotOf(); s != nil {
		return s
	}
	if v.src == nil {
		v.src = &source{}
	}
	i := len(v.src.slots)
	v.src.slots = append(v.src.slots, slot{})
	if i+1 < slotElsewhere {
		v.slot = uint16(i + 1)
	} else {
		if v.src.more == nil {
			v.src.more = map[*Value]int{}
		}
		v.src.more[v] = i
		v.slot = slotElsewhere
	}
	return &v.src.slots[i]
}

// ext returns the value's extension, or nil.
func (v *Value) ext() *valueExt {
	if s := v.slotOf(); s != nil {
		return s.ext
	}
	return nil
}

// valueExt holds what few values have: a string whose escapes make it
// differ from its raw text, and the result of resolving placeholders
// when it differs from Str or some of them resolved.
type valueExt struct {
	str      string
	resolved string
	known    uint64 // bit i: the i-th placeholder of Str resolved
	// listed holds placeholders given to SetResolved that are not those
	// a scan of Str finds, or more than known's 64 bits: kept as given.
	listed      *[]wso2.Placeholder
	hasStr      bool
	hasResolved bool
}

func (v *Value) extension() *valueExt {
	s := v.newSlot()
	if s.ext == nil {
		s.ext = &valueExt{}
	}
	return s.ext
}

// StringValue returns a string value with no position, resolved to itself.
func StringValue(s string) *Value {
	v := &Value{Kind: KindString, Resolution: Resolved}
	raw := QuoteTOML(s)
	v.setSpan(&source{text: raw, fixed: &Position{}}, 0, len(raw), s)
	return v
}

// setSpan makes the value the span text[off:off+n] of src, with decoded
// string str.
func (v *Value) setSpan(src *source, off, n int, str string) {
	v.src, v.off, v.n = src, uint32(off), uint32(n)
	if v.plainStr() != str {
		e := v.extension()
		e.str, e.hasStr = str, true
	}
}

// plainStr is the decoded string the raw text gives without escapes.
func (v *Value) plainStr() string {
	raw := v.Raw()
	if v.Kind == KindString && len(raw) >= 2 {
		return raw[1 : len(raw)-1]
	}
	return raw
}

// Pos returns where the value is written.
func (v *Value) Pos() Position {
	if v.Kind == KindArray || v.Kind == KindTable {
		var a at
		if s := v.slotOf(); s != nil {
			a = s.at
		}
		return a.in(v.src)
	}
	return at(v.off + 1).in(v.src)
}

// Raw returns the value as written in the file ("[...]" for an array).
func (v *Value) Raw() string {
	switch {
	case v.Kind == KindArray:
		return "[...]"
	case v.src == nil:
		return ""
	}
	return v.src.text[v.off : v.off+v.n]
}

// Str returns a string's decoded text, and the raw text of other kinds.
func (v *Value) Str() string {
	if e := v.ext(); e != nil && e.hasStr {
		return e.str
	}
	return v.plainStr()
}

// Int returns a KindInteger value's number, and 0 for other kinds.
func (v *Value) Int() int64 {
	if v == nil || v.Kind != KindInteger {
		return 0
	}
	i, _ := parseTOMLInt(v.Str()) // checked when the file was parsed
	return i
}

// Elems returns an array's elements (nil for other kinds). Callers only
// read the slice.
func (v *Value) Elems() []*Value {
	if v == nil || v.Kind != KindArray || v.src == nil || v.n == 0 {
		return nil
	}
	return v.src.elems[v.off : v.off+v.n : v.off+v.n]
}

// Float returns a KindFloat value's number, and 0 for other kinds.
func (v *Value) Float() float64 {
	if v == nil || v.Kind != KindFloat {
		return 0
	}
	f, _ := parseTOMLFloat(v.Str()) // checked when the file was parsed
	return f
}

// HasPlaceholders reports whether resolution found placeholders in the
// value (Placeholders is not empty).
func (v *Value) HasPlaceholders() bool { return v != nil && v.hasPlaceholders }

// HasPlaceholderOf reports whether resolution found a placeholder of kind
// in the value, without making the list Placeholders returns.
func (v *Value) HasPlaceholderOf(kind wso2.PlaceholderKind) bool {
	if v == nil || !v.hasPlaceholders {
		return false
	}
	if e := v.ext(); e != nil && e.listed != nil {
		for _, ph := range *e.listed {
			if ph.Kind == kind {
				return true
			}
		}
		return false
	}
	found := false
	wso2.EachPlaceholder(v.Str(), func(ph wso2.Placeholder) bool {
		found = ph.Kind == kind
		return !found
	})
	return found
}

// Resolved returns a string after placeholder resolution: placeholders
// that cannot be known statically ($env{}, $sys{}, $secret{}, unknown
// ${}) stay in it as written, and Symbolic is set. It is Str until the
// value is resolved, and empty for values that are not strings.
func (v *Value) Resolved() string {
	if v == nil {
		return ""
	}
	if e := v.ext(); e != nil && e.hasResolved {
		return e.resolved
	}
	if v.Kind == KindString {
		return v.Str()
	}
	return ""
}

// Placeholders returns the placeholders of a resolved string, with what
// resolution learnt of each (Known). The list is made on each call (a
// node keeps only which ones are known); callers may keep it.
func (v *Value) Placeholders() []wso2.Placeholder {
	if v == nil || !v.hasPlaceholders {
		return nil
	}
	e := v.ext()
	if e != nil && e.listed != nil {
		return *e.listed
	}
	phs := wso2.ScanPlaceholders(v.Str())
	if e != nil {
		for i := range min(len(phs), 64) {
			phs[i].Known = e.known&(1<<i) != 0
		}
	}
	return phs
}

// AllPlaceholders yields what Placeholders returns, without making the
// list: rules ask for the placeholders of every secret of every node.
func (v *Value) AllPlaceholders() iter.Seq[wso2.Placeholder] {
	return func(yield func(wso2.Placeholder) bool) {
		if v == nil || !v.hasPlaceholders {
			return
		}
		e := v.ext()
		if e != nil && e.listed != nil {
			for _, ph := range *e.listed {
				if !yield(ph) {
					return
				}
			}
			return
		}
		i := 0
		wso2.EachPlaceholder(v.Str(), func(ph wso2.Placeholder) bool {
			if e != nil && i < 64 {
				ph.Known = e.known&(1<<i) != 0
			}
			i++
			return yield(ph)
		})
	}
}

// SetResolved records the result of resolving a string's placeholders
// (package lint/placeholder resolves): placeholders are those of Str, in
// order, with Known set on those resolution found. A value keeps the
// resolved string only when it differs from Str, and of its placeholders
// only which are known: a $secret{} alias resolved to itself takes no
// memory (it took a hundred bytes, and a gateway has a dozen).
func (v *Value) SetResolved(resolved string, placeholders []wso2.Placeholder) {
	v.hasPlaceholders = len(placeholders) > 0
	if e := v.ext(); e != nil {
		e.resolved, e.hasResolved, e.known, e.listed = "", false, 0, nil
	}
	var known uint64
	listed := len(placeholders) > 64
	if !listed && len(placeholders) > 0 {
		i := 0
		wso2.EachPlaceholder(v.Str(), func(q wso2.Placeholder) bool {
			if i == len(placeholders) {
				listed = true
				return false
			}
			p := placeholders[i]
			q.Known = p.Known
			if p != q {
				listed = true
				return false
			}
			if p.Known {
				known |= 1 << i
			}
			i++
			return true
		})
		listed = listed || i != len(placeholders)
	}
	if listed {
		// Not the placeholders a scan of Str finds: kept, copied, since
		// callers pass a scratch slice.
		kept := slices.Clone(placeholders)
		v.extension().listed = &kept
	} else if known != 0 {
		v.extension().known = known
	}
	if resolved != v.Str() {
		e := v.extension()
		e.resolved, e.hasResolved = resolved, true
	}
}

// Text returns the value as a string after resolution: the resolved string
// for strings, the literal text for other scalars.
func (v *Value) Text() string {
	if v == nil {
		return ""
	}
	if v.Kind == KindString {
		return v.Resolved()
	}
	return v.Str()
}

// Strings returns the resolved texts of an array's elements, or the value
// itself as a one-element list when it is a scalar.
func (v *Value) Strings() []string {
	if v == nil {
		return nil
	}
	if v.Kind != KindArray {
		return []string{v.Text()}
	}
	out := make([]string, 0, len(v.Elems()))
	for _, e := range v.Elems() {
		if e.Kind != KindArray && e.Kind != KindTable {
			out = append(out, e.Text())
		}
	}
	return out
}

// Scalars returns the array's scalar elements, or the value itself.
func (v *Value) Scalars() []*Value {
	if v == nil {
		return nil
	}
	if v.Kind != KindArray {
		return []*Value{v}
	}
	if !v.nested {
		return v.Elems() // callers only read it
	}
	out := make([]*Value, 0, len(v.Elems()))
	for _, e := range v.Elems() {
		if e.Kind != KindArray && e.Kind != KindTable {
			out = append(out, e)
		}
	}
	return out
}

// Interface returns the resolved value as plain Go data: string, int64,
// float64, bool or []any.
func (v *Value) Interface() any {
	switch v.Kind {
	case KindString:
		return v.Resolved()
	case KindInteger:
		return v.Int()
	case KindFloat:
		return v.Float()
	case KindBool:
		return v.Bool
	case KindArray:
		out := make([]any, len(v.Elems()))
		for i, e := range v.Elems() {
			out[i] = e.Interface()
		}
		return out
	case KindTable:
		return map[string]any{}
	default:
		return v.Str()
	}
}

// Int64 returns the value as an integer, accepting WSO2's habit of writing
// numbers as strings (`port = "3306"`).
func (v *Value) Int64() (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch v.Kind {
	case KindInteger:
		return v.Int(), true
	case KindString:
		if v.Symbolic {
			return 0, false
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v.Resolved()), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Port returns the value as a TCP port (1 to 65535), accepting a number
// written as a string.
func (v *Value) Port() (int, bool) {
	p, ok := v.Int64()
	if !ok || !wso2.ValidPort(p) {
		return 0, false
	}
	return int(p), true
}

// Truthy returns the value as a boolean, accepting "true"/"false" strings.
func (v *Value) Truthy() (value, ok bool) {
	if v == nil {
		return false, false
	}
	switch v.Kind {
	case KindBool:
		return v.Bool, true
	case KindString:
		switch strings.ToLower(strings.TrimSpace(v.Resolved())) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// QuoteTOML renders s as a TOML basic string, escaping quotes, backslashes
// and control characters.
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
