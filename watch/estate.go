package watch

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// A tree that holds several fleets (an estate, see lint.DiscoverEstate)
// is watched as lint sees it: every fleet linted on its own, findings
// tagged with their fleet. After a change the tree is discovered again
// (a new .apimlint.toml, a node added or removed, or an edit that changes
// which nodes reference each other may move files between fleets) and
// only the fleets the change touches are linted again (lint.FleetsToRelint):
// the fleet that owns an edited file, both fleets of a file that moved,
// every fleet a changed config is in force for. The other fleets keep
// their findings.
//
// A tree that is one fleet keeps the incremental lint.Loader path: it is
// discovered again only on changes that can split it (a node file added
// or removed, a directory, a config), not on every edit.

// estateState is what the watcher keeps of a tree that splits.
type estateState struct {
	estate   *lint.Estate
	findings map[string][]lint.Finding // by fleet name
	nodes    map[string]int            // by fleet name
	evidence map[string]string         // lint.DiscoveryEvidence by node file
}

// lintTree decides how the tree is linted this time. It returns handled
// when the tree was linted as an estate (or could not be discovered);
// otherwise the caller lints it as one fleet with the loader.
func (w *Watcher) lintTree(ctx context.Context, initial bool, start time.Time) (handled bool, err error) {
	if !initial && w.est == nil && (w.manifests || len(w.loader.Files()) == 0) {
		// A directory that held no node file may have come to hold
		// manifests (rendered after watch started), and one of manifests
		// may have come to hold node files: decide again, as lint would.
		was := w.manifests
		w.manifests = lint.IsManifestInput([]string{w.opts.Root})
		if was && !w.manifests {
			w.full = true
		}
	}
	if w.manifests {
		return true, w.lintManifests(ctx, initial, start)
	}
	if w.est != nil && !initial && !w.full && !w.rescan && !w.structural {
		// Edits of node files the fleets already hold: when no edit
		// changes what discovery reads, the split stands and the tree
		// need not be discovered (every file parsed) again.
		if done, err := w.relintInPlace(ctx, start); done {
			return true, err
		}
	}
	structural := initial || w.full || w.rescan || w.structural || w.est != nil
	for p := range w.dirty {
		if w.est == nil && (!w.loader.Has(p) || !exists(p)) {
			structural = true // a node added or removed
		}
	}
	if !structural {
		return false, nil
	}
	e, err := lint.DiscoverEstate(w.opts.Root, lint.LoadOptions{ConfigFile: w.opts.ConfigFile})
	if err != nil {
		if initial {
			return true, fmt.Errorf("watch: %w", err)
		}
		w.emit(Event{Kind: EventError, Message: err.Error()})
		return true, nil // keep the last state until the tree reads
	}
	w.structural = false
	if !e.Split && w.opts.EstateBaseline == nil {
		if w.est != nil {
			// The tree became one fleet: the loader starts afresh.
			w.est = nil
			w.full = true
		}
		clear(w.touched)
		return false, nil
	}
	return true, w.lintEstate(ctx, e, initial, start)
}

// relintInPlace lints again, in the estate already discovered, the fleets
// that own the changed files. It reports false, having reported nothing,
// when the change may alter the split: a file no fleet holds (new) or
// gone, or an edit that changes a node's discovery evidence.
func (w *Watcher) relintInPlace(ctx context.Context, start time.Time) (bool, error) {
	e := w.est.estate
	relint := map[string]bool{}
	for p := range w.dirty {
		fp := e.FleetOf(p)
		if fp == nil || !exists(p) {
			return false, nil
		}
		relint[fp.Name] = true
	}
	if len(relint) == 0 {
		return false, nil
	}
	e.ResetReported()
	next, names, reread, err := w.lintFleets(ctx, e, false, relint, true)
	if err != nil || next == nil {
		return err != nil, err
	}
	clear(w.dirty)
	w.finishEstate(e, next, names, reread, false, false, start)
	return true, nil
}

