package main

import (
	"encoding/json"
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
