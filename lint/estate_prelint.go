package lint

import (
	"context"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apimlint/apimlint/wso2"
)

// Discovery reads every node of an estate to decide its fleets, and
// linting then read every node again: on 10,000 nodes in 400 fleets the
// second reading was a third of the run. Discovery cannot keep the nodes
// (memory would grow with the estate), so a discovery run for a linter
// lints each folder of siblings as the fleet it most likely is, while it
// holds the folder's nodes, and keeps only the findings and light copies
// of the nodes, as LintEstate does. LintEstate takes such a result for a
// fleet when it is exactly what loading and linting that fleet would
// give: the decided fleet is the folder, rooted there, under the same
// config and linter, and every host the rules looked up in the other
// fleets of the estate is found in none (the answer they were given while
// the estate was not yet known). Anything else is read and linted again.

// prelinter is the linter a discovery lints folders with, as it stood.
type prelinter struct {
	l     *Linter
	rules []*Rule
	now   time.Time
}

// prelint is a folder linted during discovery.
type prelint struct {
	lintedFleet
	root  string
	files []string // sorted
	cfg   *Config
	// asked are the hosts the rules looked up in other fleets.
	asked []string
}

// DiscoverEstate discovers the estate at root as the package function
// does, and lints each folder of siblings as it reads it: LintEstate on
// this linter (unchanged, without per-fleet options) then reads again only
// the fleets whose result could differ. The fleets, and every finding,
// are those of DiscoverEstate followed by LintEstate.
func (l *Linter) DiscoverEstate(root string, opts LoadOptions) (*Estate, error) {
	if len(l.Processors) > 0 {
		return DiscoverEstate(root, opts)
	}
	return discoverEstate(root, opts, &prelinter{l: l, rules: slices.Clone(l.Rules), now: l.Now})
}

// same reports whether l is the linter the discovery linted with.
func (p *prelinter) same(l *Linter) bool {
	return p != nil && l == p.l && len(l.Processors) == 0 && slices.Equal(l.Rules, p.rules) && l.Now.Equal(p.now)
}

// deploymentOfItsOwn reports whether a folder of siblings looks like a
// whole deployment, worth linting before the estate is decided: its nodes
// are one group as discovery groups siblings (linked, or of roles that
// complete each other), and they are an all-in-one or of two roles or
// more. A folder of one role (gw/ beside cp/) is most likely part of a
// larger fleet, and linting it alone would be wasted.
func deploymentOfItsOwn(dir string, ev []*evidence, joining []siblingLink) bool {
	var roles []Role
	for _, x := range ev {
		if !slices.Contains(roles, x.role) {
			roles = append(roles, x.role)
		}
	}
	if len(roles) < 2 && !slices.Contains(roles, wso2.RoleAllInOne) {
		return false
	}
	t := &dirTree{links: map[string][]siblingLink{dir: joining}}
	groups := t.linkGroups(dir, ev, true)
	return len(groups) == 1 && groups[0].rel == dir
}

// prelintable reports whether a folder's nodes, read under names below
// the estate root, can be made what loading the folder as a fleet makes of
// them under names below the folder (see renamed): no config setting
// names nodes or excludes files, and no node is a pack directory, whose
// parent directory is one of its addresses.
func prelintable(cfg *Config, names []string) bool {
	if cfg != nil && (len(cfg.Nodes) > 0 || len(cfg.Exclude) > 0) {
		return false
	}
	for _, name := range names {
		if wso2.IsPackDir(path.Base(name)) {
			return false
		}
	}
	return true
}

