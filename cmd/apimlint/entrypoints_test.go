package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/watch"
)

// entryFleet is the seed HA fleet with an inline suppression, a config
// [[ignore]], a severity override and a suppression that hides nothing:
// every processor of the chain has work to do.
func entryFleet(t *testing.T) string {
	t.Helper()
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	gw2 := filepath.Join(fleet, "gw-2", "deployment.toml")
	src, err := os.ReadFile(gw2)
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, gw2, "# apimlint:ignore-file gateway-id-unique -- blue/green pair\n# apimlint:ignore-file schema-type -- nothing to hide\n"+string(src))
	// Node names and exclusion must agree too: a directory whose name ends
	// in "repository" is not a repository/conf, and excluded files are out.
	fleettest.WriteFile(t, filepath.Join(fleet, "gw-3repository", "conf", "deployment.toml"), string(src))
	fleettest.WriteFile(t, filepath.Join(fleet, "retired", "gw-0", "deployment.toml"), "[server\n")
	fleettest.WriteFile(t, filepath.Join(fleet, lint.ConfigFileName), `exclude = ["retired/**"]

[rules.severity]
jms-without-tls = "warning"

[[ignore]]
rule = "plaintext-secret"
path = "apim-cp-*"
reason = "vault migration pending"
`)
	return fleet
}

// cliFindings runs the CLI with --format json and returns its findings.
func cliFindings(t *testing.T, args ...string) []lint.Finding {
	t.Helper()
	out, stderr, code := apimlint(t, append(args, "--format", "json")...)
	if code != exitOK && code != exitFindings {
		t.Fatalf("apimlint %v: exit %d: %s", args, code, stderr)
	}
	var doc struct {
		Findings []lint.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("apimlint %v: %v\n%s", args, err, out)
	}
	return doc.Findings
}

