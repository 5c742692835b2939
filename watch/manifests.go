package watch

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/apimlint/apimlint/lint"
)

// A directory of rendered Kubernetes manifests (*.yaml, *.yml, no
// deployment.toml: lint.IsManifestInput) is watched as lint reads it: one
// fleet built from every manifest below the root, nodes from the
// ConfigMaps the workloads mount, addresses from the Services. Nodes and
// Services link across files, so a change of any manifest loads them all
// again; there is no per-file cache as for node files.

// lintManifests loads the manifests below the root and lints them.
func (w *Watcher) lintManifests(ctx context.Context, initial bool, start time.Time) error {
	if initial || w.full || w.rescan {
		if err := w.scan(); err != nil {
			if initial {
				return fmt.Errorf("watch: %w", err)
			}
			w.emit(Event{Kind: EventError, Message: err.Error()})
		}
	}
	w.full, w.rescan, w.structural = false, false, false
	clear(w.dirty)
	clear(w.touched)
	fleet, err := lint.LoadPaths([]string{w.opts.Root}, nil, lint.LoadOptions{ConfigFile: w.opts.ConfigFile})
	if err != nil {
		if initial {
			return fmt.Errorf("watch: %w", err)
		}
		// A manifest being written: keep the last state until it reads.
		w.emit(Event{Kind: EventError, Message: fmt.Sprintf("%v; keeping the last state", err)})
		return nil
	}
	rs := w.rulesFor(fleet)
	linter := lint.Linter{Rules: rs}
	res, err := linter.Run(ctx, fleet)
	if err != nil {
		return fmt.Errorf("watch: lint: %w", err)
	}
	stats := &Stats{Nodes: len(fleet.Nodes), Summary: res.Summary(), Reread: w.countManifests(), Duration: time.Since(start)}
	w.report(initial, res.Findings, stats)
	return nil
}

// countManifests counts the manifest files below the root: every one is
// read again on each lint.
func (w *Watcher) countManifests() int {
	n := 0
	_ = filepath.WalkDir(w.opts.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // an unreadable entry is not counted; LoadPaths reports it
		}
		if d.IsDir() && p != w.opts.Root && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && lint.IsManifestPath(p) {
			n++
		}
		return nil
	})
	return n
}
