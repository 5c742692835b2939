package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// The binary catalogue (catalog/catalog.bin) holds what File holds, laid
// out so that package catalog reads it in about a millisecond, without
// reflection, and without copying a string: it embeds the file as a Go
// string, and every name, path, default and infer.json text is a
// substring of it.
//
// It is not compressed. gzip would save about 400 KB of a 68 MB binary
// and cost every lint run a decompression and a heap copy of the whole
// catalogue, live for the whole run.
//
// Layout. Every integer is an unsigned varint; a string is an index into
// the string table (0 is always "").
//
//	magic                "apimlint catalog v1\n"
//	strings              n, n lengths, then the n strings back to back (sorted, unique)
//	templates            n, n strings                             (File.Templates)
//	paths                n, n × (string, trie node)               (File.Paths)
//	trie                 n, n × (name, named children<<1 | has a "*" child)
//	keys                 n, all their mappings, all their reads, n × key (distinct keys of all sets)
//	sets                 n, n × set
//
// The trie indexes every path by its segments (the caller's segments
// function, with array markers dropped) and is stored breadth-first: the
// root is node 0, and the children of node i follow those of node i-1,
// named ones sorted by name, then the "*" child. A key is
//
//	path, sets (bit i: set i has this key), from, unit, default (JSON),
//	n mappings, the mappings, n reads, n × (template, line)
//
// sorted by path: identical keys of several sets are stored once. A set is
//
//	version, dist, n open tables, the tables, n sources,
//	n × (repo, ref, commit, licence), infer.json (JSON), mappings (JSON)
const magic = "apimlint catalog v1\n"

// MaxSets is how many sets fit a key's set mask.
const MaxSets = 32

// Tables is a decoded binary catalogue: flat tables that package catalog
// builds its index from, and that File turns back into the JSON form.
//
// Keys hold no pointers: the tables are thrown away once package catalog
// has built its own, and what the garbage collector need not scan is
// cheaper to build.
type Tables struct {
	strings   string   // the string table's bytes
	offsets   []uint32 // string i is strings[offsets[i]:offsets[i+1]]
	Templates []string
	Paths     []string
	PathNode  []int32 // the trie node each path ends at
	Nodes     []Node  // the trie, breadth-first; Nodes[0] is the root
	Keys      []KeyRecord
	MapsTo    []string // the keys' mappings, KeyRecord.MapsTo windows of it
	Reads     []Read   // the keys' reads, KeyRecord.Reads windows of it
	Sets      []SetInfo
}

// Node is a trie node: a segment name, its named children
// (Nodes[Kids:Kids+NKids], sorted by name) and its "*" child (0: none).
type Node struct {
	Name        string
	Kids, NKids int32
	Star        int32
}

// KeyRecord is a distinct key and the sets that have it.
type KeyRecord struct {
	Path          int32  // index into Tables.Paths
	Sets          uint32 // bit i: Tables.Sets[i] has the key
	From          int32
	Unit, Default int32    // indexes into the string table (Tables.String)
	MapsTo, Reads [2]int32 // windows [lo, hi) of Tables.MapsTo and Tables.Reads
}

// String returns string i of the string table, a substring of the data.
func (t *Tables) String(i int32) string { return t.strings[t.offsets[i]:t.offsets[i+1]] }

// Key returns key i in the form the JSON catalogue had; its lists are
// windows of the tables' arrays.
func (t *Tables) Key(i int) Key {
	r := &t.Keys[i]
	k := Key{Path: t.Paths[r.Path], From: int(r.From), Unit: t.String(r.Unit), Default: t.String(r.Default)}
	if lo, hi := r.MapsTo[0], r.MapsTo[1]; hi > lo {
		k.MapsTo = t.MapsTo[lo:hi:hi]
	}
	if lo, hi := r.Reads[0], r.Reads[1]; hi > lo {
		k.Reads = t.Reads[lo:hi:hi]
	}
	return k
}

