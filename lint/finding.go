package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity orders findings; higher is worse.
type Severity int

// Severities, from least to most severe. SeverityNone is only a --fail-on
// threshold: nothing reaches it.
const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityError
	SeverityNone
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	case SeverityNone:
		return "none"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning", "info" or "none".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info":
		return SeverityInfo, nil
	case "none", "off":
		return SeverityNone, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or none)", s)
}

// MarshalText makes severities JSON strings.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one problem found in the fleet.
type Finding struct {
	Rule     string    `json:"rule"`
	Severity Severity  `json:"severity"`
	Node     string    `json:"node"`
	File     string    `json:"file"`
	Line     int       `json:"line"`
	Column   int       `json:"column"`
	Key      string    `json:"key"`
	Message  string    `json:"message"`
	Related  []Related `json:"related"`
	// Fixes are machine-applicable changes that resolve the finding
	// (apimlint lint --fix applies them); absent when a human must decide.
	Fixes []SuggestedFix `json:"fixes,omitempty"`
	// Fleet names the fleet of an estate the finding belongs to; empty
	// when the tree was linted as one fleet.
	Fleet string `json:"fleet,omitempty"`
}

// Related is another place involved in a finding, usually on another node.
type Related struct {
	Node    string `json:"node"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

// Pos returns the finding's position.
func (f *Finding) Pos() Position { return Position{File: f.File, Line: f.Line, Column: f.Column} }

// SortFindings orders findings by file, line, column, rule, then message,
// so output is the same on every run whatever order rules ran in.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Key, b.Key),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Summary counts findings by severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
	Nodes   int `json:"nodes"`
}

// Summarize counts findings.
func Summarize(fs []Finding, nodes int) Summary {
	s := Summary{Nodes: nodes}
	for _, f := range fs {
		switch f.Severity {
		case SeverityError:
			s.Error++
		case SeverityWarning:
			s.Warning++
		case SeverityInfo:
			s.Info++
		}
	}
	return s
}

// MaxSeverity returns the highest severity among findings (0 when none).
func MaxSeverity(fs []Finding) Severity {
	var m Severity
	for _, f := range fs {
		m = max(m, f.Severity)
	}
	return m
}
