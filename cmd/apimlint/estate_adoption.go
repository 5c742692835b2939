package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/gitdiff"
	"github.com/apimlint/apimlint/lint"
)

// lintEstateAdopting is lint on a tree that splits into fleets with --fix,
// --diff, --accept, --accepted or --new-from-rev: each fleet is linted on
// its own as always, and the flags work fleet by fleet. Fixes are planned
// against the fleet that owns the file (a file belongs to one fleet, so
// plans never overlap); accepted findings are recorded with their fleet
// and hide findings of that fleet only; --new-from-rev keeps, in every
// fleet, the findings on lines changed since the revision.
func lintEstateAdopting(env *cliEnv, cf *commonFlags, rep reporting, e *lint.Estate, paths, fleets []string, rs []*lint.Rule, af *adoptionFlags, ff fixFlags, verbose bool) int {
	if af.accept != "" && af.newFromRev != "" {
		return usageError(env, "--accept records every finding; it cannot be combined with --new-from-rev")
	}
	var changes *gitdiff.Changes
	if af.newFromRev != "" {
		var err error
		if changes, err = gitdiff.Since(context.Background(), gitDir(paths), af.newFromRev); err != nil {
			return usageError(env, "%v", err)
		}
	}
	run := estateAdoption{af: af, rs: rs, changes: changes, readFiles: map[string]*lint.AcceptedFile{}}
	if af.accept != "" {
		run.accept = &lint.AcceptedFile{Version: lint.AcceptedVersion, Findings: []lint.AcceptedEntry{}}
	}
	if ff.fix || ff.diff {
		run.plan = &lint.FixPlan{Files: map[string][]byte{}, Old: map[string][]byte{}}
	}
	run.draw = rep.pictureEach(e.Root)
	res, err := run.lint(env, e, fleets, verbose)
	if err != nil {
		return usageError(env, "%v", err)
	}
	switch {
	case run.accept != nil:
		if err := writeFileAtomic(af.accept, run.accept.Write); err != nil {
			return usageError(env, "write %s: %v", af.accept, err)
		}
		n := len(run.accept.Findings)
		fmt.Fprintf(env.stderr, "apimlint: accepted %d %s of %d %s in %s, each under its fleet; lint with --accepted %s (or [lint] accepted in %s) to report only new ones\n",
			n, plural(n, "finding", "findings"), len(res.Fleets), plural(len(res.Fleets), "fleet", "fleets"), af.accept, af.accept, lint.ConfigFileName)
		return exitOK
	case ff.diff:
		return printFixDiff(env, run.plan)
	case ff.fix:
		for _, file := range sortedFiles(run.plan) {
			if err := writeKeepingMode(file, run.plan.Files[file]); err != nil {
				return usageError(env, "fix %s: %v", file, err)
			}
		}
		fmt.Fprintf(env.stderr, "apimlint: fixed %d %s in %d %s\n", len(run.plan.Applied), plural(len(run.plan.Applied), "finding", "findings"),
			len(run.plan.Files), plural(len(run.plan.Files), "file", "files"))
		reportConflicts(env, run.plan)
		if len(run.plan.Files) > 0 {
			// What remains: the tree is discovered again (a fix may change
			// what discovery reads) and every fleet linted afresh.
			again, err := discoverEstate(paths, cf.config, fleets, nil)
			if err != nil {
				return usageError(env, "after fixing: %v", err)
			}
			after := estateAdoption{af: af, rs: rs, changes: changes, readFiles: run.readFiles, draw: rep.pictureEach(again.Root)}
			if res, err = after.lint(env, again, fleets, false); err != nil {
				return usageError(env, "after fixing: %v", err)
			}
			run = after
		}
	}
	run.summarize(env)
	return cf.report(env, rep, res, false)
}

// estateAdoption is one lint of an estate with the adoption and fix flags.
type estateAdoption struct {
	af      *adoptionFlags
	rs      []*lint.Rule
	changes *gitdiff.Changes

	readFiles map[string]*lint.AcceptedFile             // accepted-findings files read, by path
	filters   []acceptedUse                             // the filter of every fleet that had one
	accept    *lint.AcceptedFile                        // --accept: every fleet's findings
	plan      *lint.FixPlan                             // --fix, --diff: every fleet's fixes
	draw      func(*lint.FleetPlan, *lint.Result) error // the html report's pictures
}

