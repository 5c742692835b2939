package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// valueRule reports every node's test.value, so each content of a file
// has a finding of its own.
var valueRule = &lint.Rule{ID: "test-value", Severity: lint.SeverityWarning, Summary: "test",
	Run: func(p *lint.Pass) {
		for _, n := range p.Fleet.Nodes {
			if k := n.Get("test.value"); k != nil {
				p.Report(lint.AtKey(n, k, "value %s", k.Value.Text()))
			}
		}
	}}

func testRules(t testing.TB) []*lint.Rule {
	syntax, ok := rules.Get(lint.RuleTOMLSyntax)
	if !ok {
		t.Fatal("no toml-syntax rule")
	}
	return []*lint.Rule{valueRule, syntax}
}

func node(value string) string {
	return fmt.Sprintf("[server]\nhostname = \"h\"\n\n[test]\nvalue = %q\n", value)
}

type harness struct {
	t      testing.TB
	dir    string
	events chan Event
	cancel context.CancelFunc
	done   chan error
}

// start runs a watcher on dir; the test ends it and checks it returned.
func start(t testing.TB, dir string, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, dir: dir, events: make(chan Event, 100000), done: make(chan error, 1)}
	opts.Root = dir
	if opts.Rules == nil {
		opts.Rules = testRules(t)
	}
	if opts.Debounce == 0 {
		opts.Debounce = 30 * time.Millisecond
	}
	opts.OnEvent = func(e Event) { h.events <- e }
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- w.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) stop() {
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
		h.done <- nil // stop twice is fine
	case <-time.After(10 * time.Second):
		h.t.Error("Run did not return after cancel")
	}
}

func (h *harness) next() Event {
	h.t.Helper()
	select {
	case e := <-h.events:
		return e
	case <-time.After(10 * time.Second):
		h.t.Fatal("no event within 10s")
	}
	return Event{}
}

// state waits for the initial state.
func (h *harness) state() *Stats {
	h.t.Helper()
	for {
		e := h.next()
		if e.Kind == EventState {
			return e.Stats
		}
		if e.Kind != EventError {
			h.t.Fatalf("before the state: %+v", e)
		}
	}
}

// lint returns the events of the next lint, up to its EventLint.
func (h *harness) lint() (out []Event) {
	h.t.Helper()
	for {
		e := h.next()
		out = append(out, e)
		if e.Kind == EventLint {
			return out
		}
	}
}

// until collects lints until one has an event matching want.
func (h *harness) until(want func(Event) bool) (out []Event) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		evs := h.lint()
		out = append(out, evs...)
		for _, e := range evs {
			if want(e) {
				return out
			}
		}
	}
	h.t.Fatalf("never saw the event; got %s", describe(out))
	return nil
}

func describe(evs []Event) string {
	var b strings.Builder
	for _, e := range evs {
		switch {
		case e.Finding != nil:
			fmt.Fprintf(&b, "\n  %s %s %s %s", e.Kind, e.Finding.Node, e.Finding.Rule, e.Finding.Message)
		case e.Kind == EventError:
			fmt.Fprintf(&b, "\n  error %s", e.Message)
		default:
			fmt.Fprintf(&b, "\n  %s", e.Kind)
		}
	}
	return b.String()
}

func is(kind EventKind, node, msg string) func(Event) bool {
	return func(e Event) bool {
		return e.Kind == kind && e.Finding != nil && e.Finding.Node == node && strings.Contains(e.Finding.Message, msg)
	}
}

func count(evs []Event, f func(Event) bool) int {
	c := 0
	for _, e := range evs {
		if f(e) {
			c++
		}
	}
	return c
}

func fleet(t testing.TB, nodes ...string) string {
	dir := t.TempDir()
	for _, n := range nodes {
		fleettest.WriteFile(t, filepath.Join(dir, n, "deployment.toml"), node(n+"-v0"))
	}
	return dir
}

func TestInitialStateAndEdit(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	h := start(t, dir, Options{})
	st := h.state()
	if st.Nodes != 2 || len(st.Findings) != 2 || st.Summary.Warning != 2 {
		t.Fatalf("initial state %+v", st)
	}
	fleettest.WriteFile(t, filepath.Join(dir, "gw-1", "deployment.toml"), node("gw-1-v1"))
	evs := h.until(is(EventNew, "gw-1", "value gw-1-v1"))
	if count(evs, is(EventResolved, "gw-1", "value gw-1-v0")) != 1 || count(evs, func(e Event) bool { return e.Finding != nil && e.Finding.Node == "cp-1" }) != 0 {
		t.Fatalf("events: %s", describe(evs))
	}
	last := evs[len(evs)-1]
	if last.Stats.Reread != 1 {
		t.Errorf("re-read %d files for one edit, want 1", last.Stats.Reread)
	}
}

