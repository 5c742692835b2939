// Package fleetversion decides which API Manager version (and which
// distribution) each node of a fleet runs: as .apimlint.toml declares it
// ([[node]] version, else [fleet] version), or inferred from the keys the
// node sets. When the evidence does not single one version out, a node
// keeps every version that explains its keys equally well, and checks
// against their union: a wrong guess must never make a real key unknown.
package fleetversion

import (
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/lint"
)

// Where a node's version comes from.
const (
	SourceNode     = "[[node]] version"
	SourceFleet    = "[fleet] version"
	SourceInferred = "inferred"
	SourceNone     = "none" // a role no API Manager distribution runs
)

// Version is what apimlint knows of a node's version.
type Version struct {
	// Candidates are the catalogue versions the node may run, oldest
	// first: one when declared or inferred for sure, several when unsure,
	// none when the declared version is not in the catalogue.
	Candidates []string
	// Dists are the distributions the node may run (from its role; from
	// 4.5.0 on, a server_role only the all-in-one pack infers adds it).
	Dists    []string
	Source   string
	Declared string // as written in .apimlint.toml
	Why      string // for people: the evidence or the declaration

	keyManager bool
}

// Sure reports a node with exactly one candidate version.
func (v Version) Sure() bool { return len(v.Candidates) == 1 }

// String is the version for people: "4.6.0", "4.5.0|4.6.0", or the
// declared one.
func (v Version) String() string {
	if len(v.Candidates) == 0 {
		if v.Declared != "" {
			return v.Declared
		}
		return "unknown"
	}
	return strings.Join(v.Candidates, "|")
}

// Sets returns the catalogue sets the node is checked against.
func (v Version) Sets() []*catalog.Set {
	return setsFor(v.Candidates, v.Dists)
}

// setsMemo keeps the sets of each (versions, distributions) pair: every
// node asks, and a fleet has only a few distinct pairs.
var setsMemo sync.Map // uint64 -> []*catalog.Set

