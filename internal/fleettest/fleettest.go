// Package fleettest runs rule fixtures: txtar archives that hold the node
// files of a fleet and, in a "want" section, the findings expected, in the
// spirit of analysistest.
//
// A fixture looks like:
//
//	-- cp-1/deployment.toml --
//	[server]
//	...
//	-- gw-1/deployment.toml --
//	...
//	-- want --
//	gw-1/deployment.toml:12:31: error: no control-plane node answers to apim-cp-3 (event-hub-endpoints)
//
// Each want line is FILE:LINE:COL: SEVERITY: TEXT (RULE), where TEXT must
// be a substring of the finding's message. Every finding of the rules
// under test must be wanted and every want line must be found; an empty
// want section asserts that the rules stay silent.
//
// `go test ./rules -update` rewrites the want sections from what the rules
// report: a want line that still matches is kept as written (its text may
// be a substring of the message), a finding no line matches is added in
// full, and want lines that match nothing are dropped. Review the diff.
package fleettest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/apimlint/apimlint/lint"
)

// updating reports whether the test binary runs with -update: the test
// package that owns the fixtures defines the flag (rules_test.go does),
// so that it never clashes with another package's own -update.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Want is one expected finding.
type Want struct {
	File     string
	Line     int
	Column   int
	Severity string
	Text     string
	Rule     string
	Src      string // the want line as written
}

var wantRE = regexp.MustCompile(`^(\S+?):(\d+):(\d+): (error|warning|info): (.*) \(([a-z0-9-]+)\)$`)

// ParseWant reads want lines; blank lines and lines starting with # are skipped.
func ParseWant(data string) ([]Want, error) {
	var out []Want
	for i, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := wantRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("want line %d: %q is not FILE:LINE:COL: SEVERITY: TEXT (RULE)", i+1, line)
		}
		l, _ := strconv.Atoi(m[2])
		c, _ := strconv.Atoi(m[3])
		out = append(out, Want{File: m[1], Line: l, Column: c, Severity: m[4], Text: m[5], Rule: m[6], Src: line})
	}
	return out, nil
}

// Archive is a parsed fixture.
type Archive struct {
	FS   fstest.MapFS
	Want []Want
	// HasWant is false when the archive has no want section.
	HasWant bool
	// Fixed holds the "fixed/PATH" sections: PATH as it must read after
	// the fixes of the rules under test are applied.
	Fixed map[string][]byte
}

// ReadArchive parses a txtar fixture.
func ReadArchive(path string) (*Archive, error) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	a := &Archive{FS: fstest.MapFS{}, Fixed: map[string][]byte{}}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "fixed/"); ok {
			a.Fixed[name] = f.Data
			continue
		}
		if f.Name == "want" {
			a.HasWant = true
			a.Want, err = ParseWant(string(f.Data))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			continue
		}
		a.FS[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return a, nil
}

// Load loads the archive's fleet.
func (a *Archive) Load() (*lint.Fleet, error) {
	for name := range a.FS {
		if lint.IsManifestPath(name) { // Kubernetes manifests, with any TOML nodes
			return lint.LoadManifestsFS(a.FS, ".", lint.LoadOptions{})
		}
	}
	return lint.LoadFS(a.FS, ".", lint.LoadOptions{})
}

// Run loads a fixture, runs the rules and returns the findings of the
// rules whose IDs are given (all findings when ids is empty).
func Run(t testing.TB, path string, rules []*lint.Rule, ids ...string) (*Archive, []lint.Finding) {
	t.Helper()
	a, _, got := run(t, path, rules, ids...)
	return a, got
}

func run(t testing.TB, path string, rules []*lint.Rule, ids ...string) (*Archive, *lint.Fleet, []lint.Finding) {
	t.Helper()
	a, err := ReadArchive(path)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	f, err := a.Load()
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return a, f, lintFleet(t, path, f, rules, ids...)
}

func lintFleet(t testing.TB, path string, f *lint.Fleet, rules []*lint.Rule, ids ...string) []lint.Finding {
	t.Helper()
	res, err := lint.Run(context.Background(), f, rules, lint.RunOptions{})
	if err != nil {
		t.Fatalf("run %s: %v", path, err)
	}
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	var out []lint.Finding
	for _, x := range res.Findings {
		if len(ids) == 0 || keep[x.Rule] {
			out = append(out, x)
		}
	}
	return out
}

