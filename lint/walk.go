package lint

import (
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/apimlint/apimlint/wso2"
)

// NodeFile is a node file found below a fleet directory.
type NodeFile struct {
	Path string // the directory as given joined with the file below it
	Rel  string // slash path below the directory
	Name string // node name
}

// FleetTree is what Load reads below a fleet directory: its node files and
// the directories it walked to find them. Watch watches exactly these, so
// that it sees the fleet lint sees.
type FleetTree struct {
	Files []NodeFile
	// Dirs are the directories walked, under the names they were walked
	// by (a symlinked directory by the link's path).
	Dirs []string
	// configDirs are the slash paths below the root ("." for the root) of
	// the walked directories that hold a fleet config (.apimlint.toml, a
	// regular file or a link to one). Discovery needs them; the walk sees
	// them in the listings it reads anyway, where a stat of every
	// directory cost another 40% of the walk.
	configDirs map[string]bool
}

// WalkFleet finds the node files below root as Load does. Symlinks to
// directories are followed; dot directories (.git, Kubernetes' ..data)
// are not walked, though a node file may link into one (a mounted
// ConfigMap's deployment.toml -> ..data/deployment.toml).
//
// A file is identified by its real path: a directory reached twice (a
// symlink alias of a node directory, a link to an ancestor) is walked
// once, and a node file linked from two places is one node. The name
// without symlinks wins: real directories are walked before any linked
// one.
func WalkFleet(root string) (*FleetTree, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("load %s: not a directory", root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", root, err)
	}
	w := &fleetWalker{root: root, tree: &FleetTree{}, seenDirs: map[string]bool{}, seenFiles: map[string]bool{}}
	w.queue = append(w.queue, pendingDir{dir: root, rel: "", real: realRoot})
	for len(w.queue) > 0 {
		d := w.queue[0]
		w.queue = w.queue[1:]
		if err := w.walk(d); err != nil {
			return nil, err
		}
	}
	return w.tree, nil
}

type pendingDir struct {
	dir, rel string
	real     string // the directory's path without symlinks
}

type fleetWalker struct {
	root      string
	tree      *FleetTree
	queue     []pendingDir // linked directories, walked after the real ones
	seenDirs  map[string]bool
	seenFiles map[string]bool
}

func (w *fleetWalker) walk(d pendingDir) error {
	if w.seenDirs[d.real] {
		return nil
	}
	w.seenDirs[d.real] = true
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("load %s: %w", d.dir, err)
	}
	w.tree.Dirs = append(w.tree.Dirs, d.dir)
	for _, e := range entries {
		full := filepath.Join(d.dir, e.Name())
		childRel := path.Join(d.rel, e.Name())
		real := filepath.Join(d.real, e.Name())
		isDir := e.IsDir()
		linked := e.Type()&fs.ModeSymlink != 0
		var info os.FileInfo
		if linked {
			if info, err = os.Stat(full); err != nil {
				continue // dangling link
			}
			isDir = info.IsDir()
			if real, err = filepath.EvalSymlinks(full); err != nil {
				continue
			}
		}
		if isDir {
			if skipDir(e.Name()) {
				continue
			}
			next := pendingDir{dir: full, rel: childRel, real: real}
			if linked {
				w.queue = append(w.queue, next)
				continue
			}
			if err := w.walk(next); err != nil {
				return err
			}
			continue
		}
		if e.Name() == ConfigFileName {
			if info == nil && e.Type().IsRegular() || isFile(full) {
				if w.tree.configDirs == nil {
					w.tree.configDirs = map[string]bool{}
				}
				w.tree.configDirs[cmp.Or(d.rel, ".")] = true
			}
			continue
		}
		if e.Name() != NodeFileName {
			continue
		}
		// A FIFO or device named deployment.toml would block the read
		// forever: only regular files (or links to them) are nodes.
		if info == nil && !e.Type().IsRegular() || info != nil && !info.Mode().IsRegular() {
			continue
		}
		if w.seenFiles[real] {
			continue
		}
		w.seenFiles[real] = true
		w.tree.Files = append(w.tree.Files, NodeFile{Path: full, Rel: childRel, Name: wso2.NodeName(w.root, childRel)})
	}
	return nil
}
