package rules

import (
	"fmt"
	"strings"
)

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
	b.WriteString("| Rule | Severity | What it checks |\n")
	b.WriteString("|------|----------|----------------|\n")
	for _, r := range All() {
		// The anchor is the rule's stable documentation URL (lint.RuleDocURL).
		fmt.Fprintf(&b, "| <a id=\"rule-%s\"></a>`%s` | %s | %s |\n", r.ID, r.ID, r.Severity, markdownCell(r.Summary))
	}
	return b.String()
}

// markdownCell keeps a summary inside its table cell.
func markdownCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}
