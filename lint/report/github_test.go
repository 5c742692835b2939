package report

import (
	"bytes"
	"fmt"
	"io"
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
	if err := writeGitHub(&buf, res, Options{}, mapperAt("/nowhere", "")); err != nil {
		t.Fatal(err)
	}
	want := "::warning file=fleet/a%3Ab%2Cc/deployment.toml,line=3,col=7,title=r%2C1::100%25 wrong:%0D%0Asee, here%0Afleet/x/deployment.toml:2:1: other\n" +
		"::notice title=apimlint::apimlint printed 1 of 1 findings as annotations (0 errors, 1 warning, 0 info); GitHub shows the first 10 errors and 10 warnings of a step\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestGitHubCommands runs a real fleet and checks that every line is one
// well-formed workflow command, so nothing else reaches the log as noise.
func TestGitHubCommands(t *testing.T) {
	var buf bytes.Buffer
	if err := writeGitHub(&buf, runTestFleet(t, testFleet, testRules), Options{}, mapperAt("/nowhere", "")); err != nil {
		t.Fatal(err)
	}
	cmdRE := regexp.MustCompile(`^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=[^,:]+::[^\r\n]*$`)
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 3 annotations and a notice, got %d lines:\n%s", len(lines), buf.String())
	}
	if last := lines[3]; !strings.HasPrefix(last, "::notice title=apimlint::apimlint printed 3 of 3 findings") {
		t.Errorf("last line %q is not the count notice", last)
	}
	lines = lines[:3]
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

// TestGitHubOrderAndCap: errors come first (GitHub shows 10 per level),
// --max-findings keeps the most severe, and the notice says what was left
// out.
func TestGitHubOrderAndCap(t *testing.T) {
	res := &lint.Result{Findings: []lint.Finding{
		{Rule: "i", Severity: lint.SeverityInfo, File: "a.toml", Line: 1, Column: 1, Message: "i"},
		{Rule: "w", Severity: lint.SeverityWarning, File: "a.toml", Line: 2, Column: 1, Message: "w"},
		{Rule: "e", Severity: lint.SeverityError, File: "b.toml", Line: 3, Column: 1, Message: "e"},
	}}
	var buf bytes.Buffer
	if err := writeGitHub(&buf, res, Options{MaxFindings: 2}, mapperAt("/nowhere", "")); err != nil {
		t.Fatal(err)
	}
	want := "::error file=b.toml,line=3,col=1,title=e::e\n" +
		"::warning file=a.toml,line=2,col=1,title=w::w\n" +
		"::notice title=apimlint::apimlint printed 2 of 3 findings as annotations (1 error, 1 warning, 0 info); GitHub shows the first 10 errors and 10 warnings of a step; 1 dropped by --max-findings\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	buf.Reset()
	if err := writeGitHub(&buf, &lint.Result{}, Options{}, mapperAt("/nowhere", "")); err != nil || buf.Len() != 0 {
		t.Errorf("a clean run printed %q (%v)", buf.String(), err)
	}
}

func TestGitHubStepSummary(t *testing.T) {
	RegisterSummarySection("test", func(w io.Writer, r *lint.Result) error {
		_, err := fmt.Fprintf(w, "```mermaid\ngraph LR\n```\n")
		return err
	})
	defer func() { sections = sections[:len(sections)-1] }()
	var fs []lint.Finding
	for i := range 12 {
		fs = append(fs, lint.Finding{Rule: "e", Severity: lint.SeverityError, File: "n/deployment.toml", Line: i + 1, Column: 1, Message: "bad <x> | y"})
	}
	fs = append(fs, lint.Finding{Rule: "w", Severity: lint.SeverityWarning, File: "n/deployment.toml", Line: 20, Column: 1, Message: "meh"})
	var buf bytes.Buffer
	if err := writeStepSummary(&buf, &lint.Result{Root: "deploy", Fleet: &lint.Fleet{}, Findings: fs}, mapperAt("/nowhere", "")); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{
		"## apimlint: `deploy`\n", "12 errors, 1 warning, 0 info in 0 nodes.",
		"| `e` | 12 | 0 | 0 |\n| `w` | 0 | 1 | 0 |\n",
		"### First errors", "- `n/deployment.toml:10:1` bad &lt;x&gt; \\| y (`e`)", "- … and 2 more", "```mermaid",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "deployment.toml:11:1") {
		t.Errorf("more than %d errors listed", summaryFirstErrors)
	}
}
