package schema_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// TestPolicyFromFS: a fleet loaded with lint.LoadFS reads its [schema]
// extra policies from the same fs.FS, and gets the same findings as from
// disk (the policy-cue fixture, which CUE evaluates).
func TestPolicyFromFS(t *testing.T) {
	for _, name := range []string{"policy.txtar", "policy-cue.txtar"} {
		ar, err := txtar.ParseFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{}
		var want []fleettest.Want
		for _, f := range ar.Files {
			if f.Name == "want" {
				if want, err = fleettest.ParseWant(string(f.Data)); err != nil {
					t.Fatal(err)
				}
				continue
			}
			fsys[f.Name] = &fstest.MapFile{Data: f.Data}
		}
		fleet, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(context.Background(), fleet, rules.All(), lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []lint.Finding
		for _, f := range res.Findings {
			if strings.HasPrefix(f.Rule, "schema-") {
				got = append(got, f)
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s: the fixture wants no finding; it would not show the policy was read", name)
		}
		fleettest.Compare(t, name, want, got)
	}
}
