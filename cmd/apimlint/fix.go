package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/apimlint/apimlint/lint"
)

// fixFlags are lint's --fix and --diff.
type fixFlags struct {
	fix, diff bool
}

func (f *fixFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.fix, "fix", false, "apply every machine-applicable fix, then report what remains")
	fs.BoolVar(&f.diff, "diff", false, "print the fixes as a unified diff without writing (exit 1 when there is one)")
}

func (f *fixFlags) check() error {
	if f.fix && f.diff {
		return fmt.Errorf("--fix and --diff exclude each other: --diff shows what --fix would write")
	}
	return nil
}

// diffFixes prints the unified diff of every fix the findings carry.
func diffFixes(env *cliEnv, fleet *lint.Fleet, res *lint.Result) int {
	plan, err := lint.PlanFixes(fleet, res.Findings)
	if err != nil {
		return usageError(env, "%v", err)
	}
	return printFixDiff(env, plan)
}

// applyFixes writes the fixes, then lints the fleet again and returns the
// new result: what remains.
func applyFixes(env *cliEnv, fleet *lint.Fleet, res *lint.Result, reload func() (*lint.Fleet, *lint.Result, error)) (*lint.Result, int) {
	plan, err := lint.PlanFixes(fleet, res.Findings)
	if err != nil {
		return nil, usageError(env, "%v", err)
	}
	for _, file := range sortedFiles(plan) {
		if err := writeKeepingMode(file, plan.Files[file]); err != nil {
			return nil, usageError(env, "fix %s: %v", file, err)
		}
	}
	fmt.Fprintf(env.stderr, "apimlint: fixed %d %s in %d %s\n", len(plan.Applied), plural(len(plan.Applied), "finding", "findings"),
		len(plan.Files), plural(len(plan.Files), "file", "files"))
	reportConflicts(env, plan)
	if len(plan.Files) == 0 {
		return res, exitOK
	}
	_, after, err := reload()
	if err != nil {
		return nil, usageError(env, "after fixing: %v", err)
	}
	return after, exitOK
}

func reportConflicts(env *cliEnv, plan *lint.FixPlan) {
	for _, x := range plan.Conflicts {
		fmt.Fprintf(env.stderr, "apimlint: not fixed %s:%d:%d (%s): its fix overlaps another applied in this run; run again\n", x.File, x.Line, x.Column, x.Rule)
	}
}

func sortedFiles(plan *lint.FixPlan) []string {
	files := make([]string, 0, len(plan.Files))
	for f := range plan.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	return files
}

// writeKeepingMode replaces a node file atomically (a temporary file beside
// it, renamed over it), keeping its permissions; a symlink's target is
// replaced, not the link.
func writeKeepingMode(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	mode := st.Mode().Perm()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".apimlint-fix-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
