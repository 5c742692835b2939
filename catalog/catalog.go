// Package catalog is WSO2 API Manager's own catalogue of deployment.toml
// keys, per version (4.0.0–4.7.0) and distribution: every key a
// config-mapper template reads, with its default, key mapping, inference
// and unit, and the templates and lines that read it. It is generated from
// WSO2's config-mapper metadata (see internal/catalog/gen) and embedded.
//
// WSO2 silently drops a key no template reads, so a key the catalogue does
// not know is a key WSO2 ignores.
package catalog

//go:generate go run ../internal/catalog/gen

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/apimlint/apimlint/internal/tomldoc"
)

// embedded is the catalogue in its binary form (wire.EncodeBinary). A
// string, so that every name, path and default the catalogue hands out is
// a substring of it: read-only data in the binary, never copied, never
// scanned by the garbage collector.
//
//go:embed catalog.bin
var embedded string

// Distributions from 4.5.0 on; earlier versions have one, DistAll.
const (
	DistAll           = "all"
	DistAllInOne      = "all-in-one-apim"
	DistControlPlane  = "api-control-plane"
	DistGateway       = "gateway"
	DistTrafficManger = "traffic-manager"
)

// Read is a template that reads a key and the line of its first read.
type Read struct {
	Template string // pack path under repository/resources/conf/
	Line     int
}

// Key is one key of a set.
type Key struct {
	// Path is the catalogue path: "a.b", "a.list[].field" for a field of an
	// array of tables, "a.open.*" for any key of a table a template
	// iterates, "database.*.type" for an inference on any table.
	Path   string
	Unit   string   // unit-resolve: "time:s"
	MapsTo []string // key-mappings: the internal keys it becomes
	Reads  []Read
	from   int
	sets   uint32 // bit i: the set with index i has this key
	// rawDefault is the default.json value as JSON ("" for none), decoded
	// on demand: few keys' defaults are ever asked for.
	rawDefault string
}

