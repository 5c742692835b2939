package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// fixableEstate copies testdata/estate into a temporary directory with two
// more environments, qa/ and uat/, each a copy of seed-ha (whose findings
// carry fixes): node names are the same in both, so a fix planned against
// the wrong fleet would show.
func fixableEstate(t *testing.T) string {
	t.Helper()
	root := copyFleet(t, repoTestdata+"/estate")
	for _, env := range []string{"qa", "uat"} {
		if err := os.CopyFS(filepath.Join(root, env), os.DirFS(repoTestdata+"/seed-ha")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestEstateFixAndDiffPerFleet: --diff and --fix work on a tree of fleets;
// each fleet's fixes are the ones linting that fleet alone gives (the
// golden diff of seed-ha, for qa and for uat), no other fleet's file is
// touched, and a second round has nothing left to fix.
func TestEstateFixAndDiffPerFleet(t *testing.T) {
	root := fixableEstate(t)
	diff, stderr, code := apimlint(t, "lint", "--diff", root)
	if code != exitFindings {
		t.Fatalf("--diff on an estate: exit %d, want 1: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(repoTestdata, "golden", "seed-ha.fix.diff"))
	if err != nil {
		t.Fatal(err)
	}
	prefix := strings.TrimPrefix(filepath.ToSlash(root), "/") + "/"
	var qa, uat, rest []string
	for _, part := range strings.SplitAfter(diff, "\n") {
		switch {
		case strings.Contains(part, prefix+"qa/"):
			qa = append(qa, strings.ReplaceAll(part, prefix+"qa/", ""))
		case strings.Contains(part, prefix+"uat/"):
			uat = append(uat, strings.ReplaceAll(part, prefix+"uat/", ""))
		case strings.HasPrefix(part, "--- ") || strings.HasPrefix(part, "+++ "):
			rest = append(rest, part)
		default: // hunk lines belong to the file header before them
			if len(uat) > 0 {
				uat = append(uat, part)
			} else {
				qa = append(qa, part)
			}
		}
	}
	if len(rest) > 0 {
		t.Errorf("--diff touches files outside qa/ and uat/: %v", rest)
	}
	for name, got := range map[string]string{"qa": strings.Join(qa, ""), "uat": strings.Join(uat, "")} {
		if got != string(want) {
			t.Errorf("fleet %s: --diff differs from linting seed-ha alone:\n%s", name, diffLines(string(want), got))
		}
	}

	before := snapshot(t, root)
	_, stderr, code = apimlint(t, "lint", "--fix", root)
	if code != exitFindings && code != exitOK {
		t.Fatalf("--fix: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "apimlint: fixed ") || !strings.Contains(stderr, " in 6 files") {
		t.Errorf("--fix says %q, want the fixes of 3 files in each of qa and uat", stderr)
	}
	// The fixed files are those --fix writes on seed-ha alone.
	alone := copyFleet(t, repoTestdata+"/seed-ha")
	if _, stderr, code := apimlint(t, "lint", "--fix", alone); code != exitFindings && code != exitOK {
		t.Fatalf("--fix on seed-ha: exit %d: %s", code, stderr)
	}
	after := snapshot(t, root)
	for rel, data := range after {
		env, node, _ := strings.Cut(rel, "/")
		switch env {
		case "qa", "uat":
			ref, err := os.ReadFile(filepath.Join(alone, node))
			if err != nil {
				t.Fatal(err)
			}
			if data != string(ref) {
				t.Errorf("%s after --fix differs from seed-ha fixed alone", rel)
			}
		default:
			if data != before[rel] {
				t.Errorf("%s changed, but its fleet has no fix", rel)
			}
		}
	}
	again, stderr, code := apimlint(t, "lint", "--diff", root)
	if code != exitOK || again != "" {
		t.Errorf("a second round still has fixes (exit %d): %s %s", code, again, stderr)
	}
}

// snapshot returns every node file below root by slash path.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != lint.NodeFileName {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type jsonFindings struct {
	Findings []lint.Finding `json:"findings"`
}

func decodeFindings(t *testing.T, out string) []lint.Finding {
	t.Helper()
	var doc jsonFindings
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	return doc.Findings
}

func countByFleet(fs []lint.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Fleet]++
	}
	return out
}

// TestEstateAcceptPerFleet: --accept on a tree of fleets records every
// finding under its fleet in the accepted-findings format, and --accepted
// hides a fleet's findings only by that fleet's entries: qa and uat are
// copies with the same node names and fingerprints, and accepting qa
// leaves uat's findings reported.
func TestEstateAcceptPerFleet(t *testing.T) {
	root := fixableEstate(t)
	accepted := filepath.Join(t.TempDir(), "accepted.json")
	plain := decodeFindings(t, cliOut(t, "lint", "--format", "json", root))
	perFleet := countByFleet(plain)
	if perFleet["qa"] == 0 || perFleet["qa"] != perFleet["uat"] {
		t.Fatalf("qa and uat should have the same findings: %v", perFleet)
	}

	if _, stderr, code := apimlint(t, "lint", "--accept", accepted, "--fleet", "qa", root); code != exitOK {
		t.Fatalf("--accept --fleet qa: exit %d: %s", code, stderr)
	}
	acc, err := lint.ReadAcceptedFile(accepted)
	if err != nil {
		t.Fatal(err)
	}
	if len(acc.Findings) != perFleet["qa"] {
		t.Errorf("accepted %d findings, want qa's %d", len(acc.Findings), perFleet["qa"])
	}
	for _, e := range acc.Findings {
		if e.Fleet != "qa" {
			t.Fatalf("entry %+v is not recorded under fleet qa", e)
		}
	}
	out, stderr, code := apimlint(t, "lint", "--accepted", accepted, "--format", "json", root)
	if code != exitFindings {
		t.Fatalf("--accepted: exit %d: %s", code, stderr)
	}
	got := countByFleet(decodeFindings(t, out))
	if got["qa"] != 0 || got["uat"] != perFleet["uat"] || got["staging"] != perFleet["staging"] {
		t.Errorf("with qa accepted, findings per fleet %v; want none in qa and all of uat (%d) and staging (%d)", got, perFleet["uat"], perFleet["staging"])
	}
	if !strings.Contains(stderr, "of "+itoa(perFleet["qa"])+" accepted findings still present and hidden") {
		t.Errorf("stderr lacks the accepted summary:\n%s", stderr)
	}

	// Accepting the whole estate makes it pass; every fleet is in the file.
	if _, stderr, code := apimlint(t, "lint", "--accept", accepted, root); code != exitOK || !strings.Contains(stderr, "of 5 fleets") {
		t.Fatalf("--accept: exit %d: %s", code, stderr)
	}
	if acc, err = lint.ReadAcceptedFile(accepted); err != nil {
		t.Fatal(err)
	}
	fleets := map[string]int{}
	for _, e := range acc.Findings {
		fleets[e.Fleet]++
	}
	for name, n := range perFleet {
		if fleets[name] != n {
			t.Errorf("fleet %s: %d entries, want %d", name, fleets[name], n)
		}
	}
	if out, stderr, code := apimlint(t, "lint", "--accepted", accepted, root); code != exitOK || !strings.Contains(out, "no findings in 23 nodes") {
		t.Errorf("--accepted after accepting everything: exit %d\n%s%s", code, out, stderr)
	}
	// [lint] accepted in a fleet's own config applies to that fleet.
	if err := os.WriteFile(filepath.Join(root, "staging", lint.ConfigFileName), []byte("[lint]\naccepted = \""+filepath.ToSlash(accepted)+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got = countByFleet(decodeFindings(t, cliOut(t, "lint", "--format", "json", root)))
	if got["staging"] != 0 || got["qa"] != perFleet["qa"] {
		t.Errorf("staging's config accepts its findings: per fleet %v", got)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// cliOut runs the CLI and fails on a usage error.
func cliOut(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, code := apimlint(t, args...)
	if code != exitOK && code != exitFindings {
		t.Fatalf("apimlint %v: exit %d: %s", args, code, stderr)
	}
	return out
}

// TestEstateNewFromRev: --new-from-rev on a tree of fleets reports, in
// every fleet, only the findings on lines changed since the revision; they
// carry their fleet.
func TestEstateNewFromRev(t *testing.T) {
	gitOrSkip(t)
	repo := t.TempDir()
	root := filepath.Join(repo, "estate")
	if err := os.CopyFS(root, os.DirFS(repoTestdata+"/estate")); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "init", "-q")
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "estate")
	if out, stderr, code := apimlint(t, "lint", "--new-from-rev", "HEAD", root); code != exitOK || !strings.Contains(out, "no findings in 11 nodes") {
		t.Fatalf("nothing changed: exit %d\n%s%s", code, out, stderr)
	}
	gw := filepath.Join(root, "staging", "gw", lint.NodeFileName)
	f, err := os.OpenFile(gw, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("\n[apim.devportal]\nurl = \"https://[control-plane-host]/devportal\"\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := apimlint(t, "lint", "--new-from-rev", "HEAD", "--format", "json", root)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	found := decodeFindings(t, out)
	rules := map[string]bool{}
	for _, f := range found {
		if f.Fleet != "staging" || f.File != gw || f.Line < 59 {
			t.Errorf("finding outside the changed lines of staging: %s %s:%d (fleet %q)", f.Rule, f.File, f.Line, f.Fleet)
		}
		rules[f.Rule] = true
	}
	if !rules["doc-placeholder"] {
		t.Errorf("the placeholder on the changed line is not reported: %v", found)
	}
	// --accept records every finding: it does not go with --new-from-rev.
	if _, stderr, code := apimlint(t, "lint", "--new-from-rev", "HEAD", "--accept", filepath.Join(repo, "a.json"), root); code != exitUsage {
		t.Errorf("--accept with --new-from-rev: exit %d: %s", code, stderr)
	}
}
