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
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apimlint/apimlint/internal/catalog/wire"
	"github.com/apimlint/apimlint/internal/tomldoc"
)

//go:embed catalog.json.gz
var embedded []byte

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
	idx           int    // the set's index: its bit in trie.in, its slot in trie.ends
	list          []*Key // the set's keys, sorted by path
	root          *trie  // shared by all sets
	open          map[string]bool
	// infer is infer.json, decoded on first use: only rules about
	// server_role and effective values ask for it.
	inferOnce sync.Once
	inferRaw  json.RawMessage
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
// whole run, so every garbage collection walks it).
type trie struct {
	kids map[string]*trie
	star *trie  // a "*" segment: any name
	in   uint32 // the sets with a key at or below this node, by bit
	ends []end  // the keys that end here, per set
}

// end is a key of one set ending at a trie node.
type end struct {
	set int
	key *Key
}

func (t *trie) child(name string) *trie {
	if name == "*" {
		if t.star == nil {
			t.star = &trie{}
		}
		return t.star
	}
	if t.kids == nil {
		t.kids = map[string]*trie{}
	}
	c := t.kids[name]
	if c == nil {
		c = &trie{}
		t.kids[name] = c
	}
	return c
}

// has reports whether set i has a key at or below t.
func (t *trie) has(i int) bool { return t != nil && t.in&(1<<i) != 0 }

// keysOf appends the keys of set i that end at t.
func (t *trie) keysOf(i int, out []*Key) []*Key {
	for _, e := range t.ends {
		if e.set == i {
			out = append(out, e.key)
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
	loadErr  error
)

func load() {
	loadOnce.Do(func() {
		// The wire format, with infer.json left raw (see Set.inferRaw).
		var f struct {
			wire.File
			Sets []struct {
				wire.Set
				Infer json.RawMessage `json:"infer"`
			} `json:"sets"`
		}
		zr, err := gzip.NewReader(bytes.NewReader(embedded))
		if err != nil {
			loadErr = fmt.Errorf("catalog: %w", err)
			return
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			loadErr = fmt.Errorf("catalog: %w", err)
			return
		}
		if err := json.Unmarshal(data, &f); err != nil {
			loadErr = fmt.Errorf("catalog: %w", err)
			return
		}
		segs := make([][]string, len(f.Paths)) // each path split once for all sets
		for i, p := range f.Paths {
			segs[i] = Segments(p)
		}
		pathIndex := make(map[string]int, len(f.Paths))
		for i, p := range f.Paths {
			pathIndex[p] = i
		}
		bySet = map[string]*Set{}
		root := &trie{}
		variants := map[string]*Key{} // identical keys of several sets are stored once
		for si, ws := range f.Sets {
			if si >= 32 {
				loadErr = fmt.Errorf("catalog: %d sets, at most 32 fit the trie's set masks", len(f.Sets))
				return
			}
			s := &Set{Version: ws.Version, Dist: ws.Dist, Provenance: ws.Sources, idx: si, root: root,
				open: map[string]bool{}, inferRaw: ws.Infer}
			for _, t := range ws.Open {
				s.open[t] = true
			}
			s.list = make([]*Key, 0, strings.Count(ws.Keys, "\n"))
			for rest := ws.Keys; rest != ""; {
				var line string
				line, rest, _ = strings.Cut(rest, "\n")
				// A line names its path by index, so equal lines are the
				// same key read the same way: decode each once.
				k := variants[line]
				if k == nil {
					wks, err := wire.DecodeKeys(line+"\n", f.Paths)
					if err != nil {
						loadErr = fmt.Errorf("catalog: %s/%s: %w", ws.Version, ws.Dist, err)
						return
					}
					wk := wks[0]
					// Clones: substrings would keep the whole set's text alive.
					k = &Key{Path: wk.Path, Unit: strings.Clone(wk.Unit), from: wk.From, rawDefault: strings.Clone(wk.Default)}
					for _, m := range wk.MapsTo {
						k.MapsTo = append(k.MapsTo, strings.Clone(m))
					}
					if len(wk.Reads) > 0 {
						k.Reads = make([]Read, 0, len(wk.Reads))
					}
					for _, r := range wk.Reads {
						if r.T >= 0 && r.T < len(f.Templates) {
							k.Reads = append(k.Reads, Read{Template: f.Templates[r.T], Line: r.L})
						}
					}
					variants[strings.Clone(line)] = k
				}
				s.list = append(s.list, k)
				t := root
				t.in |= 1 << si
				for _, seg := range segs[pathIndex[k.Path]] {
					t = t.child(seg)
					t.in |= 1 << si
				}
				t.ends = append(t.ends, end{si, k})
			}
			sort.Slice(s.list, func(i, j int) bool { return s.list[i].Path < s.list[j].Path })
			sets = append(sets, s)
			bySet[s.Version+"/"+s.Dist] = s
		}
		dists = map[string][]string{}
		for _, s := range sets {
			if len(versions) == 0 || versions[len(versions)-1] != s.Version {
				versions = append(versions, s.Version)
			}
			dists[s.Version] = append(dists[s.Version], s.Dist)
		}
	})
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
	m := Match{Closed: len(segs) > 0 && !s.open[segs[0]]}
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
		if c := t.kids[segs[i]]; c.has(si) && walk(c, i+1) {
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
	i := sort.Search(len(s.list), func(i int) bool { return s.list[i].Path >= path })
	if i < len(s.list) && s.list[i].Path == path {
		return s.list[i]
	}
	return nil
}

// Keys returns the set's keys, sorted by path.
func (s *Set) Keys() []*Key { return slices.Clone(s.list) }

// Children lists the names the catalogue knows directly under a table
// (for did-you-mean); "*" when the table is open.
func (s *Set) Children(table string) []string {
	t := s.root
	for _, seg := range Segments(table) {
		c := t.kids[seg]
		if !c.has(s.idx) {
			c = t.star
		}
		if !c.has(s.idx) {
			return nil
		}
		t = c
	}
	out := make([]string, 0, len(t.kids)+1)
	for n, c := range t.kids {
		if c.has(s.idx) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	if t.star.has(s.idx) {
		out = append(out, "*")
	}
	return out
}

// Open reports whether the catalogue leaves a top-level table open for
// this set (it cannot tell its keys).
func (s *Set) Open(table string) bool { return s.open[table] }

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
		if len(s.inferRaw) > 0 {
			_ = json.Unmarshal(s.inferRaw, &s.infer) // written by the generator from valid JSON
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
