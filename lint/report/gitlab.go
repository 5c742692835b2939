package report

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("gitlab", GitLab) }

// gitlabIssue is one entry of a GitLab Code Quality report (the Code
// Climate issue format GitLab reads from artifacts:reports:codequality).
type gitlabIssue struct {
	Type        string         `json:"type"`
	CheckName   string         `json:"check_name"`
	Description string         `json:"description"`
	Categories  []string       `json:"categories"`
	Severity    string         `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
	Location    gitlabLocation `json:"location"`
	Engine      string         `json:"engine_name"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// GitLab writes the result as a GitLab Code Quality report: a JSON array
// of issues, each with the finding's fingerprint (lint.Fingerprints, the
// SARIF one), so GitLab tells new findings in a merge request from old
// ones across line moves. Paths are relative to the repository root.
func GitLab(w io.Writer, r *lint.Result, opts Options) error {
	return writeGitLab(w, r, opts, newPathMapper(opts.PathPrefix))
}

func writeGitLab(w io.Writer, r *lint.Result, opts Options, paths *pathMapper) error {
	security := map[string]bool{}
	for _, rule := range r.Rules {
		security[rule.ID] = rule.Security()
	}
	fps := lint.Fingerprints(r.Fleet, r.Findings)
	keep, _ := limitIndexes(r.Findings, opts.MaxFindings)
	out := make([]gitlabIssue, 0, len(keep))
	for _, i := range keep {
		f := r.Findings[i]
		category := "Bug Risk"
		if security[f.Rule] {
			category = "Security"
		}
		out = append(out, gitlabIssue{
			Type: "issue", CheckName: f.Rule, Description: messageWithRelated(f, paths),
			Categories: []string{category}, Severity: gitlabSeverity(f.Severity), Fingerprint: fps[i],
			Location: gitlabLocation{Path: paths.rel(f.File), Lines: gitlabLines{Begin: max(f.Line, 1)}},
			Engine:   "apimlint",
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// gitlabSeverity maps severities onto Code Climate's scale (info, minor,
// major, critical, blocker); a blocker is left for nothing apimlint knows.
func gitlabSeverity(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "critical"
	case lint.SeverityWarning:
		return "major"
	}
	return "info"
}

func itoa(n int) string { return strconv.Itoa(n) }
