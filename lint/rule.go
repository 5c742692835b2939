package lint

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

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
	Category string   // what part of a fleet it judges: syntax, config, placeholders, schema, roles, topology, consistency, hardening
	Tags     []string // labels for code scanning and filters; "security" marks hardening and secret rules
	// Run reports findings through the pass. It must not keep the pass.
	Run func(*Pass)
}

// Pass is one rule's view of the fleet during a run.
type Pass struct {
	Fleet    *Fleet
	Rule     *Rule
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
	return At(n, k.Value.Pos, k.Path, format, args...)
}

// AtValue builds a finding at one element of a key's value.
func AtValue(n *Node, k *Key, v *Value, format string, args ...any) Finding {
	return At(n, v.Pos, k.Path, format, args...)
}

// AtTable builds a finding at a table header, or line 1 when the table is
// not written.
func AtTable(n *Node, table, format string, args ...any) Finding {
	pos := Position{File: n.File, Line: 1, Column: 1}
	if t := n.Table(table); t != nil {
		pos = t.Pos
	}
	return At(n, pos, table, format, args...)
}

// RelatedKey names a key on another node as related to a finding.
func RelatedKey(n *Node, k *Key, format string, args ...any) Related {
	r := Related{Node: n.Name, File: n.File, Line: 1, Column: 1, Message: fmt.Sprintf(format, args...)}
	if k != nil {
		r.Line, r.Column, r.Key = k.Value.Pos.Line, k.Value.Pos.Column, k.Path
	}
	return r
}

// RelatedNode names another node as related to a finding.
func RelatedNode(n *Node, format string, args ...any) Related {
	return RelatedKey(n, nil, format, args...)
}

// Result is the outcome of a lint run.
type Result struct {
	Root     string
	Fleet    *Fleet
	Findings []Finding
	Rules    []*Rule
}

// Summary counts the result's findings.
func (r *Result) Summary() Summary { return Summarize(r.Findings, len(r.Fleet.Nodes)) }

// Processor transforms the findings of a run: severity overrides,
// disabled rules, excluded paths, suppressions and baselines are each one
// small processor, applied in order after the rules ran.
type Processor interface {
	Name() string
	Process(f *Fleet, findings []Finding) []Finding
}

// RunOptions control a lint run.
type RunOptions struct {
	// Processors run after the config's own (rule enable/disable and
	// severity overrides).
	Processors []Processor
	// Parallelism bounds how many rules run at once (GOMAXPROCS when 0).
	Parallelism int
}

// Run runs rules over the fleet. Rules run concurrently; the result is
// sorted, so output is the same on every run. A rule that panics becomes
// an error finding rather than a crash.
func Run(ctx context.Context, f *Fleet, rules []*Rule, opts RunOptions) (*Result, error) {
	rules = enabledRules(f.Config, rules)
	par := opts.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	results := make([][]Finding, len(rules))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = runRule(f, r)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []Finding
	all = append(all, f.Diagnostics...)
	for _, fs := range results {
		all = append(all, fs...)
	}
	procs := append([]Processor{severityOverrides{}}, opts.Processors...)
	for _, p := range procs {
		all = p.Process(f, all)
	}
	secrets := f.secretValues()
	for i := range all {
		all[i].Message = scrub(all[i].Message, secrets)
		for j := range all[i].Related {
			all[i].Related[j].Message = scrub(all[i].Related[j].Message, secrets)
		}
		if all[i].Related == nil {
			all[i].Related = []Related{}
		}
	}
	SortFindings(all)
	return &Result{Root: f.Root, Fleet: f, Findings: all, Rules: rules}, nil
}

func runRule(f *Fleet, r *Rule) (out []Finding) {
	p := &Pass{Fleet: f, Rule: r}
	defer func() {
		if e := recover(); e != nil {
			out = append(p.findings, Finding{
				Rule: r.ID, Severity: SeverityError, File: f.Root, Line: 1, Column: 1,
				Message: fmt.Sprintf("internal error in rule %s: %v (please report this with the input; stack: %s)", r.ID, e, firstFrames(debug.Stack())),
				Related: []Related{},
			})
		}
	}()
	r.Run(p)
	return p.findings
}

func firstFrames(stack []byte) string {
	if len(stack) > 600 {
		stack = stack[:600]
	}
	return string(stack)
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

// severityOverrides applies [rules.severity] from the fleet config; "none"
// drops the rule's findings.
type severityOverrides struct{}

func (severityOverrides) Name() string { return "severity-overrides" }

func (severityOverrides) Process(f *Fleet, fs []Finding) []Finding {
	if f.Config == nil || len(f.Config.Rules.Severity) == 0 {
		return fs
	}
	out := fs[:0]
	for _, x := range fs {
		if s, ok := f.Config.Rules.Severity[x.Rule]; ok {
			sev, err := ParseSeverity(s)
			if err == nil {
				if sev == SeverityNone {
					continue
				}
				x.Severity = sev
			}
		}
		out = append(out, x)
	}
	return out
}
