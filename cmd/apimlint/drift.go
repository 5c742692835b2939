package main

import (
	"context"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

func init() {
	addCommand(&command{name: "drift", usage: "--baseline FILE [flags] PATH...", summary: "report what changed since a baseline", run: runDrift})
	// Drift needs a baseline, so its rule is not in the lint rule set.
	addExtraRules("drift", drift.Rule)
}

func runDrift(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "drift", "--baseline FILE [flags] PATH...")
	var cf commonFlags
	cf.register(fs, "warning")
	baseline := fs.String("baseline", "", "baseline `FILE` recorded by apimlint baseline (required)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 || *baseline == "" {
		fs.Usage()
		return usageError(env, "drift needs --baseline FILE and a PATH")
	}
	if len(cf.ruleIDs) > 0 {
		return usageError(env, "--rule does not apply to drift: it reports only %s", drift.RuleID)
	}
	rep, code := cf.reporting(env)
	if code != exitOK {
		return code
	}
	manifests := lint.IsManifestInput(paths) // Kubernetes manifests are one fleet, never an estate
	if !manifests {
		if code, ok := driftEstate(env, &cf, rep, *baseline, paths); ok {
			return code
		}
	}
	b, err := readBaseline(env, *baseline)
	if err != nil {
		return usageError(env, "%v", err)
	}
	fleet, err := loadDriftPaths(paths, manifests, cf.config)
	if err != nil {
		return usageError(env, "%v", err)
	}
	res, err := driftResult(context.Background(), b, fleet)
	if err != nil {
		return usageError(env, "%v", err)
	}
	return cf.report(env, rep, res, false)
}

// driftResult runs the drift rule through the library's pipeline.
func driftResult(ctx context.Context, b *drift.Baseline, fleet *lint.Fleet) (*lint.Result, error) {
	opts, err := drift.OptionsFromConfig(fleet.Config)
	if err != nil {
		return nil, err
	}
	l := lint.Linter{Rules: []*lint.Rule{drift.RuleFor(b, opts)}}
	return l.Run(ctx, fleet)
}