// Check runs a fixture and compares the findings of the given rule IDs with its want section.
func Check(t *testing.T, path string, rules []*lint.Rule, ids ...string) {
	t.Helper()
	a, fleet, got := run(t, path, rules, ids...)
	if updating() {
		if err := UpdateWant(path, a.Want, got); err != nil {
			t.Fatal(err)
		}
		if err := updateFixed(path, fleet, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !a.HasWant {
		t.Fatalf("%s has no -- want -- section", path)
	}
	Compare(t, path, a.Want, got)
	checkFixes(t, path, a, fleet, got, rules, ids...)
}

// checkFixes applies the fixes of the findings and compares the files
// with the fixture's fixed/ sections: every changed file must have one,
// and every fixed/ file must be what the fixes write. The fixed fleet is
// linted again: its fixes must change nothing (a second --fix is a no-op).
func checkFixes(t *testing.T, path string, a *Archive, fleet *lint.Fleet, got []lint.Finding, rules []*lint.Rule, ids ...string) {
	t.Helper()
	plan, err := lint.PlanFixes(fleet, got)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	if len(plan.Conflicts) > 0 {
		t.Errorf("%s: %d fixes conflict", filepath.Base(path), len(plan.Conflicts))
	}
	for file, data := range plan.Files {
		want, ok := a.Fixed[file]
		if !ok {
			t.Errorf("%s: the fixes change %s but the fixture has no fixed/%s section:\n%s", filepath.Base(path), file, file, data)
			continue
		}
		if string(want) != string(data) {
			t.Errorf("%s: %s after the fixes:\n%s\nwant:\n%s", filepath.Base(path), file, data, want)
		}
	}
	for file := range a.Fixed {
		if _, ok := plan.Files[file]; !ok {
			t.Errorf("%s: fixed/%s is given but no fix changes %s", filepath.Base(path), file, file)
		}
	}
	if len(plan.Files) == 0 {
		return
	}
	fixed := fstest.MapFS{}
	for name, f := range a.FS {
		fixed[name] = f
	}
	for name, data := range plan.Files {
		fixed[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	again, err := lint.LoadFS(fixed, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := lint.PlanFixes(again, lintFleet(t, path, again, rules, ids...))
	if err != nil {
		t.Fatal(err)
	}
	for file := range second.Files {
		t.Errorf("%s: a second round of fixes changes %s again", filepath.Base(path), file)
	}
}

// updateFixed rewrites the fixed/ sections from what the fixes write.
func updateFixed(path string, fleet *lint.Fleet, got []lint.Finding) error {
	plan, err := lint.PlanFixes(fleet, got)
	if err != nil {
		return err
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return err
	}
	var files []txtar.File
	var want *txtar.File
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "fixed/"):
		case f.Name == "want":
			w := f
			want = &w
		default:
			files = append(files, f)
		}
	}
	names := make([]string, 0, len(plan.Files))
	for name := range plan.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		files = append(files, txtar.File{Name: "fixed/" + name, Data: plan.Files[name]})
	}
	if want != nil {
		files = append(files, *want)
	}
	ar.Files = files
	out := txtar.Format(ar)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(out) {
		return nil
	}
	return os.WriteFile(path, out, 0o644)
}

// UpdateWant rewrites the want section of the fixture at path so that it
// matches got, keeping the want lines that still match as they are
// written, and the comment lines at the top of the section.
func UpdateWant(path string, want []Want, got []lint.Finding) error {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return err
	}
	var lines []string
	wantAt := -1
	for i, f := range ar.Files {
		if f.Name != "want" {
			continue
		}
		wantAt = i
		for _, l := range strings.Split(string(f.Data), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "#") {
				break
			}
			lines = append(lines, l)
		}
	}
	usedWant := make([]bool, len(want))
	for _, g := range got {
		line := FormatFinding(g)
		for i, w := range want {
			if !usedWant[i] && matches(w, g) {
				usedWant[i] = true
				line = w.Src
				break
			}
		}
		lines = append(lines, line)
	}
	data := []byte(strings.Join(lines, "\n"))
	if len(lines) > 0 {
		data = append(data, '\n')
	}
	if wantAt < 0 {
		ar.Files = append(ar.Files, txtar.File{Name: "want", Data: data})
	} else {
		ar.Files[wantAt].Data = data
	}
	out := txtar.Format(ar)
	if old, err := os.ReadFile(path); err == nil && string(old) == string(out) {
		return nil
	}
	return os.WriteFile(path, out, 0o644)
}

// FormatFinding writes a finding as a want line.
func FormatFinding(g lint.Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s: %s (%s)", g.File, g.Line, g.Column, g.Severity, g.Message, g.Rule)
}

func matches(w Want, g lint.Finding) bool {
	return g.File == w.File && g.Line == w.Line && g.Column == w.Column && g.Severity.String() == w.Severity &&
		g.Rule == w.Rule && strings.Contains(g.Message, w.Text)
}

// Compare matches findings against want lines, reporting both the
// unexpected findings and the missing ones.
func Compare(t *testing.T, path string, want []Want, got []lint.Finding) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if used[i] {
				continue
			}
			if matches(w, g) {
				used[i] = true
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: missing finding\n  want: %s", filepath.Base(path), w.Src)
		}
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("%s: unexpected finding\n  got: %s", filepath.Base(path), FormatFinding(g))
		}
	}
}

// CorpusDir returns the shared corpus of real WSO2 configurations
// (../shared/corpus beside the repository), or skips the test when it is
// absent. The corpus is read in place and never copied into the repo.
func CorpusDir(t testing.TB) string {
	t.Helper()
	return sharedDir(t, "corpus")
}

// SeedDir returns ../shared/seed, or skips.
func SeedDir(t testing.TB) string {
	t.Helper()
	return sharedDir(t, "seed")
}

func sharedDir(t testing.TB, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "..", "shared", name)
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return cand
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("../shared/%s not found beside the repository; skipping tests that need it", name)
			return ""
		}
		dir = parent
	}
}

// WriteFile writes data to path, creating its directories.
func WriteFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// WriteFiles writes files (slash paths relative to dir) below dir.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), body)
	}
}
