package tomldoc

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/apimlint/apimlint/wso2"
)

// The node model's size is most of apimlint's memory: a field added to
// Value or Key costs it on every key of every node.
func TestRecordSizes(t *testing.T) {
	if got := unsafe.Sizeof(Value{}); got > 24 {
		t.Errorf("Value is %d bytes, want at most 24", got)
	}
	if got := unsafe.Sizeof(Key{}); got > 32 {
		t.Errorf("Key is %d bytes, want at most 32", got)
	}
	if got := unsafe.Sizeof(Table{}); got > 32 {
		t.Errorf("Table is %d bytes, want at most 32", got)
	}
}

// parseValues parses src, which must be valid, and indexes its values by
// key path.
func parseValues(t *testing.T, src string) (*Document, map[string]*Value) {
	t.Helper()
	doc := Parse("f.toml", []byte(src), nil)
	if doc.Err != nil {
		t.Fatal(doc.Err)
	}
	byPath := map[string]*Value{}
	for _, k := range doc.Keys {
		byPath[k.Path] = k.Value
	}
	return doc, byPath
}

// A value is a span of its file: what it reads back from the span must be
// what the parser decoded, escapes and all.
func TestValueSpans(t *testing.T) {
	src := "a = \"plain\"\nb = \"tab\\there \\\"q\\\"\"\nc = 'lit\\eral'\nd = \"\"\"\nmulti\nline\"\"\"\ne = 0x1F\nf = 1_000\ng = 6.5e-1\nh = true\ni = 1979-05-27T07:32:00Z\nj = [\"x\", 2]\n"
	doc, byPath := parseValues(t, src)
	get := func(p string) *Value {
		v, ok := byPath[p]
		if !ok {
			t.Fatalf("no key %s", p)
		}
		return v
	}
	for _, c := range []struct{ path, raw, str string }{
		{"a", `"plain"`, "plain"},
		{"b", `"tab\there \"q\""`, "tab\there \"q\""},
		{"c", `'lit\eral'`, `lit\eral`},
		{"d", "\"\"\"\nmulti\nline\"\"\"", "multi\nline"},
		{"e", "0x1F", "0x1F"},
		{"h", "true", "true"},
		{"i", "1979-05-27T07:32:00Z", "1979-05-27T07:32:00Z"},
		{"j", "[...]", "[...]"},
	} {
		v := get(c.path)
		if v.Raw() != c.raw || v.Str() != c.str {
			t.Errorf("%s: Raw %q Str %q, want %q %q", c.path, v.Raw(), v.Str(), c.raw, c.str)
		}
	}
	if got := get("e").Int(); got != 31 {
		t.Errorf("Int of 0x1F = %d", got)
	}
	if got := get("f").Int(); got != 1000 {
		t.Errorf("Int of 1_000 = %d", got)
	}
	if got := get("g").Float(); got != 0.65 {
		t.Errorf("Float of 6.5e-1 = %v", got)
	}
	if !get("h").Bool {
		t.Error("Bool of true is false")
	}
	if p := get("b").Pos(); p != (Position{File: "f.toml", Line: 2, Column: 5}) {
		t.Errorf("Pos of b = %v", p)
	}
	for _, k := range doc.Keys {
		if k.Path == "j" && k.Pos() != (Position{File: "f.toml", Line: 12, Column: 1}) {
			t.Errorf("Pos of key j = %v", k.Pos())
		}
	}
	el := get("j").Elems()
	if len(el) != 2 || el[0].Str() != "x" || el[1].Int() != 2 || el[1].Pos().Column != 11 {
		t.Errorf("elements of j: %v", el)
	}
	sv := StringValue(`say "hi"`)
	if sv.Str() != `say "hi"` || sv.Raw() != `"say \"hi\""` || sv.Pos().IsValid() {
		t.Errorf("StringValue: Str %q Raw %q Pos %v", sv.Str(), sv.Raw(), sv.Pos())
	}
}

