package lint_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

func names(f *lint.Fleet) string {
	var out []string
	for _, n := range f.Nodes {
		out = append(out, n.Name)
	}
	return strings.Join(out, " ")
}

func TestLoadFindsNodes(t *testing.T) {
	dir := t.TempDir()
	fleettest.WriteFile(t, filepath.Join(dir, "gw-1/repository/conf/deployment.toml"), "[server]\nhostname = \"gw-1\"\n")
	fleettest.WriteFile(t, filepath.Join(dir, "cp/dc1/deployment.toml"), "[server]\nserver_role = \"control-plane\"\n")
	fleettest.WriteFile(t, filepath.Join(dir, ".git/deployment.toml"), "ignored = true\n")
	fleettest.WriteFile(t, filepath.Join(dir, ".hidden/x/deployment.toml"), "ignored = true\n")
	fleettest.WriteFile(t, filepath.Join(dir, ".apimlint.toml"), "[[node]]\npath = \"gw-1\"\nrole = \"gateway\"\n")
	fleettest.WriteFile(t, filepath.Join(dir, "notes/other.toml"), "ignored = true\n")
	// Only a whole repository/conf directory is dropped from a node name.
	fleettest.WriteFile(t, filepath.Join(dir, "n1/gwrepository/conf/deployment.toml"), "[server]\nserver_role = \"gateway-worker\"\n")
	// A directory named deployment.toml is walked, not read.
	fleettest.WriteFile(t, filepath.Join(dir, "deployment.toml/tm-1/deployment.toml"), "[server]\nserver_role = \"traffic-manager\"\n")
	// A symlink loop must not hang the walk.
	if err := os.Symlink(dir, filepath.Join(dir, "cp/loop")); err != nil {
		t.Fatal(err)
	}
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(f), "cp/dc1 deployment.toml/tm-1 gw-1 n1/gwrepository/conf"; got != want {
		t.Fatalf("nodes %q, want %q", got, want)
	}
	gw := f.Node("gw-1")
	if gw.Role != lint.RoleGateway || gw.RoleSource != "config" {
		t.Errorf("gw-1 role %s from %s", gw.Role, gw.RoleSource)
	}
	if want := filepath.Join(dir, "gw-1/repository/conf/deployment.toml"); gw.File != want {
		t.Errorf("file %s, want %s", gw.File, want)
	}
}

func TestLoadFileArgsAndErrors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "edge.toml")
	fleettest.WriteFile(t, p, "[apim.sync_runtime_artifacts.gateway]\ngateway_labels = [\"Default\"]\n")
	f, err := lint.Load([]string{p}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if names(f) != "edge" || f.Nodes[0].Role != lint.RoleGateway {
		t.Errorf("got %s role %s", names(f), f.Nodes[0].Role)
	}
	if _, err := lint.Load([]string{filepath.Join(dir, "missing")}, lint.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing path: err = %v", err)
	}
	if os.Geteuid() != 0 { // root reads everything
		locked := filepath.Join(dir, "locked")
		fleettest.WriteFile(t, filepath.Join(locked, "deployment.toml"), "a = 1\n")
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.Chmod(locked, 0o755) }()
		if _, err := lint.Load([]string{dir}, lint.LoadOptions{}); err == nil {
			t.Error("unreadable directory: no error")
		}
	}
}

