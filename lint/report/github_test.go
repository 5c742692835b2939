package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

func TestGitHubEscaping(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{{
		Rule: "r,1", Severity: lint.SeverityWarning, File: "fleet/a:b,c/deployment.toml", Line: 3, Column: 7,
		Message: "100% wrong:\r\nsee, here",
		Related: []lint.Related{{File: "fleet/x/deployment.toml", Line: 2, Column: 1, Message: "other"}},
	}}}
	var buf bytes.Buffer
	if err := GitHub(&buf, res, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=fleet/a%3Ab%2Cc/deployment.toml,line=3,col=7,title=r%2C1::100%25 wrong:%0D%0Asee, here%0Afleet/x/deployment.toml:2:1: other\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestGitHubCommands runs a real fleet and checks that every line is one
// well-formed workflow command, so nothing else reaches the log as noise.
func TestGitHubCommands(t *testing.T) {
	var buf bytes.Buffer
	if err := GitHub(&buf, runTestFleet(t, testFleet, testRules), Options{}); err != nil {
		t.Fatal(err)
	}
	cmdRE := regexp.MustCompile(`^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=[^,:]+::[^\r\n]*$`)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 commands, got %d:\n%s", len(lines), buf.String())
	}
	levels := map[string]int{}
	for _, l := range lines {
		m := cmdRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a workflow command: %q", l)
			continue
		}
		levels[m[1]]++
	}
	if levels["error"] != 2 || levels["notice"] != 1 {
		t.Errorf("levels = %v, want 2 errors (same-id on cp-1 and gw-1) and 1 notice (odd-key info)", levels)
	}
	if !strings.Contains(buf.String(), "::error file=gw-1/deployment.toml,line=6,col=14,title=same-id::gateway_id \"gw\" is shared%0Acp-1/deployment.toml:5:14: cp-1 has it too") {
		t.Errorf("gw-1 annotation missing or wrong:\n%s", buf.String())
	}
}

func TestGitHubPath(t *testing.T) {
	for _, c := range []struct{ cwd, file, want string }{
		{"/repo", "/repo/fleet/gw/deployment.toml", "fleet/gw/deployment.toml"},
		{"/repo", "./fleet/gw/deployment.toml", "fleet/gw/deployment.toml"},
		{"/repo", "/elsewhere/gw/deployment.toml", "/elsewhere/gw/deployment.toml"},
	} {
		if got := githubPath(c.cwd, c.file); got != c.want {
			t.Errorf("githubPath(%q, %q) = %q, want %q", c.cwd, c.file, got, c.want)
		}
	}
}
