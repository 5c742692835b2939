// Package fleetversion decides which API Manager version (and which
// distribution) each node of a fleet runs: as .apimlint.toml declares it
// ([[node]] version, else [fleet] version), or inferred from the keys the
// node sets. When the evidence does not single one version out, a node
// keeps every version that explains its keys equally well, and checks
// against their union: a wrong guess must never make a real key unknown.
package fleetversion

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

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
	var out []*catalog.Set
	seen := map[*catalog.Set]bool{}
	for _, ver := range v.Candidates {
		for _, d := range v.Dists {
			if s := catalog.Get(ver, d); s != nil && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

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
	all := v
	all.Candidates = catalog.Versions()
	return all.Sets()
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
		if nv := Normalize(declared); known(nv) {
			v.Candidates = []string{nv}
			v.Why = "declared in .apimlint.toml " + source
		} else {
			v.Why = fmt.Sprintf("declared in .apimlint.toml %s, but the catalogue knows only %s: keys are not checked against WSO2's templates",
				source, strings.Join(catalog.Versions(), ", "))
		}
		return v
	}
	v.Source = SourceInferred
	v.Candidates, v.Why = infer(n)
	return v
}

// dists are the distributions a node of this role may run.
func dists(n *lint.Node) []string {
	d := catalog.DistForRole(string(n.Role))
	if d == "" {
		return nil
	}
	out := []string{d}
	if d != catalog.DistAllInOne {
		// server_role = gateway-worker and the like: only the all-in-one
		// pack infers those profiles, so the node may run it.
		if r, ok := n.String("server.server_role"); ok && r != "" && r != "default" {
			out = append(out, catalog.DistAllInOne)
		}
	}
	return out
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
	seen := map[string]bool{}
	for _, k := range n.Keys {
		segs := catalog.Segments(k.Path)
		norm := strings.Join(segs, "\x00")
		if seen[norm] {
			continue
		}
		seen[norm] = true
		read := readVector(norm, k.Path)
		some, all := false, true
		for _, r := range read {
			some = some || r
			all = all && r
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

// readVectors memoises which versions read a key, by its path without
// array indexes: the nodes of a fleet repeat the same keys.
var (
	readVectors sync.Map // string -> []bool
	nVectors    atomic.Int64
)

func readVector(norm, path string) []bool {
	if r, ok := readVectors.Load(norm); ok {
		return r.([]bool)
	}
	vs := catalog.Versions()
	read := make([]bool, len(vs))
	for i, ver := range vs {
		read[i] = readBy(ver, path)
	}
	if nVectors.Load() < 1<<16 {
		if _, loaded := readVectors.LoadOrStore(norm, read); !loaded {
			nVectors.Add(1)
		}
	}
	return read
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

// Per fleet, memoised: rules and the schema ask for every node's version.
var (
	memoMu sync.Mutex
	memo   = map[weak.Pointer[lint.Fleet]]*fleetVersions{}
)

type fleetVersions struct {
	once sync.Once
	by   map[*lint.Node]Version
}

// For returns a node's version within its fleet, computed once per fleet.
func For(f *lint.Fleet, n *lint.Node) Version {
	return All(f)[n]
}

// All returns the version of every node of a fleet.
func All(f *lint.Fleet) map[*lint.Node]Version {
	key := weak.Make(f)
	memoMu.Lock()
	r, ok := memo[key]
	if !ok {
		r = &fleetVersions{}
		memo[key] = r
		runtime.AddCleanup(f, func(k weak.Pointer[lint.Fleet]) {
			memoMu.Lock()
			delete(memo, k)
			memoMu.Unlock()
		}, key)
	}
	memoMu.Unlock()
	r.once.Do(func() {
		r.by = make(map[*lint.Node]Version, len(f.Nodes))
		for _, n := range f.Nodes {
			r.by[n] = Of(f.Config, n)
		}
	})
	return r.by
}

// Unread reports whether no template of the node's candidate versions and
// distributions reads a key, where the catalogue can judge it (its table
// is closed in every set). sets come from Version.Sets.
func Unread(sets []*catalog.Set, path string) bool {
	if len(sets) == 0 {
		return false
	}
	for _, s := range sets {
		m := s.Lookup(path)
		if m.Known || !m.Closed {
			return false
		}
	}
	return true
}
