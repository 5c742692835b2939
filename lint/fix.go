package lint

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/internal/tomldoc"
	"github.com/apimlint/apimlint/wso2"
)

// SuggestedFix is a change that resolves a finding, in the manner of
// go/analysis: a message and text edits. A rule offers one only when the
// fleet itself decides the right value (a peer's URL, a port after the
// target's offset, a unique ID); a fix that needs a human decision is not
// offered.
type SuggestedFix struct {
	Message string     `json:"message"`
	Edits   []TextEdit `json:"edits"`
}

// TextEdit replaces the bytes of File from Line:Column up to (not
// including) EndLine:EndColumn with NewText; an insertion when the two
// positions are equal. Lines and columns are 1-based; columns count bytes.
// Start and End are the same span as byte offsets in the file as read.
type TextEdit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	NewText   string `json:"newText"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
}

var bom = []byte("\xef\xbb\xbf")

// editAt builds an edit of n's file over the byte span [start, end).
func editAt(n *Node, start, end int, text string) TextEdit {
	l1, c1 := lineCol(n.Src, start)
	l2, c2 := lineCol(n.Src, end)
	return TextEdit{File: n.File, Line: l1, Column: c1, EndLine: l2, EndColumn: c2, NewText: text, Start: start, End: end}
}

// offset turns a parser position into a byte offset of src: positions
// do not count a byte-order mark, which the parser skips.
func offset(src []byte, pos Position) (int, bool) {
	base := 0
	if bytes.HasPrefix(src, bom) {
		base = len(bom)
	}
	line := 1
	off := base
	for line < pos.Line {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
		line++
	}
	off += pos.Column - 1
	if pos.Line < 1 || pos.Column < 1 || off > len(src) {
		return 0, false
	}
	return off, true
}

// lineCol is the parser's position of a byte offset.
func lineCol(src []byte, off int) (line, col int) {
	base := 0
	if bytes.HasPrefix(src, bom) {
		base = len(bom)
	}
	off = max(off, base)
	line = 1 + bytes.Count(src[base:off], []byte{'\n'})
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	start = max(start, base)
	return line, off - start + 1
}

// ReplaceValue is an edit that writes text in place of a scalar value of
// n (a key's value or one array element) as it stands in the file. It
// refuses a value that holds a placeholder: the literal to change is then
// not in this file.
func ReplaceValue(n *Node, v *Value, text string) (TextEdit, bool) {
	if v == nil || v.Kind == KindArray || v.Kind == KindTable || strings.Contains(v.Raw(), "$") {
		return TextEdit{}, false
	}
	start, ok := offset(n.Src, v.Pos())
	if !ok || start+len(v.Raw()) > len(n.Src) || string(n.Src[start:start+len(v.Raw())]) != v.Raw() {
		return TextEdit{}, false
	}
	return editAt(n, start, start+len(v.Raw()), text), true
}

// SetKey is an edit that adds key = value to table on n: below the table's
// header when the file has one, else as a new table at the end of the
// file. valueText is TOML (quote strings with QuoteTOML). It refuses when
// the key is already written; change its value with ReplaceValue.
func SetKey(n *Node, table, key, valueText string) (TextEdit, bool) {
	if n.Get(table+"."+key) != nil || n.SyntaxError != nil {
		return TextEdit{}, false
	}
	// A table whose path, or a prefix of it, is already a value cannot
	// be opened.
	for i := range len(table) + 1 {
		if (i == len(table) || table[i] == '.') && n.Get(table[:i]) != nil {
			return TextEdit{}, false
		}
	}
	nl := "\n"
	if bytes.Contains(n.Src, []byte("\r\n")) {
		nl = "\r\n"
	}
	line := key + " = " + valueText + nl
	if t := n.Table(table); t != nil && !t.Array {
		start, ok := offset(n.Src, t.Pos())
		if !ok {
			return TextEdit{}, false
		}
		i := bytes.IndexByte(n.Src[start:], '\n')
		if i < 0 {
			return parsedEdit(n, editAt(n, len(n.Src), len(n.Src), nl+line))
		}
		at := start + i + 1
		return parsedEdit(n, editAt(n, at, at, line))
	}
	if e, ok := setDottedKey(n, table, key, valueText, nl); ok {
		return e, true
	}
	if n.HasTable(table) {
		return TextEdit{}, false // set with dotted keys elsewhere: leave it to a human
	}
	text := "[" + table + "]" + nl + line
	switch {
	case len(n.Src) == 0:
	case !bytes.HasSuffix(n.Src, []byte("\n")):
		text = nl + nl + text
	default:
		text = nl + text
	}
	// A table made by dotted keys (apim.event_hub.enable = true) or an
	// inline table cannot take a [header] of its own: parsedEdit refuses.
	return parsedEdit(n, editAt(n, len(n.Src), len(n.Src), text))
}

// setDottedKey writes key the way the table's keys are written when the
// table has no header of its own (apim.event_hub.enable = true, or
// event_hub.enable under [apim]): the same dotted prefix, on the line
// before the table's first key. It refuses unless the file then holds the
// new key at table.key.
func setDottedKey(n *Node, table, key, valueText, nl string) (TextEdit, bool) {
	for _, k := range n.Keys {
		last := strings.TrimPrefix(k.Path, table+".")
		if last == k.Path || strings.ContainsAny(last, `."'[`) || k.InArrayTable {
			continue
		}
		start, ok := offset(n.Src, k.Pos())
		if !ok {
			return TextEdit{}, false
		}
		lineStart := bytes.LastIndexByte(n.Src[:start], '\n') + 1
		eq := bytes.IndexByte(n.Src[lineStart:], '=')
		if eq < 0 {
			return TextEdit{}, false
		}
		written := strings.TrimSpace(string(n.Src[lineStart : lineStart+eq]))
		indent := n.Src[lineStart : lineStart+len(n.Src[lineStart:])-len(bytes.TrimLeft(n.Src[lineStart:], " \t"))]
		if !strings.HasSuffix(written, "."+last) {
			return TextEdit{}, false
		}
		text := string(indent) + strings.TrimSuffix(written, last) + key + " = " + valueText + nl
		return parsedEdit(n, editAt(n, lineStart, lineStart, text), table+"."+key)
	}
	return TextEdit{}, false
}

