package report

import (
	"os"
	"path"
	"path/filepath"
	"strings"
)

// pathMapper turns the files of findings into the paths CI systems place
// annotations with: relative to the root of the git work tree the file is
// in (the checkout GitHub, GitLab and Jenkins resolve paths against),
// else relative to the working directory; with a prefix, the path
// relative to the working directory under that prefix. It never returns an
// absolute local path.
type pathMapper struct {
	cwd    string
	prefix string
	roots  map[string]string // directory -> work tree root ("" when none)
}

func newPathMapper(prefix string) *pathMapper {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = ""
	}
	return &pathMapper{cwd: cwd, prefix: prefix, roots: map[string]string{}}
}

// rel returns file's slash path relative to its repository root, or to the
// working directory, with the prefix in front when one is set.
func (m *pathMapper) rel(file string) string {
	abs := file
	if !filepath.IsAbs(abs) && m.cwd != "" {
		abs = filepath.Join(m.cwd, abs)
	}
	if m.prefix != "" {
		r := file
		if m.cwd != "" {
			if x, err := filepath.Rel(m.cwd, abs); err == nil {
				r = x
			}
		}
		return path.Join(m.prefix, cleanSlash(r))
	}
	if root := m.workTree(filepath.Dir(abs)); root != "" {
		if x, err := filepath.Rel(root, abs); err == nil && !escapes(x) {
			return cleanSlash(x)
		}
	}
	if m.cwd != "" {
		if x, err := filepath.Rel(m.cwd, abs); err == nil {
			return cleanSlash(x)
		}
	}
	if filepath.IsAbs(file) {
		// Another volume, no work tree: the file's name is all that can
		// be said without naming a local path.
		return filepath.Base(file)
	}
	return cleanSlash(file)
}

// workTree finds the git work tree holding dir: the nearest ancestor with
// a .git entry (a directory, or a file in worktrees and submodules).
func (m *pathMapper) workTree(dir string) string {
	if root, ok := m.roots[dir]; ok {
		return root
	}
	root := ""
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
		root = dir
	} else if parent := filepath.Dir(dir); parent != dir {
		root = m.workTree(parent)
	}
	m.roots[dir] = root
	return root
}

func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func cleanSlash(p string) string {
	return strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./")
}
