package main

import (
	"context"
	"io"
	"strings"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
)

func init() {
	addCommand(&command{name: "graph", usage: "[--format dot|mermaid|json|svg] [-o FILE] [--fleet NAME] PATH...",
		summary: "draw the fleet's wiring, broken links in their finding's colour", run: runGraph})
}

// runGraph lints the fleet (so that links with findings are coloured) and
// draws it; all the drawing is the graph package's.
func runGraph(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "graph", "[--format dot|mermaid|json|svg] [-o FILE] [--fleet NAME] PATH...")
	format := fs.String("format", "svg", "output format: "+strings.Join(graph.Formats, "|"))
	out := fs.String("o", "", "write to FILE instead of stdout")
	config := fs.String("config", "", "fleet config file (default: PATH/.apimlint.toml when present)")
	groupAt := fs.Int("group-at", graph.DefaultGroupAt, "draw this many or more nodes of one role with the same links as one node; 0 never does")
	var fleetNames stringList
	fs.Var(&fleetNames, "fleet", "draw only this fleet of an estate (see apimlint nodes); repeatable")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 {
		fs.Usage()
		return usageError(env, "graph needs a PATH (a fleet directory or deployment.toml files)")
	}
	if !graph.KnownFormat(*format) {
		return usageError(env, "--format: unknown format %q (want %s)", *format, strings.Join(graph.Formats, ", "))
	}
	rs, err := (&commonFlags{}).selectedRules()
	if err != nil {
		return usageError(env, "%v", err)
	}
	opts := graph.Options{GroupAt: *groupAt}
	if *groupAt == 0 {
		opts.GroupAt = -1
	}
	if !lint.IsManifestInput(paths) {
		// A tree of several fleets: one picture per fleet, in one document.
		estate, err := discoverEstate(paths, *config, fleetNames, nil)
		if err != nil {
			return usageError(env, "%v", err)
		}
		if splitEstate(estate, fleetNames) {
			return drawEstate(env, estate, fleetNames, rs, opts, *format, *out)
		}
	} else if len(fleetNames) > 0 {
		return usageError(env, "--fleet %s: Kubernetes manifests are drawn as one fleet; --fleet selects a fleet of an estate directory (see apimlint nodes)", fleetNames[0])
	}
	// Kubernetes manifests (*.yaml, directories of them, "-") draw the
	// fleet the cluster runs: nodes named after workloads, Service names.
	fleet, err := loadLintPaths(paths, lint.LoadOptions{ConfigFile: *config})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if len(fleet.Nodes) == 0 {
		return usageError(env, "no node files (deployment.toml, *.toml given directly, or manifests with a deployment.toml ConfigMap) in %s", strings.Join(paths, " "))
	}
	res, err := lint.Run(context.Background(), fleet, rs, lint.RunOptions{})
	if err != nil {
		return usageError(env, "%v", err)
	}
	g := graph.Build(res, opts)
	return writeGraph(env, *format, *out, func(w io.Writer) error { return graph.Write(w, g, *format) })
}

// drawEstate lints each fleet of an estate on its own and draws each in
// its own cluster of one picture.
func drawEstate(env *cliEnv, e *lint.Estate, fleetNames []string, rs []*lint.Rule, opts graph.Options, format, out string) int {
	plans, err := selectPlans(env, e, fleetNames, false)
	if err != nil {
		return usageError(env, "%v", err)
	}
	pic := &graph.Estate{Name: e.Root}
	linter := lint.Linter{Rules: rs}
	_, err = linter.LintEstate(context.Background(), e, lint.EstateRunOptions{Fleets: plans,
		Each: func(p *lint.FleetPlan, r *lint.Result) error {
			pic.Add(p.Name, r, opts)
			return nil
		}})
	if err != nil {
		return usageError(env, "%v", err)
	}
	return writeGraph(env, format, out, func(w io.Writer) error { return graph.WriteEstate(w, pic, format) })
}

// writeGraph writes a picture to -o FILE (atomically) or stdout.
func writeGraph(env *cliEnv, format, out string, write func(io.Writer) error) int {
	if out == "" || out == "-" {
		if err := write(env.stdout); err != nil {
			return usageError(env, "write %s: %v", format, err)
		}
		return exitOK
	}
	if err := writeFileAtomic(out, write); err != nil {
		return usageError(env, "write %s: %v", out, err)
	}
	return exitOK
}
