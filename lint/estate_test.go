package lint_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// findingKeys renders findings without their fleet tag, sorted, so that
// an estate's findings compare with fleets linted alone.
func findingKeys(t *testing.T, fs []lint.Finding) []string {
	t.Helper()
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		f.Fleet = ""
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out
}

func lintAlone(t *testing.T, dir string) []lint.Finding {
	t.Helper()
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := lint.Linter{Rules: rules.All()}
	res, err := l.Run(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func lintEstate(t *testing.T, dir string) (*lint.Estate, *lint.Result) {
	t.Helper()
	e, err := lint.DiscoverEstate(dir, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := lint.Linter{Rules: rules.All()}
	res, err := l.LintEstate(context.Background(), e, lint.EstateRunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return e, res
}

func subdirs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// The corpus's 26 fleets linted as one tree give, finding for finding,
// what each fleet folder gives linted alone.
func TestEstateCorpusFleets(t *testing.T) {
	corpus := fleettest.CorpusDir(t)
	fleets := filepath.Join(corpus, "fleets")
	e, res := lintEstate(t, fleets)
	folders := subdirs(t, fleets)
	if len(e.Fleets) != len(folders) {
		var names []string
		for _, p := range e.Fleets {
			names = append(names, p.Name)
		}
		t.Fatalf("%d fleets found, want %d: %s", len(e.Fleets), len(folders), strings.Join(names, ", "))
	}
	var want []lint.Finding
	for _, dir := range folders {
		want = append(want, lintAlone(t, dir)...)
		name, _ := filepath.Rel(fleets, dir)
		if p := e.Fleet(filepath.ToSlash(name)); p == nil || p.Root != dir {
			t.Errorf("folder %s is not a fleet rooted there", name)
		}
	}
	if diff := cmp.Diff(findingKeys(t, want), findingKeys(t, res.Findings)); diff != "" {
		t.Errorf("estate findings differ from the fleets linted alone (-alone +estate):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.Fleet == "" {
			t.Fatalf("finding without a fleet: %+v", f)
		}
	}
	t.Logf("%d fleets, %d findings", len(e.Fleets), len(res.Findings))
}

// The whole corpus: its fleets, and every single as a fleet of one.
func TestEstateCorpusWhole(t *testing.T) {
	corpus := fleettest.CorpusDir(t)
	e, res := lintEstate(t, corpus)
	var want []lint.Finding
	roots := map[string]bool{}
	for _, dir := range subdirs(t, filepath.Join(corpus, "fleets")) {
		roots[dir] = true
		want = append(want, lintAlone(t, dir)...)
	}
	err := filepath.WalkDir(filepath.Join(corpus, "singles"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != lint.NodeFileName {
			return err
		}
		roots[filepath.Dir(p)] = true
		want = append(want, lintAlone(t, filepath.Dir(p))...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, p := range e.Fleets {
		got[p.Root] = true
	}
	if diff := cmp.Diff(roots, got); diff != "" {
		t.Errorf("fleet roots (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(findingKeys(t, want), findingKeys(t, res.Findings)); diff != "" {
		t.Errorf("estate findings differ from the fleets linted alone (-alone +estate):\n%s", diff)
	}
}

// copyTree copies a fleet directory's node files into dst.
func copyTree(t *testing.T, src, dst string, edit func(string) string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		s := string(data)
		if edit != nil {
			s = edit(s)
		}
		return os.WriteFile(out, []byte(s), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func planNames(e *lint.Estate) map[string]int {
	out := map[string]int{}
	for _, p := range e.Fleets {
		out[p.Name] = len(p.Files)
	}
	return out
}

// Copied environments split by folder: identical files (the same host
// names everywhere), and files that differ only in host names.
func TestEstateCopiedEnvironments(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(string) string
	}{
		{"same hosts", nil},
		{"other hosts", func(s string) string { return strings.ReplaceAll(s, ".wso2.com", ".prod.example.com") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			copyTree(t, "../testdata/clean-ha", filepath.Join(root, "staging"), nil)
			copyTree(t, "../testdata/clean-ha", filepath.Join(root, "prod"), tc.edit)
			e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]int{"staging": 6, "prod": 6}, planNames(e)); diff != "" {
				t.Errorf("fleets (-want +got):\n%s", diff)
			}
			if !e.Split {
				t.Error("Split not set")
			}
			// And deeper: region folders holding role folders.
			root2 := t.TempDir()
			for _, env := range []string{"eu", "us"} {
				copyTree(t, "../testdata/clean-ha/apim-cp-1", filepath.Join(root2, env, "cp", "cp-1"), nil)
				copyTree(t, "../testdata/clean-ha/apim-gw-1", filepath.Join(root2, env, "gw", "gw-1"), nil)
				copyTree(t, "../testdata/clean-ha/apim-gw-2", filepath.Join(root2, env, "gw", "gw-2"), nil)
			}
			e2, err := lint.DiscoverEstate(root2, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]int{"eu": 3, "us": 3}, planNames(e2)); diff != "" {
				t.Errorf("region fleets (-want +got):\n%s", diff)
			}
		})
	}
}

// An all-in-one node serves every role: staging/ of all-in-ones beside a
// prod/ of separate roles is a deployment of its own, not prod's parts.
func TestEstateAllInOneBesideDistributed(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "eu", "prod"), nil)
	for _, n := range []string{"apim-stg-1", "apim-stg-2"} {
		dir := filepath.Join(root, "eu", "staging", n)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		toml := "[server]\nhostname = \"" + n + ".example.com\"\nserver_role = \"default\"\n\n" +
			"[database.apim_db]\ntype = \"mysql\"\nurl = \"jdbc:mysql://db-stg.example.com:3306/apim_db\"\n"
		if err := os.WriteFile(filepath.Join(dir, "deployment.toml"), []byte(toml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"eu/prod": 6, "eu/staging": 2}, planNames(e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
}

// A single fleet stays one fleet rooted at the path: Load's behaviour.
func TestEstateOneFleet(t *testing.T) {
	e, err := lint.DiscoverEstate("../testdata/clean-ha", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Fleets) != 1 || e.Split || e.Fleets[0].Root != "../testdata/clean-ha" {
		t.Fatalf("got %+v", e.Fleets)
	}
	// A tree of one node in a folder below PATH is still PATH's fleet.
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha/apim-gw-1", filepath.Join(root, "gw-1"), nil)
	e, err = lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Fleets) != 1 || e.Split || e.Fleets[0].Root != root {
		t.Fatalf("one node below PATH: %+v", e.Fleets[0])
	}
}

// Nested configs and [[fleet]] entries fix fleet roots; the rest is
// discovered.
func TestEstateConfigured(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "prod"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "envs", "qa"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "own"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "found"), nil)
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".apimlint.toml", "[[fleet]]\npath = \"envs/*\"\nname = \"env\"\n\n[[fleet]]\npath = \"nowhere\"\n\n[rules]\ndisable = [\"ha-peer-drift\"]\n")
	write("own/.apimlint.toml", "[fleet]\ncomplete = true\n")
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"env/prod": 6, "env/qa": 6, "own": 6, "found": 6}
	if diff := cmp.Diff(want, planNames(e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
	whys := map[string]string{}
	for _, p := range e.Fleets {
		whys[p.Name] = p.Why
	}
	for name, prefix := range map[string]string{"env/prod": lint.WhyListed, "own": lint.WhyConfig, "found": lint.WhyDiscovered} {
		if !strings.HasPrefix(whys[name], prefix) {
			t.Errorf("%s: why %q, want %s", name, whys[name], prefix)
		}
	}
	if len(e.Diagnostics) != 1 || !strings.Contains(e.Diagnostics[0].Message, "nowhere") {
		t.Errorf("diagnostics %+v, want one for the entry that matches nothing", e.Diagnostics)
	}
	// The nearest config is in force: the root's for listed and
	// discovered fleets, own/'s for own.
	f, err := e.LoadFleet(e.Fleet("own"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Config.Fleet.Complete {
		t.Error("own/.apimlint.toml not in force for own")
	}
	f, err = e.LoadFleet(e.Fleet("found"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Config.Rules.Disable) != 1 {
		t.Errorf("root config not in force for a discovered fleet: %+v", f.Config.Rules)
	}
	// A root config without [[fleet]] keeps the tree one fleet (but for
	// own/, which has its own).
	write(".apimlint.toml", "[rules]\ndisable = [\"ha-peer-drift\"]\n")
	e, err = lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(root)
	if diff := cmp.Diff(map[string]int{base: 18, "own": 6}, planNames(e)); diff != "" {
		t.Errorf("fleets (-want +got):\n%s", diff)
	}
}

// [[fleet]] entries sit beside [fleet] in no TOML document; they parse
// apart, and a bad entry is a finding.
func TestParseConfigFleetEntries(t *testing.T) {
	cfg, diag := lint.ParseConfig("c.toml", []byte("[rules]\ndisable = [\"x\"]\n\n[[fleet]]\npath = \"a\"\nname = \"A\"\n\n[[fleet]]\npath = \"b/*\"\ncolour = 1\n"))
	if len(cfg.Fleets) != 2 || cfg.Fleets[0].Name != "A" || cfg.Fleets[1].Path != "b/*" {
		t.Errorf("fleets %+v", cfg.Fleets)
	}
	if len(cfg.Rules.Disable) != 1 {
		t.Error("the rest of the config was lost")
	}
	if len(diag) != 1 || diag[0].Line != 10 || !strings.Contains(diag[0].Message, "colour") {
		t.Errorf("diag %+v", diag)
	}
}

// A watcher re-lints the fleet of a changed file, and both fleets when a
// file moves between them.
func TestFleetsToRelint(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "staging"), nil)
	copyTree(t, "../testdata/clean-ha", filepath.Join(root, "prod"), nil)
	before, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gw := filepath.Join(root, "prod", "apim-gw-2", "deployment.toml")
	if got := lint.FleetsToRelint(before, before, []string{gw}); !cmp.Equal(got, []string{"prod"}) {
		t.Errorf("edit in prod: %v", got)
	}
	// Move prod's apim-gw-2 to staging as apim-gw-3.
	moved := filepath.Join(root, "staging", "apim-gw-3", "deployment.toml")
	if err := os.MkdirAll(filepath.Dir(moved), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(gw, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Dir(gw)); err != nil {
		t.Fatal(err)
	}
	after, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := lint.FleetsToRelint(before, after, []string{gw, moved}); !cmp.Equal(got, []string{"prod", "staging"}) {
		t.Errorf("move from prod to staging: %v", got)
	}
	if got := lint.FleetsToRelint(after, after, []string{filepath.Join(root, "elsewhere", "x.txt")}); len(got) != 0 {
		t.Errorf("unrelated file: %v", got)
	}
}

// A tree that is one fleet loads, through the estate (which keeps the
// nodes discovery parsed), exactly what Load gives.
func TestEstateOneFleetSameAsLoad(t *testing.T) {
	for _, dir := range []string{"../testdata/clean-ha", "../testdata/seed-ha", "../testdata/seed-single", "../testdata/style-k8s"} {
		e, err := lint.DiscoverEstate(dir, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Split {
			t.Fatalf("%s split: %+v", dir, e.Fleets)
		}
		f, err := e.LoadFleet(e.Fleets[0])
		if err != nil {
			t.Fatal(err)
		}
		l := lint.Linter{Rules: rules.All()}
		res, err := l.Run(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(findingKeys(t, lintAlone(t, dir)), findingKeys(t, res.Findings)); diff != "" {
			t.Errorf("%s (-Load +estate):\n%s", dir, diff)
		}
	}
}

// Fleets load one ahead of the one being linted: a fleet that cannot be
// loaded (its file went away after discovery) still stops the run with
// that file named, whether it comes first, in the middle or last, and
// the findings of a full run come in plan order.
func TestLintEstateLoadsAhead(t *testing.T) {
	envs := []string{"a", "b", "c"}
	for _, gone := range append([]string{""}, envs...) {
		t.Run("missing "+gone, func(t *testing.T) {
			root := t.TempDir()
			for _, env := range envs {
				copyTree(t, "../testdata/clean-ha", filepath.Join(root, env), nil)
			}
			e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if gone != "" {
				if err := os.RemoveAll(filepath.Join(root, gone, "apim-gw-1")); err != nil {
					t.Fatal(err)
				}
			}
			linter := lint.Linter{Rules: rules.All()}
			res, err := linter.LintEstate(context.Background(), e, lint.EstateRunOptions{})
			if gone != "" {
				if err == nil || !strings.Contains(err.Error(), filepath.Join(gone, "apim-gw-1")) {
					t.Fatalf("err = %v, want one naming %s/apim-gw-1", err, gone)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var order []string
			for _, f := range res.Fleets {
				order = append(order, f.Name)
			}
			if diff := cmp.Diff(envs, order); diff != "" {
				t.Errorf("fleets (-want +got):\n%s", diff)
			}
		})
	}
}