// parsedEdit returns e when the file still parses with it applied, with
// every key it had (and the key at path, when one is given): a fix must
// never leave a file WSO2 cannot start with.
func parsedEdit(n *Node, e TextEdit, path ...string) (TextEdit, bool) {
	edited := make([]byte, 0, len(n.Src)+len(e.NewText))
	edited = append(append(append(edited, n.Src[:e.Start]...), e.NewText...), n.Src[e.End:]...)
	doc := tomldoc.Parse(n.File, edited, nil)
	if doc.Err != nil || len(doc.Keys) < len(n.Keys) {
		return TextEdit{}, false
	}
	for _, want := range path {
		if !slices.ContainsFunc(doc.Keys, func(k *Key) bool { return k.Path == want }) {
			return TextEdit{}, false
		}
	}
	return e, true
}

// FixPlan is what applying the fixes of a set of findings does.
type FixPlan struct {
	// Files are the new contents of the files that change, by path.
	Files map[string][]byte
	// Old are the contents they had.
	Old map[string][]byte
	// Applied are the findings whose first fix is applied.
	Applied []Finding
	// Conflicts are findings whose fix overlaps one applied before it.
	Conflicts []Finding

	// secrets hide each file's fleet's plain secret values in Diff.
	secrets map[string]*secretSet
	// secretLines are the lines (0-based) of each file that a secret's
	// value is written on: written with escapes or over several lines, a
	// secret is not its decoded text, which secrets finds.
	secretLines map[string]map[int]bool
}

// PlanFixes applies the first fix of every finding that has one to the
// files of the fleet, in finding order. A fix whose edits overlap edits
// already taken is left out and reported as a conflict; the rest of the
// file is still fixed. Nothing is written: see FixPlan.Files.
func PlanFixes(f *Fleet, findings []Finding) (*FixPlan, error) {
	plan := &FixPlan{Files: map[string][]byte{}, Old: map[string][]byte{}}
	src := map[string][]byte{}
	for _, n := range f.Nodes {
		src[n.File] = n.Src
	}
	taken := map[string][]TextEdit{}
	for _, x := range findings {
		if len(x.Fixes) == 0 {
			continue
		}
		fix := x.Fixes[0]
		ok := true
		for _, e := range fix.Edits {
			if _, known := src[e.File]; !known {
				return nil, fmt.Errorf("fix for %s at %s:%d edits %s, which is not a node file of the fleet", x.Rule, x.File, x.Line, e.File)
			}
			for _, t := range taken[e.File] {
				if overlaps(e, t) {
					ok = false
				}
			}
		}
		if !ok {
			plan.Conflicts = append(plan.Conflicts, x)
			continue
		}
		for _, e := range fix.Edits {
			taken[e.File] = append(taken[e.File], e)
		}
		plan.Applied = append(plan.Applied, x)
	}
	for file, edits := range taken {
		out, err := ApplyEdits(src[file], edits)
		if err != nil {
			return nil, fmt.Errorf("fix %s: %w", file, err)
		}
		if !bytes.Equal(out, src[file]) {
			plan.Files[file] = out
			plan.Old[file] = src[file]
		}
	}
	plan.secrets = map[string]*secretSet{}
	plan.secretLines = map[string]map[int]bool{}
	for file := range plan.Files {
		plan.secrets[file] = f.secretSet()
	}
	for _, n := range f.Nodes {
		if _, ok := plan.Files[n.File]; !ok {
			continue
		}
		lines, written := secretValueLines(n)
		plan.secretLines[n.File] = lines
		if len(written) > 0 {
			// Changed lines are scrubbed of the secrets as written too.
			plan.secrets[n.File] = newSecretSet(append(slices.Clone(f.secretSet().list), written...))
		}
	}
	return plan, nil
}

