package tomldoc

import (
	"strconv"
	"strings"
)

// Segment is one segment of a canonical key path: a name and, for an
// element of an array of tables, its index.
type Segment struct {
	Name    string
	Idx     int // -1 when none
	End     int // byte offset in the path just after this segment
	NameEnd int // byte offset just after the name, before any [index]
}

// AppendSegments appends the segments of the canonical path p to out:
// quoted names unquoted, [index] read (Idx -1 when none, and for a
// generic "[]"). Callers pass a buffer on their stack: validation splits
// every key of every node.
func AppendSegments(out []Segment, p string) []Segment {
	i := 0
	for i < len(p) {
		var name string
		if p[i] == '"' {
			j := i + 1
			for j < len(p) && p[j] != '"' {
				if p[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(p) {
				out = append(out, Segment{Name: p[i+1:], Idx: -1, End: len(p), NameEnd: len(p)})
				return out
			}
			if u, err := strconv.Unquote(p[i : j+1]); err == nil {
				name = u
			} else {
				name = p[i+1 : j]
			}
			i = j + 1
		} else {
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			name = p[i:j]
			i = j
		}
		s := Segment{Name: name, Idx: -1, NameEnd: i}
		for i < len(p) && p[i] == '[' {
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				i = len(p)
				break
			}
			n, err := strconv.Atoi(p[i+1 : i+j])
			if err == nil {
				s.Idx = n
			}
			i += j + 1
		}
		s.End = i
		out = append(out, s)
		if i < len(p) && p[i] == '.' {
			i++
		}
	}
	return out
}