// Default returns the default.json value, decoded (strings, json.Number,
// bools, lists, maps), and whether there is one (a null default is one).
func (k *Key) Default() (any, bool) {
	if k.rawDefault == "" {
		return nil, false
	}
	var v any
	d := json.NewDecoder(strings.NewReader(k.rawDefault))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// Sources says where the key comes from: template, default, ref, mapping,
// infer-trigger, infer-target, unit, excluded-template, identity-proxy.
func (k *Key) Sources() []string {
	names := []string{"template", "default", "ref", "mapping", "infer-trigger", "infer-target", "unit", "excluded-template", "identity-proxy"}
	var out []string
	for i, n := range names {
		if k.from&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// ProxyOnly reports a key known only from identity-framework 5.18.248,
// standing in for the identity-framework this version pins and the
// metadata lacks.
func (k *Key) ProxyOnly() bool { return k.from == wire.FromProxy }

// Set is the catalogue of one version and distribution.
type Set struct {
	Version, Dist string
	Provenance    []wire.Provenance
	idx           int      // the set's index: its bit in trie.in and Key.sets
	root          *trie    // shared by all sets
	open          []string // sorted
	// list is the set's keys, sorted by path, listed on first use: only
	// Key, Keys and the history of renames walk them.
	listOnce sync.Once
	list     []*Key
	// infer is infer.json, decoded on first use: only rules about
	// server_role and effective values ask for it.
	inferOnce sync.Once
	inferRaw  string
	infer     map[string]map[string]map[string]any
	// lookups memoises Lookup: every node of a fleet asks for the same
	// paths. It is bounded, so a long-running watcher does not grow it.
	lookups sync.Map // path -> Match
	nLookup atomic.Int64
}

const lookupMemoMax = 1 << 16

// trie indexes the keys of every set by segment, without array markers:
// the user's a.list[0].field and the catalogue's a.list[].field meet at
// a/list/field. One trie serves all sets: most keys are read by every
// version, and the catalogue stays small in memory (it is live for the
// whole run, so every garbage collection walks it). The generator lays it
// out (wire.EncodeBinary); load only points its nodes at each other.
type trie struct {
	name string
	kids []trie // the named children, sorted by name
	star *trie  // a "*" segment: any name
	in   uint32 // the sets with a key at or below this node, by bit
	ends []*Key // the keys of every set that end here, by path
}

// kid returns the child named name, nil if none.
func (t *trie) kid(name string) *trie {
	if t == nil {
		return nil
	}
	lo, hi := 0, len(t.kids)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.kids[m].name < name {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.kids) && t.kids[lo].name == name {
		return &t.kids[lo]
	}
	return nil
}

// has reports whether set i has a key at or below t.
func (t *trie) has(i int) bool { return t != nil && t.in&(1<<i) != 0 }

// keysOf appends the keys of set i that end at t.
func (t *trie) keysOf(i int, out []*Key) []*Key {
	for _, k := range t.ends {
		if k.sets&(1<<i) != 0 {
			out = append(out, k)
		}
	}
	return out
}

var (
	loadOnce sync.Once
	sets     []*Set
	bySet    map[string]*Set
	versions []string            // oldest first
	dists    map[string][]string // version -> its distributions
	allKeys  []Key               // every set's keys, identical ones once, sorted by path
	loadErr  error
)

func load() {
	loadOnce.Do(func() {
		if err := loadFrom(embedded); err != nil {
			loadErr = fmt.Errorf("catalog: %w", err)
		}
	})
}

// loadFrom builds the catalogue from its binary form: the keys in one
// array, the trie in another, each node's keys a window of a third.
func loadFrom(data string) error {
	tb, err := wire.DecodeBinary(data)
	if err != nil {
		return err
	}
	nodes := make([]trie, len(tb.Nodes))
	parent := make([]int32, len(tb.Nodes))
	for i, n := range tb.Nodes {
		t := &nodes[i]
		t.name = n.Name
		if n.NKids > 0 {
			t.kids = nodes[n.Kids : n.Kids+n.NKids : n.Kids+n.NKids]
			for c := n.Kids; c < n.Kids+n.NKids; c++ {
				parent[c] = int32(i)
			}
		}
		if n.Star > 0 {
			t.star = &nodes[n.Star]
			parent[n.Star] = int32(i)
		}
	}
	keys := make([]Key, len(tb.Keys))
	reads := make([]Read, len(tb.Reads))
	for i, r := range tb.Reads {
		reads[i] = Read{Template: tb.Templates[r.T], Line: r.L}
	}
	nEnds := make([]int, len(nodes)+1) // keys ending at each node, then where they start
	for i, wk := range tb.Keys {
		k := &keys[i]
		// Field by field: the array is fresh, and a composite literal
		// would be copied in with a bulk write barrier.
		k.Path, k.Unit, k.rawDefault = tb.Paths[wk.Path], tb.String(wk.Unit), tb.String(wk.Default)
		k.from, k.sets = int(wk.From), wk.Sets
		if lo, hi := wk.MapsTo[0], wk.MapsTo[1]; hi > lo {
			k.MapsTo = tb.MapsTo[lo:hi:hi]
		}
		if lo, hi := wk.Reads[0], wk.Reads[1]; hi > lo {
			k.Reads = reads[lo:hi:hi]
		}
		nEnds[tb.PathNode[wk.Path]+1]++
	}
	for i := 1; i < len(nEnds); i++ {
		nEnds[i] += nEnds[i-1]
	}
	ends := make([]*Key, len(keys))
	next := slices.Clone(nEnds[:len(nodes)])
	for i := range keys { // in path order: each node's keys stay sorted
		n := tb.PathNode[tb.Keys[i].Path]
		ends[next[n]] = &keys[i]
		next[n]++
	}
	for i := range nodes {
		t := &nodes[i]
		if lo, hi := nEnds[i], nEnds[i+1]; hi > lo {
			t.ends = ends[lo:hi:hi]
			for _, k := range t.ends {
				t.in |= k.sets
			}
		}
	}
	for i := len(nodes) - 1; i > 0; i-- { // breadth-first: children after parents
		nodes[parent[i]].in |= nodes[i].in
	}

	root := &nodes[0]
	var all []*Set
	by := make(map[string]*Set, len(tb.Sets))
	for si, ws := range tb.Sets {
		slices.Sort(ws.Open)
		s := &Set{Version: ws.Version, Dist: ws.Dist, Provenance: ws.Sources, idx: si, root: root,
			open: ws.Open, inferRaw: ws.Infer}
		all = append(all, s)
		by[s.Version+"/"+s.Dist] = s
	}
	sets, bySet, allKeys = all, by, keys
	dists = map[string][]string{}
	for _, s := range sets {
		if len(versions) == 0 || versions[len(versions)-1] != s.Version {
			versions = append(versions, s.Version)
		}
		dists[s.Version] = append(dists[s.Version], s.Dist)
	}
	return nil
}

// keys lists the set's keys, sorted by path.
func (s *Set) keys() []*Key {
	s.listOnce.Do(func() {
		bit := uint32(1) << s.idx
		n := 0
		for i := range allKeys {
			if allKeys[i].sets&bit != 0 {
				n++
			}
		}
		s.list = make([]*Key, 0, n)
		for i := range allKeys {
			if allKeys[i].sets&bit != 0 {
				s.list = append(s.list, &allKeys[i])
			}
		}
	})
	return s.list
}

// Err reports a catalogue that could not be read (a broken build).
func Err() error {
	load()
	return loadErr
}

// Versions lists the versions the catalogue knows, oldest first.
func Versions() []string {
	load()
	return slices.Clone(versions)
}

// Dists lists the distributions of a version.
func Dists(version string) []string {
	load()
	return slices.Clone(dists[version])
}

// Get returns the set of a version and distribution. A distribution a
// version does not have falls back to its only one (versions before 4.5.0
// ship one pack, "all"); nil when the version is unknown.
func Get(version, dist string) *Set {
	load()
	if s := bySet[version+"/"+dist]; s != nil {
		return s
	}
	if ds := dists[version]; len(ds) == 1 {
		return bySet[version+"/"+ds[0]]
	}
	if dist == "" || dist == DistAll {
		return bySet[version+"/"+DistAllInOne]
	}
	return nil
}

// DistForRole is the distribution that runs a node of an apimlint role
// (control-plane, gateway, traffic-manager, key-manager, all-in-one) from
// 4.5.0 on; "" for roles no distribution runs.
func DistForRole(role string) string {
	switch role {
	case "control-plane", "key-manager":
		return DistControlPlane
	case "gateway":
		return DistGateway
	case "traffic-manager":
		return DistTrafficManger
	case "all-in-one":
		return DistAllInOne
	}
	return ""
}

// Match is what the catalogue says about one key path.
type Match struct {
	Known bool
	// Keys are the catalogue keys the path matches: itself, a pattern such
	// as database.*.type, or the open table it lies under (x.*). A path
	// that is only a table of catalogue keys matches none.
	Keys []*Key
	// Closed is false when the catalogue cannot judge the path: its
	// top-level table is read only by templates the metadata lacks.
	Closed bool
	// Known up to Depth segments: the first unknown segment is Depth.
	Depth int
}

// Lookup looks a key up in the set of a version and distribution.
func Lookup(version, dist, key string) (Match, error) {
	s := Get(version, dist)
	if s == nil {
		if err := Err(); err != nil {
			return Match{}, err
		}
		return Match{}, fmt.Errorf("catalog: no version %s (known: %s)", version, strings.Join(Versions(), ", "))
	}
	return s.Lookup(key), nil
}

// Lookup looks up a key path, written as apimlint writes key paths
// (apim.gateway.environment[0].name, a."quoted.seg") or as the catalogue
// does ([] and * segments).
func (s *Set) Lookup(path string) Match {
	if m, ok := s.lookups.Load(path); ok {
		return m.(Match)
	}
	m := s.lookup(path)
	if s.nLookup.Load() < lookupMemoMax {
		if _, loaded := s.lookups.LoadOrStore(path, m); !loaded {
			s.nLookup.Add(1)
		}
	}
	return m
}

func (s *Set) lookup(path string) Match {
	segs := Segments(path)
	m := Match{Closed: len(segs) > 0 && !s.Open(segs[0])}
	si := s.idx
	var walk func(t *trie, i int) bool
	walk = func(t *trie, i int) bool {
		if i > m.Depth {
			m.Depth = i
		}
		if i == len(segs) {
			m.Keys = t.keysOf(si, m.Keys)
			return true
		}
		found := false
		if c := t.kid(segs[i]); c.has(si) && walk(c, i+1) {
			found = true
		}
		if t.star.has(si) {
			switch {
			case walk(t.star, i+1):
				found = true
			case len(t.star.keysOf(si, nil)) > 0:
				// x.*: any key, at any depth, below an open table.
				m.Keys = t.star.keysOf(si, m.Keys)
				m.Depth = len(segs)
				found = true
			}
		}
		return found
	}
	m.Known = s.root.has(si) && walk(s.root, 0)
	return m
}

// Key returns a catalogue key by its exact catalogue path.
func (s *Set) Key(path string) *Key {
	list := s.keys()
	i := sort.Search(len(list), func(i int) bool { return list[i].Path >= path })
	if i < len(list) && list[i].Path == path {
		return list[i]
	}
	return nil
}

// Keys returns the set's keys, sorted by path.
func (s *Set) Keys() []*Key { return slices.Clone(s.keys()) }

// Children lists the names the catalogue knows directly under a table
// (for did-you-mean); "*" when the table is open.
func (s *Set) Children(table string) []string {
	t := s.root
	for _, seg := range Segments(table) {
		c := t.kid(seg)
		if !c.has(s.idx) {
			c = t.star
		}
		if !c.has(s.idx) {
			return nil
		}
		t = c
	}
	out := make([]string, 0, len(t.kids)+1)
	for i := range t.kids { // sorted by name
		if t.kids[i].has(s.idx) {
			out = append(out, t.kids[i].name)
		}
	}
	if t.star.has(s.idx) {
		out = append(out, "*")
	}
	return out
}

// Open reports whether the catalogue leaves a top-level table open for
// this set (it cannot tell its keys).
func (s *Set) Open(table string) bool {
	_, ok := slices.BinarySearch(s.open, table)
	return ok
}

// Default returns the default of a key, if the version has one.
func (s *Set) Default(path string) (any, bool) {
	for _, k := range s.Lookup(path).Keys {
		if v, ok := k.Default(); ok {
			return v, true
		}
	}
	return nil, false
}

// ServerRoles lists the server.server_role values the distribution's
// infer.json knows (and so infers settings for), sorted.
func (s *Set) ServerRoles() []string {
	var out []string
	for v := range s.inferences()["server.server_role"] {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// Inferred returns what infer.json sets when key has value (nil if
// nothing). Triggers with a "*" segment (database.*.type) match any name.
// It is InferredBy: triggers are indexed by their last name.
func (s *Set) Inferred(key, value string) map[string]any { return s.InferredBy(key, value) }

// bindCaptures fills infer.json's $1, $2 … in the keys and values a
// trigger with "*" segments sets with the names those segments matched:
// database.apim_db.type = "mysql" sets database.apim_db.url to
// jdbc:mysql://$ref{database.apim_db.hostname}…, not to a key of "$1".
func bindCaptures(m map[string]any, trig, segs []string) map[string]any {
	var caps []string
	for i, t := range trig {
		if t == "*" {
			caps = append(caps, segs[i])
		}
	}
	if len(caps) == 0 {
		return m
	}
	bind := func(s string) string {
		for i := len(caps) - 1; i >= 0; i-- { // $10 before $1, were there ten
			s = strings.ReplaceAll(s, "$"+strconv.Itoa(i+1), caps[i])
		}
		return s
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if str, ok := v.(string); ok {
			v = bind(str)
		}
		out[bind(k)] = v
	}
	return out
}

func (s *Set) inferences() map[string]map[string]map[string]any {
	s.inferOnce.Do(func() {
		if s.inferRaw != "" {
			_ = json.Unmarshal([]byte(s.inferRaw), &s.infer) // written by the generator from valid JSON
		}
	})
	return s.infer
}

// Segments splits a key path into names: quotes removed, array markers
// and indexes dropped.
func Segments(p string) []string {
	segs := tomldoc.AppendSegments(make([]tomldoc.Segment, 0, 8), p)
	out := make([]string, len(segs))
	for i, sg := range segs {
		out[i] = sg.Name
	}
	return out
}