// secretValueLines are the 0-based lines on which n writes the value of a
// secret key (the value's first line to its last), and the secrets whose
// text as written (escapes and all) is not their value, line by line.
func secretValueLines(n *Node) (map[int]bool, []string) {
	lines := map[int]bool{}
	var written []string
	for _, k := range n.Keys {
		if !k.IsSecret() {
			continue
		}
		for _, v := range k.Scalars() {
			p := v.Pos()
			if !p.IsValid() || !plainSecret(v.Str()) && !plainSecret(v.Resolved()) {
				continue
			}
			for l := range strings.Count(v.Raw(), "\n") + 1 {
				lines[p.Line-1+l] = true
			}
			if v.Kind != KindString || v.Raw() == QuoteTOML(v.Str()) || strings.Trim(v.Raw(), `'`) == v.Str() {
				continue
			}
			for _, part := range strings.Split(strings.Trim(v.Raw(), `"'`), "\n") {
				if part = strings.TrimSpace(strings.TrimSuffix(part, "\r")); len(part) >= 3 && !wso2.IsPurePlaceholder(part) {
					written = append(written, part)
				}
			}
		}
	}
	return lines, written
}

// overlaps reports whether two edits touch the same bytes. Insertions at
// one place do not: they are written in the order given (finding order).
func overlaps(a, b TextEdit) bool {
	// An insertion strictly inside a replaced span overlaps it; at either
	// end of the span it does not.
	return a.Start < b.End && b.Start < a.End
}

// ApplyEdits returns src with the edits applied; only the edited bytes
// change. Overlapping edits are an error.
func ApplyEdits(src []byte, edits []TextEdit) ([]byte, error) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b TextEdit) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	var out bytes.Buffer
	last := 0
	for i, e := range sorted {
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			return nil, errors.New("overlapping or out-of-range edits")
		}
		if i > 0 && overlaps(sorted[i-1], e) {
			return nil, errors.New("overlapping edits")
		}
		out.Write(src[last:e.Start])
		out.WriteString(e.NewText)
		last = e.End
	}
	out.Write(src[last:])
	return out.Bytes(), nil
}

// RenameKey is an edit that renames the last segment of a key as written
// in the file (a bare key, alone or the last part of a dotted key), to
// fix a misspelt key. It refuses when the new key already exists, or the
// old name cannot be found once, bare, before the '=' of the key's line.
func RenameKey(n *Node, k *Key, newName string) (TextEdit, bool) {
	old := k.Path
	if i := strings.LastIndexByte(old, '.'); i >= 0 {
		old = old[i+1:]
	}
	if strings.ContainsAny(old, `"'[`) || newName == "" || n.Get(strings.TrimSuffix(k.Path, old)+newName) != nil {
		return TextEdit{}, false
	}
	start, ok := offset(n.Src, k.Pos())
	if !ok {
		return TextEdit{}, false
	}
	line := n.Src[start:]
	if i := bytes.IndexByte(line, '='); i >= 0 {
		line = line[:i]
	} else {
		return TextEdit{}, false
	}
	at := -1
	for i := 0; i+len(old) <= len(line); i++ {
		if string(line[i:i+len(old)]) != old {
			continue
		}
		before := i == 0 || line[i-1] == '.' || line[i-1] == ' ' || line[i-1] == '\t'
		after := i+len(old) == len(line) || line[i+len(old)] == ' ' || line[i+len(old)] == '\t'
		if before && after {
			if at >= 0 {
				return TextEdit{}, false
			}
			at = i
		}
	}
	if at < 0 {
		return TextEdit{}, false
	}
	return editAt(n, start+at, start+at+len(old), newName), true
}

// AppendArrayTable is an edit that adds one element to the array of tables
// at table, as a [[table]] block at the end of the file with the given
// key = value lines (values are TOML). It refuses when the array is written
// as an inline array (path = [{…}]), which TOML does not let a [[table]]
// extend.
func AppendArrayTable(n *Node, table string, fields [][2]string) (TextEdit, bool) {
	if n.SyntaxError != nil || len(fields) == 0 {
		return TextEdit{}, false
	}
	headers := 0
	for _, t := range n.Tables {
		if t.Array && strings.HasPrefix(t.Path, table+"[") && !strings.Contains(t.Path[len(table)+1:], ".") {
			headers++
		}
	}
	if headers == 0 && n.ArrayLen(table) > 0 || n.Get(table) != nil {
		return TextEdit{}, false
	}
	nl := "\n"
	if bytes.Contains(n.Src, []byte("\r\n")) {
		nl = "\r\n"
	}
	var b strings.Builder
	if len(n.Src) > 0 {
		if !bytes.HasSuffix(n.Src, []byte("\n")) {
			b.WriteString(nl)
		}
		b.WriteString(nl)
	}
	b.WriteString("[[" + table + "]]" + nl)
	for _, f := range fields {
		b.WriteString(f[0] + " = " + f[1] + nl)
	}
	return parsedEdit(n, editAt(n, len(n.Src), len(n.Src), b.String()))
}
