package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/lint"
)

// SummarySection adds a section to the GitHub step summary (a Mermaid
// picture of the fleet, a drift table ...): it writes Markdown for the
// result, or nothing.
type SummarySection func(w io.Writer, r *lint.Result) error

var (
	sectionsMu sync.Mutex
	sections   []summarySection
)

type summarySection struct {
	name string
	fn   SummarySection
}

// RegisterSummarySection appends a section to every step summary, after
// the built-in counts and first errors, in registration order. Call it
// from an init function.
func RegisterSummarySection(name string, fn SummarySection) {
	sectionsMu.Lock()
	defer sectionsMu.Unlock()
	sections = append(sections, summarySection{name, fn})
}

// summaryFirstErrors is how many errors the summary lists.
const summaryFirstErrors = 10

// GitHubStepSummary writes the Markdown summary GitHub Actions shows on a
// run's page (append it to the file $GITHUB_STEP_SUMMARY names): the
// fleet, counts per rule, and the first errors, then registered sections.
func GitHubStepSummary(w io.Writer, r *lint.Result, opts Options) error {
	return writeStepSummary(w, r, newPathMapper(opts.PathPrefix))
}

func writeStepSummary(w io.Writer, r *lint.Result, paths *pathMapper) error {
	ew := &errWriter{w: w}
	s := r.Summary()
	root := "."
	if r.Root != "" {
		root = paths.rel(r.Root)
	}
	ew.printf("## apimlint: `%s`\n\n", markdownCode(root))
	ew.printf("%s in %d %s.\n", countLine(s), s.Nodes, plural(s.Nodes, "node", "nodes"))
	if len(r.Findings) > 0 {
		type counts struct{ errors, warnings, info int }
		byRule := map[string]*counts{}
		for _, f := range r.Findings {
			c := byRule[f.Rule]
			if c == nil {
				c = &counts{}
				byRule[f.Rule] = c
			}
			switch f.Severity {
			case lint.SeverityError:
				c.errors++
			case lint.SeverityWarning:
				c.warnings++
			default:
				c.info++
			}
		}
		ids := make([]string, 0, len(byRule))
		for id := range byRule {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			a, b := byRule[ids[i]], byRule[ids[j]]
			if a.errors != b.errors {
				return a.errors > b.errors
			}
			if a.warnings != b.warnings {
				return a.warnings > b.warnings
			}
			if a.info != b.info {
				return a.info > b.info
			}
			return ids[i] < ids[j]
		})
		ew.printf("\n| Rule | Errors | Warnings | Info |\n|---|---:|---:|---:|\n")
		for _, id := range ids {
			c := byRule[id]
			ew.printf("| `%s` | %d | %d | %d |\n", markdownCode(id), c.errors, c.warnings, c.info)
		}
		var errs []lint.Finding
		for _, f := range r.Findings {
			if f.Severity == lint.SeverityError {
				errs = append(errs, f)
			}
		}
		if len(errs) > 0 {
			ew.printf("\n### First errors\n\n")
			for _, f := range errs[:min(len(errs), summaryFirstErrors)] {
				ew.printf("- `%s:%d:%d` %s (`%s`)\n", markdownCode(paths.rel(f.File)), f.Line, f.Column, markdownText(f.Message), markdownCode(f.Rule))
			}
			if len(errs) > summaryFirstErrors {
				ew.printf("- … and %d more\n", len(errs)-summaryFirstErrors)
			}
		}
	}
	if ew.err != nil {
		return ew.err
	}
	sectionsMu.Lock()
	extra := append([]summarySection(nil), sections...)
	sectionsMu.Unlock()
	for _, sec := range extra {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		if err := sec.fn(w, r); err != nil {
			return fmt.Errorf("summary section %s: %w", sec.name, err)
		}
	}
	return nil
}

// markdownCode keeps text inside a code span.
func markdownCode(s string) string { return strings.ReplaceAll(s, "`", "'") }

// markdownText keeps a message on one list line and out of HTML.
func markdownText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "|", `\|`).Replace(s)
}
