package rules

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

// TestK8sManifestSets lints the rendered manifests in testdata/k8s with
// every rule: the clean set has no finding at warning or above, and each
// broken twin exactly the rules its one planted mistake trips, at lines
// of the manifest that hold the key reported.
func TestK8sManifestSets(t *testing.T) {
	want := map[string][]string{
		"clean":               nil,
		"service-port":        {"k8s-service-port"},
		"service-missing":     {"event-hub-service-url", "k8s-service-missing"},
		"configmap-unmounted": {"k8s-configmap-unmounted"},
		"secret-env":          {"k8s-secret-env"},
		"replicas-gateway-id": {"k8s-replicas-gateway-id"},
	}
	for set, rules := range want {
		t.Run(set, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "k8s", set)
			f, err := lint.LoadPaths([]string{dir}, strings.NewReader(""), lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Manifests == nil || len(f.Nodes) < 6 {
				t.Fatalf("%s: %d nodes, manifests %v", dir, len(f.Nodes), f.Manifests != nil)
			}
			l := lint.Linter{Rules: All()}
			res, err := l.Run(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(filepath.Join(dir, "rendered.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(src), "\n")
			var got []string
			for _, fd := range res.Findings {
				if fd.Severity < lint.SeverityWarning {
					continue
				}
				if !slices.Contains(got, fd.Rule) {
					got = append(got, fd.Rule)
				}
				if !strings.HasSuffix(fd.File, "rendered.yaml") || fd.Line < 1 || fd.Line > len(lines) {
					t.Errorf("%s: not a position in the manifest", fd.File)
					continue
				}
				if fd.Key != "" {
					leaf := fd.Key[strings.LastIndex(fd.Key, ".")+1:]
					if l := lines[fd.Line-1]; !strings.Contains(l, leaf+" =") || fd.Column < 1 || fd.Column > len(l) || l[fd.Column-1] != '"' && l[fd.Column-1] != '[' {
						t.Errorf("%s:%d:%d (%s) is not at the key's value: %q", fd.File, fd.Line, fd.Column, fd.Key, l)
					}
				}
				if strings.Contains(fd.Message, "changeit-in-values") {
					t.Errorf("a secret value is printed: %s", fd.Message)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, rules) {
				for _, fd := range res.Findings {
					t.Logf("%s:%d:%d %s %s", fd.File, fd.Line, fd.Column, fd.Rule, fd.Message)
				}
				t.Errorf("rules at warning or above: %v, want %v", got, rules)
			}
		})
	}
}

// TestK8sEndpointRulesJudgeThePodPort: a URL to a Service port that
// forwards to another container port (443 → 9443) is judged by the
// endpoint rules at the pod's port, not the Service's.
func TestK8sEndpointRulesJudgeThePodPort(t *testing.T) {
	a, err := fleettest.ReadArchive(filepath.Join("testdata", "k8s-service-port", "clean.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), f, []*lint.Rule{KeyManagerURL}, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range res.Findings {
		t.Errorf("%s:%d: %s (%s)", fd.File, fd.Line, fd.Message, fd.Rule)
	}
	if p, ok := f.Manifests.PodPort("km-svc", 443, f.Node("apim/deployment/gw")); !ok || p != 9443 {
		t.Errorf("PodPort(km-svc:443) = %d, %v; want 9443", p, ok)
	}
}
