package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// writeEstateBaseline records every fleet of an estate (apimlint baseline
// on a tree that splits), secrets under the baseline key as for one fleet.
func writeEstateBaseline(env *cliEnv, e *lint.Estate, out string) int {
	key, err := recordingKey(env)
	if err != nil {
		return usageError(env, "%v", err)
	}
	eb, err := drift.RecordEstate(e, drift.RecordOptions{Key: key})
	if err != nil {
		return usageError(env, "%v", err)
	}
	printWarnings(env, eb.Warnings)
	if out == "-" {
		return usageError(env, "an estate baseline is written to a file: -o FILE")
	}
	if err := drift.WriteEstateFile(out, eb); err != nil {
		return usageError(env, "%v", err)
	}
	nodes := 0
	for _, f := range eb.Fleets {
		nodes += len(f.Nodes)
	}
	fmt.Fprintf(env.stderr, "apimlint: baseline of %d fleets, %d nodes written to %s\n", len(eb.Fleets), nodes, out)
	return exitOK
}

// driftEstate reports drift per fleet when the baseline is an estate's:
// each fleet against its own record; a fleet the baseline lacks has every
// node added, and a recorded fleet that is gone is one finding. ok is
// false when the file is not an estate baseline.
func driftEstate(env *cliEnv, cf *commonFlags, rep reporting, file string, paths []string) (int, bool) {
	data, err := os.ReadFile(file)
	if err != nil || !drift.IsEstateBaseline(data) {
		return 0, false
	}
	eb, err := drift.ParseEstate(data)
	if err != nil {
		return usageError(env, "baseline %s: %v", file, err), true
	}
	key, err := drift.LoadKey(env.getenv, env.getenv(keyFileEnv), false)
	if err != nil {
		fmt.Fprintf(env.stderr, "apimlint: warning: %v\n", err)
	}
	probe := eb.Baseline(&drift.FleetBaseline{})
	probe.UseKey(key)
	printWarnings(env, probe.Warnings)
	if len(paths) != 1 {
		return usageError(env, "an estate baseline is compared with one PATH: the estate directory"), true
	}
	e, err := lint.DiscoverEstate(paths[0], lint.LoadOptions{ConfigFile: cf.config})
	if err != nil {
		return usageError(env, "%v", err), true
	}
	seen := map[string]bool{}
	linter := lint.Linter{}
	res, err := linter.LintEstate(context.Background(), e, lint.EstateRunOptions{
		Rules: func(p *lint.FleetPlan, f *lint.Fleet) ([]*lint.Rule, error) {
			opts, err := drift.OptionsFromConfig(f.Config)
			if err != nil {
				return nil, err
			}
			b := eb.Baseline(&drift.FleetBaseline{Nodes: []drift.NodeRecord{}})
			if fb := eb.Fleet(p.Name); fb != nil {
				seen[p.Name] = true
				b = eb.Baseline(fb)
			}
			b.UseKey(key)
			return []*lint.Rule{drift.RuleFor(b, opts)}, nil
		},
	})
	if err != nil {
		return usageError(env, "%v", err), true
	}
	for _, fb := range eb.Fleets {
		if seen[fb.Name] {
			continue
		}
		res.Findings = append(res.Findings, lint.Finding{Rule: drift.RuleID, Severity: lint.SeverityWarning,
			File: file, Line: 1, Column: 1, Fleet: fb.Name, Related: []lint.Related{},
			Message: fmt.Sprintf("fleet %s (%s) of the baseline is not in %s: its %d nodes are gone", fb.Name, fb.Root, filepath.Clean(paths[0]), len(fb.Nodes))})
	}
	lint.SortFindings(res.Findings)
	return cf.report(env, rep, res, false), true
}
