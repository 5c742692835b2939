package helmchart

import (
	"fmt"
	"testing"
)

// TestMapLines: verbatim lines map in order (a repeated line to the
// occurrence after the previous match), templated lines between two
// matches map line by line with columns exact up to the expression, a
// templated line after the last match maps while the source's text
// before {{ starts it, and a line no source wrote has no origin.
func TestMapLines(t *testing.T) {
	tmpl := newSourceFile("t.yaml", "data:\n  deployment.toml: |\n{{ tpl (.Files.Get \"c.toml\") . | indent 4 }}\n")
	conf := newSourceFile("c.toml", `[a]
password = "$env{P}"
host = "{{ .Values.host }}"

[b]
password = "$env{P}"
url = "https://{{ .Values.svc }}:9443/x"
{{- range .Values.peers }}
peer = "{{ . }}"
{{- end }}
`)
	rendered := `data:
  deployment.toml: |
    [a]
    password = "$env{P}"
    host = "h.example"

    [b]
    password = "$env{P}"
    url = "https://svc:9443/x"
    peer = "p1"
    peer = "p2"
    made = "by a helper"
`
	m := mapLines(rendered, []*sourceFile{tmpl, conf}, nil)
	for _, c := range []struct {
		line, col int
		want      string
	}{
		{1, 1, "t.yaml:1:1"},
		{2, 3, "t.yaml:2:3"},
		{3, 5, "c.toml:1:1"},
		{4, 16, "c.toml:2:12"}, // verbatim: the column shifts by the indentation
		{5, 12, "c.toml:3:8"},  // templated, inside the text both share
		{5, 14, "c.toml:3:9"},  // templated, past it: where {{ starts
		{8, 5, "c.toml:6:1"},   // the second password = line, not the first
		{9, 11, "c.toml:7:7"},  // templated, after the last exact match
		{10, 5, "no origin"},   // after {{- range }}: the lines no longer pair up
		{12, 5, "no origin"},   // written by nothing the chart holds verbatim
		{99, 1, "no origin"},   // past the end
		{4, 0, "c.toml:2:0"},   // no column stays none
		{0, 1, "no origin"},    // no line
		{6, 1, "no origin"},    // a blank line
		{11, 5, "no origin"},   // the range's second line
	} {
		file, line, col, ok := m.Origin(c.line, c.col)
		got := "no origin"
		if ok {
			got = fmt.Sprintf("%s:%d:%d", file, line, col)
		}
		if got != c.want {
			t.Errorf("rendered %d:%d maps to %s, want %s", c.line, c.col, got, c.want)
		}
	}
}

// TestMapLinesUnique: a verbatim line found only before the previous
// match (a range rendering the same lines twice) maps to its single
// occurrence; a line written twice does not guess.
func TestMapLinesUnique(t *testing.T) {
	src := newSourceFile("s.yaml", "{{- range .Values.xs }}\nkind: A\nname: fixed\nsame: 1\nsame: 1\n{{- end }}\n")
	m := mapLines("kind: A\nname: fixed\nsame: 1\nsame: 1\nkind: A\nname: fixed\nsame: 1\n", []*sourceFile{src}, nil)
	for _, c := range []struct {
		line int
		want string
	}{
		{1, "s.yaml:2:1"}, {2, "s.yaml:3:1"}, {3, "s.yaml:4:1"}, {4, "s.yaml:5:1"},
		{5, "s.yaml:2:1"}, {6, "s.yaml:3:1"}, {7, "no origin"},
	} {
		file, line, col, ok := m.Origin(c.line, 1)
		got := "no origin"
		if ok {
			got = fmt.Sprintf("%s:%d:%d", file, line, col)
		}
		if got != c.want {
			t.Errorf("rendered line %d maps to %s, want %s", c.line, got, c.want)
		}
	}
}
