package main

import (
	"os"

	"github.com/apimlint/apimlint/lint"
)

// loadLintPaths loads what lint was given: fleet directories and
// deployment.toml files, and Kubernetes manifests (*.yaml, *.yml,
// directories of them, "-" for standard input).
func loadLintPaths(paths []string, opts lint.LoadOptions) (*lint.Fleet, error) {
	return lint.LoadPaths(paths, os.Stdin, opts)
}
