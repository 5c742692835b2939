package lint

import "github.com/apimlint/apimlint/lint/placeholder"

// ResolveOptions supply values for symbolic placeholders ($env{}, $sys{}).
type ResolveOptions = placeholder.Options

// IDs of the rules whose findings the loader produces.
const (
	RuleTOMLSyntax            = "toml-syntax"
	RuleUnresolvedPlaceholder = "unresolved-placeholder"
	RuleRoleUnknown           = "role-unknown"
)

// resolveNode resolves the node's placeholders and records the ones that
// can never work as unresolved-placeholder diagnostics.
func resolveNode(n *Node, opts ResolveOptions) {
	f := placeholder.File{Keys: n.Keys, Get: n.Get, Offset: n.Offset}
	problems := placeholder.Resolve(f, opts)
	if n.SyntaxError != nil {
		problems = n.setAsideAbsent(problems)
	}
	for _, p := range problems {
		n.Diagnostics = append(n.Diagnostics, Finding{
			Rule:     RuleUnresolvedPlaceholder,
			Severity: SeverityError,
			Node:     n.Name,
			File:     p.Pos.File,
			Line:     p.Pos.Line,
			Column:   p.Pos.Column,
			Key:      p.Key.Path,
			Message:  p.Message,
		})
	}
}