// lintEstate lints the fleets of e a change touched and reports what
// changed in the whole tree.
func (w *Watcher) lintEstate(ctx context.Context, e *lint.Estate, initial bool, start time.Time) error {
	changed := make([]string, 0, len(w.dirty)+len(w.touched))
	for p := range w.dirty {
		changed = append(changed, p)
	}
	for p := range w.touched {
		changed = append(changed, p)
	}
	clear(w.touched)
	// The directories to watch are those lint walks, as for one fleet.
	if initial || w.full || w.rescan {
		if w.full {
			if err := w.loader.LoadConfig(); err != nil && !initial {
				w.emit(Event{Kind: EventError, Message: err.Error()})
			}
		}
		if err := w.scan(); err != nil {
			if initial {
				return fmt.Errorf("watch: %w", err)
			}
			w.emit(Event{Kind: EventError, Message: err.Error()})
		}
	}
	all := initial || w.full || w.est == nil
	w.full, w.rescan = false, false
	clear(w.dirty) // the loader is not used while the tree splits
	var relint map[string]bool
	if !all {
		relint = fleetsToRelint(w.est.estate, e, changed)
	}
	if w.opts.Baseline != nil && w.opts.EstateBaseline == nil && w.est == nil {
		w.emit(Event{Kind: EventError, Message: fmt.Sprintf("%s holds %d fleets: --baseline is one fleet's and drift is not reported; watch a fleet's directory to see its drift", w.opts.Root, len(e.Fleets))})
	}
	next, names, reread, err := w.lintFleets(ctx, e, all, relint, false)
	if err != nil {
		return err
	}
	w.finishEstate(e, next, names, reread, initial, true, start)
	return nil
}

// lintFleets lints the fleets of e that all or relint select, in estate
// order, and keeps the last findings of the others. With checkEvidence it
// gives up (nil state) when a re-loaded node's discovery evidence differs
// from what it was: the tree is to be discovered again.
func (w *Watcher) lintFleets(ctx context.Context, e *lint.Estate, all bool, relint map[string]bool, checkEvidence bool) (*estateState, []string, int, error) {
	next := &estateState{estate: e, findings: map[string][]lint.Finding{}, nodes: map[string]int{}, evidence: map[string]string{}}
	keep := func(p *lint.FleetPlan) {
		if w.est == nil {
			return
		}
		next.findings[p.Name] = w.est.findings[p.Name]
		next.nodes[p.Name] = w.est.nodes[p.Name]
		for _, file := range p.Files {
			if ev, ok := w.est.evidence[file]; ok {
				next.evidence[file] = ev
			}
		}
	}
	var names []string
	reread := 0
	for _, p := range e.Fleets {
		if !all && !relint[p.Name] {
			keep(p)
			e.ConfigReported(p) // its findings hold the config's problems
			continue
		}
		f, err := e.LoadFleet(p)
		if err != nil {
			w.emit(Event{Kind: EventError, Message: fmt.Sprintf("fleet %s: %v", p.Name, err)})
			keep(p)
			continue
		}
		for _, n := range f.Nodes {
			ev := lint.DiscoveryEvidence(n)
			if checkEvidence && ev != w.est.evidence[n.File] {
				return nil, nil, 0, nil
			}
			next.evidence[n.File] = ev
		}
		fleetRules := w.opts.Rules
		if w.opts.EstateBaseline != nil {
			fleetRules = append(slices.Clip(fleetRules), w.fleetDrift(p, f))
		}
		linter := lint.Linter{Rules: fleetRules, Processors: []lint.Processor{lint.FleetTagger{Fleet: p.Name}}}
		res, err := linter.Run(ctx, f)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("watch: lint fleet %s: %w", p.Name, err)
		}
		next.findings[p.Name] = res.Findings
		next.nodes[p.Name] = len(f.Nodes)
		reread += len(p.Files)
		names = append(names, p.Name)
	}
	return next, names, reread, nil
}

// finishEstate makes next the state and reports the whole tree's findings.
func (w *Watcher) finishEstate(e *lint.Estate, next *estateState, names []string, reread int, initial, discovered bool, start time.Time) {
	w.est = next
	var findings []lint.Finding
	nodes := 0
	for _, p := range e.Fleets {
		findings = append(findings, next.findings[p.Name]...)
		nodes += next.nodes[p.Name]
	}
	findings = append(findings, w.goneFleets(e)...)
	lint.SortFindings(findings)
	sort.Strings(names)
	stats := &Stats{Nodes: nodes, Summary: lint.Summarize(findings, nodes), Reread: reread, Duration: time.Since(start),
		Fleets: len(e.Fleets), Relinted: names, Discovered: discovered}
	w.report(initial, findings, stats)
}