// What strings with placeholders keep: one of each per such value.
func TestExtensionSizes(t *testing.T) {
	if got := unsafe.Sizeof(valueExt{}); got > 64 {
		t.Errorf("valueExt is %d bytes, want at most 64", got)
	}
	if got := unsafe.Sizeof(wso2.Placeholder{}); got > 48 {
		t.Errorf("wso2.Placeholder is %d bytes, want at most 48", got)
	}
}

// Arrays are spans of their file's arena of elements: nested arrays and
// arrays of inline tables must each get back their own elements.
func TestArraySpans(t *testing.T) {
	src := "a = [[1, 2], [\"x\"], []]\nb = [{p = 1}, {q = 2}]\nc = [ # note\n  \"y\",\n]\n"
	_, byPath := parseValues(t, src)
	a := byPath["a"].Elems()
	if len(a) != 3 || len(a[0].Elems()) != 2 || a[0].Elems()[1].Int() != 2 || a[1].Elems()[0].Str() != "x" || a[2].Elems() != nil {
		t.Errorf("a: %d elements", len(a))
	}
	if sc := byPath["a"].Scalars(); len(sc) != 0 {
		t.Errorf("a has %d scalars at its top level, want none", len(sc))
	}
	b := byPath["b"].Elems()
	if len(b) != 2 || b[0].Kind != KindTable || b[1].Kind != KindTable || byPath["b[1].q"].Int() != 2 {
		t.Errorf("b: %v", b)
	}
	if c := byPath["c"].Elems(); len(c) != 1 || c[0].Str() != "y" || c[0].Pos().Line != 4 {
		t.Errorf("c: %v", c)
	}
}

// A value keeps of its placeholders only which are known; what comes back
// is what resolution recorded, also when it is not what a scan finds or
// when there are more than 64.
func TestPlaceholdersKept(t *testing.T) {
	v := StringValue("${a}-$ref{b.c}-$secret{d}")
	phs := wso2.ScanPlaceholders(v.Str())
	phs[1].Known = true
	v.SetResolved("x-y-$secret{d}", phs)
	got := v.Placeholders()
	samePlaceholders(t, v)
	if len(got) != 3 || got[0].Known || !got[1].Known || got[2].Known || got[1].Name != "b.c" || got[2].Start != 15 {
		t.Errorf("Placeholders = %+v", got)
	}
	if v.Resolved() != "x-y-$secret{d}" {
		t.Errorf("Resolved = %q", v.Resolved())
	}
	// A $secret{} alias resolved to itself keeps nothing beyond the flag.
	s := StringValue("$secret{d}")
	s.SetResolved(s.Str(), wso2.ScanPlaceholders(s.Str()))
	if s.ext() != nil || len(s.Placeholders()) != 1 {
		t.Errorf("alias: ext %v, placeholders %+v", s.ext(), s.Placeholders())
	}
	// Placeholders that a scan of Str does not find are kept as given.
	odd := []wso2.Placeholder{{Name: "other", Text: "${other}", Kind: wso2.PlaceholderRuntime, Known: true}}
	v.SetResolved("z", odd)
	samePlaceholders(t, v)
	if got := v.Placeholders(); len(got) != 1 || got[0].Name != "other" || !got[0].Known {
		t.Errorf("given list: %+v", got)
	}
	// More than 64: every Known bit survives.
	long := ""
	for range 70 {
		long += "${p}"
	}
	w := StringValue(long)
	many := wso2.ScanPlaceholders(w.Str())
	many[69].Known = true
	w.SetResolved("r", many)
	samePlaceholders(t, w)
	if got := w.Placeholders(); len(got) != 70 || !got[69].Known || got[68].Known {
		t.Errorf("70 placeholders: %d, last known %v", len(got), len(got) == 70 && got[69].Known)
	}
	// Resolved to no placeholders: none come back.
	v.SetResolved("plain", nil)
	if v.Placeholders() != nil || v.Resolved() != "plain" {
		t.Errorf("after plain: %+v %q", v.Placeholders(), v.Resolved())
	}
}

