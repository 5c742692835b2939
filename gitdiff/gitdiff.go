// Package gitdiff finds the lines of a git work tree that changed since a
// revision, and keeps only the lint findings on them: the
// `apimlint lint --new-from-rev REV` gate for teams that cannot fix an
// estate's old findings first.
package gitdiff

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// Changes are the lines changed since a revision, per file. A file that
// is new (untracked, added or renamed) counts as changed on every line.
type Changes struct {
	// Root is the work tree's top directory.
	Root  string
	lines map[string]map[int]bool // slash path under Root -> changed lines
	whole map[string]bool         // files changed on every line
	// relOf caches rel: findings name the same few files many times.
	relOf map[string]string
}

// Since runs git in dir (any directory of the work tree) and collects the
// lines that differ between rev and the working files, uncommitted edits
// and untracked files included.
func Since(ctx context.Context, dir, rev string) (*Changes, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("--new-from-rev: %w: %w", ErrNoGit, err)
	}
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("revision %q: must not start with -", rev)
	}
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git work tree: %w", dir, err)
	}
	c := &Changes{Root: strings.TrimSpace(string(top)), lines: map[string]map[int]bool{}, whole: map[string]bool{}, relOf: map[string]string{}}
	if _, err := git(ctx, c.Root, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("unknown git revision %q", rev)
	}
	diff, err := git(ctx, c.Root, "diff", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0", rev, "--")
	if err != nil {
		return nil, fmt.Errorf("git diff %s: %w", rev, err)
	}
	if err := c.parseDiff(diff); err != nil {
		return nil, err
	}
	untracked, err := git(ctx, c.Root, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	for _, p := range bytes.Split(untracked, []byte{0}) {
		if len(p) > 0 {
			c.whole[string(p)] = true
		}
	}
	return c, nil
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "-c", "core.quotePath=false"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	return out, nil
}

// parseDiff reads `git diff --unified=0`: the +++ line names the file,
// each @@ -a,b +c,d @@ hunk changes lines c..c+d-1 of it (a pure deletion,
// d = 0, touches the lines around the gap).
func (c *Changes) parseDiff(diff []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(diff))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	file := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimPrefix(line, "+++ ")
			if name == "/dev/null" {
				file = ""
				continue
			}
			file = strings.TrimPrefix(unquote(name), "b/")
		case strings.HasPrefix(line, "@@ ") && file != "":
			start, count, err := hunkNew(line)
			if err != nil {
				return fmt.Errorf("git diff: %w", err)
			}
			set := c.lines[file]
			if set == nil {
				set = map[int]bool{}
				c.lines[file] = set
			}
			if count == 0 {
				set[max(start, 1)] = true
				set[start+1] = true
				continue
			}
			for l := start; l < start+count; l++ {
				set[l] = true
			}
		}
	}
	return sc.Err()
}

// unquote undoes git's C-style quoting of unusual file names.
func unquote(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// hunkNew parses the new-file range of a hunk header.
func hunkNew(header string) (start, count int, err error) {
	fields := strings.Fields(header)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, fmt.Errorf("bad hunk header %q", header)
	}
	r := strings.TrimPrefix(fields[2], "+")
	s, n, hasCount := strings.Cut(r, ",")
	start, err = strconv.Atoi(s)
	if err != nil {
		return 0, 0, fmt.Errorf("bad hunk header %q", header)
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(n); err != nil {
			return 0, 0, fmt.Errorf("bad hunk header %q", header)
		}
	}
	return start, count, nil
}

// rel turns a finding's file into a slash path under Root ("" when
// outside the work tree).
func (c *Changes) rel(file string) string {
	if r, ok := c.relOf[file]; ok {
		return r
	}
	r := c.relUncached(file)
	c.relOf[file] = r
	return r
}

func (c *Changes) relUncached(file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	root := c.Root
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// LineChanged reports whether a line of a file changed.
func (c *Changes) LineChanged(file string, line int) bool {
	r := c.rel(file)
	return r != "" && (c.whole[r] || c.lines[r][line])
}

// FileChanged reports whether any line of a file changed.
func (c *Changes) FileChanged(file string) bool {
	r := c.rel(file)
	return r != "" && (c.whole[r] || len(c.lines[r]) > 0)
}

// Filter returns the processor that keeps only new findings: those on a
// changed line, and cross-node findings (with related places in other
// files) when any file involved changed, since an edit on one node can
// break its peers.
func (c *Changes) Filter() lint.Processor { return newOnly{c} }

type newOnly struct{ c *Changes }

func (newOnly) Name() string { return "new-from-rev" }

func (p newOnly) Process(_ *lint.Fleet, fs []lint.Finding) ([]lint.Finding, error) {
	out := fs[:0]
	for _, f := range fs {
		if p.keep(f) {
			out = append(out, f)
		}
	}
	return out, nil
}

func (p newOnly) keep(f lint.Finding) bool {
	if p.c.LineChanged(f.File, f.Line) {
		return true
	}
	crossNode := false
	for _, r := range f.Related {
		crossNode = crossNode || r.File != f.File
	}
	if !crossNode {
		return false
	}
	if p.c.FileChanged(f.File) {
		return true
	}
	for _, r := range f.Related {
		if p.c.FileChanged(r.File) {
			return true
		}
	}
	return false
}

// ErrNoGit is returned by Since when git is not installed.
var ErrNoGit = errors.New("git not found")
