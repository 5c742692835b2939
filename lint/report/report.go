// Package report writes lint results in the formats apimlint offers.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/graph"

	"github.com/apimlint/apimlint/lint"
)

// Options tune the writers.
type Options struct {
	// Color adds ANSI colours to text output.
	Color bool
	// Quiet leaves out the summary line when there is no finding.
	Quiet bool
	// RuleDocsURL is the template of a rule's documentation URL, with
	// {id} for the rule ID (lint.DefaultRuleDocsTemplate when empty).
	RuleDocsURL string
	// PathPrefix, when set, replaces the repository root as the base of
	// file paths in CI formats: paths become PREFIX/path-from-the-working-directory.
	PathPrefix string
	// MaxFindings caps the findings of the sarif, github, gitlab and
	// checkstyle formats (0: no cap): the most severe are kept, and the
	// output says how many were dropped.
	MaxFindings int
	// Pictures are an estate's pictures, one per fleet, drawn while each
	// fleet was loaded (graph.Estate.Add from lint.EstateRunOptions.Each):
	// the html format shows them instead of one picture of Result.Fleet,
	// whose nodes an estate's result keeps without their keys.
	Pictures *graph.Estate
}

// Writer writes a result in one format.
type Writer func(w io.Writer, r *lint.Result, opts Options) error

var writers = map[string]Writer{
	"text": Text,
	"json": JSON,
}

// Register adds an output format.
func Register(name string, w Writer) { writers[name] = w }

// Get returns the writer for a format name.
func Get(name string) (Writer, bool) {
	w, ok := writers[name]
	return w, ok
}

// Formats lists the format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for k := range writers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiBold   = "\x1b[1m"
)

func colorFor(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return ansiRed
	case lint.SeverityWarning:
		return ansiYellow
	}
	return ansiCyan
}

// Text writes FILE:LINE:COL: SEVERITY: MESSAGE (RULE), " [fixable]" when
// apimlint lint --fix can resolve it, related places indented below, and
// a summary line.
func Text(w io.Writer, r *lint.Result, opts Options) error {
	ew := &errWriter{w: w}
	for _, f := range r.Findings {
		sev := f.Severity.String()
		if opts.Color {
			sev = colorFor(f.Severity) + ansiBold + sev + ansiReset
		}
		fixable := ""
		if len(f.Fixes) > 0 {
			fixable = " [fixable]"
		}
		ew.printf("%s:%d:%d: %s: %s (%s)%s\n", TerminalSafe(f.File), f.Line, f.Column, sev, TerminalSafe(f.Message), f.Rule, fixable)
		for _, rel := range f.Related {
			ew.printf("    %s:%d:%d: %s\n", TerminalSafe(rel.File), rel.Line, rel.Column, TerminalSafe(rel.Message))
		}
	}
	s := r.Summary()
	if !(opts.Quiet && len(r.Findings) == 0) {
		writeFleetLines(ew, r)
		ew.printf("%s in %d %s\n", countLine(s), s.Nodes, plural(s.Nodes, "node", "nodes"))
	}
	return ew.err
}

func countLine(s lint.Summary) string {
	if s.Error+s.Warning+s.Info == 0 {
		return "no findings"
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("%d %s", s.Error, plural(s.Error, "error", "errors")))
	parts = append(parts, fmt.Sprintf("%d %s", s.Warning, plural(s.Warning, "warning", "warnings")))
	parts = append(parts, fmt.Sprintf("%d info", s.Info))
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}

// JSONNode is a node in the JSON output.
type JSONNode struct {
	Name       string   `json:"name"`
	File       string   `json:"file"`
	Role       string   `json:"role"`
	RoleSource string   `json:"roleSource"`
	Addresses  []string `json:"addresses"`
	// Fleet is set when an estate was split into fleets.
	Fleet string `json:"fleet,omitempty"`
}

