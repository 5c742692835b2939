package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apimlint/apimlint/gitdiff"
	"github.com/apimlint/apimlint/lint"
)

// adoptionFlags let a team turn the gate on before every old finding is
// fixed: accept today's findings, or look only at what changed since a
// revision.
type adoptionFlags struct {
	accept     string
	accepted   string
	newFromRev string
}

func (a *adoptionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.accept, "accept", "", "write the current findings' fingerprints to `FILE` (accepted findings) and exit 0")
	fs.StringVar(&a.accepted, "accepted", "", "hide the findings accepted in `FILE` (default: [lint] accepted in .apimlint.toml)")
	fs.StringVar(&a.newFromRev, "new-from-rev", "", "report only findings on lines changed since git `REV` (and cross-node findings whose files changed)")
}

// adoption is what the flags decided for one run.
type adoption struct {
	procs    []lint.Processor
	filter   *lint.AcceptedFilter
	accepted string // file the filter came from
}

// processors builds the processors the flags ask for; they run after the
// suppressions, so a suppressed finding is never counted as accepted.
func (a *adoptionFlags) processors(fleet *lint.Fleet, paths []string, rs []*lint.Rule) (adoption, error) {
	var out adoption
	if a.accept != "" && a.newFromRev != "" {
		return out, fmt.Errorf("--accept records every finding; it cannot be combined with --new-from-rev")
	}
	if a.newFromRev != "" {
		changes, err := gitdiff.Since(context.Background(), gitDir(paths), a.newFromRev)
		if err != nil {
			return out, err
		}
		out.procs = append(out.procs, changes.Filter())
	}
	if a.accept != "" {
		return out, nil // everything found now is to be accepted
	}
	file := a.accepted
	if file == "" {
		file = fleet.Config.AcceptedPath()
	}
	if file == "" {
		return out, nil
	}
	af, err := lint.ReadAcceptedFile(file)
	if err != nil {
		return out, err
	}
	out.filter = af.Filter(lint.RanRules(fleet.Config, rs))
	out.accepted = file
	out.procs = append(out.procs, out.filter)
	return out, nil
}

// gitDir is where git runs: the first path, or its directory for a file.
func gitDir(paths []string) string {
	if len(paths) == 0 {
		return "."
	}
	p := paths[0]
	if st, err := os.Stat(p); err == nil && !st.IsDir() {
		return filepath.Dir(p)
	}
	return p
}

// writeAccepted records the run's findings in the --accept file.
func (a *adoptionFlags) writeAccepted(env *cliEnv, res *lint.Result) int {
	af := lint.NewAcceptedFile(res.Fleet, res.Findings)
	if err := writeFileAtomic(a.accept, af.Write); err != nil {
		return usageError(env, "write %s: %v", a.accept, err)
	}
	fmt.Fprintf(env.stderr, "apimlint: accepted %d %s in %s; lint with --accepted %s (or [lint] accepted in %s) to report only new ones\n",
		len(af.Findings), plural(len(af.Findings), "finding", "findings"), a.accept, a.accept, lint.ConfigFileName)
	return exitOK
}

// summarize prints the accepted-findings line to stderr, where it never
// mixes with a machine-readable format on stdout.
func (ad adoption) summarize(env *cliEnv) {
	if ad.filter != nil {
		fmt.Fprintf(env.stderr, "apimlint: %s (%s)\n", ad.filter.Stats(), ad.accepted)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