func setsFor(versions, dists []string) []*catalog.Set {
	var h maphash.Hash
	h.SetSeed(memoSeed)
	for _, x := range versions {
		h.WriteString(x)
		h.WriteByte(0)
	}
	h.WriteByte(1)
	for _, x := range dists {
		h.WriteString(x)
		h.WriteByte(0)
	}
	key := h.Sum64()
	if s, ok := setsMemo.Load(key); ok {
		return s.([]*catalog.Set)
	}
	var out []*catalog.Set
	seen := map[*catalog.Set]bool{}
	for _, ver := range versions {
		for _, d := range dists {
			if s := catalog.Get(ver, d); s != nil && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	setsMemo.Store(key, out) // bounded: versions × distributions
	return out
}

var memoSeed = maphash.MakeSeed()

// CheckSets returns the sets a key must be unread by in all to be unknown.
// A declared version is checked against itself. An inferred one is
// checked against every version of the catalogue: inference only ranks
// versions by how many of the node's keys they read, so a node running a
// version that reads one of its keys may still rank it lower, and a guess
// must never make a real key unknown. Key-manager nodes are not checked:
// a key manager may be WSO2 Identity Server, whose templates the metadata
// lacks.
func (v Version) CheckSets() []*catalog.Set {
	if v.Source == SourceNone || len(v.Candidates) == 0 || v.keyManager {
		return nil
	}
	if v.Source != SourceInferred {
		return v.Sets()
	}
	return setsFor(catalog.Versions(), v.Dists)
}

// Judged returns the one version a node is judged on, and its sets, when
// the version is declared or inferred for sure; rules that tell a node its
// key is stale (key-renamed, key-removed) need that certainty. Key-manager
// nodes are never judged (they may be Identity Server).
func (v Version) Judged() (string, []*catalog.Set, bool) {
	if !v.Sure() || v.keyManager || v.Source == SourceNone {
		return "", nil, false
	}
	return v.Candidates[0], v.Sets(), true
}

// Normalize reads a declared version: "4.6", "v4.6.0" and
// "4.7.0-SNAPSHOT" all name a catalogue version.
func Normalize(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	if strings.Count(s, ".") == 1 {
		s += ".0"
	}
	return s
}

func known(v string) bool {
	for _, k := range catalog.Versions() {
		if k == v {
			return true
		}
	}
	return false
}

// Of decides a node's version from the fleet config and its keys.
func Of(cfg *lint.Config, n *lint.Node) Version {
	v := Version{Dists: dists(n), keyManager: n.Role == lint.RoleKeyManager}
	if len(v.Dists) == 0 {
		v.Source, v.Why = SourceNone, fmt.Sprintf("role %s runs no API Manager distribution", n.Role)
		return v
	}
	declared, source := "", ""
	if nc, ok := cfg.NodeConfigFor(n.Name); ok && nc.Version != "" {
		declared, source = nc.Version, SourceNode
	} else if cfg != nil && cfg.Fleet.Version != "" {
		declared, source = cfg.Fleet.Version, SourceFleet
	}
	if declared != "" {
		v.Declared, v.Source = declared, source
		where := source
		if source == SourceFleet && cfg.Fleet.VersionFrom != "" {
			where = cfg.Fleet.VersionFrom
		}
		if nv := Normalize(declared); known(nv) {
			v.Candidates = []string{nv}
			v.Why = "declared in .apimlint.toml " + where
		} else {
			v.Why = fmt.Sprintf("declared in .apimlint.toml %s, but the catalogue knows only %s: keys are not checked against WSO2's templates",
				where, strings.Join(catalog.Versions(), ", "))
		}
		return v
	}
	v.Source = SourceInferred
	v.Candidates, v.Why = inferMemoised(n)
	return v
}

// dists are the distributions a node of this role may run. The lists are
// shared by every node (their capacity is cut, so an append copies).
func dists(n *lint.Node) []string {
	d := catalog.DistForRole(string(n.Role))
	if d == "" {
		return nil
	}
	lists := distLists[d]
	if d != catalog.DistAllInOne {
		// server_role = gateway-worker and the like: only the all-in-one
		// pack infers those profiles, so the node may run it.
		if r, ok := n.String("server.server_role"); ok && r != "" && r != "default" {
			return lists[1]
		}
	}
	return lists[0]
}

// distLists holds, per distribution, the lists dists returns: the
// distribution alone, and with the all-in-one pack.
var distLists = func() map[string][2][]string {
	m := map[string][2][]string{}
	for _, d := range []string{catalog.DistControlPlane, catalog.DistGateway, catalog.DistTrafficManger, catalog.DistAllInOne} {
		m[d] = [2][]string{{d}, {d, catalog.DistAllInOne}}
	}
	return m
}()

// inferMemo keeps inference results by the node's key paths: nodes of
// one role in a fleet mostly set the same keys. Bounded like the others.
var (
	inferMemo  sync.Map // uint64 -> inference
	nInferMemo atomic.Int64
)

type inference struct {
	cands []string
	why   string
}

func inferMemoised(n *lint.Node) ([]string, string) {
	key := keyPathsHash(n)
	if r, ok := inferMemo.Load(key); ok {
		r := r.(inference)
		return r.cands, r.why
	}
	cands, why := infer(n)
	if nInferMemo.Load() < 1<<12 {
		if _, loaded := inferMemo.LoadOrStore(key, inference{cands, why}); !loaded {
			nInferMemo.Add(1)
		}
	}
	return cands, why
}

// keyPathsHash hashes a node's key paths in order: each path on its own
// (one call into the runtime's string hash, no copying into a buffer),
// mixed with its position.
func keyPathsHash(n *lint.Node) uint64 {
	h := uint64(len(n.Keys))
	for _, k := range n.Keys {
		h = (h ^ maphash.String(memoSeed, k.Path)) * 0x100000001b3 // FNV's prime: a multiply that spreads every bit
	}
	return h
}

// infer picks the versions whose templates explain the node's keys best:
// those that leave the fewest of its keys unread, counting only keys some
// version reads and another does not.
func infer(n *lint.Node) ([]string, string) {
	vs := catalog.Versions()
	unread := make([]int, len(vs))
	type evidence struct {
		key  string
		read []bool
	}
	var ev []evidence
	var seen map[string]bool
	for _, k := range n.Keys {
		r := readVector(k.Path)
		if strings.IndexByte(k.Path, '[') >= 0 {
			// Elements of an array of tables repeat one key: count it once.
			// Other paths are unique in a node already.
			if seen == nil {
				seen = map[string]bool{}
			}
			if seen[r.norm] {
				continue
			}
			seen[r.norm] = true
		}
		read := r.read
		some, all := false, true
		for _, x := range read {
			some = some || x
			all = all && x
		}
		if !some || all {
			continue
		}
		ev = append(ev, evidence{k.Path, read})
		for i := range vs {
			if !read[i] {
				unread[i]++
			}
		}
	}
	best := unread[0]
	for _, u := range unread {
		best = min(best, u)
	}
	var cands []string
	for i, u := range unread {
		if u == best {
			cands = append(cands, vs[i])
		}
	}
	if len(ev) == 0 {
		return cands, fmt.Sprintf("no key tells the versions apart (%s–%s)", vs[0], vs[len(vs)-1])
	}
	sort.Slice(ev, func(i, j int) bool { return ev[i].key < ev[j].key })
	var parts []string
	for _, e := range ev[:min(3, len(ev))] {
		var in []string
		for i, r := range e.read {
			if r {
				in = append(in, vs[i])
			}
		}
		parts = append(parts, fmt.Sprintf("%s (read by %s)", e.key, span(in)))
	}
	more := ""
	if len(ev) > 3 {
		more = fmt.Sprintf(" and %d more", len(ev)-3)
	}
	why := "from keys only some versions read: " + strings.Join(parts, ", ") + more
	if len(cands) > 1 {
		why += "; unsure between " + span(cands)
	}
	return cands, why
}

// span writes a list of versions compactly: 4.4.0–4.7.0 when consecutive.
func span(vs []string) string {
	all := catalog.Versions()
	idx := map[string]int{}
	for i, v := range all {
		idx[v] = i
	}
	consecutive := len(vs) > 2
	for i := 1; i < len(vs); i++ {
		if idx[vs[i]] != idx[vs[i-1]]+1 {
			consecutive = false
		}
	}
	if consecutive {
		return vs[0] + "–" + vs[len(vs)-1]
	}
	return strings.Join(vs, ", ")
}

// readVectors memoises which versions read a key, by its path: the nodes
// of a fleet repeat the same keys.
var (
	readVectors sync.Map // path -> readVec
	nVectors    atomic.Int64
)

// readVec is which versions read a key, and the key without array
// indexes (the same key for every element of an array of tables).
type readVec struct {
	norm string
	read []bool
}

func readVector(path string) readVec {
	if r, ok := readVectors.Load(path); ok {
		return r.(readVec)
	}
	vs := catalog.Versions()
	r := readVec{norm: strings.Join(catalog.Segments(path), "\x00"), read: make([]bool, len(vs))}
	for i, ver := range vs {
		r.read[i] = readBy(ver, path)
	}
	if nVectors.Load() < 1<<16 {
		if _, loaded := readVectors.LoadOrStore(path, r); !loaded {
			nVectors.Add(1)
		}
	}
	return r
}

// readBy reports whether any distribution of a version reads a key
// (or cannot judge it).
func readBy(version, path string) bool {
	for _, d := range catalog.Dists(version) {
		m := catalog.Get(version, d).Lookup(path)
		if m.Known || !m.Closed {
			return true
		}
	}
	return false
}

// Analysis is every node's version, computed once per lint run: the
// schema validation and the version rules require it (lint.Rule.Requires)
// instead of caching versions per fleet.
var Analysis = &lint.Analysis{
	Name: "versions",
	Doc:  "the WSO2 version and distribution of every node: declared in .apimlint.toml, else inferred from its keys",
	Run:  func(p *lint.AnalysisPass) (any, error) { return All(p.Fleet), nil },
}

// OfPass returns the result of Analysis from a rule's pass.
func OfPass(p *lint.Pass) map[*lint.Node]Version {
	m, _ := p.ResultOf(Analysis).(map[*lint.Node]Version)
	return m
}

// For returns a node's version within its fleet.
func For(f *lint.Fleet, n *lint.Node) Version { return Of(f.Config, n) }

// All returns the version of every node of a fleet.
func All(f *lint.Fleet) map[*lint.Node]Version {
	by := make(map[*lint.Node]Version, len(f.Nodes))
	for _, n := range f.Nodes {
		by[n] = Of(f.Config, n)
	}
	return by
}

// Unread reports whether no template of the node's candidate versions and
// distributions reads a key, where the catalogue can judge it (its table
// is closed in every set). sets come from Version.Sets or CheckSets.
func Unread(sets []*catalog.Set, path string) bool {
	if len(sets) == 0 {
		return false
	}
	c := checkerFor(sets)
	if r, ok := c.memo.Load(path); ok {
		return r.(bool)
	}
	unread := true
	for _, s := range sets {
		m := s.Lookup(path)
		if m.Known || !m.Closed {
			unread = false
			break
		}
	}
	if c.n.Load() < 1<<16 {
		if _, loaded := c.memo.LoadOrStore(path, unread); !loaded {
			c.n.Add(1)
		}
	}
	return unread
}

// checker memoises Unread for one list of sets: a node's keys are looked
// up in up to eight sets, and the nodes of a fleet share their lists.
type checker struct {
	memo sync.Map // path -> bool
	n    atomic.Int64
}

var (
	checkers  sync.Map // checkerKey -> *checker
	nCheckers atomic.Int64
)

// checkerKey names a slice of sets by its backing array: setsFor hands out
// one shared slice per (versions, distributions), so nodes share checkers.
type checkerKey struct {
	first **catalog.Set
	n     int
}

func checkerFor(sets []*catalog.Set) *checker {
	k := checkerKey{&sets[0], len(sets)}
	if c, ok := checkers.Load(k); ok {
		return c.(*checker)
	}
	if nCheckers.Load() >= 256 {
		return &checker{} // slices from elsewhere: not memoised past a bound
	}
	c, loaded := checkers.LoadOrStore(k, &checker{})
	if !loaded {
		nCheckers.Add(1)
	}
	return c.(*checker)
}
