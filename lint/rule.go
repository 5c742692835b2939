package lint

import "fmt"

// Rule is one check: a small value with an ID, a default severity, its
// documentation and a function over the whole fleet. The engine owns
// traversal order, positions and reporting.
type Rule struct {
	ID       string
	Severity Severity // default severity of its findings
	Summary  string   // one line
	Doc      string   // what it checks and why it matters
	Example  string   // a finding it reports, as text output would show it
	Fix      string   // how to fix it
	// Fixable is set when the rule's findings carry machine-applicable
	// fixes (apimlint lint --fix) wherever the fleet decides the value.
	Fixable  bool
	Category string   // what part of a fleet it judges: syntax, config, placeholders, schema, roles, topology, consistency, hardening
	Tags     []string // labels for code scanning and filters; "security" marks hardening and secret rules
	// Requires are the shared analyses the rule reads through
	// Pass.ResultOf; the engine computes each once per run.
	Requires []*Analysis
	// Cost is the rule's run time on a large fleet relative to the
	// others (milliseconds on BenchmarkRules' 3,000 nodes, analyses it is
	// usually the first to require included; 0 for the quick ones). The
	// engine starts the costliest rules first: in name order, a 30 ms
	// rule that happened to start last ran alone on one core for most of
	// its time.
	Cost int
	// Run reports findings through the pass. It must not keep the pass.
	// A rule without Run only documents findings that another command
	// produces (drift's comparison, probe's dials) and hands to
	// Linter.Process; the engine never runs it.
	Run func(*Pass)
}

// Pass is one rule's view of the fleet during a run.
type Pass struct {
	Fleet    *Fleet
	Rule     *Rule
	run      *runState
	findings []Finding
}

// Report records a finding; empty rule and severity take the rule's own.
func (p *Pass) Report(f Finding) {
	if f.Rule == "" {
		f.Rule = p.Rule.ID
	}
	if f.Severity == 0 {
		f.Severity = p.Rule.Severity
	}
	if f.Line < 1 {
		f.Line, f.Column = 1, 1
	}
	if f.Column < 1 {
		f.Column = 1
	}
	if f.Related == nil {
		f.Related = []Related{}
	}
	p.findings = append(p.findings, f)
}

// At builds a finding at a position on a node.
func At(n *Node, pos Position, key, format string, args ...any) Finding {
	if pos.File == "" {
		pos.File = n.File
	}
	return Finding{Node: n.Name, File: pos.File, Line: pos.Line, Column: pos.Column, Key: key, Message: fmt.Sprintf(format, args...)}
}

// AtKey builds a finding at a key's value.
func AtKey(n *Node, k *Key, format string, args ...any) Finding {
	return At(n, k.Value.Pos(), k.Path, format, args...)
}

// AtValue builds a finding at one element of a key's value.
func AtValue(n *Node, k *Key, v *Value, format string, args ...any) Finding {
	return At(n, v.Pos(), k.Path, format, args...)
}

// AtTable builds a finding at a table header, or line 1 when the table is
// not written.
func AtTable(n *Node, table, format string, args ...any) Finding {
	pos := Position{File: n.File, Line: 1, Column: 1}
	if t := n.Table(table); t != nil {
		pos = t.Pos()
	}
	return At(n, pos, table, format, args...)
}

// RelatedKey names a key on another node as related to a finding.
func RelatedKey(n *Node, k *Key, format string, args ...any) Related {
	r := Related{Node: n.Name, File: n.File, Line: 1, Column: 1, Message: fmt.Sprintf(format, args...)}
	if k != nil {
		r.Line, r.Column, r.Key = k.Value.Pos().Line, k.Value.Pos().Column, k.Path
	}
	return r
}

// RelatedNode names another node as related to a finding.
func RelatedNode(n *Node, format string, args ...any) Related {
	return RelatedKey(n, nil, format, args...)
}

// enabledRules drops the rules the config disables.
func enabledRules(cfg *Config, rules []*Rule) []*Rule {
	if cfg == nil || len(cfg.Rules.Disable) == 0 {
		return rules
	}
	off := map[string]bool{}
	for _, id := range cfg.Rules.Disable {
		off[id] = true
	}
	for _, id := range cfg.Rules.Enable {
		delete(off, id)
	}
	var out []*Rule
	for _, r := range rules {
		if !off[r.ID] && !off["all"] {
			out = append(out, r)
		}
	}
	return out
}
