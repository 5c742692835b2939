package report

import (
	"encoding/xml"
	"io"

	"github.com/apimlint/apimlint/lint"
)

func init() { Register("checkstyle", Checkstyle) }

// The Checkstyle XML report, which Jenkins warnings-ng, reviewdog and
// many editors read: one file element per file, one error per finding.
type (
	checkstyleReport struct {
		XMLName xml.Name         `xml:"checkstyle"`
		Version string           `xml:"version,attr"`
		Files   []checkstyleFile `xml:"file"`
	}
	checkstyleFile struct {
		Name   string            `xml:"name,attr"`
		Errors []checkstyleError `xml:"error"`
	}
	checkstyleError struct {
		Line     int    `xml:"line,attr"`
		Column   int    `xml:"column,attr"`
		Severity string `xml:"severity,attr"`
		Message  string `xml:"message,attr"`
		Source   string `xml:"source,attr"`
	}
)

// checkstyleVersion is the Checkstyle report version readers expect.
const checkstyleVersion = "4.3"

// Checkstyle writes the result as a Checkstyle XML report. Paths are
// relative to the repository root (Options.PathPrefix overrides it);
// source is apimlint.RULE; related places are appended to the message.
func Checkstyle(w io.Writer, r *lint.Result, opts Options) error {
	return writeCheckstyle(w, r, opts, newPathMapper(opts.PathPrefix))
}

func writeCheckstyle(w io.Writer, r *lint.Result, opts Options, paths *pathMapper) error {
	kept, _ := limitFindings(r.Findings, opts.MaxFindings)
	out := checkstyleReport{Version: checkstyleVersion, Files: []checkstyleFile{}}
	index := map[string]int{}
	for _, f := range kept {
		name := paths.rel(f.File)
		i, ok := index[name]
		if !ok {
			i = len(out.Files)
			index[name] = i
			out.Files = append(out.Files, checkstyleFile{Name: name})
		}
		out.Files[i].Errors = append(out.Files[i].Errors, checkstyleError{
			Line: max(f.Line, 1), Column: max(f.Column, 1), Severity: f.Severity.String(),
			Message: messageWithRelated(f, paths), Source: "apimlint." + f.Rule,
		})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// messageWithRelated is a finding's message followed by its related
// places, for formats with one text field per finding.
func messageWithRelated(f lint.Finding, paths *pathMapper) string {
	msg := f.Message
	for _, rel := range f.Related {
		msg += "\n" + paths.rel(rel.File) + ":" + itoa(rel.Line) + ":" + itoa(rel.Column) + ": " + rel.Message
	}
	return msg
}
