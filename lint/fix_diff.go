package lint

import (
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// Diff returns what the plan changes in file as a unified diff (a/… and
// b/… names, as git writes them). Every plain secret value of the file's
// fleet is hidden ("****"), in context lines too: a diff is output like
// any other, and its context shows lines next to the fix, which may hold
// a password. Such a hunk no longer applies as a patch; --fix writes the
// real bytes.
func (p *FixPlan) Diff(file string) string {
	name := strings.TrimPrefix(filepath.ToSlash(file), "/")
	d := udiff.Unified("a/"+name, "b/"+name, string(p.Old[file]), string(p.Files[file]))
	if s := p.secrets[file]; s != nil {
		d = s.scrub(d)
	}
	return d
}

// Include adds another fleet's plan to p (an estate plans its fleets one
// at a time).
func (p *FixPlan) Include(q *FixPlan) {
	if p.Files == nil {
		p.Files, p.Old = map[string][]byte{}, map[string][]byte{}
	}
	if p.secrets == nil {
		p.secrets = map[string]*secretSet{}
	}
	for file, data := range q.Files {
		p.Files[file] = data
		p.Old[file] = q.Old[file]
		p.secrets[file] = q.secrets[file]
	}
	p.Applied = append(p.Applied, q.Applied...)
	p.Conflicts = append(p.Conflicts, q.Conflicts...)
}
