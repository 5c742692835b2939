package rules

import (
	"os"
	"strings"
	"testing"
)

// TestREADMERuleTable fails when the README's rule table is not the one
// the registry renders. Regenerate it with
//
//	go run ./cmd/apimlint rules --format markdown
//
// and paste it between the markers.
func TestREADMERuleTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	want := MarkdownTable()
	got, ok := betweenMarkers(string(data))
	if !ok {
		t.Fatalf("README.md has no %s ... %s block; add one holding:\n%s", TableBegin, TableEnd, want)
	}
	if strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("README.md's rule table is out of date; replace the block between %s and %s with\n(go run ./cmd/apimlint rules --format markdown):\n\n%s", TableBegin, TableEnd, want)
	}
}

func betweenMarkers(s string) (string, bool) {
	_, rest, ok := strings.Cut(s, TableBegin)
	if !ok {
		return "", false
	}
	table, _, ok := strings.Cut(rest, TableEnd)
	return table, ok
}

func TestMarkdownTable(t *testing.T) {
	table := MarkdownTable()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(lines) != len(All())+2 {
		t.Fatalf("table has %d lines for %d rules:\n%s", len(lines), len(All()), table)
	}
	for i, r := range All() {
		line := lines[i+2]
		if !strings.HasPrefix(line, "| <a id=\"rule-"+r.ID+"\"></a>`"+r.ID+"` | "+r.Severity.String()+" | ") || strings.Count(line, " | ") != 2 {
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
