package main

import "github.com/apimlint/apimlint/lint"

// loadDriftPaths loads the fleet baseline and drift were given: TOML
// fleet directories and files, or Kubernetes manifests (*.yaml, *.yml,
// directories of them, "-" for standard input) with any TOML folders given
// with them, as lint loads them.
func loadDriftPaths(paths []string, manifests bool, config string) (*lint.Fleet, error) {
	opts := lint.LoadOptions{ConfigFile: config}
	if manifests {
		return loadLintPaths(paths, opts)
	}
	return lint.Load(paths, opts)
}
