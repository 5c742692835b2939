package lint

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// Analysis is a computation over a fleet whose result several rules read,
// in the manner of golang.org/x/tools/go/analysis: the schema validation,
// the address book, the effective values. A rule lists the analyses it
// needs in Rule.Requires and reads them with Pass.ResultOf; the engine
// computes each analysis at most once per run, when a rule first asks, so
// results are never cached across runs or fleets.
type Analysis struct {
	Name string
	Doc  string
	// Requires are analyses this one reads through AnalysisPass.ResultOf.
	Requires []*Analysis
	Run      func(*AnalysisPass) (any, error)
}

// AnalysisPass is an analysis's view of the fleet.
type AnalysisPass struct {
	Fleet *Fleet
	run   *runState
}

// ResultOf returns the result of an analysis listed in Requires.
func (p *AnalysisPass) ResultOf(a *Analysis) any { return p.run.resultOf(a) }

// ResultOf returns the result of an analysis listed in the rule's
// Requires (asking for another is a bug in the rule, and panics, which the
// engine reports as an internal error). An analysis that failed returns
// nil; the run then fails with its error.
func (p *Pass) ResultOf(a *Analysis) any {
	if !slices.Contains(p.Rule.Requires, a) {
		panic(fmt.Sprintf("rule %s reads analysis %s without listing it in Requires", p.Rule.ID, a.Name))
	}
	return p.run.resultOf(a)
}

// ReadFile reads a file of the fleet's file system (the OS for Load, the
// fs.FS given to LoadFS), so that rules reading keystores or policies work
// the same on fixtures and on disk.
func (p *Pass) ReadFile(name string) ([]byte, error) { return p.Fleet.ReadFile(name) }

// runState holds one run's analysis results.
type runState struct {
	fleet   *Fleet
	mu      sync.Mutex
	results map[*Analysis]*analysisResult
	// slots are the run's places to run rules (Run's semaphore); nil
	// outside Run. A rule waiting for an analysis another rule computes
	// gives its place up meanwhile: with every rule of a schema or version
	// analysis queued behind its first reader, one core sat idle for the
	// length of the analysis.
	slots chan struct{}
}

type analysisResult struct {
	done  chan struct{} // closed once value and err are set
	value any
	err   error
}

func (r *runState) resultOf(a *Analysis) any {
	r.mu.Lock()
	res, ok := r.results[a]
	if !ok {
		res = &analysisResult{done: make(chan struct{})}
		r.results[a] = res
		r.mu.Unlock()
		r.compute(a, res)
		return res.value
	}
	r.mu.Unlock()
	select {
	case <-res.done:
		return res.value
	default:
	}
	if r.slots != nil {
		<-r.slots
		defer func() { r.slots <- struct{}{} }()
	}
	<-res.done
	return res.value
}

func (r *runState) compute(a *Analysis, res *analysisResult) {
	defer close(res.done)
	defer func() {
		if e := recover(); e != nil {
			res.err = fmt.Errorf("analysis %s panicked: %v (stack: %s)", a.Name, e, firstFrames(debug.Stack()))
		}
	}()
	res.value, res.err = a.Run(&AnalysisPass{Fleet: r.fleet, run: r})
}

// errs returns the analyses' errors in a stable order.
func (r *runState) errs() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []error
	for a, res := range r.results {
		if res.err != nil {
			out = append(out, fmt.Errorf("%s: %w", a.Name, res.err))
		}
	}
	return out
}

// Result is the outcome of a lint run.
type Result struct {
	Root     string
	Fleet    *Fleet
	Findings []Finding
	Rules    []*Rule
	// Fleets are the fleets of an estate linted one by one (LintEstate),
	// in order; nil when one fleet was linted.
	Fleets []FleetSummary
}

// Summary counts the result's findings.
func (r *Result) Summary() Summary { return Summarize(r.Findings, len(r.Fleet.Nodes)) }

// Processor is one step of the chain every finding passes through after
// the rules ran, in golangci-lint's manner: severity overrides,
// suppressions, accepted findings, secret scrubbing and sorting are each
// one small processor, applied in order. A processor may fail; the run
// then fails with its error.
type Processor interface {
	Name() string
	Process(f *Fleet, findings []Finding) ([]Finding, error)
}

// Finisher is a processor with a last word: once its Process has seen
// every finding, Finish adds findings of its own (a suppression that hid
// nothing). They pass through the processors after it.
type Finisher interface {
	Processor
	Finish(f *Fleet) []Finding
}

// Linter is the lint pipeline that the CLI, watch, drift, probe and library
// users share, so that every entry point reports the same findings for the
// same fleet: rule selection by the fleet config, the rules (concurrently),
// then the chain of processors (see Chain).
type Linter struct {
	// Rules are the rules to run; the fleet config's [rules] disable and
	// enable select among them.
	Rules []*Rule
	// Processors run after suppressions and before secrets are scrubbed
	// and findings sorted (accepted findings, baselines of a caller's own).
	Processors []Processor
	// Parallelism bounds how many rules run at once (GOMAXPROCS when 0).
	Parallelism int
	// Now decides when suppressions expire (time.Now when zero).
	Now time.Time
}

// RunOptions control Run.
type RunOptions struct {
	// Processors run after suppressions (see Linter.Processors).
	Processors  []Processor
	Parallelism int
	Now         time.Time
}

