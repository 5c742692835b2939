package lint_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// flagBad reports every string value "bad" (each element of an array
// too), at the value, with the key set.
var flagBad = &lint.Rule{ID: "flag-bad", Severity: lint.SeverityError, Summary: "bad values", Run: func(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		for _, k := range n.Keys {
			for _, v := range k.Scalars() {
				if v.Text() == "bad" {
					p.Report(lint.AtValue(n, k, v, "%s is bad", k.Path))
				}
			}
		}
	}
}}

// quiet never reports; suppressions of it hide nothing.
var quiet = &lint.Rule{ID: "quiet", Severity: lint.SeverityWarning, Summary: "never fires", Run: func(*lint.Pass) {}}

// unusedRule stands in for the registered unused-suppression rule, so the
// processors see it ran.
var unusedRule = &lint.Rule{ID: lint.RuleUnusedSuppression, Severity: lint.SeverityWarning, Summary: "suppressions", Run: func(*lint.Pass) {}}

var suppressNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func runSuppressed(t *testing.T, files map[string]string, rules ...*lint.Rule) []string {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		rules = []*lint.Rule{flagBad, quiet, unusedRule}
	}
	res, err := lint.Run(context.Background(), fl, rules, lint.RunOptions{Now: suppressNow})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Rule == "role-unknown" {
			continue
		}
		out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s (%s)", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule))
	}
	return out
}

