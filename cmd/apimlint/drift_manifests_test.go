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

// TestDriftManifestsRemovedNode: a baseline taken on one directory of
// manifests and drift run on another point a node that is gone at the
// manifest file drift was given (not at the baseline's directory joined
// below it).
func TestDriftManifestsRemovedNode(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoTestdata, "k8s", "configmap-unmounted", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	before, after := filepath.Join(dir, "planted"), filepath.Join(dir, "correct")
	// Without the ConfigMap wso2-am-gateway-conf-old (its document starts
	// at line 512, the next at 591).
	lines := strings.Split(string(src), "\n")
	if !strings.Contains(lines[515], "name: wso2-am-gateway-conf-old") || lines[590] != "---" {
		t.Fatalf("fixture moved: %q %q", lines[515], lines[590])
	}
	trimmed := strings.Join(append(lines[:511:511], lines[590:]...), "\n")
	for d, data := range map[string]string{before: string(src), after: trimmed} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "rendered.yaml"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := filepath.Join(dir, "baseline.json")
	if _, errOut, code := apimlint(t, "baseline", before, "-o", base); code != exitOK {
		t.Fatalf("baseline: exit %d\n%s", code, errOut)
	}
	for _, path := range []string{after, filepath.Join(after, "rendered.yaml")} {
		out, errOut, code := apimlint(t, "drift", "--baseline", base, path)
		want := filepath.Join(after, "rendered.yaml") + ":1:1: warning: node apim-prod/configmap/wso2-am-gateway-conf-old removed since the baseline"
		if code != exitFindings || !strings.Contains(out, want) {
			t.Errorf("drift on %s: exit %d, want\n%s\ngot\n%s%s", path, code, want, out, errOut)
		}
	}
}
