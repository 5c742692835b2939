package main

import (
	"fmt"
	"io"
	"os"

	"github.com/apimlint/apimlint/lint"
)

// loadLintPaths loads what lint was given: fleet directories and
// deployment.toml files, and Kubernetes manifests (*.yaml, *.yml,
// directories of them, "-" for standard input).
func loadLintPaths(paths []string, opts lint.LoadOptions) (*lint.Fleet, error) {
	return lint.LoadPaths(paths, os.Stdin, opts)
}

// describeWorkload says, for `apimlint nodes`, which workload runs a node
// made from a ConfigMap, and that its replicas are an HA group of
// identical peers sharing the one file.
func describeWorkload(w io.Writer, f *lint.Fleet, n *lint.Node) {
	mn := f.Manifests.Node(n.Name)
	switch {
	case mn == nil:
	case mn.Workload == nil:
		fmt.Fprintf(w, "  workload:  none (%s is not mounted)\n", mn.ConfigMap)
	case mn.Workload.Replicas > 1:
		fmt.Fprintf(w, "  workload:  %s, %d replicas: an HA group of identical peers sharing %s\n", mn.Workload.ObjectRef, mn.Workload.Replicas, mn.ConfigMap)
	default:
		fmt.Fprintf(w, "  workload:  %s, mounting %s\n", mn.Workload.ObjectRef, mn.ConfigMap)
	}
}
