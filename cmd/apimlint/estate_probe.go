package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/probe"
)

// probeEstate probes every fleet of an estate on its own (each fleet's
// URLs resolved against its own nodes), within one --deadline for all:
// fleets not reached by then are skipped and the run is incomplete.
func probeEstate(env *cliEnv, cf *commonFlags, reporting reporting, e *lint.Estate, opts probe.Options, pf probeFlags, ruleSet map[string]bool) int {
	if pf.list {
		for _, p := range e.Fleets {
			f, err := e.LoadFleet(p)
			if err != nil {
				return usageError(env, "%v", err)
			}
			targets, skipped, err := probe.Collect(f, opts)
			if err != nil {
				return usageError(env, "%v", err)
			}
			fmt.Fprintf(env.stdout, "fleet %s: %s\n", p.Name, p.Root)
			if err := listEndpoints(env.stdout, f.Manifests, targets, skipped); err != nil {
				return usageError(env, "%v", err)
			}
		}
		return exitOK
	}
	start := time.Now()
	var incomplete bool
	var unprobed []string
	linter := lint.Linter{Rules: probe.Rules}
	res, err := linter.LintEstate(context.Background(), e, lint.EstateRunOptions{
		Findings: func(ctx context.Context, p *lint.FleetPlan, f *lint.Fleet) ([]lint.Finding, error) {
			left := pf.deadline - time.Since(start)
			if left <= 0 {
				incomplete = true
				unprobed = append(unprobed, p.Name)
				return nil, nil
			}
			o := opts
			o.Deadline = left
			rep, err := probe.Check(ctx, f, o)
			if errors.Is(err, probe.ErrDeadline) {
				incomplete = true
			} else if err != nil {
				return nil, err
			}
			var out []lint.Finding
			for _, x := range rep.Findings {
				if ruleSet[x.Rule] {
					out = append(out, x)
				}
			}
			if pf.verbose {
				printResults(env.stderr, rep.Results)
			}
			if !cf.quiet || incomplete {
				fmt.Fprintf(env.stderr, "fleet %s:\n", p.Name)
				printSkipped(env.stderr, nil, rep, time.Since(start))
			}
			return out, nil
		},
	})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if incomplete {
		fmt.Fprintf(env.stderr, "apimlint: probe deadline %s passed", pf.deadline)
		if len(unprobed) > 0 {
			fmt.Fprintf(env.stderr, "; fleets not probed: %v", unprobed)
		}
		fmt.Fprintln(env.stderr, " (raise --deadline or --parallel)")
	}
	return cf.report(env, reporting, res, incomplete)
}
