package lint

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint/placeholder"
)

// setAsideAbsent takes out of problems those that say the file lacks
// something (a [secrets] alias, the key a $ref{} names) when the file has
// a syntax error: the parser stops there, so what it lacks may well be
// written below it ([secrets] usually closes the file). Reporting each as
// an error would bury the one real mistake under a cascade; one info
// diagnostic says which placeholders could not be judged instead.
func (n *Node) setAsideAbsent(problems []placeholder.Problem) []placeholder.Problem {
	kept := problems[:0:0]
	var absent []placeholder.Problem
	for _, p := range problems {
		if p.Absent {
			absent = append(absent, p)
			continue
		}
		kept = append(kept, p)
	}
	if len(absent) == 0 {
		return problems
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range absent {
		if !seen[p.Placeholder] {
			seen[p.Placeholder] = true
			names = append(names, p.Placeholder)
		}
	}
	shown := names[:min(3, len(names))]
	list := " (" + strings.Join(shown, ", ")
	if more := len(names) - len(shown); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	list += ")"
	what := fmt.Sprintf("%d placeholders name", len(absent))
	if len(absent) == 1 {
		what = "1 placeholder names"
	}
	first := absent[0]
	n.Diagnostics = append(n.Diagnostics, Finding{
		Rule:     RuleUnresolvedPlaceholder,
		Severity: SeverityInfo,
		Node:     n.Name,
		File:     first.Pos.File,
		Line:     first.Pos.Line,
		Column:   first.Pos.Column,
		Key:      first.Key.Path,
		Message: fmt.Sprintf("%s a [secrets] alias or a key not found before the syntax error at line %d%s; the rest of the file was not read, so whether they resolve is not known",
			what, n.SyntaxError.Pos.Line, list),
	})
	return kept
}