// SetInfo is a set without its keys (they are in Tables.Keys).
type SetInfo struct {
	Version, Dist string
	Open          []string
	Sources       []Provenance
	Infer         string // infer.json as JSON, "" for none
	Mappings      string // key mappings as JSON, "" for none
}

// EncodeBinary writes a catalogue in the binary form. segments splits a
// key path into the trie's names (package catalog's Segments); the result
// is the same bytes for the same File.
func EncodeBinary(f *File, segments func(string) []string) ([]byte, error) {
	if len(f.Sets) > MaxSets {
		return nil, fmt.Errorf("%d sets, at most %d fit a key's set mask", len(f.Sets), MaxSets)
	}
	pathIndex := make(map[string]int, len(f.Paths))
	for i, p := range f.Paths {
		if _, dup := pathIndex[p]; dup {
			return nil, fmt.Errorf("path %q listed twice", p)
		}
		pathIndex[p] = i
	}

	// Distinct keys: a key's line names its path by index, so equal lines
	// are the same key.
	type distinct struct {
		line string
		key  Key
		sets uint32
	}
	var keys []*distinct
	byLine := map[string]*distinct{}
	for si, s := range f.Sets {
		ks, err := DecodeKeys(s.Keys, f.Paths)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", s.Version, s.Dist, err)
		}
		seen := map[string]bool{}
		for _, k := range ks {
			if seen[k.Path] {
				return nil, fmt.Errorf("%s/%s: key %s listed twice", s.Version, s.Dist, k.Path)
			}
			seen[k.Path] = true
			line := EncodeKeys([]Key{k}, pathIndex)
			d := byLine[line]
			if d == nil {
				d = &distinct{line: line, key: k}
				byLine[line] = d
				keys = append(keys, d)
			}
			d.sets |= 1 << si
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		pi, pj := pathIndex[keys[i].key.Path], pathIndex[keys[j].key.Path]
		if pi != pj {
			return pi < pj
		}
		return keys[i].line < keys[j].line
	})

	// The trie of every path, laid out breadth-first.
	type node struct {
		name string
		kids map[string]*node
		star *node
		id   int
	}
	root := &node{}
	pathNode := make([]*node, len(f.Paths))
	for i, p := range f.Paths {
		t := root
		for _, seg := range segments(p) {
			if seg == "*" {
				if t.star == nil {
					t.star = &node{name: "*"}
				}
				t = t.star
				continue
			}
			if t.kids == nil {
				t.kids = map[string]*node{}
			}
			c := t.kids[seg]
			if c == nil {
				c = &node{name: seg}
				t.kids[seg] = c
			}
			t = c
		}
		pathNode[i] = t
	}
	order := []*node{root}
	var shape [][2]int // per node: named children, has a star child
	for i := 0; i < len(order); i++ {
		t := order[i]
		t.id = i
		names := make([]string, 0, len(t.kids))
		for n := range t.kids {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			order = append(order, t.kids[n])
		}
		star := 0
		if t.star != nil {
			order = append(order, t.star)
			star = 1
		}
		shape = append(shape, [2]int{len(names), star})
	}

	// The string table.
	strs := map[string]int{"": 0}
	note := func(s string) { strs[s] = 0 }
	for _, s := range f.Templates {
		note(s)
	}
	for _, p := range f.Paths {
		note(p)
	}
	for _, t := range order {
		note(t.name)
	}
	for _, d := range keys {
		note(d.key.Unit)
		note(d.key.Default)
		for _, m := range d.key.MapsTo {
			note(m)
		}
	}
	infers := make([]string, len(f.Sets))
	mappings := make([]string, len(f.Sets))
	for i, s := range f.Sets {
		note(s.Version)
		note(s.Dist)
		for _, o := range s.Open {
			note(o)
		}
		for _, p := range s.Sources {
			note(p.Repo)
			note(p.Ref)
			note(p.Commit)
			note(p.Licence)
		}
		var err error
		if infers[i], err = jsonOrEmpty(s.Infer, len(s.Infer)); err != nil {
			return nil, fmt.Errorf("%s/%s: infer: %w", s.Version, s.Dist, err)
		}
		if mappings[i], err = jsonOrEmpty(s.Mappings, len(s.Mappings)); err != nil {
			return nil, fmt.Errorf("%s/%s: mappings: %w", s.Version, s.Dist, err)
		}
		note(infers[i])
		note(mappings[i])
	}
	table := make([]string, 0, len(strs))
	for s := range strs {
		table = append(table, s)
	}
	sort.Strings(table)
	for i, s := range table {
		strs[s] = i
	}

	var w writer
	w.buf.WriteString(magic)
	w.uint(len(table))
	for _, s := range table {
		w.uint(len(s))
	}
	for _, s := range table {
		w.buf.WriteString(s)
	}
	w.uint(len(f.Templates))
	for _, s := range f.Templates {
		w.uint(strs[s])
	}
	w.uint(len(f.Paths))
	for i, p := range f.Paths {
		w.uint(strs[p])
		w.uint(pathNode[i].id)
	}
	w.uint(len(order))
	for i, t := range order {
		w.uint(strs[t.name])
		w.uint(shape[i][0]<<1 | shape[i][1])
	}
	nMaps, nReads := 0, 0
	for _, d := range keys {
		nMaps += len(d.key.MapsTo)
		nReads += len(d.key.Reads)
	}
	w.uint(len(keys))
	w.uint(nMaps)
	w.uint(nReads)
	for _, d := range keys {
		k := d.key
		w.uint(pathIndex[k.Path])
		w.uint(int(d.sets))
		if k.From < 0 {
			return nil, fmt.Errorf("key %s: negative source flags", k.Path)
		}
		if k.From > math.MaxInt32 {
			return nil, fmt.Errorf("key %s: source flags %d too large", k.Path, k.From)
		}
		w.uint(k.From)
		w.uint(strs[k.Unit])
		w.uint(strs[k.Default])
		w.uint(len(k.MapsTo))
		for _, m := range k.MapsTo {
			w.uint(strs[m])
		}
		w.uint(len(k.Reads))
		for _, r := range k.Reads {
			if r.T < 0 || r.T >= len(f.Templates) || r.L < 0 {
				return nil, fmt.Errorf("key %s: bad read %d:%d", k.Path, r.T, r.L)
			}
			w.uint(r.T)
			w.uint(r.L)
		}
	}
	w.uint(len(f.Sets))
	for i, s := range f.Sets {
		w.uint(strs[s.Version])
		w.uint(strs[s.Dist])
		w.uint(len(s.Open))
		for _, o := range s.Open {
			w.uint(strs[o])
		}
		w.uint(len(s.Sources))
		for _, p := range s.Sources {
			w.uint(strs[p.Repo])
			w.uint(strs[p.Ref])
			w.uint(strs[p.Commit])
			w.uint(strs[p.Licence])
		}
		w.uint(strs[infers[i]])
		w.uint(strs[mappings[i]])
	}
	return w.buf.Bytes(), nil
}