type acceptedUse struct {
	file   string
	filter *lint.AcceptedFilter
}

func (a *estateAdoption) lint(env *cliEnv, e *lint.Estate, fleets []string, verbose bool) (*lint.Result, error) {
	plans, err := selectPlans(env, e, fleets, verbose)
	if err != nil {
		return nil, err
	}
	// As lintEstate: peak memory follows the largest fleet.
	steadyGC(100)
	linter := lint.Linter{Rules: a.rs}
	return linter.LintEstate(context.Background(), e, lint.EstateRunOptions{
		Fleets:     plans,
		Processors: a.processors,
		Each:       a.each,
	})
}

// processors are one fleet's: changed lines first, then accepted findings
// (as for one fleet: after the suppressions).
func (a *estateAdoption) processors(p *lint.FleetPlan, f *lint.Fleet) ([]lint.Processor, error) {
	var procs []lint.Processor
	if a.changes != nil {
		procs = append(procs, a.changes.Filter())
	}
	if a.af.accept != "" {
		return procs, nil // everything found now is to be accepted
	}
	file := a.af.accepted
	if file == "" {
		file = f.Config.AcceptedPath()
	}
	if file == "" {
		return procs, nil
	}
	acc, ok := a.readFiles[file]
	if !ok {
		var err error
		if acc, err = lint.ReadAcceptedFile(file); err != nil {
			return nil, err
		}
		a.readFiles[file] = acc
	}
	filter := acc.ForFleet(p.Name).Filter(lint.RanRules(f.Config, a.rs))
	a.filters = append(a.filters, acceptedUse{file: file, filter: filter})
	return append(procs, filter), nil
}

// each records a linted fleet's findings (--accept) or plans its fixes
// (--fix, --diff) while the fleet is loaded.
func (a *estateAdoption) each(p *lint.FleetPlan, res *lint.Result) error {
	if a.draw != nil {
		if err := a.draw(p, res); err != nil {
			return err
		}
	}
	if a.accept != nil {
		a.accept.AddFleet(p.Name, res.Fleet, res.Findings)
	}
	if a.plan != nil {
		plan, err := lint.PlanFixes(res.Fleet, res.Findings)
		if err != nil {
			return fmt.Errorf("fleet %s: %w", p.Name, err)
		}
		a.plan.Include(plan)
	}
	return nil
}

// summarize prints, per accepted-findings file, what it hid in all the
// fleets it applied to.
func (a *estateAdoption) summarize(env *cliEnv) {
	byFile := map[string]lint.AcceptedStats{}
	for _, u := range a.filters {
		s, x := byFile[u.file], u.filter.Stats()
		s.Accepted += x.Accepted
		s.Hidden += x.Hidden
		s.Stale += x.Stale
		byFile[u.file] = s
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		fmt.Fprintf(env.stderr, "apimlint: %s (%s)\n", byFile[f], f)
	}
}

// printFixDiff prints a fix plan as a unified diff; exit 1 when it changes
// a file.
func printFixDiff(env *cliEnv, plan *lint.FixPlan) int {
	hides := false
	for _, file := range sortedFiles(plan) {
		d := plan.Diff(file)
		fmt.Fprint(env.stdout, d)
		hides = hides || strings.HasPrefix(d, lint.DiffHiddenNote)
	}
	if hides {
		fmt.Fprintln(env.stderr, "apimlint: a changed line of the diff holds a secret, shown as ****: the diff does not apply as it stands; apply the fixes with --fix")
	}
	reportConflicts(env, plan)
	if len(plan.Files) > 0 {
		return exitFindings
	}
	return exitOK
}

// estateNamesAccepted reports whether the config in force for a fleet of
// the estate names an accepted-findings file ([lint] accepted): its
// fleet's findings are then filtered, as they are when the fleet is
// linted alone.
func estateNamesAccepted(e *lint.Estate) bool {
	seen := map[string]bool{}
	for _, p := range e.Fleets {
		if p.ConfigFile == "" || seen[p.ConfigFile] {
			continue
		}
		seen[p.ConfigFile] = true
		data, err := os.ReadFile(p.ConfigFile)
		if err != nil {
			continue // loading the fleet reports it
		}
		if cfg, _ := lint.ParseConfig(p.ConfigFile, data); cfg.AcceptedPath() != "" {
			return true
		}
	}
	return false
}
