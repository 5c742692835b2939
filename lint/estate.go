package lint

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/wso2"
)

// An estate is a tree that holds several fleets: a configuration
// repository with one folder per environment, region or product line.
// DiscoverEstate decides which node files form which fleet; each fleet is
// then loaded (and linted, and released) on its own, so that no rule ever
// sees two fleets and memory is set by the largest fleet.

// Why a fleet was split off, as FleetPlan.Why starts.
const (
	WhyConfig     = "config"     // a directory with its own .apimlint.toml
	WhyListed     = "listed"     // a [[fleet]] entry of the root .apimlint.toml
	WhyDiscovered = "discovered" // decided from the files' evidence
	WhyWhole      = "whole"      // the tree did not split: one fleet
)

// FleetPlan is one fleet of an estate as discovered, before it is loaded.
type FleetPlan struct {
	// Name identifies the fleet (--fleet NAME): the [[fleet]] name, else
	// the root's slash path below the estate root, else the estate root's
	// base name for a fleet that is the whole tree.
	Name string `json:"name"`
	// Root is the fleet's directory as paths show it (the estate root
	// joined with the path below it). Node names are relative to it.
	Root string `json:"root"`
	// Why says how the fleet was found: one of the Why* constants, then
	// ": " and the evidence.
	Why string `json:"why"`
	// Files are the fleet's node files, as paths show them, sorted.
	Files []string `json:"files"`
	// ConfigFile is the .apimlint.toml in force for the fleet ("": none).
	ConfigFile string `json:"config,omitempty"`
	// Joined lists the sibling folders (slash paths below the estate
	// root) that hold nodes of the same roles but were joined into this
	// fleet because their nodes name each other's hosts; Why says how.
	Joined []string `json:"joined,omitempty"`

	rels  []string    // files' slash paths below Root
	entry *FleetEntry // the [[fleet]] entry that lists the fleet, if any
}

// Estate is a tree of fleets.
type Estate struct {
	Root   string
	Fleets []*FleetPlan
	// Split is set when the tree holds more than one fleet, or one fleet
	// rooted below the estate root.
	Split bool
	// Diagnostics are problems of the root config's [[fleet]] entries.
	Diagnostics []Finding

	opts     LoadOptions
	rootCfg  *Config
	cfgCache map[string]*parsedConfig
	// preloaded is the fleet of preloadedFor, a fleet that is the whole
	// tree, read once by discovery and handed to LoadFleet once.
	preloaded    *Fleet
	preloadedFor *FleetPlan
	cfgUsed      map[string]bool
	mu           sync.Mutex
	// hosts are the addresses discovered nodes state, by host, for
	// Fleet.ElsewhereInEstate.
	hosts map[string][]estateHost
	// prelints are the folders a discovery for a linter linted, by fleet
	// root (see estate_prelint.go).
	prelinter *prelinter
	prelints  map[string]*prelint
}

type parsedConfig struct {
	cfg  *Config
	diag []Finding
}

// EstateFleet is one loaded fleet of an estate.
type EstateFleet struct {
	Name  string
	Root  string
	Why   string
	Fleet *Fleet
}

// FleetEntry is a [[fleet]] entry of a root .apimlint.toml: a directory
// (or a glob of directories) below the root that is a fleet of its own.
type FleetEntry struct {
	Path string `toml:"path"`
	Name string `toml:"name"`
	// Version and Complete are the fleet's [fleet] settings: a root
	// config cannot hold [fleet] beside [[fleet]], so each entry says them
	// for its own fleets (every fleet a glob matches). Set, they override
	// the config in force for the fleet.
	Version  string `toml:"version"`
	Complete *bool  `toml:"complete"`
}

// hasSettings reports whether the entry sets any [fleet] setting.
func (en *FleetEntry) hasSettings() bool {
	return en != nil && (en.Version != "" || en.Complete != nil)
}

// apply returns cfg with the entry's [fleet] settings, as a copy: the
// config itself is shared by the other fleets it is in force for.
func (en *FleetEntry) apply(cfg *Config) *Config {
	if !en.hasSettings() {
		return cfg
	}
	c := Config{}
	if cfg != nil {
		c = *cfg
	}
	if en.Version != "" {
		c.Fleet.Version = en.Version
		c.Fleet.VersionFrom = fmt.Sprintf("[[fleet]] path = %q, version", en.Path)
	}
	if en.Complete != nil {
		c.Fleet.Complete = *en.Complete
	}
	return &c
}

// LoadEstate discovers the fleets below one directory and loads them all.
// Callers that lint large estates should use DiscoverEstate and LoadFleet
// to hold one fleet at a time.
func LoadEstate(paths []string, opts LoadOptions) ([]*EstateFleet, error) {
	if len(paths) != 1 {
		f, err := Load(paths, opts)
		if err != nil {
			return nil, err
		}
		return []*EstateFleet{{Name: fleetNameOf(paths[0]), Root: f.Root, Why: WhyWhole, Fleet: f}}, nil
	}
	e, err := DiscoverEstate(paths[0], opts)
	if err != nil {
		return nil, err
	}
	out := make([]*EstateFleet, 0, len(e.Fleets))
	for _, p := range e.Fleets {
		f, err := e.LoadFleet(p)
		if err != nil {
			return nil, err
		}
		out = append(out, &EstateFleet{Name: p.Name, Root: p.Root, Why: p.Why, Fleet: f})
	}
	return out, nil
}