// jsonOrEmpty is v as JSON, or "" when it is empty (as omitempty leaves
// it out of the JSON form).
func jsonOrEmpty(v any, n int) (string, error) {
	if n == 0 {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

type writer struct {
	buf bytes.Buffer
	tmp [binary.MaxVarintLen64]byte
}

func (w *writer) uint(n int) {
	w.buf.Write(w.tmp[:binary.PutUvarint(w.tmp[:], uint64(n))])
}

// reader reads the binary form; the first error sticks, and every later
// read returns zero.
type reader struct {
	data string
	off  int
	t    *Tables // its string table, once read
	err  error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("offset %d: "+format, append([]any{r.off}, args...)...)
	}
}

// uint reads a varint; most take one or two bytes.
func (r *reader) uint() uint64 {
	d, o := r.data, r.off
	if o+1 < len(d) {
		if b := d[o]; b < 0x80 {
			r.off = o + 1
			return uint64(b)
		} else if c := d[o+1]; c < 0x80 {
			r.off = o + 2
			return uint64(b&0x7f) | uint64(c)<<7
		}
	}
	return r.uintSlow()
}

func (r *reader) uintSlow() uint64 {
	if r.err != nil {
		return 0
	}
	var x uint64
	var s uint
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if r.off >= len(r.data) {
			r.fail("truncated")
			return 0
		}
		b := r.data[r.off]
		r.off++
		if b < 0x80 {
			if i == binary.MaxVarintLen64-1 && b > 1 {
				break
			}
			return x | uint64(b)<<s
		}
		x |= uint64(b&0x7f) << s
		s += 7
	}
	r.fail("varint overflows")
	return 0
}