// samePlaceholders checks that AllPlaceholders yields what Placeholders
// returns.
func samePlaceholders(t *testing.T, v *Value) {
	t.Helper()
	var all []wso2.Placeholder
	for ph := range v.AllPlaceholders() {
		all = append(all, ph)
	}
	if !slices.Equal(all, v.Placeholders()) {
		t.Errorf("AllPlaceholders %+v, Placeholders %+v", all, v.Placeholders())
	}
}

// An empty array has no element to find its '[' by: it is found after
// its key's '=' (findings on event_duplicate_url = [] pointed at 1:1).
func TestEmptyArrayPosition(t *testing.T) {
	doc := Parse("f.toml", []byte("[t]\nempty   =  []\nhub = { on = true, urls = [] }\n"), nil)
	if doc.Err != nil {
		t.Fatal(doc.Err)
	}
	want := map[string]Position{
		"t.empty":    {File: "f.toml", Line: 2, Column: 12},
		"t.hub.urls": {File: "f.toml", Line: 3, Column: 27},
	}
	for _, k := range doc.Keys {
		if w, ok := want[k.Path]; ok && k.Value.Pos() != w {
			t.Errorf("%s at %v, want %v", k.Path, k.Value.Pos(), w)
		}
	}
}

// A value numbers its slot in 16 bits; a file with more values that need
// one (escaped strings, arrays) keeps the rest in a map, and every value
// still reads back its own string and position.
func TestSlotsPastSixteenBits(t *testing.T) {
	var b strings.Builder
	const n = 70000
	for i := range n {
		fmt.Fprintf(&b, "s%d = \"a\\tb%d\"\nl%d = [%d]\n", i, i, i, i)
	}
	doc := Parse("big.toml", []byte(b.String()), nil)
	if doc.Err != nil {
		t.Fatal(doc.Err)
	}
	if len(doc.Keys) != 2*n {
		t.Fatalf("%d keys", len(doc.Keys))
	}
	for _, i := range []int{0, 32766, 32767, 32768, n - 2, n - 1} {
		s, l := doc.Keys[2*i].Value, doc.Keys[2*i+1].Value
		if want := fmt.Sprintf("a\tb%d", i); s.Str() != want {
			t.Errorf("s%d = %q, want %q", i, s.Str(), want)
		}
		if p := l.Pos(); p.Line != 2*i+2 || p.Column != len(fmt.Sprintf("l%d = ", i))+1 {
			t.Errorf("l%d at %v, want line %d", i, p, 2*i+2)
		}
		if e := l.Elems(); len(e) != 1 || e[0].Int() != int64(i) {
			t.Errorf("l%d elements %v", i, e)
		}
	}
}

// Positions are counted from the last one asked for: asked in any order,
// from many goroutines, they are the same.
func TestPositionsInAnyOrder(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "[t%d]\n# note\nk%d = %q\n  arr = [1,\n 2]\n", i, i, strings.Repeat("x", i%7))
	}
	src := []byte(b.String())
	want := Parse("f.toml", src, nil)
	var forward []Position
	for _, k := range want.Keys {
		forward = append(forward, k.Pos(), k.Value.Pos())
	}
	got := Parse("f.toml", src, nil)
	var wg sync.WaitGroup
	results := make([][]Position, 4)
	for g := range results {
		wg.Go(func() {
			out := make([]Position, 2*len(got.Keys))
			for j := len(got.Keys) - 1; j >= 0; j-- {
				i := j
				if g%2 == 1 {
					i = (j * 7) % len(got.Keys)
				}
				out[2*i], out[2*i+1] = got.Keys[i].Pos(), got.Keys[i].Value.Pos()
			}
			results[g] = out
		})
	}
	wg.Wait()
	for g, r := range results {
		if !slices.Equal(r, forward) {
			t.Fatalf("goroutine %d: positions differ from those asked in order", g)
		}
	}
	if p := want.Keys[3].Value.Pos(); p.Line != 9 || p.Column != 9 {
		t.Errorf("t1.arr at %v, want 9:9", p)
	}
}
