package lint

import (
	"context"
	"fmt"
	"strings"
)

// FleetSummary is one fleet of a linted estate, as outputs list it.
type FleetSummary struct {
	Name    string  `json:"name"`
	Root    string  `json:"root"`
	Why     string  `json:"why"`
	Nodes   int     `json:"nodes"`
	Summary Summary `json:"summary"`
}

// FleetTagger tags every finding with the fleet it belongs to. It runs
// last among a linter's own processors, after suppressions, so that the
// findings suppressions add (unused ones) carry their fleet too.
type FleetTagger struct{ Fleet string }

// Name implements Processor.
func (p FleetTagger) Name() string { return "fleet" }

// Process implements Processor.
func (p FleetTagger) Process(_ *Fleet, all []Finding) ([]Finding, error) {
	for i := range all {
		all[i].Fleet = p.Fleet
	}
	return all, nil
}

// EstateRunOptions control LintEstate.
type EstateRunOptions struct {
	// Fleets are the plans to lint (every fleet of the estate when nil).
	Fleets []*FleetPlan
	// Processors returns extra processors for one loaded fleet (accepted
	// findings, --new-from-rev); nil for none.
	Processors func(p *FleetPlan, f *Fleet) ([]Processor, error)
	// Rules, when set, gives the rules for one loaded fleet in place of the
	// linter's (drift: each fleet against its own baseline).
	Rules func(p *FleetPlan, f *Fleet) ([]*Rule, error)
	// Findings, when set, gives findings made outside the rules for one
	// loaded fleet (probe's dials); they pass through the linter's chain
	// (Linter.Process) instead of the rules running.
	Findings func(ctx context.Context, p *FleetPlan, f *Fleet) ([]Finding, error)
	// Each is called with every fleet's result before the fleet is
	// released (nil: nothing).
	Each func(p *FleetPlan, r *Result) error
}

// LintEstate lints every fleet of the estate on its own: it loads one
// fleet, runs the linter's pipeline over it, keeps its findings and a
// summary of its nodes, and releases it before the next, so memory is
// set by the largest fleet. The result holds every finding, tagged with
// its fleet (Finding.Fleet), light copies of the nodes (name, file, role,
// addresses, fleet; no keys) and Result.Fleets.
func (l *Linter) LintEstate(ctx context.Context, e *Estate, opts EstateRunOptions) (*Result, error) {
	plans := opts.Fleets
	if plans == nil {
		plans = e.Fleets
	}
	out := &Result{Root: e.Root, Fleet: &Fleet{Root: e.Root, Config: &Config{}}, Findings: []Finding{}, Fleets: []FleetSummary{}}
	// The next fleet loads while this one is linted: an estate of small
	// fleets leaves a core idle in each fleet's serial steps otherwise.
	// Memory holds two fleets at most, still set by the largest.
	pres := make([]*prelint, len(plans))
	var load []*FleetPlan
	for i, p := range plans {
		if pres[i] = e.prelinted(l, p, opts); pres[i] == nil {
			load = append(load, p)
		}
	}
	next := prefetch(e, load)
	for i, p := range plans {
		if pre := pres[i]; pre != nil {
			out.addFleet(p, &pre.lintedFleet)
			continue
		}
		f, err := next()
		if err != nil {
			return nil, err
		}
		linter := *l
		linter.Processors = append([]Processor(nil), l.Processors...)
		if opts.Processors != nil {
			extra, err := opts.Processors(p, f)
			if err != nil {
				return nil, fmt.Errorf("fleet %s: %w", p.Name, err)
			}
			linter.Processors = append(linter.Processors, extra...)
		}
		if opts.Rules != nil {
			rs, err := opts.Rules(p, f)
			if err != nil {
				return nil, fmt.Errorf("fleet %s: %w", p.Name, err)
			}
			linter.Rules = rs
		}
		linter.Processors = append(linter.Processors, FleetTagger{Fleet: p.Name})
		var res *Result
		if opts.Findings != nil {
			found, ferr := opts.Findings(ctx, p, f)
			if ferr != nil {
				return nil, fmt.Errorf("fleet %s: %w", p.Name, ferr)
			}
			res, err = linter.Process(ctx, f, found)
		} else {
			res, err = linter.Run(ctx, f)
		}
		if err != nil {
			return nil, fmt.Errorf("fleet %s: %w", p.Name, err)
		}
		if out.Rules == nil {
			out.Rules = res.Rules
		}
		if opts.Each != nil {
			if err := opts.Each(p, res); err != nil {
				return nil, err
			}
		}
		out.addFleet(p, keepLinted(res))
	}
	SortFindings(out.Findings)
	return out, nil
}

