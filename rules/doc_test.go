package rules

import (
	"os"
	"strings"
	"testing"
)

// TestREADMERuleTable fails when the README's rule table is not the one
// the registry renders; `go generate ./rules` rewrites it.
func TestREADMERuleTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	want, err := ReplaceTable(string(data))
	if err != nil {
		t.Fatalf("README.md: %v; it needs a %s ... %s block", err, TableBegin, TableEnd)
	}
	if want != string(data) {
		t.Errorf("README.md's rule table is out of date: run go generate ./rules")
	}
}

func TestReplaceTable(t *testing.T) {
	got, err := ReplaceTable("intro\n" + TableBegin + "\nstale\n" + TableEnd + "\nrest\n")
	if err != nil || got != "intro\n"+TableBegin+"\n"+MarkdownTable()+TableEnd+"\nrest\n" {
		t.Errorf("ReplaceTable = %q, %v", got, err)
	}
	if _, err := ReplaceTable("no markers"); err == nil {
		t.Error("a README without markers is accepted")
	}
}

func TestMarkdownTable(t *testing.T) {
	table := MarkdownTable()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(lines) != len(All())+2 {
		t.Fatalf("table has %d lines for %d rules:\n%s", len(lines), len(All()), table)
	}
	for i, r := range All() {
		line := lines[i+2]
		fix := ""
		if r.Fixable {
			fix = "yes"
		}
		if !strings.HasPrefix(line, "| <a id=\"rule-"+r.ID+"\"></a>`"+r.ID+"` | "+r.Severity.String()+" | "+fix+" | ") || strings.Count(line, " | ") != 3 {
			t.Errorf("row for %s is %q", r.ID, line)
		}
	}
	if got := markdownCell("a | b\n  c <x>"); got != `a \| b c &lt;x&gt;` {
		t.Errorf("markdownCell = %q", got)
	}
}

// TestRuleDocs: `apimlint explain` shows Doc, Example and Fix; each rule
// must have all three, and its example must be a finding of that rule
// (related places may follow on lines of their own).
func TestRuleDocs(t *testing.T) {
	for _, r := range All() {
		if strings.TrimSpace(r.Summary) == "" || strings.TrimSpace(r.Doc) == "" || strings.TrimSpace(r.Example) == "" || strings.TrimSpace(r.Fix) == "" {
			t.Errorf("rule %s lacks a summary, doc, example or fix", r.ID)
			continue
		}
		first, _, _ := strings.Cut(strings.TrimSpace(r.Example), "\n")
		if !strings.HasSuffix(strings.TrimSpace(first), "("+r.ID+")") {
			t.Errorf("rule %s: example %q does not end its first line with (%s) as text output would", r.ID, r.Example, r.ID)
		}
	}
}
