package rules

import (
	"flag"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// update rewrites the fixtures' want sections (see package fleettest).
var update = flag.Bool("update", false, "rewrite the want sections of txtar fixtures from the findings")

// TestFixtures runs every fixture under testdata/RULE-ID/*.txtar against
// the rule of that ID and compares its findings with the want section.
func TestFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		id := d.Name()
		r, ok := Get(id)
		if !ok {
			t.Errorf("testdata/%s: no rule with that ID", id)
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", id, "*.txtar"))
		if len(files) == 0 {
			t.Errorf("testdata/%s has no fixtures", id)
		}
		for _, file := range files {
			t.Run(id+"/"+filepath.Base(file), func(t *testing.T) {
				if *update {
					t.Logf("updating %s", file)
				}
				fleettest.Check(t, file, All(), r.ID)
			})
		}
	}
}

// TestEveryRuleHasFixtures makes sure no rule goes untested: each needs a
// fixture where it fires and a fleet or node where it must stay silent:
// a fixture with no finding of the rule, or one in which the rule fires on
// some node files and not on others (one fixture can show both, so that a
// new rule needs one rule file and one fixture file).
func TestEveryRuleHasFixtures(t *testing.T) {
	for _, r := range All() {
		files, _ := filepath.Glob(filepath.Join("testdata", r.ID, "*.txtar"))
		fires, silent := false, false
		for _, f := range files {
			a, err := fleettest.ReadArchive(f)
			if err != nil {
				t.Fatal(err)
			}
			firing := map[string]bool{}
			for _, w := range a.Want {
				if w.Rule == r.ID {
					firing[w.File] = true
				}
			}
			if len(firing) == 0 {
				silent = true
				continue
			}
			fires = true
			for name := range a.FS {
				if path.Base(name) == lint.NodeFileName && !firing[name] {
					silent = true
				}
			}
		}
		if !fires || !silent {
			t.Errorf("rule %s needs a fixture where it fires (%v) and a fleet or node file where it stays silent (%v) in testdata/%s/", r.ID, fires, silent, r.ID)
		}
	}
}

// TestFixableRulesShowTheirFixes: a rule marked Fixable has a fixture whose
// fixed/ sections show the files after --fix, and a rule that offers fixes
// in its fixtures is marked Fixable (the README's --fix column).
func TestFixableRulesShowTheirFixes(t *testing.T) {
	for _, r := range All() {
		files, _ := filepath.Glob(filepath.Join("testdata", r.ID, "*.txtar"))
		shown := false
		for _, f := range files {
			a, err := fleettest.ReadArchive(f)
			if err != nil {
				t.Fatal(err)
			}
			shown = shown || len(a.Fixed) > 0
		}
		if r.Fixable != shown {
			t.Errorf("rule %s: Fixable = %v, but its fixtures show fixed files: %v", r.ID, r.Fixable, shown)
		}
	}
}
