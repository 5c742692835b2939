package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/apimlint/apimlint/helmchart"
	"github.com/apimlint/apimlint/lint"
)

// helmFlags are lint's chart flags. As with one `helm template` per
// chart, -f, --set, --release and --namespace after a --helm belong to
// that chart; given before the first --helm they apply to every chart
// (--release then only with one chart).
type helmFlags struct {
	charts    []helmchart.Chart
	common    helmchart.Chart
	stdinName string
}

// chartFlag appends to the chart the flag belongs to.
type chartFlag struct {
	h   *helmFlags
	set func(c *helmchart.Chart, v string)
}

func (f chartFlag) String() string { return "" }

func (f chartFlag) Set(v string) error {
	c := &f.h.common
	if n := len(f.h.charts); n > 0 {
		c = &f.h.charts[n-1]
	}
	f.set(c, v)
	return nil
}

type helmDirFlag struct{ h *helmFlags }

func (f helmDirFlag) String() string { return "" }

func (f helmDirFlag) Set(v string) error {
	if v == "" {
		return errors.New("--helm needs a chart directory")
	}
	f.h.charts = append(f.h.charts, helmchart.Chart{Dir: v})
	return nil
}

func (h *helmFlags) register(fs *flag.FlagSet) {
	fs.Var(helmDirFlag{h}, "helm", "render this chart (a directory or .tgz) in-process and lint its manifests; repeatable: one release per chart")
	values := chartFlag{h, func(c *helmchart.Chart, v string) { c.ValueFiles = append(c.ValueFiles, v) }}
	fs.Var(values, "f", "with --helm: a values file for the chart before it (all charts when before the first --helm); repeatable")
	fs.Var(values, "values", "same as -f")
	fs.Var(chartFlag{h, func(c *helmchart.Chart, v string) { c.Set = append(c.Set, v) }}, "set", "with --helm: set K=V (helm --set syntax) for the chart before it (all charts when before the first --helm); repeatable")
	fs.Var(chartFlag{h, func(c *helmchart.Chart, v string) { c.Release = v }}, "release", "with --helm: the release name of the chart before it (default: the chart's name)")
	fs.Var(chartFlag{h, func(c *helmchart.Chart, v string) { c.Namespace = v }}, "namespace", "with --helm: the release namespace (default \"default\")")
	fs.StringVar(&h.stdinName, "stdin-name", "", "the file name findings in manifests read from - (standard input) carry (default \""+lint.DefaultStdinName+"\")")
}

// resolved returns the charts to render, the flags given before the first
// --helm applied to each.
func (h *helmFlags) resolved() ([]helmchart.Chart, error) {
	c := h.common
	if len(h.charts) == 0 {
		if len(c.ValueFiles) > 0 || len(c.Set) > 0 || c.Release != "" || c.Namespace != "" {
			return nil, errors.New("-f, --values, --set, --release and --namespace go with --helm CHART_DIR")
		}
		return nil, nil
	}
	if c.Release != "" && len(h.charts) > 1 {
		return nil, fmt.Errorf("--release before the first --helm names one release, but %d charts are given: put --release NAME after each --helm CHART_DIR", len(h.charts))
	}
	out := make([]helmchart.Chart, len(h.charts))
	for i, ch := range h.charts {
		ch.ValueFiles = append(append([]string(nil), c.ValueFiles...), ch.ValueFiles...)
		ch.Set = append(append([]string(nil), c.Set...), ch.Set...)
		if ch.Release == "" {
			ch.Release = c.Release
		}
		if ch.Namespace == "" {
			ch.Namespace = c.Namespace
		}
		out[i] = ch
	}
	return out, nil
}

// loadHelm renders the charts and loads them with the other paths as one fleet.
func loadHelm(charts []helmchart.Chart, paths []string, opts lint.LoadOptions) (*lint.Fleet, error) {
	return helmchart.Load(charts, paths, os.Stdin, opts)
}

// manifestInputOnly rejects what does not go with manifests and charts:
// they are one fleet (--fleet selects among an estate directory's
// fleets), and a chart's TOML is a template that no fix can edit.
func manifestInputOnly(charts []helmchart.Chart, fleetNames []string, ff fixFlags) error {
	if len(fleetNames) > 0 {
		return fmt.Errorf("--fleet %s: Kubernetes manifests and --helm charts are linted as one fleet; --fleet selects a fleet of an estate directory (see apimlint nodes), so drop it or give the estate", fleetNames[0])
	}
	if len(charts) > 0 && (ff.fix || ff.diff) {
		return errors.New("--fix and --diff edit deployment.toml files; a chart's deployment.toml is a template: fix the chart")
	}
	return nil
}