func fleetNameOf(root string) string {
	abs, err := filepath.Abs(root)
	if err != nil {
		return filepath.Base(root)
	}
	return filepath.Base(abs)
}

// Fleet returns the plan with this name, or nil.
func (e *Estate) Fleet(name string) *FleetPlan {
	for _, p := range e.Fleets {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// FleetOf returns the plan that owns a node file (a path as the walk
// shows it, or any path naming the same file), or nil.
func (e *Estate) FleetOf(file string) *FleetPlan {
	clean := filepath.Clean(file)
	abs, _ := filepath.Abs(clean)
	for _, p := range e.Fleets {
		for _, f := range p.Files {
			if f == clean {
				return p
			}
			if fa, err := filepath.Abs(f); err == nil && fa == abs {
				return p
			}
		}
	}
	return nil
}

// LoadFleet loads one fleet of the estate, as Load would load its root
// alone (node names relative to the root, the nearest config in force).
func (e *Estate) LoadFleet(p *FleetPlan) (*Fleet, error) {
	srcs := make([]source, len(p.Files))
	for i, file := range p.Files {
		fp := file
		srcs[i] = source{display: file, rel: p.rels[i], name: wso2.NodeName(p.Root, p.rels[i]),
			read: func() ([]byte, error) { return readNodeFile(fp) }}
	}
	cfg, diag, err := e.configFor(p)
	if err != nil {
		return nil, err
	}
	cfg = p.entry.apply(cfg)
	if p == e.Fleets[0] {
		diag = append(diag, e.Diagnostics...)
	}
	e.mu.Lock()
	pre := e.preloaded
	reuse := p == e.preloadedFor && pre != nil
	if reuse {
		e.preloaded, e.preloadedFor = nil, nil
	}
	e.mu.Unlock()
	if reuse && (cfg == nil || cfg == e.rootCfg) {
		if pre.Root == p.Root && cfg == e.rootCfg {
			// Built by discovery from the same nodes, root and config:
			// its address book is this fleet's.
			pre.Diagnostics = diag
			return pre, nil
		}
		f := NewFleet(p.Root, pre.Nodes, cfg)
		f.Diagnostics = diag
		return f, nil
	}
	f, err := build(p.Root, srcs, cfg, diag, e.opts)
	if err != nil {
		return nil, err
	}
	f.elsewhere = e.elsewhereFor(p)
	return f, nil
}

// configFor returns the config in force for a fleet; a config's own
// problems are reported with the first fleet that uses it.
func (e *Estate) configFor(p *FleetPlan) (*Config, []Finding, error) {
	if e.opts.Config != nil {
		return e.opts.Config, nil, nil
	}
	if p.ConfigFile == "" {
		return nil, nil, nil
	}
	pc, err := e.readConfig(p.ConfigFile)
	if err != nil {
		return nil, nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var diag []Finding
	if !e.cfgUsed[p.ConfigFile] {
		e.cfgUsed[p.ConfigFile] = true
		diag = pc.diag
	}
	return pc.cfg, diag, nil
}

func (e *Estate) readConfig(file string) (*parsedConfig, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if pc, ok := e.cfgCache[file]; ok {
		return pc, nil
	}
	data, err := readNodeFile(file)
	if err != nil {
		return nil, fmt.Errorf("load config %s: %w", file, err)
	}
	cfg, diag := ParseConfig(file, data)
	pc := &parsedConfig{cfg: cfg, diag: diag}
	e.cfgCache[file] = pc
	return pc, nil
}

// DiscoverEstate finds the node files below root and decides which fleets
// they form:
//
//  1. A directory with its own .apimlint.toml is a fleet root (the nearest
//     one above a node wins), and so is each directory a [[fleet]] entry of
//     the root's config names (globs allowed). A root config without
//     [[fleet]] entries makes the whole tree one fleet, as before estates.
//  2. Without config, folders decide first and evidence second: sibling
//     folders that hold nodes of the same roles are separate deployments
//     (so copied environments with identical host names still split by
//     folder), unless their nodes name hosts only a sibling folder answers
//     to (a folder per VM; see estate_crossref.go); sibling folders of
//     distinct roles (cp/, gw/, tm/) are one.
//     Nodes side by side in one folder are one fleet when they reference
//     each other (event hub, TM, KM URLs, event_duplicate_url) or share
//     apim_db/shared_db; a node linked to none is a fleet of one.
func DiscoverEstate(root string, opts LoadOptions) (*Estate, error) {
	return discoverEstate(root, opts, nil)
}

func discoverEstate(root string, opts LoadOptions, pl *prelinter) (*Estate, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load %s: an estate is a directory", root)
	}
	e := &Estate{Root: root, opts: opts, cfgCache: map[string]*parsedConfig{}, cfgUsed: map[string]bool{}, prelinter: pl}
	tree, err := WalkFleet(root)
	if err != nil {
		return nil, err
	}
	srcs := treeSources(tree)
	// The root config: --config, else root/.apimlint.toml.
	rootCfgFile := opts.ConfigFile
	if rootCfgFile == "" {
		if c := filepath.Join(root, ConfigFileName); isFile(c) {
			rootCfgFile = c
		}
	}
	var entries []FleetEntry
	if rootCfgFile != "" {
		pc, err := e.readConfig(rootCfgFile)
		if err != nil {
			return nil, err
		}
		e.rootCfg = pc.cfg
		entries = pc.cfg.Fleets
		if len(entries) == 0 || opts.Config != nil {
			// A fleet config at the root: the whole tree is its fleet,
			// except subtrees with a config of their own.
			entries = []FleetEntry{{Path: ".", Name: fleetNameOf(root)}}
		}
	}
	if opts.Config != nil {
		entries = []FleetEntry{{Path: ".", Name: fleetNameOf(root)}}
	}
	// Fleet roots fixed by config: directories with their own config
	// (when no config is forced), and the root config's entries.
	fixed := map[string]fixedRoot{} // slash dir below root -> how
	if opts.Config == nil {
		dirs := map[string]bool{}
		for _, s := range srcs {
			for d := path.Dir(s.rel); d != "." && d != "/"; d = path.Dir(d) {
				dirs[d] = true
			}
		}
		for d := range dirs {
			if tree.configDirs[d] {
				fixed[d] = fixedRoot{why: WhyConfig + ": " + path.Join(d, ConfigFileName)}
			}
		}
	}
	e.Diagnostics = append(e.Diagnostics, e.applyEntries(root, rootCfgFile, entries, srcs, fixed)...)
	// Assign every node file to its nearest fixed root, else leave it for
	// discovery.
	byRoot := map[string][]source{}
	var free []source
	for _, s := range srcs {
		if r, ok := nearestFixed(s.rel, fixed); ok {
			byRoot[r] = append(byRoot[r], s)
			continue
		}
		free = append(free, s)
	}
	if rootCfgFile != "" && e.rootCfg != nil && len(e.rootCfg.Fleets) > 0 {
		// Files the root config excludes are no fleet's.
		kept := free[:0]
		for _, s := range free {
			if !e.rootCfg.Excludes(s.rel, s.name) {
				kept = append(kept, s)
			}
		}
		free = kept
	}
	roots := make([]string, 0, len(byRoot))
	for r := range byRoot {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	for _, r := range roots {
		fr := fixed[r]
		name := fr.name
		if name == "" {
			name = e.defaultName(r)
		}
		p := e.plan(name, r, fr.why, byRoot[r])
		p.entry = fr.entry
		e.Fleets = append(e.Fleets, p)
	}
	if len(free) > 0 {
		found, err := e.discover(free, fixed)
		if err != nil {
			return nil, err
		}
		e.Fleets = append(e.Fleets, found...)
	}
	e.uniqueFleetNames()
	sort.SliceStable(e.Fleets, func(i, j int) bool { return e.Fleets[i].Name < e.Fleets[j].Name })
	for _, p := range e.Fleets {
		p.ConfigFile = e.nearestConfig(p, rootCfgFile)
	}
	e.Split = len(e.Fleets) > 1 || len(e.Fleets) == 1 && e.Fleets[0].Root != root
	if len(e.Fleets) == 0 {
		// No node at all: one empty fleet at the root, as Load gives.
		e.Fleets = []*FleetPlan{{Name: fleetNameOf(root), Root: root, Why: WhyWhole}}
		e.Fleets[0].ConfigFile = rootCfgFile
	}
	return e, nil
}

type fixedRoot struct {
	name  string
	why   string
	entry *FleetEntry // the [[fleet]] entry that fixed it, if any
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// applyEntries turns [[fleet]] entries into fixed roots; an entry that
// names no directory holding nodes is a config problem.
func (e *Estate) applyEntries(root, cfgFile string, entries []FleetEntry, srcs []source, fixed map[string]fixedRoot) []Finding {
	var out []Finding
	dirs := map[string]bool{".": true}
	for _, s := range srcs {
		for d := path.Dir(s.rel); d != "." && d != "/"; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for i, en := range entries {
		pat := strings.TrimSuffix(strings.TrimPrefix(path.Clean(filepath.ToSlash(en.Path)), "./"), "/")
		if pat == "" {
			pat = "."
		}
		matched := 0
		for d := range dirs {
			ok := d == pat
			if !ok && strings.ContainsAny(pat, "*?[") {
				ok, _ = path.Match(pat, d)
			}
			if !ok {
				continue
			}
			matched++
			if _, own := fixed[d]; own && d != "." {
				continue // the directory's own config wins
			}
			name := en.Name
			if name != "" && strings.ContainsAny(pat, "*?[") {
				name = en.Name + "/" + path.Base(d)
			}
			why := WhyListed + ": [[fleet]] path = " + strconv.Quote(en.Path) + " in " + cfgFile
			if en.Path == "." && len(e.rootCfg.Fleets) == 0 {
				why = WhyConfig + ": " + cfgFile
			}
			fixed[d] = fixedRoot{name: name, why: why, entry: &entries[i]}
		}
		if matched == 0 && cfgFile != "" {
			data, _ := os.ReadFile(cfgFile)
			out = append(out, Finding{Rule: RuleConfigID, Severity: SeverityError, File: cfgFile,
				Line: entryLine(data, "[[fleet]]", i, "path"), Column: 1, Key: "path", Related: []Related{},
				Message: fmt.Sprintf("[[fleet]] path %q names no directory holding node files below %s", en.Path, root)})
		}
	}
	return out
}

// nearestFixed returns the deepest fixed root above (or at) a file's
// directory.
func nearestFixed(rel string, fixed map[string]fixedRoot) (string, bool) {
	for d := path.Dir(rel); ; d = path.Dir(d) {
		if _, ok := fixed[d]; ok {
			return d, true
		}
		if d == "." || d == "/" {
			return "", false
		}
	}
}

// nearestConfig is the config file nearest above the fleet's root, up to
// the estate root (whose config may be --config).
func (e *Estate) nearestConfig(p *FleetPlan, rootCfgFile string) string {
	if e.opts.Config != nil {
		return ""
	}
	rel := p.relRoot(e.Root)
	for d := rel; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		c := filepath.Join(e.Root, filepath.FromSlash(d), ConfigFileName)
		if isFile(c) {
			return c
		}
	}
	return rootCfgFile
}

func (p *FleetPlan) relRoot(estateRoot string) string {
	rel, err := filepath.Rel(estateRoot, p.Root)
	if err != nil {
		return "."
	}
	return filepath.ToSlash(rel)
}

func (e *Estate) defaultName(rel string) string {
	if rel == "." {
		return fleetNameOf(e.Root)
	}
	return rel
}

// plan makes a fleet plan rooted at the slash dir rel below the estate.
func (e *Estate) plan(name, rel, why string, srcs []source) *FleetPlan {
	p := &FleetPlan{Name: name, Root: joinRoot(e.Root, rel), Why: why}
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].rel < srcs[j].rel })
	for _, s := range srcs {
		p.Files = append(p.Files, s.display)
		r := s.rel
		if rel != "." {
			r = strings.TrimPrefix(s.rel, rel+"/")
		}
		p.rels = append(p.rels, r)
	}
	return p
}

func joinRoot(root, rel string) string {
	if rel == "." {
		return root
	}
	return filepath.Join(root, filepath.FromSlash(rel))
}

func (e *Estate) uniqueFleetNames() {
	seen := map[string]int{}
	for _, p := range e.Fleets {
		seen[p.Name]++
		if seen[p.Name] > 1 {
			p.Name += "#" + strconv.Itoa(seen[p.Name])
		}
	}
}

// evidence is what discovery keeps of one node file: its folder, role and
// the databases that tie it to other nodes (links by URL are found a
// folder at a time, see linkGroups). It holds no string of the file, so
// that the file's bytes are released once it is read.
type evidence struct {
	src  source
	dir  string // slash node directory below the estate root (repository/conf dropped)
	role Role
	dbs  []string // shared database identities (apim_db, shared_db)
	// answers are the hosts the node answers to by [server] hostname,
	// node_ip or [[node]] addresses; dirNames those it answers to by its
	// directory name alone; names the hosts its endpoint keys name that no
	// node of its folder of siblings answers to. They are the evidence of
	// cross-folder references (estate_crossref.go).
	answers  []string
	dirNames []string
	names    []namedHost
}

// discover splits the files no config places into fleets.
func (e *Estate) discover(free []source, fixed map[string]fixedRoot) ([]*FleetPlan, error) {
	ev, links, kept, err := e.gatherEvidence(free)
	if err != nil {
		return nil, err
	}
	t := newDirTree(ev)
	t.links = map[string][]siblingLink{}
	for _, l := range links {
		k := path.Dir(l.a.dir)
		t.links[k] = append(t.links[k], l)
	}
	t.root, t.cfg = e.Root, e.rootCfg
	t.holdsFixed = map[string]bool{}
	for d := range fixed {
		for ; d != "." && d != "/"; d = path.Dir(d) {
			t.holdsFixed[d] = true
		}
		t.holdsFixed["."] = true
	}
	var out []*FleetPlan
	groups := t.decide(".")
	for _, g := range groups {
		out = append(out, e.groupPlan(g))
	}
	if len(out) == 1 && len(fixed) == 0 && kept != nil && len(groups[0].members) == len(kept.Nodes) && groups[0].rel == "." {
		// The whole tree is one fleet of siblings: keep its parsed nodes,
		// and the fleet discovery built of them, for LoadFleet.
		e.preloaded, e.preloadedFor = kept, out[0]
	}
	return out, nil
}

// group is a decided fleet: its root directory and members.
type group struct {
	rel     string
	members []*evidence
	why     string
	suffix  string // set when several fleets share the root directory
	joined  []string
}

func (e *Estate) groupPlan(g group) *FleetPlan {
	srcs := make([]source, len(g.members))
	for i, m := range g.members {
		srcs[i] = m.src
	}
	name := e.defaultName(g.rel) + g.suffix
	p := e.plan(name, g.rel, WhyDiscovered+": "+g.why, srcs)
	p.Joined = g.joined
	e.noteHosts(p, g.members)
	return p
}

// parseSources parses node files in parallel, named below root.
func parseSources(root string, srcs []source, cfg *Config, ropts ResolveOptions) ([]*Node, error) {
	return parseAll(srcs, cfg, ropts, func(s source) string { return wso2.NodeName(root, s.rel) })
}

// gatherEvidence parses every file once, a folder of siblings at a time,
// and keeps only its evidence and the links between siblings (found by
// putting the siblings together as a fleet, so that the address book
// resolves what each URL names): discovery never holds more than one
// folder's nodes.
//
// When all files are siblings (the tree is one folder of nodes, the
// common single fleet), their parsed nodes come back too, so that loading
// that fleet does not parse them again.
func (e *Estate) gatherEvidence(srcs []source) ([]*evidence, []siblingLink, *Fleet, error) {
	root, ropts := e.Root, e.opts.Resolve
	cfg := e.rootCfg
	if cfg == nil {
		cfg = &Config{}
	}
	bySet := map[string][]source{}
	var keys []string
	for _, s := range srcs {
		k := path.Dir(nodeDir(s.rel))
		if _, ok := bySet[k]; !ok {
			keys = append(keys, k)
		}
		bySet[k] = append(bySet[k], s)
	}
	sort.Strings(keys)
	// Folders are read two (GOMAXPROCS) at a time, each by a worker of
	// its own: an estate of many small folders keeps both cores busy,
	// where parsing one small folder at a time in parallel left one
	// idle. Memory holds that many folders' nodes, and every folder's
	// evidence (a few strings per node).
	type folder struct {
		ev    []*evidence
		links []siblingLink
		kept  *Fleet
		pre   *prelint
		err   error
	}
	done := make([]folder, len(keys))
	inParallel(len(keys), func(work <-chan int) {
		for i := range work {
			set := bySet[keys[i]]
			nodes, err := parseSources(root, set, cfg, ropts)
			if err != nil {
				done[i].err = err
				continue
			}
			ev := make([]*evidence, len(nodes))
			byFile := make(map[string]*evidence, len(nodes))
			for j, n := range nodes {
				ev[j] = evidenceOf(set[j], n)
				byFile[n.File] = ev[j]
			}
			done[i].ev = ev
			if len(nodes) > 0 {
				f := NewFleet(joinRoot(root, keys[i]), nodes, cfg)
				if len(keys) == 1 {
					// The fleet built to find the links is the whole
					// tree's: loading it may take it as it is, address
					// book and all.
					done[i].kept = f
				}
				done[i].links = siblingLinks(f, byFile)
				if e.prelinter != nil && len(keys) > 1 && deploymentOfItsOwn(keys[i], ev, done[i].links) {
					done[i].pre = e.prelinter.lintFolder(root, keys[i], set, nodes, e.rootCfg)
				}
			}
		}
	})
	var out []*evidence
	var links []siblingLink
	var kept *Fleet
	for _, d := range done {
		if d.err != nil {
			return nil, nil, nil, d.err
		}
		out = append(out, d.ev...)
		links = append(links, d.links...)
		if d.pre != nil {
			if e.prelints == nil {
				e.prelints = map[string]*prelint{}
			}
			e.prelints[d.pre.root] = d.pre
		}
		if d.kept != nil {
			kept = d.kept
		}
	}
	return out, links, kept, nil
}

// siblingLinks reads the links of a folder of siblings put together as a
// fleet: the hosts no sibling answers to are noted on the naming node's
// evidence, and the links from one sibling to another that join two
// groups are returned, in node order, then file order. Discovery joins
// groups by the first link that connects them; a link between siblings
// that earlier links already connect never joins anything, so it is
// dropped here, where it costs memory: a fleet of thousands of gateways
// makes hundreds of thousands of links, of which fewer than one per node
// join groups. Each worker drops the links its own earlier ones make
// redundant (they come earlier in the whole order too), and the merge
// drops the rest.
func siblingLinks(f *Fleet, byFile map[string]*evidence) []siblingLink {
	runs := f.linkRuns(runtime.GOMAXPROCS(0))
	parts := make([][]siblingLink, len(runs))
	joined := make([]disjointSets[*evidence], len(runs))
	f.eachNodeLinks(runs, func(w int, n *Node, links []Link) {
		from := byFile[n.File]
		if from == nil {
			return
		}
		for _, l := range links {
			if l.Target.Kind != TargetNode {
				from.noteNamed(l)
				continue
			}
			for _, to := range l.Target.Nodes {
				t := byFile[to.File]
				if t == nil || t == from || !joined[w].union(from, t) {
					continue
				}
				parts[w] = append(parts[w], siblingLink{a: from, b: t, host: strings.Clone(l.Host), key: l.Key})
			}
		}
	})
	var all disjointSets[*evidence]
	var out []siblingLink
	for _, p := range parts {
		for _, l := range p {
			if all.union(l.a, l.b) {
				out = append(out, l)
			}
		}
	}
	return out
}

// disjointSets is a union-find: discovery's groups of nodes, by their
// evidence or by their index.
type disjointSets[T comparable] map[T]T

func (s disjointSets[T]) find(x T) T {
	for {
		p, ok := s[x]
		if !ok || p == x {
			return x
		}
		if gp, ok := s[p]; ok {
			s[x] = gp
		}
		x = p
	}
}

// union joins a's set and b's under b's root, and reports whether they
// were apart.
func (s *disjointSets[T]) union(a, b T) bool {
	if *s == nil {
		*s = disjointSets[T]{}
	}
	ra, rb := s.find(a), s.find(b)
	if ra == rb {
		return false
	}
	(*s)[ra] = rb
	return true
}

// siblingLink is a URL of one node that names another in its folder.
// Its reason is written only for the few links that join groups: a fleet
// of thousands of gateways has tens of thousands of links.
type siblingLink struct {
	a, b      *evidence
	host, key string
}

func (l siblingLink) why() string {
	return fmt.Sprintf("%s names %s (%s) in %s", l.a.dir, l.host, l.b.dir, l.key)
}

// nodeDir is a node file's directory with a trailing repository/conf
// removed (slash path below the estate root).
func nodeDir(rel string) string { return wso2.NodeDir(rel) }

// evidenceOf keeps what discovery needs of a parsed node; the node itself
// is dropped, and loaded again with its fleet.
func evidenceOf(s source, n *Node) *evidence {
	ev := &evidence{src: s, dir: wso2.NodeDir(s.rel), role: n.Role}
	for _, a := range n.Addresses {
		h := strings.Clone(a.Host)
		if a.Guessed() {
			ev.dirNames = append(ev.dirNames, h)
		} else {
			ev.answers = append(ev.answers, h)
		}
	}
	for _, key := range []string{"database.apim_db.url", "database.shared_db.url"} {
		url, ok := n.String(key)
		if !ok || HasPlaceholder(url) {
			continue
		}
		db, err := wso2.ParseJDBC(url)
		if err != nil || db.Local || len(db.Servers) == 0 {
			continue
		}
		loop := false
		for _, s := range db.Servers {
			loop = loop || IsLoopback(s.Host)
		}
		if !loop {
			ev.dbs = append(ev.dbs, strings.ToLower(db.Type+"|"+db.Address()+"|"+db.Name))
		}
	}
	return ev
}

// dirTree indexes evidence by node directory.
type dirTree struct {
	root  string
	cfg   *Config
	links map[string][]siblingLink // by the folder the siblings are in
	// holdsFixed marks directories at or above a fleet root a config
	// fixed: a discovered fleet is never rooted there.
	holdsFixed map[string]bool
	children   map[string][]string // slash dir -> child dirs holding nodes
	nodes      map[string][]*evidence
}

func newDirTree(ev []*evidence) *dirTree {
	t := &dirTree{children: map[string][]string{}, nodes: map[string][]*evidence{}}
	seen := map[string]bool{".": true}
	for _, x := range ev {
		t.nodes[x.dir] = append(t.nodes[x.dir], x)
		for d := x.dir; d != "."; d = path.Dir(d) {
			if seen[d] {
				break
			}
			seen[d] = true
			p := path.Dir(d)
			t.children[p] = append(t.children[p], d)
		}
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
	return t
}

// below lists every node at or below dir.
func (t *dirTree) below(dir string) []*evidence {
	out := append([]*evidence(nil), t.nodes[dir]...)
	for _, c := range t.children[dir] {
		out = append(out, t.below(c)...)
	}
	return out
}

// roleSet is the roles the nodes serve. An all-in-one node is a control
// plane, a gateway and a traffic manager too: staging/ of two all-in-ones
// beside prod/ of separate roles shares roles with it, and is a
// deployment of its own, not prod's missing parts.
func roleSet(ev []*evidence) map[Role]bool {
	s := map[Role]bool{}
	for _, x := range ev {
		s[x.role] = true
		if x.role == wso2.RoleAllInOne {
			s[wso2.RoleControlPlane], s[wso2.RoleGateway], s[wso2.RoleTrafficManager] = true, true, true
		}
	}
	return s
}

// decide splits the nodes at and below dir into fleets.
func (t *dirTree) decide(dir string) []group {
	all := t.below(dir)
	if len(all) == 1 {
		rel := all[0].dir
		if dir == "." && !t.holdsFixed[dir] {
			rel = dir // a tree of one node is one fleet, as before estates
		}
		return []group{{rel: rel, members: all, why: "a lone node file"}}
	}
	kids := t.children[dir]
	if len(t.nodes[dir]) == 0 && len(kids) == 1 {
		// A folder with one sub-folder: that folder decides; a fleet that
		// takes everything is rooted here.
		gs := t.decide(kids[0])
		if len(gs) == 1 && gs[0].suffix == "" && !t.holdsFixed[dir] {
			gs[0].rel = dir
		}
		return gs
	}
	// Sub-folders that hold several nodes each (groups) against folders of
	// one node (node directories).
	var groups, singles []string
	for _, c := range kids {
		if len(t.below(c)) > 1 || len(t.children[c]) > 0 {
			groups = append(groups, c)
		} else {
			singles = append(singles, c)
		}
	}
	if len(groups) > 0 {
		// Sibling folders of distinct roles are the role folders of one
		// deployment (cp/, gw/, tm/); sharing a role, they are deployments
		// of their own (staging/, prod/).
		seen := map[Role]string{}
		shared := ""
		for _, c := range append(append([]string(nil), groups...), singles...) {
			for _, r := range sortedRoles(roleSet(t.below(c))) {
				if o, ok := seen[r]; ok && shared == "" {
					shared = fmt.Sprintf("%s and %s both hold %s nodes", o, c, roleLabel(r))
				}
				seen[r] = c
			}
		}
		if shared == "" {
			return []group{{rel: dir, members: all, why: "sub-folders of distinct roles form one deployment"}}
		}
		// Unless their nodes name each other's hosts across folders
		// (estate_crossref.go): then the folders are one deployment's
		// (a folder per VM), and the rest stay split. Only folders that
		// are one fleet on their own can be joined: a reference into a
		// folder of many fleets names one of them, not the folder.
		decided := map[string][]group{}
		var units []crossUnit
		for _, x := range t.nodes[dir] {
			units = append(units, crossUnit{rel: x.dir, members: []*evidence{x}})
		}
		for _, c := range kids {
			decided[c] = t.decide(c)
			if len(decided[c]) == 1 {
				units = append(units, crossUnit{rel: c, members: t.below(c)})
			}
		}
		joined, rest, ok := crossGroups(dir, shared, units, len(units) == len(kids)+len(t.nodes[dir]))
		if ok && len(rest) == 0 && len(joined) == 1 && joined[0].suffix == "" {
			return joined
		}
		loose := t.nodes[dir]
		if ok {
			left := map[string]bool{}
			for _, u := range rest {
				left[u.rel] = true
			}
			for _, c := range kids {
				if len(decided[c]) != 1 {
					left[c] = true
				}
			}
			keep := func(dirs []string) []string {
				var out []string
				for _, d := range dirs {
					if left[d] {
						out = append(out, d)
					}
				}
				return out
			}
			groups, singles = keep(groups), keep(singles)
			loose = nil
			for _, x := range t.nodes[dir] {
				if left[x.dir] {
					loose = append(loose, x)
				}
			}
		}
		out := joined
		for _, g := range groups {
			gs := decided[g]
			for i := range gs {
				if gs[i].rel == g {
					gs[i].why = "sibling folders hold nodes of the same roles (" + shared + "); " + gs[i].why
				}
			}
			out = append(out, gs...)
		}
		loose = append([]*evidence(nil), loose...)
		for _, s := range singles {
			loose = append(loose, t.below(s)...)
		}
		return renumberAt(dir, append(out, t.linkGroups(dir, loose, false)...))
	}
	return t.linkGroups(dir, all, true)
}

func roleLabel(r Role) string {
	if r == "" {
		return "unclassified"
	}
	return string(r)
}

// linkGroups splits nodes side by side in one folder. The nodes are put
// together as a fleet so that the address book resolves what each URL
// names (own host names, learnt Services, clusters); nodes that reach one
// another or share a database are linked. Linked groups whose roles do not
// overlap are the parts of one deployment (cp + gw + tm, apim + mi);
// groups that overlap (two all-in-ones that never name each other) are
// deployments of their own. whole says the nodes are everything below
// dir, so that one fleet of them all is rooted at dir.
func (t *dirTree) linkGroups(dir string, nodes []*evidence, whole bool) []group {
	if len(nodes) == 0 {
		return nil
	}
	joined := make(disjointSets[int], len(nodes))
	why := make([]string, len(nodes))
	union := func(a, b int, reason func() string) {
		if joined.union(a, b) {
			if rb := joined.find(b); why[rb] == "" {
				why[rb] = reason()
			}
		}
	}
	byDB := map[string]int{}
	for i, n := range nodes {
		for _, d := range n.dbs {
			if j, ok := byDB[d]; ok {
				union(i, j, func() string { return fmt.Sprintf("%s and %s share a database", nodes[j].dir, n.dir) })
			} else {
				byDB[d] = i
			}
		}
	}
	index := make(map[*evidence]int, len(nodes))
	sets := map[string]bool{}
	for i, n := range nodes {
		index[n] = i
		sets[path.Dir(n.dir)] = true
	}
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var links []siblingLink
	for _, k := range keys {
		links = append(links, t.links[k]...)
	}
	for _, l := range links {
		i, okA := index[l.a]
		j, okB := index[l.b]
		if okA && okB {
			union(i, j, l.why)
		}
	}
	return t.components(dir, nodes, joined.find, why, whole)
}

// components turns the linked groups into fleets.
func (t *dirTree) components(dir string, nodes []*evidence, find func(int) int, why []string, whole bool) []group {
	comps := map[int][]*evidence{}
	var order []int
	for i := range nodes {
		r := find(i)
		if _, ok := comps[r]; !ok {
			order = append(order, r)
		}
		comps[r] = append(comps[r], nodes[i])
	}
	if len(order) > 1 && rolesDisjoint(order, comps) {
		if whole {
			return []group{{rel: dir, members: nodes, why: "nodes side by side of roles that complete each other"}}
		}
		return []group{{rel: dir, members: nodes, suffix: "#1", why: "nodes side by side of roles that complete each other"}}
	}
	if len(order) == 1 && whole {
		return []group{{rel: dir, members: nodes, why: "its nodes reference each other or share a database (" + why[order[0]] + ")"}}
	}
	var out []group
	k := 0
	for _, r := range order {
		c := comps[r]
		if len(c) == 1 {
			out = append(out, group{rel: c[0].dir, members: c, why: "a node that no node of the same roles beside it references"})
			continue
		}
		k++
		out = append(out, group{rel: dir, members: c, suffix: "#" + strconv.Itoa(k), why: "nodes that reference each other or share a database (" + why[r] + ")"})
	}
	return out
}

// rolesDisjoint reports whether no two linked groups hold nodes of
// overlapping roles: the same role, or an all-in-one and a control plane
// (each is a whole control plane). A control plane beside a separate key
// manager, or an all-in-one beside a gateway, completes a deployment.
func rolesDisjoint(order []int, comps map[int][]*evidence) bool {
	for a := range order {
		for b := a + 1; b < len(order); b++ {
			for _, x := range comps[order[a]] {
				for _, y := range comps[order[b]] {
					if rolesOverlap(x.role, y.role) {
						return false
					}
				}
			}
		}
	}
	return true
}

func rolesOverlap(a, b Role) bool {
	if a == b {
		return true
	}
	return a == RoleAllInOne && b == RoleControlPlane || b == RoleAllInOne && a == RoleControlPlane
}

// errNoFleet is returned for --fleet names the estate does not have.
var errNoFleet = errors.New("no such fleet")

// SelectFleets returns the plans with the given names, in estate order; a
// name that matches none is an error listing the fleets there are.
func (e *Estate) SelectFleets(names []string) ([]*FleetPlan, error) {
	if len(names) == 0 {
		return e.Fleets, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		if e.Fleet(n) == nil {
			var have []string
			for _, p := range e.Fleets {
				have = append(have, p.Name)
			}
			return nil, fmt.Errorf("--fleet %s: %w (the fleets are: %s)", n, errNoFleet, strings.Join(have, ", "))
		}
		want[n] = true
	}
	var out []*FleetPlan
	for _, p := range e.Fleets {
		if want[p.Name] {
			out = append(out, p)
		}
	}
	return out, nil
}

// FleetsOwning returns the fleets that own any of the files: a node file
// of the fleet, or the .apimlint.toml in force for it. A file no fleet
// owns (a deleted node, a file outside the estate) selects nothing.
func (e *Estate) FleetsOwning(files []string) []*FleetPlan {
	want := map[*FleetPlan]bool{}
	for _, file := range files {
		if filepath.Base(file) == ConfigFileName {
			abs, err := filepath.Abs(file)
			if err != nil {
				continue
			}
			for _, p := range e.Fleets {
				if c, err := filepath.Abs(p.ConfigFile); err == nil && p.ConfigFile != "" && c == abs {
					want[p] = true
				}
			}
			continue
		}
		if p := e.FleetOf(file); p != nil {
			want[p] = true
		}
	}
	var out []*FleetPlan
	for _, p := range e.Fleets {
		if want[p] {
			out = append(out, p)
		}
	}
	return out
}

// FleetsToRelint names the fleets a change of files touches, for a
// watcher that re-lints only what changed: the fleets that owned the files
// before (in before) and own them now (in after), so that a file moving
// between fleets re-lints both, and every fleet whose set of files or
// config differs between the two discoveries. A fleet that is gone is
// named too (its findings are to be dropped).
func FleetsToRelint(before, after *Estate, changed []string) []string {
	names := map[string]bool{}
	for _, e := range []*Estate{before, after} {
		if e == nil {
			continue
		}
		for _, p := range e.FleetsOwning(changed) {
			names[p.Name] = true
		}
	}
	if before != nil && after != nil {
		old := map[string]*FleetPlan{}
		for _, p := range before.Fleets {
			old[p.Name] = p
		}
		for _, p := range after.Fleets {
			o := old[p.Name]
			delete(old, p.Name)
			if o == nil || o.Root != p.Root || o.ConfigFile != p.ConfigFile || strings.Join(o.Files, "\x00") != strings.Join(p.Files, "\x00") {
				names[p.Name] = true
			}
		}
		for name := range old {
			names[name] = true
		}
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