func checkFindings(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d findings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("finding %d:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
}

func TestSuppressionUsed(t *testing.T) {
	got := runSuppressed(t, map[string]string{"gw/deployment.toml": `[a]
x = "bad"  # apimlint:ignore flag-bad -- trailing, same line
# apimlint:ignore flag-bad -- line above
y = "bad"
# apimlint:ignore quiet -- stacked directives both cover the next key
# apimlint:ignore flag-bad -- multi-line array, covered through its key
z = [
  "ok",
  "bad",
]
w = "bad"
`})
	checkFindings(t, got,
		"gw/deployment.toml:5:1: warning: apimlint:ignore quiet suppresses nothing: rule quiet reports no finding on its line or the next; remove the suppression (unused-suppression)",
		"gw/deployment.toml:11:5: error: a.w is bad (flag-bad)")
}

func TestSuppressionUnused(t *testing.T) {
	got := runSuppressed(t, map[string]string{"gw/deployment.toml": `# apimlint:ignore-file quiet -- nothing to hide
[a]
# apimlint:ignore flag-bad -- the line below is fine
x = "ok"

y = "bad"
`})
	checkFindings(t, got,
		"gw/deployment.toml:1:1: warning: apimlint:ignore-file quiet suppresses nothing: rule quiet reports no finding in this file",
		"gw/deployment.toml:3:1: warning: apimlint:ignore flag-bad suppresses nothing",
		"gw/deployment.toml:6:5: error: a.y is bad (flag-bad)")
}

// TestSuppressionWithoutReason: it still hides the finding (the missing
// reason is the rule's finding, not a reason to break the build twice).
func TestSuppressionWithoutReason(t *testing.T) {
	files := map[string]string{"gw/deployment.toml": "[a]\nx = \"bad\" # apimlint:ignore flag-bad\n"}
	checkFindings(t, runSuppressed(t, files))
	n := loadNode(t, files)
	sups := lint.NodeSuppressions(n)
	if len(sups) != 1 {
		t.Fatalf("suppressions = %d", len(sups))
	}
	probs := lint.SuppressionProblems(sups[0], suppressNow)
	if len(probs) != 1 || !strings.Contains(probs[0], "has no reason") {
		t.Errorf("problems = %q, want one about the missing reason", probs)
	}
}

func TestSuppressionExpired(t *testing.T) {
	files := map[string]string{"gw/deployment.toml": `[a]
x = "bad" # apimlint:ignore flag-bad -- migrating until=2026-06-14
y = "bad" # apimlint:ignore flag-bad -- migrating until=2026-06-15
`}
	// The first expired yesterday: its finding is back, and it is not
	// also called unused. The second holds through today.
	checkFindings(t, runSuppressed(t, files), "gw/deployment.toml:2:5: error: a.x is bad (flag-bad)")
	sups := lint.NodeSuppressions(loadNode(t, files))
	if p := lint.SuppressionProblems(sups[0], suppressNow); len(p) != 1 || !strings.Contains(p[0], "expired on 2026-06-14") {
		t.Errorf("problems of the expired one = %q", p)
	}
	if p := lint.SuppressionProblems(sups[1], suppressNow); len(p) != 0 {
		t.Errorf("problems of the live one = %q", p)
	}
}

// TestSuppressionOfRuleNotRun: with --rule narrowing the run, a
// suppression of another rule is not unused.
func TestSuppressionOfRuleNotRun(t *testing.T) {
	got := runSuppressed(t, map[string]string{"gw/deployment.toml": "[a]\nx = \"ok\" # apimlint:ignore quiet -- r\n"}, flagBad, unusedRule)
	checkFindings(t, got)
	got = runSuppressed(t, map[string]string{"gw/deployment.toml": "[a]\nx = \"ok\" # apimlint:ignore quiet -- r\n"}, flagBad, quiet)
	checkFindings(t, got) // unused-suppression itself did not run
}

func TestConfigIgnores(t *testing.T) {
	got := runSuppressed(t, map[string]string{
		".apimlint.toml": `[rules.severity]
unused-suppression = "error"

[[ignore]]
rule = "flag-bad"
path = "gw-*"
key = "a.x"
reason = "generated by the installer"

[[ignore]]
rule = "flag-bad"
path = "tm"
reason = "no such node"

[[ignore]]
rule = "flag-bad"
key = "b"
reason = "whole table"
until = "2026-01-01"
`,
		"gw-1/deployment.toml": "[a]\nx = \"bad\"\ny = \"bad\"\n[b]\nc = \"bad\"\n",
		"gw-2/deployment.toml": "[a]\nx = \"bad\"\n",
		"cp/deployment.toml":   "[a]\nx = \"bad\"\n",
	})
	checkFindings(t, got,
		".apimlint.toml:10:1: error: [[ignore]] rule = \"flag-bad\" suppresses nothing: rule flag-bad reports no finding for the path and key it names",
		"cp/deployment.toml:2:5: error: a.x is bad (flag-bad)",
		"gw-1/deployment.toml:3:5: error: a.y is bad (flag-bad)",
		// the third entry expired: b.c is back
		"gw-1/deployment.toml:5:5: error: b.c is bad (flag-bad)")
}

func TestSuppressionParse(t *testing.T) {
	for _, c := range []struct {
		comment string
		rules   string
		reason  string
		until   string
		problem string
	}{
		{"# apimlint:ignore a,b -- why not until=2030-01-02", "a,b", "why not", "2030-01-02", ""},
		{"#apimlint:ignore a , b--terse", "a,b", "terse", "", ""},
		{"# apimlint: ignore a -- spaced", "a", "spaced", "", ""},
		{"# apimlint:ignore", "", "", "", "names no rule"},
		{"# apimlint:ignore a b -- x", "a b", "x", "", "is not RULE[,RULE]"},
		{"# apimlint:ignore a -- x until=tomorrow", "a", "x", "tomorrow", "not a date"},
	} {
		n := loadNode(t, map[string]string{"n/deployment.toml": c.comment + "\n[a]\nx = 1\n"})
		sups := lint.NodeSuppressions(n)
		if len(sups) != 1 {
			t.Errorf("%q: %d suppressions", c.comment, len(sups))
			continue
		}
		s := sups[0]
		if strings.Join(s.Rules, ",") != c.rules || s.Reason != c.reason || s.UntilText != c.until {
			t.Errorf("%q: rules %q reason %q until %q", c.comment, s.Rules, s.Reason, s.UntilText)
		}
		if p := strings.Join(s.Problems, "; "); (c.problem == "") != (p == "") || !strings.Contains(p, c.problem) {
			t.Errorf("%q: problems %q, want %q", c.comment, p, c.problem)
		}
	}
	// Role comments and prose are not directives.
	n := loadNode(t, map[string]string{"n/deployment.toml": "# apimlint: role=gateway\n# apimlint:ignored by nobody\n[a]\nx = 1\n"})
	if s := lint.NodeSuppressions(n); len(s) != 0 {
		t.Errorf("non-directives read as suppressions: %+v", s)
	}
}

func loadNode(t *testing.T, files map[string]string) *lint.Node {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fl.Nodes[0]
}

// FuzzSuppressions: any file, any config, never a panic in the directive
// parser or the processors.
func FuzzSuppressions(f *testing.F) {
	f.Add("[a]\nx = \"bad\" # apimlint:ignore flag-bad -- r until=2020-01-01\n", "[[ignore]]\nrule = \"flag-bad\"\n")
	f.Add("# apimlint:ignore-file\n# apimlint:ignore ,,, -- until=\n", "[[ignore]]\npath = \"[\"\nuntil = \"x\"\n")
	f.Add("#apimlint:ignore\n", "")
	f.Fuzz(func(t *testing.T, node, cfg string) {
		fsys := fstest.MapFS{"n/deployment.toml": {Data: []byte(node)}, ".apimlint.toml": {Data: []byte(cfg)}}
		fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
		if err != nil {
			return
		}
		rules := []*lint.Rule{flagBad, quiet, unusedRule}
		if _, err := lint.Run(context.Background(), fl, rules, lint.RunOptions{Now: suppressNow}); err != nil {
			t.Fatal(err)
		}
		for _, s := range append(lint.NodeSuppressions(fl.Nodes[0]), lint.ConfigSuppressions(fl.Config)...) {
			lint.SuppressionProblems(s, suppressNow)
		}
	})
}
