package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// mapperAt is a pathMapper for a working directory that needs not exist;
// no directory above it is a work tree unless it really is one.
func mapperAt(cwd, prefix string) *pathMapper {
	return &pathMapper{cwd: cwd, prefix: prefix, roots: map[string]string{}}
}

// TestPathMapper: paths are relative to the git work tree a file is in,
// whatever the working directory; the prefix replaces that root; nothing
// absolute comes out.
func TestPathMapper(t *testing.T) {
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	node := filepath.Join(repo, "deploy", "prod", "gw-1", "deployment.toml")
	outside := filepath.Join(filepath.Dir(repo), "elsewhere", "deployment.toml")
	for _, c := range []struct{ cwd, prefix, file, want string }{
		{filepath.Join(repo, "deploy"), "", "prod/gw-1/deployment.toml", "deploy/prod/gw-1/deployment.toml"},
		{repo, "", node, "deploy/prod/gw-1/deployment.toml"},
		{filepath.Join(repo, "deploy", "prod"), "", "./gw-1/deployment.toml", "deploy/prod/gw-1/deployment.toml"},
		{filepath.Join(repo, "deploy"), "configs", "prod/gw-1/deployment.toml", "configs/prod/gw-1/deployment.toml"},
		{repo, "", outside, "../" + filepath.Base(filepath.Dir(outside)) + "/deployment.toml"},
	} {
		if got := mapperAt(c.cwd, c.prefix).rel(c.file); got != c.want {
			t.Errorf("cwd %s prefix %q: rel(%s) = %s, want %s", c.cwd, c.prefix, c.file, got, c.want)
		}
	}
	if got := mapperAt("", "").rel("/abs/x/deployment.toml"); got != "deployment.toml" {
		t.Errorf("no cwd, no work tree: %s", got)
	}
}

// seedPrefix is how the seed fleet's files appear in CI formats: relative
// to the repository root in a git checkout, else to the working directory
// (a source tarball has no .git).
func seedPrefix(t *testing.T) string {
	t.Helper()
	if _, err := os.Lstat("../../.git"); err != nil {
		t.Log("not in a git checkout: paths are relative to the working directory")
		return "../../testdata/seed-ha/"
	}
	return "testdata/seed-ha/"
}

// seedResult lints the seed fleet with every rule.
func seedResult(t *testing.T) *lint.Result {
	t.Helper()
	fl, err := lint.Load([]string{"../../testdata/seed-ha"}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return runFleet(t, fl)
}

func runFleet(t *testing.T, fl *lint.Fleet) *lint.Result {
	t.Helper()
	res, err := lint.Run(t.Context(), fl, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSARIFCodeScanning checks what code scanning reads beyond the schema:
// helpUri, tags, security-severity, automationDetails, repository-relative
// URIs, no local path, and --max-findings with its notification.
func TestSARIFCodeScanning(t *testing.T) {
	res := seedResult(t)
	var buf bytes.Buffer
	opts := Options{MaxFindings: 10, RuleDocsURL: "https://docs.example.com/apimlint/{id}"}
	if err := SARIF(&buf, res, opts); err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, buf.Bytes()); err != nil {
		t.Fatalf("does not validate: %v", err)
	}
	wd, _ := os.Getwd()
	if bytes.Contains(buf.Bytes(), []byte(filepath.ToSlash(filepath.Dir(filepath.Dir(wd))))) || bytes.Contains(buf.Bytes(), []byte("file://")) {
		t.Errorf("SARIF names a local absolute path")
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if want := "apimlint/" + seedPrefix(t); run.AutomationDetails == nil || run.AutomationDetails.ID != want {
		t.Errorf("automationDetails = %+v, want id %s", run.AutomationDetails, want)
	}
	if len(run.Results) != 10 {
		t.Fatalf("results = %d, want 10 (--max-findings)", len(run.Results))
	}
	for _, r := range run.Results {
		if r.Level != "error" {
			t.Errorf("a %s finding was kept while errors were dropped", r.Level)
		}
		if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, seedPrefix(t)) {
			t.Errorf("URI %s is not relative to the repository root", uri)
		}
	}
	notes := run.Invocations[0].ToolExecutionNotifications
	if len(notes) != 1 || !strings.Contains(notes[0].Message.Text, "82 of 92 findings were dropped") {
		t.Errorf("notifications = %+v", notes)
	}
	byID := map[string]sarifRule{}
	for _, r := range run.Tool.Driver.Rules {
		byID[r.ID] = r
	}
	dap := byID["default-admin-password"]
	if dap.HelpURI != "https://docs.example.com/apimlint/default-admin-password" || dap.Properties == nil ||
		strings.Join(dap.Properties.Tags, ",") != "hardening,security" || dap.Properties.SecuritySeverity != "8.0" {
		t.Errorf("default-admin-password descriptor: %+v %+v", dap, dap.Properties)
	}
	drift := byID["ha-peer-drift"]
	if drift.Properties == nil || drift.Properties.SecuritySeverity != "" || strings.Join(drift.Properties.Tags, ",") != "consistency" {
		t.Errorf("ha-peer-drift is not a plain consistency rule: %+v", drift.Properties)
	}
	// Fingerprints of kept results are those of the full run.
	full := buildSARIF(res, newPathMapper(""), Options{})
	fullFP := map[string]bool{}
	for _, r := range full.Runs[0].Results {
		fullFP[r.PartialFingerprints[FingerprintKey]] = true
	}
	for _, r := range run.Results {
		if !fullFP[r.PartialFingerprints[FingerprintKey]] {
			t.Errorf("capped result %s has a fingerprint the full run does not", r.RuleID)
		}
	}
	if full.Runs[0].Tool.Driver.Rules[0].HelpURI != lint.RuleDocURL(full.Runs[0].Tool.Driver.Rules[0].ID) {
		t.Errorf("default helpUri = %s", full.Runs[0].Tool.Driver.Rules[0].HelpURI)
	}
}

func TestLimitFindings(t *testing.T) {
	fs := []lint.Finding{
		{Rule: "a", Severity: lint.SeverityInfo}, {Rule: "b", Severity: lint.SeverityError},
		{Rule: "c", Severity: lint.SeverityWarning}, {Rule: "d", Severity: lint.SeverityError},
	}
	got, dropped := limitFindings(fs, 3)
	if dropped != 1 || len(got) != 3 || got[0].Rule != "b" || got[1].Rule != "c" || got[2].Rule != "d" {
		t.Errorf("limitFindings = %v, %d", got, dropped)
	}
	if got, dropped := limitFindings(fs, 0); len(got) != 4 || dropped != 0 {
		t.Error("0 is no cap")
	}
}
