package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// TestFixesKeepFilesValid applies every fix apimlint offers on the sample
// fleets and the real published fleets: each fixed file is still TOML, the
// bytes outside the edits are the file's own, and a fix never reaches a
// file outside the fleet.
func TestFixesKeepFilesValid(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(repoTestdata, "*"))
	if corpus := fleettest.CorpusDir(t); corpus != "" {
		more, _ := filepath.Glob(filepath.Join(corpus, "fleets", "*"))
		dirs = append(dirs, more...)
	}
	fixed := 0
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() || filepath.Base(dir) == "golden" {
			continue
		}
		fl, err := lint.Load([]string{dir}, lint.LoadOptions{})
		if err != nil || len(fl.Nodes) == 0 {
			continue
		}
		res, err := lint.Run(context.Background(), fl, rules.All(), lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := lint.PlanFixes(fl, res.Findings)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for file, out := range plan.Files {
			fixed++
			if n := lint.NewNode("n", file, out, nil, lint.ResolveOptions{}); n.SyntaxError != nil {
				t.Errorf("%s after its fixes is not TOML: %v", file, n.SyntaxError)
			}
			old := plan.Old[file]
			var edits []lint.TextEdit
			for _, x := range plan.Applied {
				for _, e := range x.Fixes[0].Edits {
					if e.File == file {
						edits = append(edits, e)
					}
				}
			}
			again, err := lint.ApplyEdits(old, edits)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("%s: the plan is not its edits applied (%v)", file, err)
			}
		}
	}
	if fixed == 0 {
		t.Fatal("no fleet had a fix to apply")
	}
}