// lintedFleet is what an estate's result keeps of one linted fleet: its
// findings and light copies of its nodes (their fleet not yet set), the
// rules that ran and the summary.
type lintedFleet struct {
	findings []Finding
	nodes    []*Node
	rules    []*Rule
	summary  Summary
}

// keepLinted detaches what the estate keeps of a fleet's result from the
// fleet, which is then released.
func keepLinted(res *Result) *lintedFleet {
	lf := &lintedFleet{rules: res.Rules, summary: res.Summary()}
	lf.findings = make([]Finding, len(res.Findings))
	for i, x := range res.Findings {
		lf.findings[i] = detachFinding(x)
	}
	lf.nodes = make([]*Node, len(res.Fleet.Nodes))
	for i, n := range res.Fleet.Nodes {
		lf.nodes[i] = detachNode(n, "")
	}
	return lf
}

// addFleet adds a linted fleet of plan p to the estate's result.
func (r *Result) addFleet(p *FleetPlan, lf *lintedFleet) {
	if r.Rules == nil {
		r.Rules = lf.rules
	}
	for _, x := range lf.findings {
		x.Fleet = p.Name
		r.Findings = append(r.Findings, x)
	}
	r.Fleets = append(r.Fleets, FleetSummary{Name: p.Name, Root: p.Root, Why: p.Why, Nodes: len(lf.nodes), Summary: lf.summary})
	for _, n := range lf.nodes {
		n.Fleet = p.Name
		r.Fleet.Nodes = append(r.Fleet.Nodes, n)
	}
}

// prefetch returns a function that gives the plans' fleets in order, each
// loaded while the one before it is in use.
func prefetch(e *Estate, plans []*FleetPlan) func() (*Fleet, error) {
	type loaded struct {
		f   *Fleet
		err error
	}
	start := func(p *FleetPlan) chan loaded {
		ch := make(chan loaded, 1) // buffered: a load nobody waits for still ends
		go func() {
			f, err := e.LoadFleet(p)
			ch <- loaded{f, err}
		}()
		return ch
	}
	i := 0
	var pending chan loaded
	if len(plans) > 0 {
		pending = start(plans[0])
	}
	return func() (*Fleet, error) {
		ld := <-pending
		i++
		if i < len(plans) && ld.err == nil {
			pending = start(plans[i])
		}
		return ld.f, ld.err
	}
}

// detachNode copies what outputs show of a node into memory of its own:
// strings read from a file share its bytes, and a light node must not
// keep the whole file (and so the fleet) alive.
func detachNode(n *Node, fleet string) *Node {
	c := strings.Clone
	addrs := make([]Address, len(n.Addresses))
	for i, a := range n.Addresses {
		addrs[i] = Address{Host: c(a.Host), Source: c(a.Source)}
	}
	return &Node{Name: c(n.Name), File: c(n.File), Rel: c(n.Rel), Role: Role(c(string(n.Role))),
		RoleSource: c(n.RoleSource), RoleDetail: c(n.RoleDetail), Addresses: addrs, Fleet: fleet}
}

// detachFinding is detachNode for a finding.
func detachFinding(f Finding) Finding {
	c := strings.Clone
	f.Rule, f.Node, f.File, f.Key, f.Message = c(f.Rule), c(f.Node), c(f.File), c(f.Key), c(f.Message)
	if len(f.Related) > 0 {
		rel := make([]Related, len(f.Related))
		for i, r := range f.Related {
			r.Node, r.File, r.Key, r.Message = c(r.Node), c(r.File), c(r.Key), c(r.Message)
			rel[i] = r
		}
		f.Related = rel
	}
	return f
}
