package rules

import (
	"context"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/lint"
)

// manifestsOf renders a generated fleet as Kubernetes manifests: per node
// a ConfigMap, a Deployment mounting it and a Service named as the node's
// directory (the host the other nodes use for it).
func manifestsOf(files []fleetgen.File) []byte {
	var b strings.Builder
	for _, f := range files {
		name := path.Dir(f.Path)
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-conf\n  namespace: apim\ndata:\n  deployment.toml: |\n", name)
		for _, l := range strings.Split(strings.TrimRight(string(f.Data), "\n"), "\n") {
			if l == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("    " + l + "\n")
		}
		fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %[1]s\n  namespace: apim\nspec:\n  template:\n    metadata:\n      labels: {node: %[1]s}\n    spec:\n      volumes:\n      - {name: conf, configMap: {name: %[1]s-conf}}\n      containers:\n      - {name: am, image: wso2am}\n", name)
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %[1]s\n  namespace: apim\nspec:\n  selector: {node: %[1]s}\n  ports:\n  - {port: 9443}\n", name)
	}
	return []byte(b.String())
}

// BenchmarkK8sManifests loads and lints a 3,000-node fleet given as TOML
// files and as manifests (the budget: manifests within 1.5× TOML).
func BenchmarkK8sManifests(b *testing.B) {
	gen := fleetgen.Generate(fleetgen.Sized(3000))
	files := map[string][]byte{}
	for _, f := range gen {
		files[f.Path] = f.Data
	}
	yaml := manifestsOf(gen)
	lintAll := func(b *testing.B, f *lint.Fleet) {
		if _, err := lint.Run(context.Background(), f, All(), lint.RunOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("toml", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.LoadFiles(".", files, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			lintAll(b, f)
		}
	})
	b.Run("manifests", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.LoadManifests(strings.NewReader(string(yaml)), "rendered.yaml", lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if len(f.Nodes) != len(gen) {
				b.Fatalf("%d nodes from manifests, want %d", len(f.Nodes), len(gen))
			}
			lintAll(b, f)
		}
	})
}
