package rules

import (
	"fmt"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// UnusedSuppression reports suppressions that are malformed, lack a
// reason, have expired or name unknown rules. Suppressions that hide
// nothing are reported by the suppression processors under the same ID,
// since only they see the other rules' findings.
var UnusedSuppression = register(&lint.Rule{
	ID:       lint.RuleUnusedSuppression,
	Severity: lint.SeverityWarning,
	Summary:  "a suppression has no reason, has expired, names an unknown rule, or suppresses nothing",
	Category: "config",
	Doc: `Findings can be silenced where they occur: "# apimlint:ignore RULE[,RULE] -- reason" on the
line of the finding or on a line of its own above it, "# apimlint:ignore-file RULE -- reason" at the
top of a file (before the first table or key), or an [[ignore]] entry (rule, path, key, reason, until)
in .apimlint.toml for files that cannot carry comments. An optional "until=YYYY-MM-DD" after the
reason makes a suppression expire after that day.

A suppression is a promise that someone looked at the finding and accepted it. Without a reason
nobody can later tell whether that still holds; an expired one has reached the date its author set
to look again, so the findings it hid come back; one that suppresses nothing (the problem was fixed,
the key moved, the rule ID is misspelt) would silently hide a new problem that later appears on that
line. Each of these is reported so that suppressions stay few and true.`,
	Example: `gw-1/deployment.toml:12:1: warning: apimlint:ignore gateway-id-unique suppresses nothing: rule gateway-id-unique reports no finding on its line or the next; remove the suppression (unused-suppression)`,
	Fix: `Give each suppression a reason after "--"; remove suppressions that hide nothing; for an expired
one, fix the finding it hid, or set a new until= date with a reason. "apimlint rules" lists the rule IDs.`,
	Run: runUnusedSuppression,
})

func runUnusedSuppression(p *lint.Pass) {
	now := time.Now()
	for _, n := range p.Fleet.Nodes {
		for _, s := range lint.NodeSuppressions(n) {
			for _, msg := range suppressionMessages(s, now) {
				p.Report(lint.At(n, s.Pos, "", "%s", msg))
			}
		}
	}
	for _, s := range lint.ConfigSuppressions(p.Fleet.Config) {
		for _, msg := range suppressionMessages(s, now) {
			p.Report(lint.Finding{File: s.Pos.File, Line: s.Pos.Line, Column: s.Pos.Column, Message: msg})
		}
	}
}

func suppressionMessages(s *lint.Suppression, now time.Time) []string {
	out := lint.SuppressionProblems(s, now)
	for _, id := range s.Rules {
		if _, ok := Get(id); !ok {
			out = append(out, fmt.Sprintf("%s names unknown rule %s, so it suppresses nothing; `apimlint rules` lists the rule IDs", s.Text(), id))
		}
	}
	return out
}