// count reads a length of a list whose items each take at least min
// bytes, so a corrupt length cannot ask for a huge allocation.
func (r *reader) count(min int) int {
	n := r.uint()
	if r.err != nil || n > uint64((len(r.data)-r.off)/min) {
		r.fail("count %d exceeds the data", n)
		return 0
	}
	return int(n)
}

// index reads an index below n.
func (r *reader) index(n int) int {
	i := r.uint()
	if r.err != nil || i >= uint64(n) {
		r.fail("index %d out of range (%d)", i, n)
		return 0
	}
	return int(i)
}

// strIndex reads an index into the string table.
func (r *reader) strIndex() int32 {
	return int32(r.index(len(r.t.offsets) - 1))
}

func (r *reader) str() string {
	i := r.strIndex()
	if r.err != nil {
		return ""
	}
	return r.t.String(i)
}

// DecodeBinary reads what EncodeBinary wrote. The strings of the result
// are substrings of data.
func DecodeBinary(data string) (*Tables, error) {
	if !strings.HasPrefix(data, magic) {
		return nil, errors.New("not a binary catalogue (bad magic)")
	}
	t := &Tables{}
	r := &reader{data: data, off: len(magic), t: t}

	n := r.count(1)
	t.offsets = make([]uint32, n+1)
	total := uint64(0)
	for i := range n {
		total += r.uint()
		if total > uint64(len(data)) {
			r.fail("string table exceeds the data")
			break
		}
		t.offsets[i+1] = uint32(total)
	}
	if r.err == nil && (total > uint64(len(data)-r.off) || len(data) > math.MaxUint32) {
		r.fail("string table of %d bytes exceeds the data", total)
	}
	if r.err == nil && (n == 0 || t.offsets[1] != 0) {
		r.fail("string 0 is not empty")
	}
	if r.err != nil {
		return nil, r.err
	}
	t.strings = data[r.off : r.off+int(total)]
	r.off += int(total)

	t.Templates = make([]string, r.count(1))
	for i := range t.Templates {
		t.Templates[i] = r.str()
	}
	np := r.count(2)
	t.Paths = make([]string, np)
	t.PathNode = make([]int32, np)
	for i := range t.Paths {
		t.Paths[i] = r.str()
		t.PathNode[i] = int32(r.uint()) // checked once the trie's size is known
	}

	nn := r.count(2)
	if r.err == nil && nn == 0 {
		r.fail("no trie root")
	}
	t.Nodes = make([]Node, nn)
	next := 1 // the next node to be some node's child
	for i := range t.Nodes {
		nd := &t.Nodes[i]
		nd.Name = r.str()
		shape := r.uint()
		kids, star := shape>>1, shape&1
		if r.err == nil && (kids > uint64(nn) || uint64(next)+kids+star > uint64(nn) || next <= i && kids+star > 0) {
			r.fail("trie node %d: %d children past the %d nodes", i, kids+star, nn)
		}
		if r.err != nil {
			break
		}
		nd.Kids, nd.NKids = int32(next), int32(kids)
		next += int(kids)
		if star == 1 {
			nd.Star = int32(next)
			next++
		}
	}
	if r.err == nil && next != nn {
		r.fail("trie: %d nodes, %d reached from the root", nn, next)
	}
	for i, pn := range t.PathNode {
		if r.err == nil && (pn < 0 || int(pn) >= nn) {
			r.fail("path %d: trie node %d out of range", i, pn)
		}
	}

	nk := r.count(7) // path, sets, from, unit, default, 0 mappings, 0 reads
	nMaps, nReads := r.count(1), r.count(2)
	if r.err == nil && (nMaps > math.MaxInt32 || nReads > math.MaxInt32) {
		r.fail("too many mappings or reads")
	}
	t.MapsTo = make([]string, 0, nMaps)
	t.Reads = make([]Read, 0, nReads)
	t.Keys = make([]KeyRecord, nk)
	nt := len(t.Templates)
	for i := range t.Keys {
		k := &t.Keys[i]
		k.Path = int32(r.index(np))
		k.Sets = uint32(r.uint())
		k.From = int32(r.uint())
		k.Unit = r.strIndex()
		k.Default = r.strIndex()
		m := r.count(1)
		if r.err != nil || len(t.MapsTo)+m > nMaps {
			r.fail("more mappings than announced")
			break
		}
		k.MapsTo[0] = int32(len(t.MapsTo))
		for range m {
			t.MapsTo = append(t.MapsTo, r.str())
		}
		k.MapsTo[1] = int32(len(t.MapsTo))
		rd := r.count(2)
		if r.err != nil || len(t.Reads)+rd > nReads {
			r.fail("more reads than announced")
			break
		}
		k.Reads[0] = int32(len(t.Reads))
		for range rd {
			t.Reads = append(t.Reads, Read{T: r.index(nt), L: int(r.uint())})
		}
		k.Reads[1] = int32(len(t.Reads))
		if i > 0 && k.Path < t.Keys[i-1].Path {
			r.fail("keys out of path order")
		}
	}
	if r.err == nil && (len(t.MapsTo) != nMaps || len(t.Reads) != nReads) {
		r.fail("fewer mappings or reads than announced")
	}

	ns := r.count(6)
	if ns > MaxSets {
		r.fail("%d sets, at most %d", ns, MaxSets)
		ns = 0
	}
	t.Sets = make([]SetInfo, ns)
	for i := range t.Sets {
		s := &t.Sets[i]
		s.Version = r.str()
		s.Dist = r.str()
		if m := r.count(1); m > 0 {
			s.Open = make([]string, m)
			for j := range s.Open {
				s.Open[j] = r.str()
			}
		}
		if m := r.count(4); m > 0 {
			s.Sources = make([]Provenance, m)
			for j := range s.Sources {
				s.Sources[j] = Provenance{Repo: r.str(), Ref: r.str(), Commit: r.str(), Licence: r.str()}
			}
		}
		s.Infer = r.str()
		s.Mappings = r.str()
	}
	if r.err == nil && r.off != len(data) {
		r.fail("%d bytes after the last set", len(data)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	return t, nil
}

// File turns decoded tables back into the JSON form the generator builds
// (infer.json numbers as json.Number, as the generator reads them).
func (t *Tables) File() (*File, error) {
	f := &File{Templates: t.Templates, Paths: t.Paths}
	pathIndex := make(map[string]int, len(t.Paths))
	for i, p := range t.Paths {
		pathIndex[p] = i
	}
	for i, s := range t.Sets {
		ws := Set{Version: s.Version, Dist: s.Dist, Open: s.Open, Sources: s.Sources}
		var keys []Key
		for j, k := range t.Keys {
			if k.Sets&(1<<i) != 0 {
				keys = append(keys, t.Key(j))
			}
		}
		ws.Keys = EncodeKeys(keys, pathIndex)
		if err := decodeJSON(s.Infer, &ws.Infer); err != nil {
			return nil, fmt.Errorf("%s/%s: infer: %w", s.Version, s.Dist, err)
		}
		if err := decodeJSON(s.Mappings, &ws.Mappings); err != nil {
			return nil, fmt.Errorf("%s/%s: mappings: %w", s.Version, s.Dist, err)
		}
		f.Sets = append(f.Sets, ws)
	}
	return f, nil
}

func decodeJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	return d.Decode(v)
}
