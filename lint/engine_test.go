package lint_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/apimlint/apimlint/lint"
)

func engineFleet(t *testing.T) *lint.Fleet {
	t.Helper()
	fl, err := lint.LoadFS(fstest.MapFS{
		"gw-1/deployment.toml": {Data: []byte("[server]\nhostname = \"gw-1\"\n")},
		"gw-2/deployment.toml": {Data: []byte("[server]\nhostname = \"gw-2\"\n")},
	}, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

// TestAnalysisOncePerRun: rules that require one analysis share one
// computation per run, and a new run computes it again (no cache across
// runs or fleets).
func TestAnalysisOncePerRun(t *testing.T) {
	var calls atomic.Int32
	count := &lint.Analysis{Name: "count", Run: func(p *lint.AnalysisPass) (any, error) {
		calls.Add(1)
		return len(p.Fleet.Nodes), nil
	}}
	twice := &lint.Analysis{Name: "twice", Requires: []*lint.Analysis{count}, Run: func(p *lint.AnalysisPass) (any, error) {
		return 2 * p.ResultOf(count).(int), nil
	}}
	var rs []*lint.Rule
	for _, id := range []string{"a", "b", "c"} {
		rs = append(rs, &lint.Rule{ID: id, Severity: lint.SeverityInfo, Requires: []*lint.Analysis{count, twice}, Run: func(p *lint.Pass) {
			n := p.ResultOf(count).(int)
			if p.ResultOf(twice).(int) != 2*n {
				p.Report(lint.Finding{Message: "twice is wrong"})
			}
			p.Report(lint.Finding{Message: "nodes counted"})
		}})
	}
	fl := engineFleet(t)
	for run := 1; run <= 2; run++ {
		res, err := lint.Run(context.Background(), fl, rs, lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 3 {
			t.Fatalf("run %d: %d findings, want 3: %+v", run, len(res.Findings), res.Findings)
		}
		if got := calls.Load(); got != int32(run) {
			t.Fatalf("after run %d the analysis ran %d times", run, got)
		}
	}
}

// TestUndeclaredAnalysis: reading an analysis not in Requires is a bug in
// the rule, reported as an internal error rather than a crash.
func TestUndeclaredAnalysis(t *testing.T) {
	a := &lint.Analysis{Name: "a", Run: func(*lint.AnalysisPass) (any, error) { return 1, nil }}
	r := &lint.Rule{ID: "sloppy", Severity: lint.SeverityInfo, Run: func(p *lint.Pass) { p.ResultOf(a) }}
	res, err := lint.Run(context.Background(), engineFleet(t), []*lint.Rule{r}, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "without listing it in Requires") {
		t.Fatalf("findings: %+v", res.Findings)
	}
}

// TestAnalysisErrorFailsRun: an analysis that fails fails the run with
// its name, instead of rules silently reporting nothing.
func TestAnalysisErrorFailsRun(t *testing.T) {
	a := &lint.Analysis{Name: "broken", Run: func(*lint.AnalysisPass) (any, error) { return nil, errors.New("no luck") }}
	r := &lint.Rule{ID: "r", Severity: lint.SeverityInfo, Requires: []*lint.Analysis{a}, Run: func(p *lint.Pass) { p.ResultOf(a) }}
	_, err := lint.Run(context.Background(), engineFleet(t), []*lint.Rule{r}, lint.RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "broken: no luck") {
		t.Fatalf("err = %v", err)
	}
}

type failing struct{}

func (failing) Name() string { return "failing" }
func (failing) Process(*lint.Fleet, []lint.Finding) ([]lint.Finding, error) {
	return nil, errors.New("accepted-findings file is corrupt")
}

// TestProcessorErrorFailsRun and the order of the chain: a caller's
// processor sees findings after suppressions and before sorting.
func TestProcessorErrorFailsRun(t *testing.T) {
	r := &lint.Rule{ID: "r", Severity: lint.SeverityInfo, Run: func(p *lint.Pass) { p.Report(lint.Finding{Message: "x"}) }}
	_, err := lint.Run(context.Background(), engineFleet(t), []*lint.Rule{r}, lint.RunOptions{Processors: []lint.Processor{failing{}}})
	if err == nil || !strings.Contains(err.Error(), "failing: accepted-findings file is corrupt") {
		t.Fatalf("err = %v", err)
	}
	l := lint.Linter{Rules: []*lint.Rule{r}}
	var names []string
	for _, p := range l.Chain(engineFleet(t)) {
		names = append(names, p.Name())
	}
	if got := strings.Join(names, ","); got != "severity-overrides,inline-suppressions,config-ignores,scrub-secrets,sort" {
		t.Errorf("chain = %s", got)
	}
}

// TestDocOnlyRuleNeverRuns: a rule without Run documents findings that
// Linter.Process receives from elsewhere.
func TestDocOnlyRuleNeverRuns(t *testing.T) {
	doc := &lint.Rule{ID: "probed", Severity: lint.SeverityError}
	fl := engineFleet(t)
	l := lint.Linter{Rules: []*lint.Rule{doc}}
	res, err := l.Run(context.Background(), fl)
	if err != nil || len(res.Findings) != 0 {
		t.Fatalf("Run: %v %+v", err, res)
	}
	res, err = l.Process(context.Background(), fl, []lint.Finding{{Rule: "probed", Severity: lint.SeverityError, File: "gw-2/deployment.toml", Line: 1, Column: 1, Message: "down"}})
	if err != nil || len(res.Findings) != 1 || res.Findings[0].Related == nil {
		t.Fatalf("Process: %v %+v", err, res)
	}
}

// TestFixCarryingSecretDropped: a fix that would write one of the fleet's
// secrets into a file is dropped by the chain, never shown or applied.
func TestFixCarryingSecretDropped(t *testing.T) {
	fl, err := lint.LoadFS(fstest.MapFS{
		"gw-1/deployment.toml": {Data: []byte("[super_admin]\nusername = \"ops\"\npassword = \"Zq8-secret-Value\"\n[server]\nhostname = \"gw-1\"\n")},
	}, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := fl.Nodes[0]
	r := &lint.Rule{ID: "leaky", Severity: lint.SeverityWarning, Run: func(p *lint.Pass) {
		k := n.Get("server.hostname")
		bad, _ := lint.ReplaceValue(n, k.Value, `"Zq8-secret-Value"`)
		good, _ := lint.ReplaceValue(n, k.Value, `"gw-one"`)
		f := lint.AtKey(n, k, "hostname")
		f.Fixes = []lint.SuggestedFix{{Message: "leak", Edits: []lint.TextEdit{bad}}, {Message: "fine", Edits: []lint.TextEdit{good}}}
		p.Report(f)
	}}
	res, err := lint.Run(context.Background(), fl, []*lint.Rule{r}, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || len(res.Findings[0].Fixes) != 1 || res.Findings[0].Fixes[0].Message != "fine" {
		t.Fatalf("fixes after the chain: %+v", res.Findings)
	}
}

// TestCostliestRulesStartFirst: with one place to run, rules start in
// order of Cost, the given order breaking ties; findings come out sorted
// whatever the start order.
func TestCostliestRulesStartFirst(t *testing.T) {
	var mu sync.Mutex
	var started []string
	var rs []*lint.Rule
	for _, r := range []struct {
		id   string
		cost int
	}{{"a", 0}, {"b", 5}, {"c", 0}, {"d", 20}, {"e", 5}} {
		rs = append(rs, &lint.Rule{ID: r.id, Severity: lint.SeverityInfo, Cost: r.cost, Run: func(p *lint.Pass) {
			mu.Lock()
			started = append(started, p.Rule.ID)
			mu.Unlock()
			p.Report(lint.Finding{Message: "ran"})
		}})
	}
	l := lint.Linter{Rules: rs, Parallelism: 1}
	res, err := l.Run(context.Background(), engineFleet(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(started, ""); got != "dbeac" {
		t.Errorf("rules started in the order %s, want dbeac", got)
	}
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.Rule)
	}
	if got := strings.Join(ids, ""); got != "abcde" {
		t.Errorf("findings in the order %s, want abcde (sorted)", got)
	}
}

// TestWaitingRuleGivesUpItsPlace: a rule waiting for an analysis that
// another rule computes lets a third rule run meanwhile. Here the analysis
// can only finish once that third rule has run; holding both places while
// waiting would hang the run.
func TestWaitingRuleGivesUpItsPlace(t *testing.T) {
	thirdRan := make(chan struct{})
	slow := &lint.Analysis{Name: "slow", Run: func(p *lint.AnalysisPass) (any, error) {
		<-thirdRan
		return 1, nil
	}}
	reader := func(p *lint.Pass) { p.Report(lint.Finding{Message: fmt.Sprint(p.ResultOf(slow))}) }
	rs := []*lint.Rule{
		{ID: "computes", Severity: lint.SeverityInfo, Cost: 30, Requires: []*lint.Analysis{slow}, Run: reader},
		{ID: "waits", Severity: lint.SeverityInfo, Cost: 20, Requires: []*lint.Analysis{slow}, Run: reader},
		{ID: "third", Severity: lint.SeverityInfo, Run: func(p *lint.Pass) { close(thirdRan) }},
	}
	done := make(chan error, 1)
	go func() {
		l := lint.Linter{Rules: rs, Parallelism: 2}
		res, err := l.Run(context.Background(), engineFleet(t))
		if err == nil && len(res.Findings) != 2 {
			err = fmt.Errorf("%d findings, want 2", len(res.Findings))
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a hang, not a budget
		t.Fatal("the run hung: the waiting rule kept its place")
	}
}
