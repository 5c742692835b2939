package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/watch"
)

// watchRun is a watcher running in the background whose events a test
// reads one lint at a time.
type watchRun struct {
	t      *testing.T
	events chan watch.Event
	// current is the tree's findings as the events tell them: the initial
	// state, plus new, minus resolved.
	current map[string]int
}

func startWatchRun(t *testing.T, opts watch.Options) *watchRun {
	t.Helper()
	r := &watchRun{t: t, events: make(chan watch.Event, 10000), current: map[string]int{}}
	opts.OnEvent = func(e watch.Event) { r.events <- e }
	if opts.Debounce == 0 {
		opts.Debounce = 30 * time.Millisecond
	}
	w, err := watch.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return r
}

func (r *watchRun) next() watch.Event {
	r.t.Helper()
	select {
	case e := <-r.events:
		return e
	case <-time.After(20 * time.Second):
		r.t.Fatal("no watch event within 20s")
	}
	return watch.Event{}
}

// state waits for the initial state and records it.
func (r *watchRun) state() *watch.Stats {
	r.t.Helper()
	for {
		e := r.next()
		if e.Kind == watch.EventError {
			r.t.Logf("error event: %s", e.Message)
			continue
		}
		if e.Kind != watch.EventState {
			r.t.Fatalf("before the state: %+v", e)
		}
		for _, f := range e.Stats.Findings {
			r.current[findingID(f)]++
		}
		return e.Stats
	}
}

// lint waits for the next lint, applies its new and resolved findings and
// returns its statistics and the fleets of the findings that changed.
func (r *watchRun) lint() (*watch.Stats, map[string]bool) {
	r.t.Helper()
	fleets := map[string]bool{}
	for {
		e := r.next()
		switch e.Kind {
		case watch.EventNew:
			r.current[findingID(*e.Finding)]++
			fleets[e.Finding.Fleet] = true
		case watch.EventResolved:
			id := findingID(*e.Finding)
			if r.current[id]--; r.current[id] == 0 {
				delete(r.current, id)
			}
			fleets[e.Finding.Fleet] = true
		case watch.EventError:
			r.t.Logf("error event: %s", e.Message)
		case watch.EventLint:
			return e.Stats, fleets
		}
	}
}

// findingID is what watch's events keep of a finding: everything but its
// line and column.
func findingID(f lint.Finding) string {
	return strings.Join([]string{f.Fleet, f.Rule, f.Severity.String(), f.Node, f.File, f.Key, f.Message}, "\x00")
}

func idsOf(fs []lint.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[findingID(f)]++
	}
	return out
}

