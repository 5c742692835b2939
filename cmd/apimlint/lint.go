package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/lint/report"
	"github.com/apimlint/apimlint/rules"
)

func init() {
	addCommand(&command{name: "lint", usage: "[flags] PATH...", summary: "lint a fleet (the default command)", run: runLint})
}

// commonFlags are shared by every command that loads a fleet and reports.
type commonFlags struct {
	formats stringList
	failOn  string
	config  string
	ruleIDs stringList
	quiet   bool
	noColor bool
	out     outputFlags
}

func (c *commonFlags) register(fs *flag.FlagSet, failOnDefault string) {
	fs.Var(&c.formats, "format", "output format "+strings.Join(report.Formats(), "|")+", optionally =PATH to write a file; repeatable (default text)")
	fs.StringVar(&c.failOn, "fail-on", failOnDefault, "exit 1 when a finding has this severity or worse: error|warning|info|none")
	fs.StringVar(&c.config, "config", "", "fleet config file (default: PATH/.apimlint.toml when present)")
	fs.Var(&c.ruleIDs, "rule", "run only this rule; repeatable or comma-separated")
	fs.BoolVar(&c.quiet, "quiet", false, "print nothing when there is no finding")
	fs.BoolVar(&c.noColor, "no-color", false, "never colour text output")
	c.out.register(fs)
}

type output struct {
	name string
	path string
	w    report.Writer
}

func (c *commonFlags) outputs() ([]output, error) {
	specs := c.formats
	if len(specs) == 0 {
		specs = stringList{"text"}
	}
	var out []output
	stdoutTaken := false
	for _, s := range specs {
		name, path, _ := strings.Cut(s, "=")
		w, ok := report.Get(name)
		if !ok {
			return nil, fmt.Errorf("unknown format %q (want %s)", name, strings.Join(report.Formats(), ", "))
		}
		if path != "" && path != "-" {
			for _, o := range out {
				if o.path == path {
					return nil, fmt.Errorf("two formats write to %s; give each its own file", path)
				}
			}
		}
		if path == "" || path == "-" {
			if stdoutTaken {
				return nil, fmt.Errorf("two formats write to stdout; give all but one a file: --format %s=FILE", name)
			}
			stdoutTaken = true
			path = ""
		}
		out = append(out, output{name: name, path: path, w: w})
	}
	return out, nil
}

