package schema_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/schema"
	"github.com/apimlint/apimlint/wso2"
	"golang.org/x/tools/txtar"
)

// TestPolicyFixtures runs the fixtures of testdata/*.txtar, which carry
// .apimlint.toml and CUE policy files, from a real directory: [schema] extra
// paths are files beside the config. The want section lists the findings of
// the three schema rules, with paths relative to the fleet.
func TestPolicyFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata (%v)", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want []fleettest.Want
			for _, f := range ar.Files {
				if f.Name == "want" {
					want, err = fleettest.ParseWant(string(f.Data))
					if err != nil {
						t.Fatal(err)
					}
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			fleet, err := lint.Load([]string{dir}, lint.LoadOptions{})
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
					f.File = filepath.ToSlash(strings.TrimPrefix(f.File, dir+string(filepath.Separator)))
					got = append(got, f)
				}
			}
			fleettest.Compare(t, file, want, got)

			// The same fixture from an fs.FS: policies are read through
			// the fleet's file system, not the operating system's.
			a, err := fleettest.ReadArchive(file)
			if err != nil {
				t.Fatal(err)
			}
			fromFS, err := a.Load()
			if err != nil {
				t.Fatal(err)
			}
			res, err = lint.Run(context.Background(), fromFS, rules.All(), lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got = nil
			for _, f := range res.Findings {
				if strings.HasPrefix(f.Rule, "schema-") {
					got = append(got, f)
				}
			}
			fleettest.Compare(t, file+" (fs.FS)", want, got)
		})
	}
}

// TestPolicyPrint: apimlint schema print shows the policy unified in.
func TestPolicyPrint(t *testing.T) {
	s, err := schema.Compile(append(schema.BuiltinSources(), schema.Source{Name: "org.cue",
		Data: []byte("#Gateway: apim: gateway_notification: gateway_id?: =~\"^gw-\"\n")}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Print(wso2.RoleGateway)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#Gateway:", `=~"^gw-"`, "#Common:", "throttle_decision_endpoints!"} {
		if !strings.Contains(out, want) {
			t.Errorf("schema print gateway lacks %q", want)
		}
	}
	if _, err := s.Print(wso2.RoleOther); err == nil {
		t.Error("schema print other: want an error, other products have no APIM schema")
	}
}
