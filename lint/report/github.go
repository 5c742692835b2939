package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("github", GitHub) }

// GitHub writes one workflow command per finding, which GitHub Actions
// turns into annotations on the pull request:
//
//	::error file=gw-1/deployment.toml,line=12,col=5,title=RULE::MESSAGE
//
// Related places follow the message on lines of their own.
func GitHub(w io.Writer, r *lint.Result, _ Options) error {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = ""
	}
	ew := &errWriter{w: w}
	for _, f := range r.Findings {
		msg := f.Message
		for _, rel := range f.Related {
			msg += fmt.Sprintf("\n%s:%d:%d: %s", githubPath(cwd, rel.File), rel.Line, rel.Column, rel.Message)
		}
		ew.printf("::%s file=%s,line=%d,col=%d,title=%s::%s\n", githubLevel(f.Severity),
			escapeProperty(githubPath(cwd, f.File)), max(f.Line, 1), max(f.Column, 1),
			escapeProperty(f.Rule), escapeData(msg))
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

// githubPath makes a file relative to the working directory, the checkout
// root annotations are placed against.
func githubPath(cwd, file string) string {
	if filepath.IsAbs(file) && cwd != "" {
		if rel, err := filepath.Rel(cwd, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = rel
		}
	}
	return strings.TrimPrefix(filepath.ToSlash(file), "./")
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
