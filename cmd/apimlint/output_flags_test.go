package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutputFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--color", "sometimes"},
		{"--rule-docs-url", "https://docs.example.com/rules"},
		{"--rule-docs-url", "docs/{id}"},
		{"--max-findings", "-1"},
		{"--max-findings", "many"},
	} {
		if _, stderr, code := apimlint(t, append(args, repoTestdata+"/clean-ha")...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

// TestSARIFFlags: --rule-docs-url, --path-prefix and --max-findings reach
// the SARIF the CLI writes.
func TestSARIFFlags(t *testing.T) {
	t.Chdir("../..")
	out, stderr, code := apimlint(t, "testdata/seed-ha", "--format", "sarif", "--max-findings", "5",
		"--path-prefix", "deploy", "--rule-docs-url", "https://wiki.example.com/apimlint#{id}")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Rules []struct{ HelpURI string } }
			}
			Results []struct {
				Locations []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != 5 {
		t.Errorf("results = %d, want 5", len(run.Results))
	}
	for _, r := range run.Results {
		if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; !strings.HasPrefix(uri, "deploy/testdata/seed-ha/") {
			t.Errorf("URI %s lacks the prefix", uri)
		}
	}
	if h := run.Tool.Driver.Rules[0].HelpURI; !strings.HasPrefix(h, "https://wiki.example.com/apimlint#") {
		t.Errorf("helpUri %s", h)
	}
}

// TestVerbose: -v and --verbose describe the fleet on stderr and leave
// stdout as it was; the version moved to --version and `version`.
func TestVerbose(t *testing.T) {
	quietOut, _, _ := apimlint(t, repoTestdata+"/seed-single")
	for _, flag := range []string{"-v", "--verbose"} {
		out, stderr, code := apimlint(t, flag, repoTestdata+"/seed-single")
		if code != exitFindings || out != quietOut {
			t.Errorf("%s changed stdout or the exit code (%d)", flag, code)
		}
		for _, want := range []string{"3 nodes", "config: none", "node tm (", "role traffic-manager by name", "addresses cp, cp.wso2.com"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", flag, want, stderr)
			}
		}
	}
	if out, _, code := apimlint(t, "version"); code != exitOK || !strings.HasPrefix(out, "apimlint ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// TestGitHubStepSummaryFile: with the github format, the Markdown summary
// is appended to $GITHUB_STEP_SUMMARY; without that variable nothing is
// written.
func TestGitHubStepSummaryFile(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb strings.Builder
	env := &cliEnv{stdout: &out, stderr: &errb, getenv: func(k string) string {
		if k == "GITHUB_STEP_SUMMARY" {
			return summary
		}
		return ""
	}}
	if code := run(env, []string{repoTestdata + "/seed-ha", "--format", "github"}); code != exitFindings {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"earlier step\n## apimlint: `", "| `default-keystore-password` | 18 | 0 | 0 |", "### First errors"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("summary lacks %q:\n%s", want, data)
		}
	}
	if !strings.Contains(out.String(), "::notice title=apimlint::apimlint printed 92 of 92 findings") {
		t.Errorf("no final notice:\n%s", out.String())
	}
	if code := run(env, []string{repoTestdata + "/seed-ha", "--format", "text"}); code != exitFindings {
		t.Fatal(code)
	}
	if again, _ := os.ReadFile(summary); len(again) != len(data) {
		t.Error("text format wrote a step summary")
	}
}
