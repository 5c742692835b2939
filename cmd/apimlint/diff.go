package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

func init() {
	addCommand(&command{name: "diff", usage: "[flags] A B | --fleet PATH NODE-A NODE-B | --fleets FLEET-A FLEET-B", summary: "compare two nodes key by key, or two fleets role by role, on resolved values", run: runDiff})
}

func runDiff(env *cliEnv, args []string) int {
	const usage = "[--format text|json] [--ignore GLOB] A B  |  --fleet PATH NODE-A NODE-B  |  --fleets [--estate PATH] FLEET-A FLEET-B"
	fs := newFlagSet(env, "diff", usage)
	format := fs.String("format", "text", "text or json")
	fleetPath := fs.String("fleet", "", "compare two nodes of the fleet at `PATH`, named as apimlint nodes shows them")
	config := fs.String("config", "", "fleet config file (default: the fleet's .apimlint.toml when present)")
	var ignore stringList
	fs.Var(&ignore, "ignore", "`GLOB` on key paths to leave out; repeatable (with --fleet, [drift] ignore of the config applies too)")
	var ef estateDiffFlags
	ef.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if ef.fleets {
		return runDiffFleets(env, ef, pos, *format, *config, ignore)
	}
	if len(pos) != 2 {
		fs.Usage()
		return usageError(env, "diff needs two node files, or --fleet PATH and two node names")
	}
	if *format != "text" && *format != "json" {
		return usageError(env, "--format: unknown format %q (want text or json)", *format)
	}
	var a, b *lint.Node
	var cfgA, cfgB *lint.Config   // the nodes' fleet configs, for their versions
	var manifests *lint.Manifests // --fleet of Kubernetes manifests
	opts := drift.DiffOptions{Ignore: ignore}
	if *fleetPath != "" {
		// As lint loads it: a fleet folder, or Kubernetes manifests whose
		// nodes are named as apimlint nodes shows them.
		fleet, err := loadLintPaths([]string{*fleetPath}, lint.LoadOptions{ConfigFile: *config})
		if err != nil {
			return usageError(env, "%v", err)
		}
		if a, b = fleet.Node(pos[0]), fleet.Node(pos[1]); a == nil || b == nil {
			var names []string
			for _, n := range fleet.Nodes {
				names = append(names, n.Name)
			}
			missing := pos[0]
			if a != nil {
				missing = pos[1]
			}
			return usageError(env, "no node %q in %s; nodes: %s", missing, *fleetPath, strings.Join(names, ", "))
		}
		if fleet.Config != nil {
			opts.Ignore = append(opts.Ignore, fleet.Config.Drift.Ignore...)
		}
		cfgA, cfgB = fleet.Config, fleet.Config
		manifests = fleet.Manifests
	} else {
		if a, cfgA, err = loadOneNode(pos[0], *config); err != nil {
			return usageError(env, "%v", err)
		}
		if b, cfgB, err = loadOneNode(pos[1], *config); err != nil {
			return usageError(env, "%v", err)
		}
	}
	for _, n := range []*lint.Node{a, b} {
		if e := n.SyntaxError; e != nil {
			return usageError(env, "%s:%d:%d: not valid TOML: %s", n.File, e.Pos.Line, e.Pos.Column, e.Message)
		}
	}
	// Compare effective values: a key one node leaves to its version's
	// default (or to a value WSO2 infers) is compared with that value.
	opts.Effective = effective.NewResolver(nil, map[*lint.Node]fleetversion.Version{
		a: fleetversion.Of(cfgA, a), b: fleetversion.Of(cfgB, b)})
	diffs := drift.Diff(a, b, opts)
	if manifests != nil {
		// Nodes made from ConfigMaps: show the manifests' lines.
		for _, d := range diffs {
			for _, s := range []*drift.Side{d.A, d.B} {
				if s != nil && s.Line > 0 {
					p := manifests.ManifestPosition(lint.Position{File: s.File, Line: s.Line, Column: s.Column})
					s.File, s.Line, s.Column = p.File, p.Line, p.Column
				}
			}
		}
	}
	if *format == "json" {
		out := struct {
			A           string          `json:"a"`
			B           string          `json:"b"`
			Differences []drift.KeyDiff `json:"differences"`
		}{A: a.File, B: b.File, Differences: diffs}
		if out.Differences == nil {
			out.Differences = []drift.KeyDiff{}
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return usageError(env, "write json: %v", err)
		}
	} else {
		writeDiffText(env, a, b, diffs)
	}
	if len(diffs) > 0 {
		return exitFindings
	}
	return exitOK
}

// implicitNote renders the side of a node that does not write a key but
// runs with its version's default or an inferred value; a secret's value
// is never shown ("a default secret").
func implicitNote(s *drift.Side) string {
	what := "the default of WSO2 API Manager " + s.From
	if s.Source == effective.Inferred {
		what = "inferred from " + s.From
	}
	return fmt.Sprintf("(%s) %s (not written: %s)", s.Source, s.Value, what)
}

func loadOneNode(p, config string) (*lint.Node, *lint.Config, error) {
	fleet, err := lint.Load([]string{p}, lint.LoadOptions{ConfigFile: config})
	if err != nil {
		return nil, nil, err
	}
	if len(fleet.Nodes) != 1 {
		return nil, nil, fmt.Errorf("%s holds %d node files, want one (use --fleet PATH NODE-A NODE-B for nodes of a fleet)", p, len(fleet.Nodes))
	}
	return fleet.Nodes[0], fleet.Config, nil
}

func writeDiffText(env *cliEnv, a, b *lint.Node, diffs []drift.KeyDiff) {
	w := env.stdout
	fmt.Fprintf(w, "--- a: %s (%s)\n+++ b: %s (%s)\n", a.File, a.Name, b.File, b.Name)
	at := func(s *drift.Side) string { return fmt.Sprintf("%s:%d:%d: %s", s.File, s.Line, s.Column, s.Value) }
	for _, d := range diffs {
		switch d.Kind {
		case drift.Removed:
			fmt.Fprintf(w, "- %s (only in a)\n    a %s\n", d.Key, at(d.A))
			if d.B != nil {
				fmt.Fprintf(w, "    b %s\n", implicitNote(d.B))
			}
		case drift.Added:
			fmt.Fprintf(w, "+ %s (only in b)\n    b %s\n", d.Key, at(d.B))
			if d.A != nil {
				fmt.Fprintf(w, "    a %s\n", implicitNote(d.A))
			}
		default:
			fmt.Fprintf(w, "~ %s\n    a %s\n    b %s\n", d.Key, at(d.A), at(d.B))
		}
	}
	switch len(diffs) {
	case 0:
		fmt.Fprintln(w, "no differences")
	case 1:
		fmt.Fprintln(w, "1 difference")
	default:
		fmt.Fprintf(w, "%d differences\n", len(diffs))
	}
}