// watchFindings runs a watcher until its first state and returns it.
func watchFindings(t *testing.T, opts watch.Options) []lint.Finding {
	t.Helper()
	state := make(chan []lint.Finding, 1)
	opts.OnEvent = func(e watch.Event) {
		if e.Kind == watch.EventState {
			state <- e.Stats.Findings
		}
	}
	w, err := watch.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var got []lint.Finding
	select {
	case got = <-state:
	case err := <-done:
		t.Fatalf("watch ended before its first state: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("watch sent no state")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got == nil {
		got = []lint.Finding{}
	}
	return got
}

// TestEveryEntryPointSameFindings: the CLI, the library and watch run one
// pipeline, so suppressions, overrides and scrubbing agree everywhere.
func TestEveryEntryPointSameFindings(t *testing.T) {
	fleet := entryFleet(t)
	cli := cliFindings(t, fleet)
	if len(cli) == 0 {
		t.Fatal("the CLI reports nothing on the seed fleet")
	}
	for _, f := range cli {
		if f.Rule == "gateway-id-unique" && f.Node == "gw-2" {
			t.Errorf("the suppressed finding is reported: %+v", f)
		}
		if f.Rule == "plaintext-secret" && strings.HasPrefix(f.Node, "apim-cp-") {
			t.Errorf("the config-ignored finding is reported: %+v", f)
		}
		if f.Rule == "jms-without-tls" && f.Severity != lint.SeverityWarning {
			t.Errorf("the severity override is not applied: %+v", f)
		}
	}
	if !hasMessage(cli, "apimlint:ignore-file schema-type suppresses nothing") {
		t.Error("the unused suppression is not reported")
	}
	nodes := map[string]bool{}
	for _, f := range cli {
		nodes[f.Node] = true
	}
	if !nodes["gw-3repository/conf"] || nodes["gw-3"] || nodes["retired/gw-0"] {
		t.Errorf("node names: %v", nodes)
	}

	fl, err := lint.Load([]string{fleet}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := lint.Run(context.Background(), fl, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(cli, lib.Findings); d != "" {
		t.Errorf("library and CLI differ (-cli +library):\n%s", d)
	}
	fromFS, err := lint.LoadFS(os.DirFS(fleet), ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	libFS, err := lint.Run(context.Background(), fromFS, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(libFS.Findings) != len(cli) {
		t.Errorf("LoadFS gives %d findings, the CLI %d", len(libFS.Findings), len(cli))
	}
	if d := cmp.Diff(cli, watchFindings(t, watch.Options{Root: fleet, Rules: rules.All()})); d != "" {
		t.Errorf("watch and CLI differ (-cli +watch):\n%s", d)
	}
}

// TestDriftEntryPointsSameFindings: drift findings pass through the same
// chain from the CLI, the library and watch --baseline.
func TestDriftEntryPointsSameFindings(t *testing.T) {
	fleet := entryFleet(t)
	base := filepath.Join(t.TempDir(), "baseline.json")
	if _, stderr, code := apimlint(t, "baseline", fleet, "-o", base); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	gw1 := filepath.Join(fleet, "gw-1", "deployment.toml")
	src, err := os.ReadFile(gw1)
	if err != nil {
		t.Fatal(err)
	}
	// Two changes; an inline suppression hides the drift of one.
	changed := strings.Replace(string(src), `server_role = "default"`, "# apimlint:ignore baseline-drift -- rolled out on purpose\nserver_role = \"gateway-worker\"", 1)
	changed += "\n[apim.cache.gateway_token]\nenable = false\n"
	fleettest.WriteFile(t, gw1, changed)

	cli := cliFindings(t, "drift", "--baseline", base, fleet)
	if len(cli) != 1 || cli[0].Key != "apim.cache.gateway_token.enable" {
		t.Fatalf("drift reports %+v, want only the unsuppressed change", cli)
	}
	b, err := drift.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := lint.Load([]string{fleet}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := drift.OptionsFromConfig(fl.Config)
	if err != nil {
		t.Fatal(err)
	}
	linter := lint.Linter{Rules: []*lint.Rule{drift.RuleFor(b, opts)}}
	lib, err := linter.Run(context.Background(), fl)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(cli, lib.Findings); d != "" {
		t.Errorf("library and CLI drift differ (-cli +library):\n%s", d)
	}
	var watched []lint.Finding
	for _, f := range watchFindings(t, watch.Options{Root: fleet, Rules: rules.All(), Baseline: b}) {
		if f.Rule == drift.RuleID {
			watched = append(watched, f)
		}
	}
	if d := cmp.Diff(cli, watched); d != "" {
		t.Errorf("watch and CLI drift differ (-cli +watch):\n%s", d)
	}
}

func hasMessage(fs []lint.Finding, part string) bool {
	for _, f := range fs {
		if strings.Contains(f.Message, part) {
			return true
		}
	}
	return false
}

// TestWatchAgreesWithLintEverywhere: on an unchanged tree watch reports
// exactly what lint does, on every testdata fleet and every fleet and
// single of the corpus (issue 13, item 7), and on a tree with the shapes
// that made them disagree: symlinked and aliased node directories, a
// directory named like repository/conf, suppressions, exclusions.
func TestWatchAgreesWithLintEverywhere(t *testing.T) {
	dirs := map[string]string{"entry-fleet": entryFleet(t), "odd-shapes": oddShapes(t)}
	for _, name := range []string{"clean-ha", "seed-ha", "seed-ha-fixed", "seed-single", "estate"} {
		dirs[name] = filepath.Join(repoTestdata, name)
	}
	// The corpus as a whole: an estate of every fleet and single.
	dirs["corpus"] = fleettest.CorpusDir(t)
	corpus := fleettest.CorpusDir(t)
	for _, kind := range []string{"fleets", "singles"} {
		entries, err := os.ReadDir(filepath.Join(corpus, kind))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() {
				dirs[kind+"/"+e.Name()] = filepath.Join(corpus, kind, e.Name())
			}
		}
	}
	if len(dirs) < 20 {
		t.Fatalf("only %d fleets to compare", len(dirs))
	}
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			cli := cliFindings(t, dir)
			if d := cmp.Diff(cli, watchFindings(t, watch.Options{Root: dir, Rules: rules.All()})); d != "" {
				t.Errorf("watch and CLI differ (-cli +watch):\n%s", d)
			}
		})
	}
}

// oddShapes is a fleet with the layouts on which watch and lint once
// disagreed: a symlinked node directory, an alias of one, a directory
// whose name ends in "repository", and x/myrepository/conf.
func oddShapes(t *testing.T) string {
	t.Helper()
	fleet := copyFleet(t, repoTestdata+"/seed-ha")
	elsewhere := t.TempDir()
	src, err := os.ReadFile(filepath.Join(fleet, "gw-1", "deployment.toml"))
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, filepath.Join(elsewhere, "gw-9", "deployment.toml"), strings.ReplaceAll(string(src), "gw-1", "gw-9"))
	if err := os.Symlink(filepath.Join(elsewhere, "gw-9"), filepath.Join(fleet, "gw-9")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("gw-1", filepath.Join(fleet, "gw-1-alias")); err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, filepath.Join(fleet, "x", "myrepository", "conf", "deployment.toml"), "# apimlint:ignore-file default-admin-password -- lab node\n[server]\nhostname = \"x.example.com\"\n")
	return fleet
}