// Run runs rules over the fleet through the whole pipeline (Linter.Run).
func Run(ctx context.Context, f *Fleet, rules []*Rule, opts RunOptions) (*Result, error) {
	l := Linter{Rules: rules, Processors: opts.Processors, Parallelism: opts.Parallelism, Now: opts.Now}
	return l.Run(ctx, f)
}

// Enabled returns the linter's rules that the fleet config leaves on.
func (l *Linter) Enabled(f *Fleet) []*Rule { return enabledRules(f.Config, l.Rules) }

// Chain returns the processors findings pass through, in order:
// severity overrides from the fleet config, inline `# apimlint:ignore`
// comments, the config's [[ignore]] entries, the linter's own processors,
// secret scrubbing and sorting. Only rules that ran can make a suppression
// unused: with a subset of rules, a suppression of another rule is left
// alone.
func (l *Linter) Chain(f *Fleet) []Processor {
	opts := SuppressOptions{Now: l.Now, Ran: RanRules(f.Config, l.Rules)}
	chain := []Processor{severityOverrides{}, InlineSuppressions(opts), ConfigIgnores(opts)}
	chain = append(chain, l.Processors...)
	if f.Manifests != nil {
		chain = append(chain, manifestPositions{})
	}
	return append(chain, scrubSecrets{}, sortFindings{})
}

// Run runs the enabled rules over the fleet concurrently and passes their
// findings and the fleet's own diagnostics through the chain. The result
// is sorted, so output is the same on every run. A rule that panics
// becomes an error finding rather than a crash.
func (l *Linter) Run(ctx context.Context, f *Fleet) (*Result, error) {
	rules := l.Enabled(f)
	par := l.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	sem := make(chan struct{}, par)
	run := &runState{fleet: f, results: map[*Analysis]*analysisResult{}, slots: sem}
	results := make([][]Finding, len(rules))
	// Costliest first (longest-processing-time-first scheduling); results
	// keep the rules' order.
	order := make([]int, len(rules))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rules[b].Cost - rules[a].Cost })
	var wg sync.WaitGroup
	for _, i := range order {
		r := rules[i]
		if r.Run == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			wg.Wait()
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = runRule(f, r, run)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(run.errs()...); err != nil {
		return nil, fmt.Errorf("lint %s: %w", f.Root, err)
	}
	all := append([]Finding(nil), f.Diagnostics...)
	for _, fs := range results {
		all = append(all, fs...)
	}
	return l.process(f, all, rules)
}

// Process passes findings produced outside the rules (drift's comparison,
// probe's dials) through the same chain as Run: severity overrides,
// suppressions, scrubbing, sorting. The linter's Rules document them.
func (l *Linter) Process(ctx context.Context, f *Fleet, findings []Finding) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.process(f, append([]Finding(nil), findings...), l.Enabled(f))
}

func (l *Linter) process(f *Fleet, all []Finding, rules []*Rule) (*Result, error) {
	chain := l.Chain(f)
	for _, p := range chain {
		var err error
		all, err = p.Process(f, all)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name(), err)
		}
		if fin, ok := p.(Finisher); ok {
			all = append(all, fin.Finish(f)...)
		}
	}
	return &Result{Root: f.Root, Fleet: f, Findings: all, Rules: rules}, nil
}

func runRule(f *Fleet, r *Rule, run *runState) (out []Finding) {
	p := &Pass{Fleet: f, Rule: r, run: run}
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

// severityOverrides applies [rules.severity] from the fleet config; "none"
// drops the rule's findings.
type severityOverrides struct{}

func (severityOverrides) Name() string { return "severity-overrides" }

func (severityOverrides) Process(f *Fleet, fs []Finding) ([]Finding, error) {
	if f.Config == nil || len(f.Config.Rules.Severity) == 0 {
		return fs, nil
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
	return out, nil
}

// scrubSecrets blanks every plain secret value of the fleet out of
// messages, wherever a rule put it.
type scrubSecrets struct{}

func (scrubSecrets) Name() string { return "scrub-secrets" }

func (scrubSecrets) Process(f *Fleet, all []Finding) ([]Finding, error) {
	secrets := f.secretSet()
	for i := range all {
		all[i].Message = secrets.scrub(all[i].Message)
		for j := range all[i].Related {
			all[i].Related[j].Message = secrets.scrub(all[i].Related[j].Message)
		}
		if all[i].Related == nil {
			all[i].Related = []Related{}
		}
		// A fix is text to write into a file: one that would write a
		// secret is dropped rather than shown or applied.
		fixes := all[i].Fixes[:0]
		for _, fx := range all[i].Fixes {
			if !fixCarries(fx, secrets) {
				fixes = append(fixes, fx)
			}
		}
		if len(fixes) == 0 {
			fixes = nil
		}
		all[i].Fixes = fixes
	}
	return all, nil
}

func fixCarries(fx SuggestedFix, secrets *secretSet) bool {
	if secrets.in(fx.Message) != nil {
		return true
	}
	for _, e := range fx.Edits {
		if secrets.in(e.NewText) != nil {
			return true
		}
	}
	return false
}

// sortFindings orders findings so output is the same on every run.
type sortFindings struct{}

func (sortFindings) Name() string { return "sort" }

func (sortFindings) Process(_ *Fleet, all []Finding) ([]Finding, error) {
	SortFindings(all)
	return all, nil
}