func TestLoadHostileInput(t *testing.T) {
	dir := t.TempDir()
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	fleettest.WriteFile(t, filepath.Join(dir, "garbage/deployment.toml"), string(garbage))
	var big strings.Builder
	big.WriteString("[server]\nhostname = \"big\"\n")
	for i := 0; big.Len() < 5<<20; i++ {
		big.WriteString("[t")
		big.WriteString(strings.Repeat("x", i%7))
		big.WriteString(string(rune('a' + i%26)))
		big.WriteString(".k")
		big.WriteString(strings.Repeat("0", i%3))
		big.WriteString(itoa(i))
		big.WriteString("]\nv = \"$ref{server.hostname}\"\n")
	}
	fleettest.WriteFile(t, filepath.Join(dir, "big/deployment.toml"), big.String())
	fleettest.WriteFile(t, filepath.Join(dir, "cycle/deployment.toml"), "[a]\nb = \"$ref{a.c}\"\nc = \"$ref{a.b}\"\n")
	start := time.Now()
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// No wall-clock bound: on a loaded machine under -race this takes
	// tens of seconds. A hang is caught by go test's own timeout.
	t.Logf("loaded and linted in %s", time.Since(start))
	var syntax, cycle bool
	for _, x := range res.Findings {
		syntax = syntax || (x.Rule == "toml-syntax" && x.Node == "garbage")
		cycle = cycle || (x.Rule == "unresolved-placeholder" && x.Node == "cycle")
	}
	if !syntax || !cycle {
		t.Errorf("want a toml-syntax finding for garbage (%v) and a cycle finding (%v)", syntax, cycle)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestCorpus loads every real configuration of ../shared/corpus: each file
// parses (or fails with a toml-syntax position), gets a role, and running
// every rule never panics.
func TestCorpus(t *testing.T) {
	corpus := fleettest.CorpusDir(t)
	manifest := readManifest(t, filepath.Join(corpus, "MANIFEST.tsv"))
	// Each fleet is loaded on its own, as a user would; the singles together.
	roots := []string{filepath.Join(corpus, "singles")}
	fleets, err := filepath.Glob(filepath.Join(corpus, "fleets", "*"))
	if err != nil {
		t.Fatal(err)
	}
	roots = append(roots, fleets...)
	total := map[string]int{}
	agree := map[string]int{}
	for _, root := range roots {
		rel, _ := filepath.Rel(corpus, root)
		kind := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		f, err := lint.Load([]string{root}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Findings {
			if strings.Contains(x.Message, "internal error") {
				t.Errorf("%s: %s: %s", rel, x.Rule, x.Message)
			}
			if x.Line < 1 || x.Column < 1 {
				t.Errorf("finding without a position: %+v", x)
			}
		}
		for _, n := range f.Nodes {
			if n.Role == "" {
				t.Errorf("%s: no role", n.Name)
			}
			key := filepath.ToSlash(filepath.Join(rel, n.Name, "deployment.toml"))
			guess, ok := manifest[key]
			if !ok {
				t.Errorf("%s not in MANIFEST", key)
				continue
			}
			total[kind]++
			if roleMatches(n.Role, guess) {
				agree[kind]++
			} else {
				t.Logf("role of %s: %s (from %s), manifest guesses %s", key, n.Role, n.RoleSource, guess)
			}
		}
	}
	// Fleets are multi-node deployments whose roles must all be right;
	// singles include partial integration-test overlays with no telling keys.
	if agree["fleets"] != total["fleets"] || total["fleets"] < 80 {
		t.Errorf("fleets: roles agree with the manifest on %d of %d nodes", agree["fleets"], total["fleets"])
	}
	if agree["singles"] < total["singles"]*3/4 || total["singles"] < 100 {
		t.Errorf("singles: roles agree with the manifest on %d of %d nodes", agree["singles"], total["singles"])
	}
}

func roleMatches(r lint.Role, guess string) bool {
	switch {
	case guess == "acp":
		return r == lint.RoleControlPlane
	case guess == "gw":
		return r == lint.RoleGateway
	case guess == "tm":
		return r == lint.RoleTrafficManager
	case strings.HasPrefix(guess, "km"):
		return r == lint.RoleKeyManager
	case guess == "all-in-one":
		return r == lint.RoleAllInOne
	case guess == "other(mi)":
		return r == lint.RoleOther
	}
	return true // deprecated single-purpose profiles: any APIM role is fine
}

func readManifest(t *testing.T, path string) map[string]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 6 && cols[0] != "path" {
			out[cols[0]] = cols[6]
		}
	}
	return out
}

// TestLoadSkipsFIFO: a named pipe called deployment.toml would block a
// read forever; the walk must pass it by.
func TestLoadSkipsFIFO(t *testing.T) {
	dir := t.TempDir()
	fleettest.WriteFile(t, filepath.Join(dir, "gw-2/deployment.toml"), "[server]\nhostname = \"gw-2\"\n")
	if err := os.MkdirAll(filepath.Join(dir, "gw-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "gw-1/deployment.toml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		f, err := lint.Load([]string{dir}, lint.LoadOptions{})
		if err == nil && names(f) != "gw-2" {
			err = fmt.Errorf("nodes %q", names(f))
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a FIFO")
	}
	if _, err := lint.Load([]string{filepath.Join(dir, "gw-1/deployment.toml")}, lint.LoadOptions{}); err == nil {
		t.Error("a FIFO given directly loaded without error")
	}
}

// TestPackDirectoryAddress: a node kept below a WSO2 pack directory
// answers to the host directory above it, not only to the pack's name
// that every node of its role shares.
func TestPackDirectoryAddress(t *testing.T) {
	fsys := fstest.MapFS{
		"inventory/apicp01/wso2am-acp-4.6.0/repository/conf/deployment.toml": {Data: []byte("[server]\nhostname = \"apim.corp.example\"\n")},
		"inventory/apicp02/wso2am-acp-4.6.0/repository/conf/deployment.toml": {Data: []byte("[server]\nhostname = \"apim.corp.example\"\n")},
		"apim-gw/deployment.toml": {Data: []byte("[server]\nhostname = \"gw\"\n")},
	}
	fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := fl.Node("inventory/apicp01/wso2am-acp-4.6.0")
	if n == nil || !n.Answers("apicp01") {
		t.Fatalf("node %v does not answer to its host directory: %+v", n != nil, n)
	}
	if gw := fl.Node("apim-gw"); gw.Answers(".") {
		t.Error("a node at the root answers to '.'")
	}
}