func TestAtomicSaves(t *testing.T) {
	dir := fleet(t, "gw-1")
	h := start(t, dir, Options{})
	h.state()
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	// Write a temporary file, rename it over the node file (VS Code, JetBrains, gofmt -w).
	tmp := filepath.Join(dir, "gw-1", ".deployment.toml.tmp123")
	fleettest.WriteFile(t, tmp, node("renamed-over"))
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
	h.until(is(EventNew, "gw-1", "value renamed-over"))
	// Move the original away, write a new one, delete the backup (vim's backupcopy=no).
	if err := os.Rename(file, file+"~"); err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, file, node("vim-style"))
	if err := os.Remove(file + "~"); err != nil {
		t.Fatal(err)
	}
	evs := h.until(is(EventNew, "gw-1", "value vim-style"))
	if n := count(evs, func(e Event) bool { return e.Kind == EventNew && e.Finding.Node != "gw-1" }); n != 0 {
		t.Fatalf("backup file linted as a node: %s", describe(evs))
	}
}

func TestBurstReportsLastContentOnce(t *testing.T) {
	dir := fleet(t, "gw-1")
	// A long debounce: the writes must all land within it even on a busy machine.
	h := start(t, dir, Options{Debounce: 400 * time.Millisecond})
	h.state()
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	for i := range 1000 {
		if err := os.WriteFile(file, []byte(node(fmt.Sprintf("burst-%d", i))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	evs := h.until(is(EventNew, "gw-1", "value burst-999"))
	news := count(evs, func(e Event) bool { return e.Kind == EventNew })
	if news != 1 {
		t.Fatalf("%d new findings for one burst, want 1 (the last content): %s", news, describe(evs))
	}
	// Nothing more comes: the burst was reported once.
	select {
	case e := <-h.events:
		t.Fatalf("extra event after the burst: %s", describe([]Event{e}))
	case <-time.After(600 * time.Millisecond):
	}
}

func TestNewNodeDirectory(t *testing.T) {
	dir := fleet(t, "cp-1")
	h := start(t, dir, Options{})
	h.state()
	// Nested directories created at once: the file may be written before
	// the watcher has seen the directories.
	fleettest.WriteFile(t, filepath.Join(dir, "dc2", "gw-7", "repository", "conf", "deployment.toml"), node("new-node"))
	evs := h.until(is(EventNew, "dc2/gw-7", "value new-node"))
	last := evs[len(evs)-1]
	if last.Stats.Nodes != 2 {
		t.Fatalf("nodes = %d, want 2", last.Stats.Nodes)
	}
	// And the new directory is watched: an edit there is seen.
	fleettest.WriteFile(t, filepath.Join(dir, "dc2", "gw-7", "repository", "conf", "deployment.toml"), node("edited"))
	h.until(is(EventNew, "dc2/gw-7", "value edited"))
}

func TestDeletedNode(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	h := start(t, dir, Options{})
	h.state()
	if err := os.Remove(filepath.Join(dir, "gw-1", "deployment.toml")); err != nil {
		t.Fatal(err)
	}
	evs := h.until(is(EventResolved, "gw-1", "value gw-1-v0"))
	if last := evs[len(evs)-1]; last.Stats.Nodes != 1 {
		t.Fatalf("nodes = %d after delete", last.Stats.Nodes)
	}
}

func TestDirectoryRemovedAndRecreated(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	h := start(t, dir, Options{})
	h.state()
	gw := filepath.Join(dir, "gw-1")
	if err := os.RemoveAll(gw); err != nil {
		t.Fatal(err)
	}
	h.until(is(EventResolved, "gw-1", "value gw-1-v0"))
	fleettest.WriteFile(t, filepath.Join(gw, "deployment.toml"), node("recreated"))
	h.until(is(EventNew, "gw-1", "value recreated"))
	fleettest.WriteFile(t, filepath.Join(gw, "deployment.toml"), node("recreated-edit"))
	h.until(is(EventNew, "gw-1", "value recreated-edit"))
	// Renamed away and back.
	if err := os.Rename(gw, gw+"-old"); err != nil {
		t.Fatal(err)
	}
	evs := h.until(is(EventNew, "gw-1-old", "value recreated-edit"))
	if count(evs, is(EventResolved, "gw-1", "value recreated-edit")) != 1 {
		t.Fatalf("rename: %s", describe(evs))
	}
	fleettest.WriteFile(t, filepath.Join(gw+"-old", "deployment.toml"), node("after-rename"))
	h.until(is(EventNew, "gw-1-old", "value after-rename"))
}

func TestHalfSavedFileIsASyntaxFinding(t *testing.T) {
	dir := fleet(t, "gw-1")
	h := start(t, dir, Options{})
	h.state()
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	fleettest.WriteFile(t, file, "[server]\nhostname = \"h\n")
	h.until(func(e Event) bool { return e.Kind == EventNew && e.Finding.Rule == lint.RuleTOMLSyntax })
	fleettest.WriteFile(t, file, node("fixed"))
	evs := h.until(is(EventNew, "gw-1", "value fixed"))
	if count(evs, func(e Event) bool { return e.Kind == EventResolved && e.Finding.Rule == lint.RuleTOMLSyntax }) != 1 {
		t.Fatalf("syntax finding not resolved: %s", describe(evs))
	}
}

func TestUnreadableFileKeepsLastState(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	h := start(t, dir, Options{})
	h.state()
	file := filepath.Join(dir, "gw-1", "deployment.toml")
	unreadable := func(e Event) bool { return e.Kind == EventError && strings.Contains(e.Message, "cannot read "+file) }
	if os.Geteuid() != 0 {
		if err := os.Chmod(file, 0); err != nil {
			t.Fatal(err)
		}
		evs := h.until(unreadable)
		if count(evs, func(e Event) bool { return e.Kind == EventResolved }) != 0 || !strings.Contains(describe(evs), "keeping its last state") {
			t.Fatalf("unreadable file: %s", describe(evs))
		}
		if err := os.Chmod(file, 0o644); err != nil {
			t.Fatal(err)
		}
		fleettest.WriteFile(t, file, node("readable-again"))
		h.until(is(EventNew, "gw-1", "value readable-again"))
	}
	// Root reads any file whatever its mode: a directory in place of the
	// file is unreadable for everyone.
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o755); err != nil {
		t.Fatal(err)
	}
	evs := h.until(unreadable)
	if !strings.Contains(describe(evs), "is a directory") {
		t.Fatalf("events: %s", describe(evs))
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, file, node("file-again"))
	h.until(is(EventNew, "gw-1", "value file-again"))
}

func TestConfigChangeRelintsEverything(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	h := start(t, dir, Options{})
	h.state()
	fleettest.WriteFile(t, filepath.Join(dir, lint.ConfigFileName), "exclude = [\"gw-*\"]\n")
	evs := h.until(is(EventResolved, "gw-1", "value gw-1-v0"))
	if count(evs, func(e Event) bool { return e.Finding != nil && e.Finding.Node == "cp-1" }) != 0 {
		t.Fatalf("cp-1 changed: %s", describe(evs))
	}
	if err := os.Remove(filepath.Join(dir, lint.ConfigFileName)); err != nil {
		t.Fatal(err)
	}
	h.until(is(EventNew, "gw-1", "value gw-1-v0"))
}

func TestBaselineDriftIsReported(t *testing.T) {
	dir := fleet(t, "cp-1", "gw-1")
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := drift.Record(f, drift.RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := start(t, dir, Options{Baseline: b})
	if st := h.state(); st.DriftKeys != 0 {
		t.Fatalf("drift at start: %+v", st)
	}
	fleettest.WriteFile(t, filepath.Join(dir, "gw-1", "deployment.toml"), node("moved"))
	evs := h.until(func(e Event) bool { return e.Kind == EventNew && e.Finding.Rule == drift.RuleID })
	if last := evs[len(evs)-1]; last.Stats.DriftKeys != 1 || !strings.Contains(describe(evs), `test.value changed since the baseline: was "gw-1-v0", now "moved"`) {
		t.Fatalf("drift events: %s", describe(evs))
	}
}

func TestCancelStopsWithoutLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 3 {
		dir := fleet(t, "cp-1")
		h := start(t, dir, Options{})
		h.state()
		fleettest.WriteFile(t, filepath.Join(dir, "cp-1", "deployment.toml"), node("x"))
		h.lint()
		h.stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after stop, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

func TestNewRejectsBadRoot(t *testing.T) {
	if _, err := New(Options{Root: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Fatal("missing root accepted")
	}
	f := filepath.Join(t.TempDir(), "deployment.toml")
	fleettest.WriteFile(t, f, node("x"))
	if _, err := New(Options{Root: f}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigChangeReparsesNodes(t *testing.T) {
	dir := t.TempDir()
	fleettest.WriteFile(t, filepath.Join(dir, "n-1", "deployment.toml"), "[test]\nvalue = \"x\"\n")
	roleRule := &lint.Rule{ID: "test-role", Severity: lint.SeverityInfo, Run: func(p *lint.Pass) {
		for _, n := range p.Fleet.Nodes {
			p.Report(lint.AtTable(n, "test", "role %s", n.Role))
		}
	}}
	h := start(t, dir, Options{Rules: []*lint.Rule{roleRule}})
	if st := h.state(); len(st.Findings) != 1 || st.Findings[0].Message == "role gateway" {
		t.Fatalf("initial %+v", st.Findings)
	}
	// Only the config changes: the node file's bytes stay the same.
	fleettest.WriteFile(t, filepath.Join(dir, lint.ConfigFileName), "[[node]]\npath = \"n-1\"\nrole = \"gateway\"\n")
	h.until(is(EventNew, "n-1", "role gateway"))
}