// JSONResult is the JSON contract, version 1.
type JSONResult struct {
	Version  int            `json:"version"`
	Root     string         `json:"root"`
	Nodes    []JSONNode     `json:"nodes"`
	Findings []lint.Finding `json:"findings"`
	Summary  lint.Summary   `json:"summary"`
	// Fleets are set when an estate was split into fleets.
	Fleets []lint.FleetSummary `json:"fleets,omitempty"`
}

// NewJSONResult builds the JSON document of a result.
func NewJSONResult(r *lint.Result) JSONResult {
	out := JSONResult{Version: 1, Root: r.Root, Nodes: []JSONNode{}, Findings: r.Findings, Summary: r.Summary(), Fleets: r.Fleets}
	if out.Findings == nil {
		out.Findings = []lint.Finding{}
	}
	for _, n := range r.Fleet.Nodes {
		out.Nodes = append(out.Nodes, JSONNode{Name: n.Name, File: n.File, Role: string(n.Role), RoleSource: n.RoleSource, Addresses: n.SortedAddresses(), Fleet: n.Fleet})
	}
	return out
}

// JSON writes the result as one JSON document. It is written a node and a
// finding at a time: encoding the whole document first held two copies
// of it (the encoding and its indented form) on top of the fleet's model,
// 70 MB for a fleet of 10,000 nodes with many findings. The bytes are
// those json.Encoder with a two-space indent writes (TestJSONStreamsLikeEncoder).
func JSON(w io.Writer, r *lint.Result, _ Options) error {
	doc := NewJSONResult(r)
	sw := &jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	sw.raw("{\n")
	sw.field("version", doc.Version, false)
	sw.field("root", doc.Root, false)
	jsonArray(sw, "nodes", doc.Nodes, false)
	jsonArray(sw, "findings", doc.Findings, false)
	sw.field("summary", doc.Summary, len(doc.Fleets) == 0)
	if len(doc.Fleets) > 0 {
		jsonArray(sw, "fleets", doc.Fleets, true)
	}
	sw.raw("}\n")
	if sw.err != nil {
		return sw.err
	}
	return sw.w.Flush()
}

// jsonStream writes the members of the top-level JSON object. Values are
// encoded by an encoder per indent prefix into one reused buffer: a
// MarshalIndent per finding made three copies of the output in garbage,
// the most a run with many findings allocated.
type jsonStream struct {
	w    *bufio.Writer
	err  error
	buf  bytes.Buffer
	encs map[string]*json.Encoder
}

func (s *jsonStream) raw(text string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(text)
	}
}

func (s *jsonStream) value(v any, prefix string) {
	if s.err != nil {
		return
	}
	enc := s.encs[prefix]
	if enc == nil {
		if s.encs == nil {
			s.encs = map[string]*json.Encoder{}
		}
		enc = json.NewEncoder(&s.buf)
		enc.SetIndent(prefix, "  ")
		s.encs[prefix] = enc
	}
	s.buf.Reset()
	if err := enc.Encode(v); err != nil {
		s.err = err
		return
	}
	// Encode ends the value with a newline that MarshalIndent does not.
	_, s.err = s.w.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n")))
}

// field writes "  \"name\": value" and the comma or newline after it.
func (s *jsonStream) field(name string, v any, last bool) {
	s.raw("  ")
	s.value(name, "")
	s.raw(": ")
	s.value(v, "  ")
	if last {
		s.raw("\n")
	} else {
		s.raw(",\n")
	}
}

// jsonArray writes a member whose value is an array, one element at a time.
func jsonArray[T any](s *jsonStream, name string, elems []T, last bool) {
	s.raw("  ")
	s.value(name, "")
	if len(elems) == 0 {
		s.raw(": []")
	} else {
		s.raw(": [\n")
		for i := range elems {
			s.raw("    ")
			s.value(&elems[i], "    ")
			if i < len(elems)-1 {
				s.raw(",")
			}
			s.raw("\n")
		}
		s.raw("  ]")
	}
	if last {
		s.raw("\n")
	} else {
		s.raw(",\n")
	}
}