func (c *commonFlags) selectedRules() ([]*lint.Rule, error) {
	var ids []string
	for _, r := range c.ruleIDs {
		for _, id := range strings.Split(r, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	return rules.Select(ids)
}

func runLint(env *cliEnv, args []string) int {
	fs := newFlagSet(env, "lint", "[flags] PATH...")
	var cf commonFlags
	cf.register(fs, "error")
	var af adoptionFlags
	af.register(fs)
	var verbose verboseFlag
	verbose.register(fs)
	var ff fixFlags
	ff.register(fs)
	var fleetNames stringList
	fs.Var(&fleetNames, "fleet", "lint only this fleet of an estate (see apimlint nodes); repeatable")
	var hf helmFlags
	hf.register(fs)
	changed := fs.Bool("changed", false, "PATH FILE...: lint only the fleets of the estate at PATH that own the FILEs (the pre-commit hook passes the changed files)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	var discovered *lint.Estate // by --changed, to be linted as it is
	if *changed {
		var code int
		if paths, fleetNames, discovered, code = ownersOfChanged(env, paths, fleetNames, cf.config); code >= 0 {
			return code
		}
	}
	charts, err := hf.resolved()
	if err != nil {
		return usageError(env, "%v", err)
	}
	if len(paths) == 0 && len(charts) == 0 {
		fs.Usage()
		return usageError(env, "lint needs a PATH (a fleet directory or deployment.toml files)")
	}
	rep, code := cf.reporting(env)
	if code != exitOK {
		return code
	}
	if err := ff.check(); err != nil {
		return usageError(env, "%v", err)
	}
	if (ff.fix || ff.diff) && af.accept != "" {
		return usageError(env, "--accept records findings; it does not go with --fix or --diff")
	}
	rs, err := cf.selectedRules()
	if err != nil {
		return usageError(env, "--rule: %v", err)
	}
	var fleet *lint.Fleet
	loadOpts := lint.LoadOptions{ConfigFile: cf.config, StdinName: hf.stdinName}
	if len(charts) > 0 || lint.IsManifestInput(paths) {
		if err := manifestInputOnly(charts, fleetNames, ff); err != nil {
			return usageError(env, "%v", err)
		}
	}
	if len(charts) > 0 {
		fleet, err = loadHelm(charts, paths, loadOpts)
	} else if lint.IsManifestInput(paths) {
		// Kubernetes manifests are one fleet (with any TOML folders given with them).
		fleet, err = loadLintPaths(paths, loadOpts)
	} else {
		estate := discovered
		adopting := ff.fix || ff.diff || af.accept != "" || af.accepted != "" || af.newFromRev != ""
		// An estate linted as it is can be linted while it is discovered
		// (lint.Linter.DiscoverEstate); the other paths load each fleet,
		// and --fleet lints a few of many.
		var linter *lint.Linter
		if !adopting && !rep.wants("html") && len(fleetNames) == 0 {
			linter = &lint.Linter{Rules: rs}
		}
		if estate == nil {
			estate, err = discoverEstate(paths, cf.config, fleetNames, linter)
			if err != nil {
				return usageError(env, "%v", err)
			}
		}
		if splitEstate(estate, fleetNames) {
			if adopting || estateNamesAccepted(estate) {
				return lintEstateAdopting(env, &cf, rep, estate, paths, fleetNames, rs, &af, ff, bool(verbose))
			}
			if linter == nil {
				linter = &lint.Linter{Rules: rs}
			}
			return lintEstate(env, &cf, rep, estate, fleetNames, linter, bool(verbose))
		}
		fleet, err = loadFleet(estate, paths, cf.config)
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	if len(fleet.Nodes) == 0 {
		// Most likely a wrong path: say so rather than report a clean fleet.
		return usageError(env, "no node files (deployment.toml, or *.toml given directly) in %s", strings.Join(paths, " "))
	}
	if verbose {
		describeFleet(env.stderr, paths, fleet, rs)
	}
	ad, err := af.processors(fleet, paths, rs)
	if err != nil {
		return usageError(env, "%v", err)
	}
	linter := lint.Linter{Rules: rs, Processors: ad.procs}
	res, err := linter.Run(context.Background(), fleet)
	if err != nil {
		return usageError(env, "%v", err)
	}
	if af.accept != "" {
		return af.writeAccepted(env, res)
	}
	switch {
	case ff.diff:
		return diffFixes(env, fleet, res)
	case ff.fix:
		var code int
		res, code = applyFixes(env, fleet, res, func() (*lint.Fleet, *lint.Result, error) {
			again, err := loadLintPaths(paths, loadOpts)
			if err != nil {
				return nil, nil, err
			}
			ad, err := af.processors(again, paths, rs)
			if err != nil {
				return nil, nil, err
			}
			linter := lint.Linter{Rules: rs, Processors: ad.procs}
			r, err := linter.Run(context.Background(), again)
			return again, r, err
		})
		if code != exitOK {
			return code
		}
	}
	ad.summarize(env)
	return cf.report(env, rep, res, false)
}

// reporting is what the common flags decide before a command runs: the
// threshold for exit 1 and the outputs to write.
type reporting struct {
	failOn lint.Severity
	outs   []output
	// pictures are an estate's, drawn fleet by fleet while linting, for
	// the html format (see pictureEach).
	pictures *graph.Estate
}

// wants reports whether one of the outputs is in format name.
func (r reporting) wants(name string) bool {
	for _, o := range r.outs {
		if o.name == name {
			return true
		}
	}
	return false
}

// pictureEach draws each fleet of an estate into r.pictures while the
// fleet is loaded, when an html report is asked for (nil otherwise): an
// estate's result keeps its nodes without their keys, too little to draw.
func (r *reporting) pictureEach(root string) func(*lint.FleetPlan, *lint.Result) error {
	if !r.wants("html") {
		return nil
	}
	r.pictures = &graph.Estate{Name: root}
	return func(p *lint.FleetPlan, res *lint.Result) error {
		r.pictures.Add(p.Name, res, graph.Options{})
		return nil
	}
}

// reporting checks --fail-on and --format; a non-zero code is a usage error.
func (c *commonFlags) reporting(env *cliEnv) (reporting, int) {
	failOn, err := lint.ParseSeverity(c.failOn)
	if err != nil {
		return reporting{}, usageError(env, "--fail-on: %v", err)
	}
	outs, err := c.outputs()
	if err != nil {
		return reporting{}, usageError(env, "--format: %v", err)
	}
	if err := c.out.check(); err != nil {
		return reporting{}, usageError(env, "%v", err)
	}
	return reporting{failOn: failOn, outs: outs}, exitOK
}

// report writes the result in every format asked for and returns the exit
// code: 1 when a finding reaches --fail-on, or when incomplete is set (the
// command could not look at everything).
func (c *commonFlags) report(env *cliEnv, r reporting, res *lint.Result, incomplete bool) int {
	if code := writeOutputs(env, c, r.outs, res, r.pictures); code != exitOK {
		return code
	}
	if r.failOn != lint.SeverityNone && (lint.MaxSeverity(res.Findings) >= r.failOn || incomplete) {
		return exitFindings
	}
	return exitOK
}

func writeOutputs(env *cliEnv, cf *commonFlags, outs []output, res *lint.Result, pictures *graph.Estate) int {
	for _, o := range outs {
		opts := cf.out.options(env, cf.quiet, cf.noColor, o.name, o.path == "")
		opts.Pictures = pictures
		if o.name == "github" {
			if err := appendStepSummary(env, res, opts); err != nil {
				return usageError(env, "%v", err)
			}
		}
		if o.path == "" {
			if err := o.w(env.stdout, res, opts); err != nil {
				return usageError(env, "write %s: %v", o.name, err)
			}
			continue
		}
		if err := writeFileAtomic(o.path, func(w io.Writer) error { return o.w(w, res, opts) }); err != nil {
			return usageError(env, "write %s: %v", o.path, err)
		}
	}
	return exitOK
}

// writeFileAtomic writes through a temporary file and renames it into
// place, so a crash never leaves a half-written report. A symlink is
// followed (its target is replaced, not the link), and a path that is not a
// regular file (/dev/stdout, a pipe) is written to directly.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".apimlint-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	// CreateTemp makes the file private; a report is as readable as any file.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
