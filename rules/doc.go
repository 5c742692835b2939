package rules

import (
	"errors"
	"fmt"
	"strings"
)

//go:generate go run ./internal/readmegen ../README.md

// README markers around the generated rule table.
const (
	TableBegin = "<!-- rules:begin -->"
	TableEnd   = "<!-- rules:end -->"
)

// MarkdownTable renders the rule registry as the README's rule table:
// `apimlint rules --format markdown` prints it, and a test fails when the
// README's copy differs.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Rule | Severity | --fix | What it checks |\n")
	b.WriteString("|------|----------|-------|----------------|\n")
	for _, r := range All() {
		fix := ""
		if r.Fixable {
			fix = "yes"
		}
		// The anchor is the rule's stable documentation URL (lint.RuleDocURL).
		fmt.Fprintf(&b, "| <a id=\"rule-%s\"></a>`%s` | %s | %s | %s |\n", r.ID, r.ID, r.Severity, fix, markdownCell(r.Summary))
	}
	return b.String()
}

// ReplaceTable returns readme with the block between TableBegin and
// TableEnd replaced by MarkdownTable: what `go generate ./rules` writes.
func ReplaceTable(readme string) (string, error) {
	before, rest, ok := strings.Cut(readme, TableBegin)
	if !ok {
		return "", errors.New("no " + TableBegin + " marker")
	}
	_, after, ok := strings.Cut(rest, TableEnd)
	if !ok {
		return "", errors.New("no " + TableEnd + " marker after " + TableBegin)
	}
	return before + TableBegin + "\n" + MarkdownTable() + TableEnd + after, nil
}

// markdownCell keeps a summary inside its table cell.
func markdownCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}
