package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/google/go-cmp/cmp"
)

// The catalogue as it was read before the binary form: JSON, a trie of
// maps, one list of (set, key) ends per node. TestBinaryLoadMatchesJSONLoad
// proves the binary load builds the same catalogue from the same contents.

type legacySet struct {
	Version, Dist string
	Provenance    []wire.Provenance
	list          []*Key
	open          map[string]bool
	inferRaw      json.RawMessage
}

type legacyTrie struct {
	kids map[string]*legacyTrie
	star *legacyTrie
	in   uint32
	ends []legacyEnd
}

type legacyEnd struct {
	set int
	key *Key
}

func (t *legacyTrie) child(name string) *legacyTrie {
	if name == "*" {
		if t.star == nil {
			t.star = &legacyTrie{}
		}
		return t.star
	}
	if t.kids == nil {
		t.kids = map[string]*legacyTrie{}
	}
	c := t.kids[name]
	if c == nil {
		c = &legacyTrie{}
		t.kids[name] = c
	}
	return c
}

// legacyLoad is the former load, verbatim but for its types.
func legacyLoad(data []byte) ([]*legacySet, *legacyTrie, error) {
	var f struct {
		wire.File
		Sets []struct {
			wire.Set
			Infer json.RawMessage `json:"infer"`
		} `json:"sets"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, nil, err
	}
	segs := make([][]string, len(f.Paths))
	for i, p := range f.Paths {
		segs[i] = Segments(p)
	}
	pathIndex := make(map[string]int, len(f.Paths))
	for i, p := range f.Paths {
		pathIndex[p] = i
	}
	var sets []*legacySet
	root := &legacyTrie{}
	variants := map[string]*Key{}
	for si, ws := range f.Sets {
		s := &legacySet{Version: ws.Version, Dist: ws.Dist, Provenance: ws.Sources, open: map[string]bool{}, inferRaw: ws.Infer}
		for _, t := range ws.Open {
			s.open[t] = true
		}
		for rest := ws.Keys; rest != ""; {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			k := variants[line]
			if k == nil {
				wks, err := wire.DecodeKeys(line+"\n", f.Paths)
				if err != nil {
					return nil, nil, fmt.Errorf("%s/%s: %w", ws.Version, ws.Dist, err)
				}
				wk := wks[0]
				k = &Key{Path: wk.Path, Unit: wk.Unit, from: wk.From, rawDefault: wk.Default}
				k.MapsTo = append(k.MapsTo, wk.MapsTo...)
				if len(wk.Reads) > 0 {
					k.Reads = make([]Read, 0, len(wk.Reads))
				}
				for _, r := range wk.Reads {
					if r.T >= 0 && r.T < len(f.Templates) {
						k.Reads = append(k.Reads, Read{Template: f.Templates[r.T], Line: r.L})
					}
				}
				variants[line] = k
			}
			s.list = append(s.list, k)
			t := root
			t.in |= 1 << si
			for _, seg := range segs[pathIndex[k.Path]] {
				t = t.child(seg)
				t.in |= 1 << si
			}
			t.ends = append(t.ends, legacyEnd{si, k})
		}
		sort.Slice(s.list, func(i, j int) bool { return s.list[i].Path < s.list[j].Path })
		sets = append(sets, s)
	}
	return sets, root, nil
}

// keyView is everything a Key holds but the sets it belongs to (the
// legacy keys never knew).
type keyView struct {
	Path, Unit, Default string
	MapsTo              []string
	Reads               []Read
	From                int
}

func viewKeys(ks []*Key) []keyView {
	out := make([]keyView, len(ks))
	for i, k := range ks {
		out[i] = keyView{k.Path, k.Unit, k.rawDefault, k.MapsTo, k.Reads, k.from}
	}
	return out
}

func TestBinaryLoadMatchesJSONLoad(t *testing.T) {
	if err := Err(); err != nil {
		t.Fatal(err)
	}
	tb, err := wire.DecodeBinary(embedded)
	if err != nil {
		t.Fatal(err)
	}
	f, err := tb.File()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	old, oldRoot, err := legacyLoad(js)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != len(sets) {
		t.Fatalf("%d sets, the JSON load has %d", len(sets), len(old))
	}
	for i, o := range old {
		s := sets[i]
		name := o.Version + "/" + o.Dist
		if s.Version != o.Version || s.Dist != o.Dist || s.idx != i {
			t.Fatalf("set %d is %s/%s (index %d), want %s", i, s.Version, s.Dist, s.idx, name)
		}
		if diff := cmp.Diff(o.Provenance, s.Provenance); diff != "" {
			t.Errorf("%s provenance (-json +binary):\n%s", name, diff)
		}
		var open []string
		for tbl := range o.open {
			open = append(open, tbl)
		}
		slices.Sort(open)
		if !slices.Equal(open, s.open) {
			t.Errorf("%s open tables = %v, want %v", name, s.open, open)
		}
		if diff := cmp.Diff(viewKeys(o.list), viewKeys(s.Keys())); diff != "" {
			t.Errorf("%s keys (-json +binary):\n%s", name, diff)
		}
		var oldInfer map[string]map[string]map[string]any
		if len(o.inferRaw) > 0 {
			if err := json.Unmarshal(o.inferRaw, &oldInfer); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(oldInfer, s.inferences()); diff != "" {
			t.Errorf("%s infer.json (-json +binary):\n%s", name, diff)
		}
	}
	// Identical keys of several sets are one key in both.
	distinct := func(lists [][]*Key) int {
		m := map[*Key]bool{}
		for _, l := range lists {
			for _, k := range l {
				m[k] = true
			}
		}
		return len(m)
	}
	var oldLists, newLists [][]*Key
	for i := range old {
		oldLists, newLists = append(oldLists, old[i].list), append(newLists, sets[i].keys())
	}
	if o, n := distinct(oldLists), distinct(newLists); o != n {
		t.Errorf("%d distinct keys, the JSON load has %d", n, o)
	}
	// The tries: the same names, the same set masks, the same keys per set
	// in the same order, node by node.
	nodes := 0
	var walk func(path string, o *legacyTrie, n *trie)
	walk = func(path string, o *legacyTrie, n *trie) {
		nodes++
		if o.in != n.in {
			t.Errorf("trie %q: sets %b, want %b", path, n.in, o.in)
		}
		for si := range old {
			var want []*Key
			for _, e := range o.ends {
				if e.set == si {
					want = append(want, e.key)
				}
			}
			if diff := cmp.Diff(viewKeys(want), viewKeys(n.keysOf(si, nil))); diff != "" {
				t.Errorf("trie %q, set %d keys (-json +binary):\n%s", path, si, diff)
			}
		}
		var names []string
		for name := range o.kids {
			names = append(names, name)
		}
		sort.Strings(names)
		var got []string
		for i := range n.kids {
			got = append(got, n.kids[i].name)
		}
		if !slices.Equal(names, got) {
			t.Errorf("trie %q: children %v, want %v", path, got, names)
			return
		}
		for _, name := range names {
			walk(path+"/"+name, o.kids[name], n.kid(name))
		}
		if (o.star == nil) != (n.star == nil) {
			t.Errorf("trie %q: star child %v, want %v", path, n.star != nil, o.star != nil)
		} else if o.star != nil {
			walk(path+"/*", o.star, n.star)
		}
	}
	walk("", oldRoot, sets[0].root)
	if nodes < 1000 {
		t.Errorf("walked %d trie nodes, want the whole trie", nodes)
	}
}

// TestLoadBrokenCatalogue: a damaged catalogue is an error, not a panic.
func TestLoadBrokenCatalogue(t *testing.T) {
	for _, data := range []string{"", "apimlint catalog v1\n", embedded[:len(embedded)/2]} {
		if err := loadFrom(data); err == nil {
			t.Errorf("loadFrom(%d bytes): no error", len(data))
		}
	}
}