// renamed is node n as newNode makes it under another name: the role,
// which the directory name can decide, is decided again, with what
// follows from it (the role finding, the endpoint references); the rest
// of a node does not depend on its name (NewFleet finds its addresses).
func renamed(n *Node, name, rel string, cfg *Config) *Node {
	c := *n
	c.Name, c.Rel = name, rel
	c.Diagnostics = nil
	for _, d := range n.Diagnostics {
		if d.Rule == RuleRoleUnknown {
			continue // decided again below
		}
		if d.Node == n.Name {
			d.Node = name
		}
		c.Diagnostics = append(c.Diagnostics, d)
	}
	c.Role, c.RoleSource, c.RoleDetail = "", "", ""
	if cfg == nil {
		cfg = &Config{}
	}
	decideRole(&c, cfg)
	if c.Role != n.Role {
		c.refs = c.endpointRefs()
	}
	return &c
}

// lintFolder lints a folder of siblings as the fleet rooted at dir (a
// slash path below the estate root), or returns nil. Its nodes are
// discovery's renamed as that fleet names them; the fleet is built again
// from them, since node names take part in how the address book reads
// hosts.
func (p *prelinter) lintFolder(root, dir string, walked []source, parsed []*Node, cfg *Config) *prelint {
	fleetRoot := joinRoot(root, dir)
	// In the order of the fleet's plan (by path), not the walk's (depth
	// first, symlinked folders last): two nodes of one name are told
	// apart (#2) by their order.
	order := make([]int, len(walked))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return walked[order[a]].rel < walked[order[b]].rel })
	names := make([]string, len(walked))
	rels := make([]string, len(walked))
	files := make([]string, len(walked))
	for i, j := range order {
		rels[i] = walked[j].rel
		if dir != "." {
			rels[i] = strings.TrimPrefix(walked[j].rel, dir+"/")
		}
		names[i] = wso2.NodeName(fleetRoot, rels[i])
		files[i] = walked[j].display
	}
	if !prelintable(cfg, names) {
		return nil
	}
	own := make([]*Node, len(walked))
	for i, j := range order {
		if parsed[j] == nil {
			return nil
		}
		own[i] = renamed(parsed[j], names[i], rels[i], cfg)
	}
	f := NewFleet(fleetRoot, own, cfg)
	var asked hostLog
	f.elsewhere = asked.lookup
	res, err := p.l.Run(context.Background(), f)
	if err != nil {
		return nil // read and linted again, where the error is reported
	}
	slices.Sort(files)
	return &prelint{lintedFleet: *keepLinted(res), root: fleetRoot, files: files, cfg: cfg, asked: asked.hosts}
}

// hostLog records the hosts rules look up in the other fleets of the
// estate, which discovery cannot answer yet: it answers none.
type hostLog struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostLog) lookup(host string) []EstateNode {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !slices.Contains(h.hosts, host) {
		h.hosts = append(h.hosts, strings.Clone(host))
	}
	return nil
}

// prelinted returns the result discovery linted for plan p, when it is
// the one LintEstate would get by loading and linting p; it is handed out
// once.
func (e *Estate) prelinted(l *Linter, p *FleetPlan, opts EstateRunOptions) *prelint {
	if opts.Processors != nil || opts.Rules != nil || opts.Findings != nil || opts.Each != nil || !e.prelinter.same(l) {
		return nil
	}
	e.mu.Lock()
	pre := e.prelints[p.Root]
	e.mu.Unlock()
	if pre == nil || p.entry != nil || e.opts.Config != nil || !slices.Equal(pre.files, p.Files) {
		return nil
	}
	if len(e.Fleets) > 0 && p == e.Fleets[0] && len(e.Diagnostics) > 0 {
		return nil
	}
	if p.ConfigFile == "" {
		if pre.cfg != nil {
			return nil
		}
	} else {
		pc, err := e.readConfig(p.ConfigFile)
		if err != nil || pc.cfg != pre.cfg || len(pc.diag) > 0 {
			return nil
		}
	}
	if look := e.elsewhereFor(p); look != nil {
		for _, h := range pre.asked {
			if len(look(h)) > 0 {
				return nil
			}
		}
	}
	e.mu.Lock()
	delete(e.prelints, p.Root)
	e.mu.Unlock()
	return pre
}
