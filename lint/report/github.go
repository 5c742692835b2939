package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("github", GitHub) }

// GitHub writes one workflow command per finding, which GitHub Actions
// turns into annotations on the pull request:
//
//	::error file=gw-1/deployment.toml,line=12,col=5,title=RULE::MESSAGE
//
// Related places follow the message on lines of their own. GitHub shows
// only the first 10 annotations of each level per step, so errors come
// first, then warnings, then notices (file order within a level), and a
// last ::notice says how many were printed of how many. File paths are
// relative to the repository root (Options.PathPrefix overrides it).
func GitHub(w io.Writer, r *lint.Result, opts Options) error {
	return writeGitHub(w, r, opts, newPathMapper(opts.PathPrefix))
}

func writeGitHub(w io.Writer, r *lint.Result, opts Options, paths *pathMapper) error {
	ew := &errWriter{w: w}
	kept, dropped := limitFindings(r.Findings, opts.MaxFindings)
	for _, f := range bySeverity(kept) {
		msg := f.Message
		for _, rel := range f.Related {
			msg += fmt.Sprintf("\n%s:%d:%d: %s", paths.rel(rel.File), rel.Line, rel.Column, rel.Message)
		}
		ew.printf("::%s file=%s,line=%d,col=%d,title=%s::%s\n", githubLevel(f.Severity),
			escapeProperty(paths.rel(f.File)), max(f.Line, 1), max(f.Column, 1),
			escapeProperty(f.Rule), escapeData(msg))
	}
	if len(r.Findings) > 0 {
		s := lint.Summarize(kept, 0)
		note := fmt.Sprintf("apimlint printed %d of %d findings as annotations (%s); GitHub shows the first 10 errors and 10 warnings of a step",
			len(kept), len(r.Findings), countLine(s))
		if dropped > 0 {
			note += fmt.Sprintf("; %d dropped by --max-findings", dropped)
		}
		ew.printf("::notice title=apimlint::%s\n", escapeData(note))
	}
	return ew.err
}

func githubLevel(s lint.Severity) string {
	switch s {
	case lint.SeverityError:
		return "error"
	case lint.SeverityWarning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message as the Actions runner
// expects (toolkit's escapeData): % first, then CR and LF.
func escapeData(s string) string { return dataEscaper.Replace(s) }

// escapeProperty escapes a property value, where : and , also delimit.
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