// fleetsToRelint names the fleets of after a change touches
// (lint.FleetsToRelint), and those whose findings may change with them:
// a config's problems are reported with the first fleet, in estate order,
// that uses it, so when a fleet comes, goes or changes its config every
// fleet that uses its old or new config is linted again; the estate's own
// diagnostics (the root config's
// [[fleet]] entries) go with its first fleet, linted again when that
// fleet or the diagnostics change.
func fleetsToRelint(before, after *lint.Estate, changed []string) map[string]bool {
	relint := map[string]bool{}
	configs := map[string]bool{} // configs whose set of users changed
	for _, name := range lint.FleetsToRelint(before, after, changed) {
		relint[name] = true
		pb, pa := before.Fleet(name), after.Fleet(name)
		if pb != nil && pa != nil && pb.ConfigFile == pa.ConfigFile {
			continue // the same fleet under the same config: its users are as they were
		}
		for _, p := range []*lint.FleetPlan{pb, pa} {
			if p != nil && p.ConfigFile != "" {
				configs[p.ConfigFile] = true
			}
		}
	}
	for _, p := range after.Fleets {
		if configs[p.ConfigFile] {
			relint[p.Name] = true
		}
	}
	if len(after.Fleets) > 0 && (len(before.Fleets) == 0 || before.Fleets[0].Name != after.Fleets[0].Name ||
		!sameDiagnostics(before.Diagnostics, after.Diagnostics)) {
		relint[after.Fleets[0].Name] = true
	}
	return relint
}

func sameDiagnostics(a, b []lint.Finding) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Rule != b[i].Rule || a[i].File != b[i].File || a[i].Line != b[i].Line || a[i].Message != b[i].Message {
			return false
		}
	}
	return true
}

// report sends the events of one lint of the whole tree (one fleet, an
// estate or manifests): the initial state, or what appeared and what was
// resolved since the last lint. It counts the findings by rule and the
// drifted keys into stats.
func (w *Watcher) report(initial bool, findings []lint.Finding, stats *Stats) {
	stats.ByRule = map[string]map[string]int{}
	for _, f := range findings {
		if f.Rule == drift.RuleID {
			stats.DriftKeys++
		}
		m := stats.ByRule[f.Rule]
		if m == nil {
			m = map[string]int{}
			stats.ByRule[f.Rule] = m
		}
		m[f.Severity.String()]++
	}
	cur := index(findings)
	if initial {
		stats.Findings = slices.Clip(findings)
		if stats.Findings == nil {
			stats.Findings = []lint.Finding{}
		}
		w.prev = cur
		w.emit(Event{Kind: EventState, Stats: stats})
		return
	}
	now := time.Now()
	for _, f := range changed(w.prev, cur) {
		w.emit(Event{Time: now, Kind: EventResolved, Finding: &f})
	}
	for _, f := range changed(cur, w.prev) {
		w.emit(Event{Time: now, Kind: EventNew, Finding: &f})
	}
	w.prev = cur
	w.emit(Event{Time: now, Kind: EventLint, Stats: stats})
}

// fleetDrift is the drift rule of one fleet against its own record in the
// estate baseline; a fleet the baseline lacks has every node added.
func (w *Watcher) fleetDrift(p *lint.FleetPlan, f *lint.Fleet) *lint.Rule {
	eb := w.opts.EstateBaseline
	dopts, err := drift.OptionsFromConfig(f.Config)
	if err != nil {
		w.emit(Event{Kind: EventError, Message: fmt.Sprintf("fleet %s: %v", p.Name, err)})
	}
	b := eb.Baseline(&drift.FleetBaseline{Nodes: []drift.NodeRecord{}})
	if fb := eb.Fleet(p.Name); fb != nil {
		b = eb.Baseline(fb)
	}
	b.UseKey(w.opts.BaselineKey)
	return drift.RuleFor(b, dopts)
}

// goneFleets are the findings for fleets the estate baseline records and
// the tree no longer holds, one per fleet, as `apimlint drift` reports.
func (w *Watcher) goneFleets(e *lint.Estate) []lint.Finding {
	eb := w.opts.EstateBaseline
	if eb == nil {
		return nil
	}
	var out []lint.Finding
	for _, fb := range eb.Fleets {
		if e.Fleet(fb.Name) != nil {
			continue
		}
		out = append(out, lint.Finding{Rule: drift.RuleID, Severity: lint.SeverityWarning,
			File: w.opts.BaselineFile, Line: 1, Column: 1, Fleet: fb.Name, Related: []lint.Related{},
			Message: fmt.Sprintf("fleet %s (%s) of the baseline is not in %s: its %d nodes are gone", fb.Name, fb.Root, filepath.Clean(w.opts.Root), len(fb.Nodes))})
	}
	return out
}
