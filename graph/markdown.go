package graph

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// Limits of the Mermaid GitHub renders in Markdown: above them it shows
// an error instead of the picture, so a larger fleet is drawn with its
// broken links only.
const (
	markdownMaxChars = 40000
	markdownMaxEdges = 400
)

// MermaidMarkdown renders the picture of the result's fleet as Markdown
// for a GitHub step summary when the fleet fails (a finding at error):
// a heading, a Mermaid block with the broken links in their severity
// colour, and the list of those links. A fleet without errors gives "".
func MermaidMarkdown(res *lint.Result) string {
	if res == nil || res.Fleet == nil || lint.MaxSeverity(res.Findings) < lint.SeverityError {
		return ""
	}
	g := Build(res, Options{})
	var sb strings.Builder
	fmt.Fprintf(&sb, "### apimlint: topology of %s\n\n", g.Name)
	var block strings.Builder
	bw := bufio.NewWriter(&block)
	writeMermaid(bw, g)
	_ = bw.Flush()
	if block.Len() > markdownMaxChars || len(g.Edges) > markdownMaxEdges {
		sb.WriteString("The fleet is too large for GitHub's Mermaid: only the links with findings are drawn.\n\n")
		block.Reset()
		bw = bufio.NewWriter(&block)
		writeMermaid(bw, brokenOnly(g))
		_ = bw.Flush()
	}
	sb.WriteString("```mermaid\n")
	sb.WriteString(block.String())
	sb.WriteString("```\n")
	var broken []*Edge
	for _, e := range g.Edges {
		if e.Severity > 0 {
			broken = append(broken, e)
		}
	}
	if len(broken) > 0 {
		sb.WriteString("\n| link | kind | key | severity | rules |\n|---|---|---|---|---|\n")
		for _, e := range broken {
			fmt.Fprintf(&sb, "| %s → %s | %s | `%s` | %s | %s |\n", mdCell(g.Node(e.From).Name), mdCell(g.Node(e.To).Name),
				mdCell(e.Label()), mdCell(e.Where()), e.Severity, mdCell(strings.Join(e.Rules, ", ")))
		}
	}
	return sb.String()
}

// brokenOnly keeps the edges with findings and the nodes they join.
func brokenOnly(g *Graph) *Graph {
	out := &Graph{Name: g.Name, Summary: g.Summary}
	keep := map[string]bool{}
	for _, e := range g.Edges {
		if e.Severity > 0 {
			out.Edges = append(out.Edges, e)
			keep[e.From], keep[e.To] = true, true
		}
	}
	for _, n := range g.Nodes {
		if keep[n.ID] || n.Severity >= lint.SeverityError {
			out.Nodes = append(out.Nodes, n)
		}
	}
	if len(out.Nodes) > markdownMaxEdges {
		out.Nodes = out.Nodes[:markdownMaxEdges]
	}
	return out
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "`", "'").Replace(s)
}
