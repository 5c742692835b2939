package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/watch"
)

// TestWatchManifests: watch on a directory of rendered manifests lints
// the Kubernetes fleet as lint does, and re-lints when a manifest changes,
// is added or removed; after each change it reports what a fresh
// `apimlint lint` of the directory reports.
func TestWatchManifests(t *testing.T) {
	dir := t.TempDir()
	rendered := filepath.Join(dir, "rendered.yaml")
	read := func(variant string) string {
		data, err := os.ReadFile(filepath.Join(repoTestdata, "k8s", variant, "rendered.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	fleettest.WriteFile(t, rendered, read("clean"))
	r := startWatchRun(t, watch.Options{Root: dir, Rules: rules.All()})
	st := r.state()
	if st.Nodes != 6 {
		t.Fatalf("watch sees %d nodes in the manifests, want 6", st.Nodes)
	}
	r.agrees(dir, st)

	sawRule := func(rule string) bool {
		for id := range r.current {
			if len(id) > 0 && containsField(id, rule) {
				return true
			}
		}
		return false
	}
	// A Service port mix-up: the manifest is rewritten in place.
	fleettest.WriteFile(t, rendered, read("service-port"))
	st, _ = r.lint()
	if !sawRule("k8s-service-port") {
		t.Errorf("no k8s-service-port finding after the manifest changed")
	}
	r.agrees(dir, st)
	// A second manifest file in a new directory, linted with the first as
	// one fleet: a ConfigMap no workload mounts. Then the first removed.
	fleettest.WriteFile(t, filepath.Join(dir, "more", "stray.yml"), `apiVersion: v1
kind: ConfigMap
metadata:
  name: stray-conf
  namespace: apim-prod
data:
  deployment.toml: |
    [server]
    hostname = "stray.apim.example.org"
`)
	for !sawRule("k8s-configmap-unmounted") {
		st, _ = r.lint()
	}
	r.agrees(dir, st)
	if err := os.Remove(rendered); err != nil {
		t.Fatal(err)
	}
	for sawRule("k8s-service-port") {
		st, _ = r.lint()
	}
	r.agrees(dir, st)
}

// containsField reports whether a findingID holds field as one of its
// NUL-separated fields.
func containsField(id, field string) bool {
	start := 0
	for i := 0; i <= len(id); i++ {
		if i == len(id) || id[i] == 0 {
			if id[start:i] == field {
				return true
			}
			start = i + 1
		}
	}
	return false
}

// TestWatchCLIManifests: `apimlint watch DIR` on manifests prints the
// Kubernetes fleet's state.
func TestWatchCLIManifests(t *testing.T) {
	dir := copyFleet(t, filepath.Join(repoTestdata, "k8s", "clean"))
	stdout, stderr, code := startWatch(t, "--debounce", "20ms", dir)
	waitFor(t, stdout, "watching "+dir+": 6 nodes, 0 errors")
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if c := waitExit(t, code); c != exitOK {
		t.Fatalf("exit %d; stderr %s", c, stderr.String())
	}
}

// TestWatchStdinRefused: standard input cannot be watched.
func TestWatchStdinRefused(t *testing.T) {
	if _, stderr, code := apimlint(t, "watch", "-"); code != exitUsage || !strings.Contains(stderr, "standard input cannot be watched") {
		t.Errorf("watch -: exit %d: %s", code, stderr)
	}
}

// TestWatchManifestsRenderedLater: watch started on an empty directory
// picks up manifests rendered into it afterwards.
func TestWatchManifestsRenderedLater(t *testing.T) {
	dir := t.TempDir()
	r := startWatchRun(t, watch.Options{Root: dir, Rules: rules.All()})
	st := r.state()
	if st.Nodes != 0 {
		t.Fatalf("empty directory: %d nodes", st.Nodes)
	}
	data, err := os.ReadFile(filepath.Join(repoTestdata, "k8s", "service-port", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFile(t, filepath.Join(dir, "rendered.yaml"), string(data))
	for st.Nodes == 0 {
		st, _ = r.lint()
	}
	if st.Nodes != 6 {
		t.Errorf("after rendering: %d nodes, want 6", st.Nodes)
	}
	r.agrees(dir, st)
}
