package helmchart

import "strings"

// The rendered output of a template is mostly the template's own text
// (and that of the files it passes through tpl) with expressions filled
// in. mapLines finds, for each rendered line, the source line it was
// written on:
//
//  1. Verbatim lines (the same text once indentation is set aside) are
//     matched in order: the nearest occurrence after the previous match in
//     the same source, else in the other sources in order of likelihood.
//  2. A run of lines templating changed, between two matched lines of one
//     source as far apart there as in the output, maps line by line: the
//     source line is the template of the rendered one. Next to one matched
//     line only, the run maps as long as each source line's text before
//     its first {{ starts the rendered line. Columns inside the text both
//     share are exact; past it they point at where the source differs
//     (the {{ … }} that made the value).
//  3. A line still without origin whose text is written once in a source
//     maps there (a range rendering the same lines again), else once in a
//     values file (a TOML kept in values, rendered as it is written).
//
// Any other line has no origin; findings on it stay in the rendered output.

// sourceFile is a chart file as lines to look up.
type sourceFile struct {
	display string
	text    string
	lines   []string
	index   map[string][]int // trimmed text → 0-based lines, ascending
}

func newSourceFile(display, text string) *sourceFile {
	s := &sourceFile{display: display, text: text, lines: strings.Split(text, "\n"), index: map[string][]int{}}
	for i, l := range s.lines {
		if t := strings.TrimSpace(l); t != "" {
			s.index[t] = append(s.index[t], i)
		}
	}
	return s
}

// lineOrigin is where one rendered line was written.
type lineOrigin struct {
	src     *sourceFile
	line    int // 0-based
	exact   bool
	rIndent int // indentation of the rendered line
	sIndent int // indentation of the source line
	common  int // bytes of content (after indentation) both lines share, for inexact lines
}

// lineMap is the origins of one rendered template's lines (lint.ManifestOrigin).
type lineMap struct {
	origins []lineOrigin // by 0-based rendered line; src nil: none
}

// Origin implements lint.ManifestOrigin.
func (m *lineMap) Origin(line, col int) (string, int, int, bool) {
	if m == nil || line < 1 || line > len(m.origins) {
		return "", 0, 0, false
	}
	o := m.origins[line-1]
	if o.src == nil {
		return "", 0, 0, false
	}
	if col <= 0 {
		return o.src.display, o.line + 1, col, true
	}
	off := max(col-1-o.rIndent, 0) // byte offset into the line's content
	if !o.exact && off > o.common {
		off = o.common
	}
	return o.src.display, o.line + 1, o.sIndent + off + 1, true
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

// mapLines maps the lines of rendered to the sources (most likely first),
// and lines nothing else accounts for to the values files.
func mapLines(rendered string, sources, values []*sourceFile) *lineMap {
	lines := strings.Split(rendered, "\n")
	m := &lineMap{origins: make([]lineOrigin, len(lines))}
	if len(sources) == 0 {
		return m
	}
	cursor := map[*sourceFile]int{}
	var last *sourceFile
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		src, at := findInOrder(t, sources, last, cursor)
		if src == nil {
			continue
		}
		m.exact(i, lines[i], src, at)
		cursor[src] = at + 1
		last = src
	}
	m.bridge(lines)
	// A line still without origin whose text is written once in a source
	// (the same lines again, from a range).
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || m.origins[i].src != nil {
			continue
		}
		for _, s := range append(sources[:len(sources):len(sources)], values...) {
			if at := s.index[t]; len(at) == 1 {
				m.exact(i, l, s, at[0])
				break
			}
		}
	}
	return m
}

func (m *lineMap) exact(i int, line string, src *sourceFile, at int) {
	m.origins[i] = lineOrigin{src: src, line: at, exact: true, rIndent: indentOf(line), sIndent: indentOf(src.lines[at])}
}

// findInOrder finds the source line of a rendered line's text t: the
// nearest occurrence after the previous match in the same source, else
// after the previous match in another source.
func findInOrder(t string, sources []*sourceFile, last *sourceFile, cursor map[*sourceFile]int) (*sourceFile, int) {
	after := func(s *sourceFile) (int, bool) {
		for _, at := range s.index[t] {
			if at >= cursor[s] {
				return at, true
			}
		}
		return 0, false
	}
	if last != nil {
		if at, ok := after(last); ok {
			return last, at
		}
	}
	for _, s := range sources {
		if s == last {
			continue
		}
		if at, ok := after(s); ok {
			return s, at
		}
	}
	return nil, 0
}

// bridge maps the runs of lines templating changed: between two matched
// lines of one source as far apart there as in the output, line by line;
// after (or before) a matched line otherwise, line by line as long as each
// source line is the template of the rendered one (its text before the
// first {{ starts the rendered line).
func (m *lineMap) bridge(lines []string) {
	var anchors []int
	for i, o := range m.origins {
		if o.src != nil {
			anchors = append(anchors, i)
		}
	}
	inexact := func(j int, src *sourceFile, at int) {
		sl := src.lines[at]
		ri, si := indentOf(lines[j]), indentOf(sl)
		m.origins[j] = lineOrigin{src: src, line: at, rIndent: ri, sIndent: si, common: commonPrefix(lines[j][ri:], sl[si:])}
	}
	// walk maps lines from anchor p in direction dir while they validate.
	walk := func(p, dir, stop int) {
		a := m.origins[p]
		for j := p + dir; j != stop; j += dir {
			at := a.line + (j - p)
			if at < 0 || at >= len(a.src.lines) {
				return
			}
			if strings.TrimSpace(lines[j]) == "" {
				continue
			}
			if !templateOf(a.src.lines[at], lines[j]) {
				return
			}
			inexact(j, a.src, at)
		}
	}
	for k := 0; k <= len(anchors); k++ {
		p, q := -1, len(lines)
		if k > 0 {
			p = anchors[k-1]
		}
		if k < len(anchors) {
			q = anchors[k]
		}
		if q-p <= 1 {
			continue
		}
		if p >= 0 && q < len(lines) {
			a, b := m.origins[p], m.origins[q]
			if a.src == b.src && b.line-a.line == q-p {
				for j := p + 1; j < q; j++ {
					if strings.TrimSpace(lines[j]) != "" {
						inexact(j, a.src, a.line+(j-p))
					}
				}
				continue
			}
		}
		if p >= 0 {
			walk(p, 1, q)
		}
		if q < len(lines) {
			walk(q, -1, p)
		}
	}
}

// templateOf reports whether source line src is a template that rendered
// line out: src holds an expression and its text before it starts out.
func templateOf(src, out string) bool {
	s, o := strings.TrimSpace(src), strings.TrimSpace(out)
	k := strings.Index(s, "{{")
	return k > 0 && strings.HasPrefix(o, s[:k])
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
