package report

import (
	"io"

	"github.com/apimlint/apimlint/graph"
	"github.com/apimlint/apimlint/lint"
)

// The step summary of a failing fleet shows its wiring as a Mermaid
// picture, the broken links in their severity colour.
func init() {
	RegisterSummarySection("topology", func(w io.Writer, r *lint.Result) error {
		_, err := io.WriteString(w, graph.MermaidMarkdown(r))
		return err
	})
}
