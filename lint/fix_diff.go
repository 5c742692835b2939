package lint

import (
	"path/filepath"
	"strings"
)

// Diff returns what the plan changes in file as a unified diff (a/… and
// b/… names, as git writes them) that patch -p1 applies. No plain secret
// value of the file's fleet is printed: a line that holds one is never
// shown as context (the hunk's context stops short of it, or the hunk is
// split around it), and a changed line that holds one is shown with the
// value hidden ("****"). Such a diff no longer applies as it stands; a
// "# apimlint:" line before it says so (patch and git apply skip it), and
// DiffHidesChange reports it. --fix writes the real bytes.
func (p *FixPlan) Diff(file string) string {
	d, redacted := p.unified(file)
	if redacted {
		d = DiffHiddenNote + "\n" + d
	}
	return d
}

// DiffHiddenNote is the comment line Diff writes before a file's diff
// when a changed line of it holds a secret, shown hidden.
const DiffHiddenNote = "# apimlint: a changed line below holds a secret, shown as ****: this diff does not apply as it stands; apply the fix with --fix"

// DiffHidesChange reports whether Diff(file) hides a secret on a changed
// line, so that the diff does not apply as it stands.
func (p *FixPlan) DiffHidesChange(file string) bool {
	_, redacted := p.unified(file)
	return redacted
}

func (p *FixPlan) unified(file string) (string, bool) {
	name := strings.TrimPrefix(filepath.ToSlash(file), "/")
	oldLines := splitLinesKeepEnds(string(p.Old[file]))
	newLines := splitLinesKeepEnds(string(p.Files[file]))
	s := p.secrets[file]
	lines := p.secretLines[file]
	hidden := func(i int) bool { return lines[i] }
	redact := func(l string) string { return l }
	if s != nil {
		hidden = func(i int) bool { return lines[i] || s.in(oldLines[i]) != nil }
		redact = s.scrub
	}
	d, redacted := unifiedDiff("a/"+name, "b/"+name, oldLines, newLines, hidden, redact)
	if s != nil {
		// A secret written over several lines is in no one line.
		if whole := s.scrub(d); whole != d {
			d, redacted = whole, true
		}
	}
	return d, redacted
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
		if p.secretLines == nil {
			p.secretLines = map[string]map[int]bool{}
		}
		p.secretLines[file] = q.secretLines[file]
	}
	p.Applied = append(p.Applied, q.Applied...)
	p.Conflicts = append(p.Conflicts, q.Conflicts...)
}
