package lint

import (
	"fmt"
	"strings"

	"github.com/aymanbagabas/go-udiff/lcs"
)

// diffContext is how many unchanged lines a hunk shows on each side of a
// change, as diff -u does.
const diffContext = 3

// unifiedDiff writes old → new as a unified diff that GNU patch and git
// apply accept, with one rule more than diff -u: a line for which
// hidden(i) holds (i indexes oldLines) is never shown as context, since it
// holds a secret. A hunk's context then stops short of such a line, and a
// gap of unchanged lines that holds one splits the hunk in two. Changed
// lines are shown through redact; redacted reports whether that hid
// anything, the diff then does not apply as it stands.
func unifiedDiff(oldName, newName string, oldLines, newLines []string, hidden func(int) bool, redact func(string) string) (text string, redacted bool) {
	changes := lcs.DiffLines(oldLines, newLines)
	if len(changes) == 0 {
		return "", false
	}
	// hiddenIn reports whether any old line in [from, to) is hidden.
	hiddenIn := func(from, to int) bool {
		for i := from; i < to; i++ {
			if hidden(i) {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", oldName, newName)
	for first := 0; first < len(changes); {
		last := first
		for last+1 < len(changes) {
			gapFrom, gapTo := changes[last].End, changes[last+1].Start
			if gapTo-gapFrom > 2*diffContext || hiddenIn(gapFrom, gapTo) {
				break
			}
			last++
		}
		lead := 0
		for lead < diffContext && changes[first].Start-lead > 0 && !hidden(changes[first].Start-lead-1) {
			lead++
		}
		trail := 0
		for trail < diffContext && changes[last].End+trail < len(oldLines) && !hidden(changes[last].End+trail) {
			trail++
		}
		// GNU patch takes a hunk with less context after its change than
		// before it for one that ends the file, and applies it nowhere
		// else: unless the hunk does end the file, show no more before
		// than after.
		if changes[last].End+trail < len(oldLines) && trail < lead {
			lead = trail
		}
		oldFrom, newFrom := changes[first].Start-lead, changes[first].ReplStart-lead
		oldTo, newTo := changes[last].End+trail, changes[last].ReplEnd+trail
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(oldFrom, oldTo-oldFrom), hunkRange(newFrom, newTo-newFrom))
		writeLines(&b, ' ', oldLines[oldFrom:changes[first].Start], nil)
		for i := first; i <= last; i++ {
			c := changes[i]
			if i > first {
				writeLines(&b, ' ', oldLines[changes[i-1].End:c.Start], nil)
			}
			redacted = writeLines(&b, '-', oldLines[c.Start:c.End], redact) || redacted
			redacted = writeLines(&b, '+', newLines[c.ReplStart:c.ReplEnd], redact) || redacted
		}
		writeLines(&b, ' ', oldLines[changes[last].End:oldTo], nil)
		first = last + 1
	}
	return b.String(), redacted
}

// hunkRange is a hunk header's range as diff -u writes it: 1-based start
// and count, the count left out when it is 1, and an empty range named by
// the line before it.
func hunkRange(from, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", from)
	case 1:
		return fmt.Sprint(from + 1)
	}
	return fmt.Sprintf("%d,%d", from+1, count)
}

// writeLines writes lines with a diff prefix, each through redact when it
// is given; it reports whether redact changed one.
func writeLines(b *strings.Builder, prefix byte, lines []string, redact func(string) string) (changed bool) {
	for _, l := range lines {
		if redact != nil {
			if r := redact(l); r != l {
				l, changed = r, true
			}
		}
		b.WriteByte(prefix)
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
	return changed
}

// splitLinesKeepEnds splits text into lines that keep their "\n"; a last
// line without one is a line too.
func splitLinesKeepEnds(text string) []string {
	var lines []string
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}
