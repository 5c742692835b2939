package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/apimlint/apimlint/internal/tomldoc"
	"github.com/apimlint/apimlint/wso2"
)

// Loader loads one fleet directory again and again, re-reading only the
// node files it is told changed: the incremental loader behind watch. It
// names, excludes and parses files exactly as Load does, so that a
// re-lint reports what a fresh lint of the same tree would.
type Loader struct {
	root       string
	configFile string // as given; empty means root/.apimlint.toml
	cfg        *Config
	cfgDiag    []Finding
	nodes      map[string]*Node // by file path
	scratch    *tomldoc.Scratch
}

// NewLoader prepares a loader for the fleet directory root. configFile is
// the fleet config; root/.apimlint.toml (optional) when empty.
func NewLoader(root, configFile string) *Loader {
	l := &Loader{root: filepath.Clean(root), nodes: map[string]*Node{}, cfg: &Config{}, scratch: tomldoc.NewScratch()}
	if configFile != "" {
		l.configFile = filepath.Clean(configFile)
	}
	return l
}

// Root is the fleet directory.
func (l *Loader) Root() string { return l.root }

// ConfigFile is the fleet config's path, whether or not it exists.
func (l *Loader) ConfigFile() string {
	if l.configFile != "" {
		return l.configFile
	}
	return filepath.Join(l.root, ConfigFileName)
}

// Config is the fleet config in force.
func (l *Loader) Config() *Config { return l.cfg }

// LoadConfig reads the fleet config again. On an error the previous config
// stays in force (an empty one at first), so a config being saved does not
// stop the fleet from being linted. Callers re-read every node afterwards:
// the config decides roles, offsets and addresses.
func (l *Loader) LoadConfig() error {
	file := l.ConfigFile()
	data, err := readNodeFile(file)
	switch {
	case err == nil:
		l.cfg, l.cfgDiag = ParseConfig(file, data)
		if l.cfg == nil {
			l.cfg = &Config{}
		}
	case errors.Is(err, fs.ErrNotExist) && l.configFile == "":
		l.cfg, l.cfgDiag = &Config{}, nil
	default:
		return fmt.Errorf("load config %s: %w", file, err)
	}
	return nil
}

// Files are the node files the loader holds.
func (l *Loader) Files() []string {
	out := make([]string, 0, len(l.nodes))
	for p := range l.nodes {
		out = append(out, p)
	}
	return out
}

// Has reports whether the loader holds a node for the file.
func (l *Loader) Has(file string) bool { return l.nodes[file] != nil }

// Refresh reads the node file at file (a path below the root) again.
// A file that is gone, excluded by the config or outside the root is
// forgotten. An unreadable file keeps its last state and returns the
// error. reparse parses the file even when its bytes did not change.
// read reports whether the file was read.
func (l *Loader) Refresh(file string, reparse bool) (read bool, err error) {
	rel, below := relBelow(l.root, file)
	if !below {
		delete(l.nodes, file)
		return false, nil
	}
	name := wso2.NodeName(l.root, rel)
	if l.cfg.Excludes(rel, name) {
		delete(l.nodes, file)
		return false, nil
	}
	data, err := readNodeFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		delete(l.nodes, file)
		return true, nil
	case err != nil:
		return true, err
	}
	if old := l.nodes[file]; old != nil && !reparse && string(old.Src) == string(data) {
		return true, nil
	}
	n, err := l.parse(name, file, data)
	if err != nil {
		return true, err
	}
	n.Rel = rel
	l.nodes[file] = n
	return true, nil
}

// Fleet assembles the nodes the loader holds into a fleet, as Load would
// from the same files. The loader's nodes are not changed: the fleet gets
// copies wherever assembling decides something fleet-wide.
func (l *Loader) Fleet() *Fleet {
	nodes := make([]*Node, 0, len(l.nodes))
	for _, n := range l.nodes {
		nodes = append(nodes, n)
	}
	f := NewFleet(l.root, nodes, l.cfg)
	f.Diagnostics = append([]Finding(nil), l.cfgDiag...)
	return f
}

// Scan walks the fleet directory as Load does (see WalkFleet) and forgets
// the nodes whose files it no longer finds there: a file removed, or now
// an alias of another. Callers Refresh the files it returns.
func (l *Loader) Scan() (*FleetTree, error) {
	tree, err := WalkFleet(l.root)
	if err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(tree.Files))
	for _, f := range tree.Files {
		found[f.Path] = true
	}
	for p := range l.nodes {
		if !found[p] {
			delete(l.nodes, p)
		}
	}
	return tree, nil
}

// parse makes the node of one file. A bug that panics on some input must
// not take a long-running watcher down with it: the file keeps its last
// state and the panic is its error.
func (l *Loader) parse(name, file string, data []byte) (n *Node, err error) {
	defer func() {
		if e := recover(); e != nil {
			n, err = nil, &fs.PathError{Op: "parse", Path: file, Err: fmt.Errorf("internal error: %v", e)}
			l.scratch = tomldoc.NewScratch() // may be left half-used
		}
	}()
	return newNode(name, file, data, l.cfg, ResolveOptions{}, l.scratch), nil
}

// relBelow returns file's slash path below root, and whether it is below
// it at all (a path that cannot be made relative is not).
func relBelow(root, file string) (string, bool) {
	rel, err := filepath.Rel(root, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
