package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// prependLines moves every line of a file down, as an unrelated edit does.
func prependLines(t *testing.T, path, lines string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append([]byte(lines), data...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendLines(t *testing.T, path, lines string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(lines); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// newDevportalURL adds one finding (schema-type) to the control plane of
// seed-single, which has no [apim.devportal] and no peer to drift from.
const newDevportalURL = "\n[apim.devportal]\nurl = \"https://<hostname>:9443/devportal\"\n"

// TestAcceptThenOneNewFinding is the acceptance test: accept
// today's findings, move every line, add one mistake: exactly that one
// finding is reported, with exit 1.
func TestAcceptThenOneNewFinding(t *testing.T) {
	dir := copyFleet(t, repoTestdata+"/seed-single")
	acc := filepath.Join(t.TempDir(), "accepted.json")
	_, stderr, code := apimlint(t, "lint", dir, "--accept", acc)
	if code != exitOK || !strings.Contains(stderr, "accepted 34 findings") {
		t.Fatalf("--accept: exit %d, stderr %s", code, stderr)
	}
	var af lint.AcceptedFile
	data, err := os.ReadFile(acc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &af); err != nil || len(af.Findings) != 34 {
		t.Fatalf("accepted file: %v, %d entries", err, len(af.Findings))
	}
	out, stderr, code := apimlint(t, "lint", dir, "--accepted", acc)
	if code != exitOK || !strings.Contains(out, "no findings") || !strings.Contains(stderr, "34 of 34 accepted findings still present") {
		t.Fatalf("--accepted right after --accept: exit %d\n%s%s", code, out, stderr)
	}
	for _, n := range []string{"cp", "gw", "tm"} {
		prependLines(t, filepath.Join(dir, n, "deployment.toml"), "# moved down\n\n# by an unrelated edit\n")
	}
	appendLines(t, filepath.Join(dir, "cp", "deployment.toml"), newDevportalURL)
	out, stderr, code = apimlint(t, "lint", dir, "--accepted", acc)
	if code != exitFindings || !strings.Contains(out, "(schema-type)") || !strings.HasSuffix(out, "\n1 error, 0 warnings, 0 info in 3 nodes\n") || strings.Count(out, "\n") != 2 {
		t.Errorf("after one new mistake: exit %d, want exactly one finding:\n%s%s", code, out, stderr)
	}
}

// TestAcceptedFromConfigAndStale: [lint] accepted in .apimlint.toml is
// read relative to the config, and a fixed finding is counted as stale.
func TestAcceptedFromConfigAndStale(t *testing.T) {
	dir := copyFleet(t, repoTestdata+"/seed-single")
	if _, stderr, code := apimlint(t, dir, "--accept", filepath.Join(dir, "ci", "accepted.json")); code != exitUsage || !strings.Contains(stderr, "accepted.json") {
		t.Errorf("--accept into a missing directory: exit %d, %s", code, stderr)
	}
	if _, _, code := apimlint(t, dir, "--accept", filepath.Join(dir, "accepted.json")); code != exitOK {
		t.Fatal("--accept failed")
	}
	fleettest.WriteFile(t, filepath.Join(dir, ".apimlint.toml"), "[lint]\naccepted = \"accepted.json\"\n")
	// Fix one finding: the admin password of the traffic manager.
	tm := filepath.Join(dir, "tm", "deployment.toml")
	data, err := os.ReadFile(tm)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(data), "password = \"admin\"", "password = \"$env{ADMIN_PASSWORD}\"", 1)
	if fixed == string(data) {
		t.Fatal("tm has no admin password to fix")
	}
	fleettest.WriteFile(t, tm, fixed)
	out, stderr, code := apimlint(t, dir)
	if code != exitOK || !strings.Contains(stderr, "fixed since") || strings.Contains(stderr, " 0 fixed since") {
		t.Errorf("exit %d, want 0 and a stale count:\n%s%s", code, out, stderr)
	}
	// A broken accepted file is a usage error, not a silent full report.
	fleettest.WriteFile(t, filepath.Join(dir, "accepted.json"), "{not json")
	if _, stderr, code := apimlint(t, dir); code != exitUsage || !strings.Contains(stderr, "accepted") {
		t.Errorf("broken accepted file: exit %d, %s", code, stderr)
	}
	if _, _, code := apimlint(t, dir, "--accepted", filepath.Join(dir, "nope.json")); code != exitUsage {
		t.Errorf("missing accepted file: exit %d", code)
	}
}

func gitOrSkip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: --new-from-rev not tested")
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestNewFromRev: in a git repository, only findings on lines changed
// since the revision are reported; the old ones are not.
func TestNewFromRev(t *testing.T) {
	gitOrSkip(t)
	repo := t.TempDir()
	fleet := filepath.Join(repo, "deploy")
	if err := os.CopyFS(fleet, os.DirFS(repoTestdata+"/seed-single")); err != nil {
		t.Fatal(err)
	}
	gitRun(t, repo, "init", "-q")
	gitRun(t, repo, "add", ".")
	gitRun(t, repo, "commit", "-q", "-m", "fleet")
	out, stderr, code := apimlint(t, fleet, "--new-from-rev", "HEAD")
	if code != exitOK || !strings.Contains(out, "no findings") {
		t.Fatalf("nothing changed: exit %d\n%s%s", code, out, stderr)
	}
	prependLines(t, filepath.Join(fleet, "gw", "deployment.toml"), "# moved\n")
	appendLines(t, filepath.Join(fleet, "cp", "deployment.toml"), newDevportalURL)
	out, stderr, code = apimlint(t, fleet, "--new-from-rev", "HEAD", "--format", "json")
	if code != exitFindings {
		t.Fatalf("one new mistake: exit %d\n%s%s", code, out, stderr)
	}
	var res struct{ Findings []lint.Finding }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "schema-type" {
		t.Errorf("want the one schema-type finding, got %+v", res.Findings)
	}
	// Committed, the change is old news.
	gitRun(t, repo, "commit", "-q", "-am", "devportal")
	if out, _, code := apimlint(t, fleet, "--new-from-rev", "HEAD"); code != exitOK {
		t.Errorf("after commit: exit %d\n%s", code, out)
	}
	if out, _, code := apimlint(t, fleet, "--new-from-rev", "HEAD~1", "--format", "json"); code != exitFindings || countFindings(t, out) != 1 {
		t.Errorf("since HEAD~1: exit %d\n%s", code, out)
	}
	// A new, untracked node is new on every line.
	if err := os.CopyFS(filepath.Join(fleet, "cp2"), os.DirFS(filepath.Join(fleet, "cp"))); err != nil {
		t.Fatal(err)
	}
	if out, _, code := apimlint(t, fleet, "--new-from-rev", "HEAD", "--fail-on", "none"); code != exitOK || !strings.Contains(out, "cp2/deployment.toml") {
		t.Errorf("untracked node: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{
		{fleet, "--new-from-rev", "no-such-rev"},
		{fleet, "--new-from-rev", "--all"},
		{t.TempDir(), "--new-from-rev", "HEAD"},
		{fleet, "--new-from-rev", "HEAD", "--accept", filepath.Join(repo, "a.json")},
	} {
		if _, stderr, code := apimlint(t, bad...); code != exitUsage {
			t.Errorf("apimlint %v: exit %d, want 2 (%s)", bad, code, stderr)
		}
	}
}

// TestAcceptedWithRule: with --rule, accepted findings of other rules are
// not reported as fixed.
func TestAcceptedWithRule(t *testing.T) {
	dir := copyFleet(t, repoTestdata+"/seed-single")
	acc := filepath.Join(t.TempDir(), "accepted.json")
	if _, _, code := apimlint(t, dir, "--accept", acc); code != exitOK {
		t.Fatal("--accept failed")
	}
	_, stderr, code := apimlint(t, dir, "--accepted", acc, "--rule", "default-admin-password")
	if code != exitOK || !strings.Contains(stderr, "3 of 3 accepted findings still present and hidden; 0 fixed since") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
