package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDriftOnManifests: baseline and drift take Kubernetes manifests (a
// file, or a directory of them) as lint does; a changed key is reported
// at its line in the YAML block scalar, and a key removed whose default is
// the recorded value is no drift.
func TestDriftOnManifests(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoTestdata, "k8s", "clean", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	manifests := filepath.Join(dir, "rendered")
	if err := os.MkdirAll(manifests, 0o755); err != nil {
		t.Fatal(err)
	}
	yamlFile := filepath.Join(manifests, "rendered.yaml")
	write := func(data string) {
		t.Helper()
		if err := os.WriteFile(yamlFile, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(string(src))
	base := filepath.Join(dir, "baseline.json")
	if _, errOut, code := apimlint(t, "baseline", yamlFile, "-o", base); code != exitOK || !strings.Contains(errOut, "baseline of 6 nodes") {
		t.Fatalf("baseline of manifests: exit %d\n%s", code, errOut)
	}
	for _, path := range []string{yamlFile, manifests} {
		if out, errOut, code := apimlint(t, "drift", "--baseline", base, path); code != exitOK || !strings.Contains(out, "no findings in 6 nodes") {
			t.Fatalf("drift of unchanged manifests %s: exit %d\n%s%s", path, code, out, errOut)
		}
	}
	// The control plane's [apim.event_hub] enable = true is at line 84.
	lines := strings.Split(string(src), "\n")
	if lines[83] != "    enable = true" || !strings.Contains(lines[82], "[apim.event_hub]") {
		t.Fatalf("fixture moved: line 83-84 %q %q", lines[82], lines[83])
	}
	lines[83] = "    enable = false"
	write(strings.Join(lines, "\n"))
	out, errOut, code := apimlint(t, "drift", "--baseline", base, manifests)
	want := yamlFile + ":84:14: warning: apim.event_hub.enable changed since the baseline: was true, now false (baseline-drift)"
	if code != exitFindings || !strings.Contains(out, want) || strings.Count(out, "baseline-drift") != 1 {
		t.Fatalf("drift of a changed manifest: exit %d, want\n%s\ngot\n%s%s", code, want, out, errOut)
	}
	// Removed, the key takes its default (true in every version): the
	// control plane runs as recorded.
	write(strings.Join(append(lines[:83:83], lines[84:]...), "\n"))
	if out, errOut, code := apimlint(t, "drift", "--baseline", base, yamlFile); code != exitOK {
		t.Fatalf("a key removed whose default is the recorded value drifted: exit %d\n%s%s", code, out, errOut)
	}
}