// agrees checks that what watch reports now is what a fresh
// `apimlint lint` of the tree reports: the findings the events add up
// to, and a fresh watcher's state finding for finding (lines included).
func (r *watchRun) agrees(root string, stats *watch.Stats) {
	r.t.Helper()
	cli := cliFindings(r.t, root)
	if d := cmp.Diff(idsOf(cli), r.current); d != "" {
		r.t.Errorf("watch's events add up to other findings than lint (-lint +watch):\n%s", d)
	}
	if s := lint.Summarize(cli, stats.Nodes); s != stats.Summary {
		r.t.Errorf("watch summary %+v, lint %+v", stats.Summary, s)
	}
	if d := cmp.Diff(cli, watchFindings(r.t, watch.Options{Root: root, Rules: rules.All()})); d != "" {
		r.t.Errorf("a fresh watch and lint differ (-lint +watch):\n%s", d)
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWatchEstateRelintsOnlyTheChangedFleet: on testdata/estate (three
// fleets) watch lints every fleet first, then after an edit only the fleet
// that owns the file (without discovering the tree again unless the edit
// changes what discovery reads), after a new .apimlint.toml the fleet it
// is in force for (and the other users of the config it left), a new
// fleet alone, and after a node moves from one fleet to another both;
// after every change what it reports equals a fresh `apimlint lint`.
func TestWatchEstateRelintsOnlyTheChangedFleet(t *testing.T) {
	root := copyFleet(t, repoTestdata+"/estate")
	// A problem in the root config, which dev and prod use: it is reported
	// with dev, the first of them, until dev has a config of its own.
	rootCfg := filepath.Join(root, lint.ConfigFileName)
	data, err := os.ReadFile(rootCfg)
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, rootCfg, "no_such_setting = 1\n"+string(data))
	r := startWatchRun(t, watch.Options{Root: root, Rules: rules.All()})
	st := r.state()
	configProblemIn := func(fleet string) bool {
		for id := range r.current {
			if strings.HasPrefix(id, fleet+"\x00apimlint-config\x00") && strings.Contains(id, "no_such_setting") {
				return true
			}
		}
		return false
	}
	if !configProblemIn("dev") {
		t.Errorf("the root config's problem is not reported with dev")
	}
	if st.Fleets != 3 || !slices.Equal(st.Relinted, []string{"dev", "prod", "staging"}) {
		t.Fatalf("initial lint: %d fleets, linted %v; want all 3", st.Fleets, st.Relinted)
	}
	r.agrees(root, st)

	steps := []struct {
		name     string
		change   func()
		want     []string // fleets linted again
		discover bool     // the tree is discovered again
	}{
		{"edit a staging node", func() {
			appendTo(t, filepath.Join(root, "staging", "gw", lint.NodeFileName), "\n[apim.devportal]\nurl = \"https://[control-plane-host]/devportal\"\n")
		}, []string{"staging"}, false},
		{"edit a dev node", func() {
			appendTo(t, filepath.Join(root, "dev", "gateway", "gw-1", lint.NodeFileName), "\n[server]\nno_such_key = 1\n")
		}, []string{"dev"}, false},
		{"a new host name in dev: discovery reads host names", func() {
			hostname(t, filepath.Join(root, "dev", "gateway", "gw-1", lint.NodeFileName), "gw-renamed.dev.example.com")
		}, []string{"dev"}, true},
		// dev leaves the root config for its own; prod, the root config's
		// other user, may now be the fleet that reports its problems.
		{"a config of its own for dev", func() {
			fleettest.WriteFile(t, filepath.Join(root, "dev", lint.ConfigFileName), "[rules.severity]\ntoml-syntax = \"warning\"\n")
		}, []string{"dev", "prod"}, true},
		{"a new fleet with its own config", func() {
			fleettest.WriteFile(t, filepath.Join(root, "qa", lint.ConfigFileName), "[rules.severity]\nplaintext-secret = \"info\"\n")
			fleettest.WriteFile(t, filepath.Join(root, "qa", "gw-1", lint.NodeFileName), "[server]\nhostname = \"gw.qa.example.com\"\nserver_role = \"gateway-worker\"\n\n[super_admin]\npassword = \"admin\"\n")
		}, []string{"qa"}, true},
		{"move a staging node into prod", func() {
			if err := os.Rename(filepath.Join(root, "staging", "tm"), filepath.Join(root, "envs", "prod", "tm-from-staging")); err != nil {
				t.Fatal(err)
			}
		}, []string{"prod", "staging"}, true},
	}
	for _, s := range steps {
		s.change()
		var st *watch.Stats
		var changed map[string]bool
		// An editor's write may come as two events; wait for the lint
		// that sees the change (its fleets are re-linted), not a quiet one.
		for st == nil || len(st.Relinted) == 0 {
			st, changed = r.lint()
		}
		if !slices.Equal(st.Relinted, s.want) {
			t.Errorf("%s: re-linted %v, want %v", s.name, st.Relinted, s.want)
		}
		if st.Discovered != s.discover {
			t.Errorf("%s: tree discovered again: %v, want %v", s.name, st.Discovered, s.discover)
		}
		for f := range changed {
			if !slices.Contains(s.want, f) {
				t.Errorf("%s: findings of fleet %q changed, but it was not to be re-linted", s.name, f)
			}
		}
		if len(changed) == 0 {
			t.Errorf("%s: no finding changed", s.name)
		}
		r.agrees(root, st)
	}
	if configProblemIn("dev") || !configProblemIn("prod") {
		t.Errorf("the root config's problem did not move to prod when dev took a config of its own")
	}
}

// TestWatchCLIEstate: the CLI prints how many fleets it watches and, after
// every lint, which fleets it linted again.
func TestWatchCLIEstate(t *testing.T) {
	root := copyFleet(t, repoTestdata+"/estate")
	stdout, stderr, code := startWatch(t, "--debounce", "20ms", root)
	waitFor(t, stdout, "watching "+root+": 11 nodes in 3 fleets")
	appendTo(t, filepath.Join(root, "staging", "gw", lint.NodeFileName), "\n[apim.devportal]\nurl = \"https://[control-plane-host]/devportal\"\n")
	waitFor(t, stdout, "relinted fleet staging (of 3)")
	if strings.Contains(stdout.String(), "relinted fleets") {
		t.Errorf("an edit in staging re-linted other fleets:\n%s", stdout)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d; stderr %s", c, stderr.String())
	}

	// jsonl: the state has the fleet count, every lint a "lint" event
	// naming the fleets linted again.
	stdout, stderr, code = startWatch(t, "--debounce", "20ms", "--format", "jsonl", root)
	waitFor(t, stdout, `"fleets":3,"nodes":11`)
	appendTo(t, filepath.Join(root, "dev", "gateway", "gw-1", lint.NodeFileName), "\n[server]\nno_such_key = 1\n")
	waitFor(t, stdout, `{"event":"lint","fleets":3,"relinted":["dev"],`)
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d; stderr %s", c, stderr.String())
	}
}

// TestWatchTreeSplitsAndJoins: a tree that is one fleet is watched as
// before (no fleets in the statistics); a .apimlint.toml that makes a
// folder a fleet of its own splits it, and removing it joins it again.
// Each time watch reports what a fresh lint reports.
func TestWatchTreeSplitsAndJoins(t *testing.T) {
	root := copyFleet(t, repoTestdata+"/seed-ha")
	r := startWatchRun(t, watch.Options{Root: root, Rules: rules.All()})
	st := r.state()
	if st.Fleets != 0 || st.Relinted != nil {
		t.Fatalf("one fleet: stats say %d fleets, linted %v", st.Fleets, st.Relinted)
	}
	r.agrees(root, st)
	cfg := filepath.Join(root, "gw-1", lint.ConfigFileName)
	fleettest.WriteFile(t, cfg, "[rules.severity]\nplaintext-secret = \"info\"\n")
	for st.Fleets == 0 {
		st, _ = r.lint()
	}
	if st.Fleets != 2 || len(st.Relinted) != 2 {
		t.Errorf("split: %d fleets, re-linted %v; want 2 and both (the fleets changed)", st.Fleets, st.Relinted)
	}
	r.agrees(root, st)
	if err := os.Remove(cfg); err != nil {
		t.Fatal(err)
	}
	for st.Fleets != 0 {
		st, _ = r.lint()
	}
	r.agrees(root, st)
}

// TestWatchEditSplitsTree: two control planes side by side are one fleet
// while they name each other; an edit that drops the references makes
// them two fleets of one for lint, and so for watch, and restoring them
// joins them again. The same holds when the pair is one fleet of an
// estate (beside a fleet with a config of its own): there the edit, which
// changes what discovery reads, makes watch discover the tree again.
func TestWatchEditSplitsTree(t *testing.T) {
	for _, inEstate := range []bool{false, true} {
		t.Run(map[bool]string{false: "alone", true: "in-an-estate"}[inEstate], func(t *testing.T) {
			root := t.TempDir()
			pair := root
			if inEstate {
				pair = filepath.Join(root, "pair")
				fleettest.WriteFile(t, filepath.Join(root, "other", "gw-1", lint.NodeFileName), "[server]\nhostname = \"gw.other.example.com\"\nserver_role = \"gateway-worker\"\n")
				fleettest.WriteFile(t, filepath.Join(root, "other", lint.ConfigFileName), "[rules.severity]\nplaintext-secret = \"info\"\n")
			}
			cp := func(self, peer string) string {
				return "[server]\nhostname = \"" + self + ".example.com\"\nserver_role = \"control-plane\"\n\n[apim.event_hub]\nevent_duplicate_url = [\"tcp://" + peer + ".example.com:5672\"]\n"
			}
			write := func(p1, p2 string) {
				fleettest.WriteFile(t, filepath.Join(pair, "cp-1", lint.NodeFileName), cp("cp-1", p1))
				fleettest.WriteFile(t, filepath.Join(pair, "cp-2", lint.NodeFileName), cp("cp-2", p2))
			}
			write("cp-2", "cp-1")
			joined, split := 0, 2
			if inEstate {
				joined, split = 2, 3
			}
			r := startWatchRun(t, watch.Options{Root: root, Rules: rules.All()})
			st := r.state()
			if st.Fleets != joined {
				t.Fatalf("two control planes that name each other: %d fleets, want %d", st.Fleets, joined)
			}
			r.agrees(root, st)
			write("elsewhere", "elsewhere")
			for st.Fleets == joined {
				st, _ = r.lint()
			}
			if st.Fleets != split {
				t.Errorf("after the references are gone: %d fleets, want %d", st.Fleets, split)
			}
			r.agrees(root, st)
			write("cp-2", "cp-1")
			for st.Fleets != joined {
				st, _ = r.lint()
			}
			r.agrees(root, st)
		})
	}
}

// TestWatchEstateBaseline: watch --baseline with an estate baseline
// compares each fleet with its own record; after an edit in one fleet the
// drift it reports equals `apimlint drift` on the tree, and only that
// fleet is linted again.
func TestWatchEstateBaseline(t *testing.T) {
	root := copyFleet(t, repoTestdata+"/estate")
	base := filepath.Join(t.TempDir(), "estate.baseline.json")
	if _, stderr, code := apimlint(t, "baseline", root, "-o", base); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	env := &cliEnv{stdout: &lockedBuffer{}, stderr: &lockedBuffer{}, getenv: testGetenv}
	opts := watch.Options{Root: root, Rules: rules.All()}
	if ok, err := estateWatchBaseline(env, base, &opts); !ok || err != nil {
		t.Fatalf("estate baseline not taken: %v %v", ok, err)
	}
	r := startWatchRun(t, opts)
	st := r.state()
	if st.DriftKeys != 0 {
		t.Fatalf("drift on the recorded tree: %d keys", st.DriftKeys)
	}
	driftIDs := func() map[string]int {
		out := map[string]int{}
		for id, n := range r.current {
			if containsField(id, "baseline-drift") {
				out[id] = n
			}
		}
		return out
	}
	gw := filepath.Join(root, "staging", "gw", lint.NodeFileName)
	data, err := os.ReadFile(gw)
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, gw, strings.Replace(string(data), "[server]\n", "[server]\noffset = 3\n", 1))
	for st.DriftKeys == 0 {
		st, _ = r.lint()
	}
	if !slices.Equal(st.Relinted, []string{"staging"}) {
		t.Errorf("re-linted %v, want [staging]", st.Relinted)
	}
	out, stderr, code := apimlint(t, "drift", "--baseline", base, "--format", "json", root)
	if code != exitFindings {
		t.Fatalf("drift: exit %d: %s", code, stderr)
	}
	want := idsOf(decodeFindings(t, out))
	if d := cmp.Diff(want, driftIDs()); d != "" {
		t.Errorf("watch's drift differs from apimlint drift (-drift +watch):\n%s", d)
	}
	for id := range want {
		if !strings.HasPrefix(id, "staging\x00") {
			t.Errorf("drift outside staging: %q", id)
		}
	}
}

// hostname sets a node file's [server] hostname.
func hostname(t *testing.T, file, host string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^hostname\s*=\s*"[^"]*"`)
	if !re.Match(data) {
		t.Fatalf("%s has no hostname", file)
	}
	fleettest.WriteFile(t, file, re.ReplaceAllString(string(data), `hostname = "`+host+`"`))
}
