package lint

import (
	"context"
	"strings"
	"testing"
)

// FuzzLoadManifests: whatever the bytes, loading manifests and linting
// them never panics, and every finding is in the stream.
func FuzzLoadManifests(f *testing.F) {
	f.Add(testManifests)
	f.Add("kind: ConfigMap\nmetadata: {name: x\n")
	f.Add("kind: List\nitems: [1, {kind: Service}]\n")
	f.Add("a: &a [*a]\n")
	f.Add("kind: ConfigMap\ndata:\n  deployment.toml: |\n    [server\n")
	f.Add("kind: Deployment\nspec: {replicas: -1, template: {spec: {volumes: [{configMap: {}}]}}}\n---\n{1: 2}\n")
	f.Add("kind: StatefulSet\nmetadata: {name: s}\nspec: {replicas: 2000000000}\n")
	f.Fuzz(func(t *testing.T, src string) {
		fl, err := LoadManifests(strings.NewReader(src), "f.yaml", LoadOptions{})
		if err != nil {
			return
		}
		res, err := (&Linter{Rules: []*Rule{keyRule}}).Run(context.Background(), fl)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range res.Findings {
			if fd.File != "f.yaml" || fd.Line < 0 {
				t.Fatalf("finding at %s:%d", fd.File, fd.Line)
			}
		}
	})
}
