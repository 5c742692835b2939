package graph

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteMermaid writes the graph as a Mermaid flowchart, which GitHub and
// GitLab render in Markdown: one subgraph per role group, edges labelled
// with kind, key and line, findings in their severity colour with the
// rule ID, links to unknown hosts dotted.
func WriteMermaid(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	writeMermaid(bw, g)
	return bw.Flush()
}

func writeMermaid(bw *bufio.Writer, g *Graph) {
	fmt.Fprint(bw, "flowchart TB\n")
	writeMermaidGroups(bw, g, "", "  ")
	styles := writeMermaidEdges(bw, g, "", 0)
	writeMermaidStyles(bw, styles)
	writeMermaidClasses(bw, g, "")
}

// writeMermaidGroups writes one subgraph per role group with its nodes,
// lines indented by in and identifiers prefixed by prefix (so that the
// fleets of an estate share one chart).
func writeMermaidGroups(bw *bufio.Writer, g *Graph, prefix, in string) {
	for i, grp := range groupsOf(g) {
		fmt.Fprintf(bw, "%ssubgraph %sgroup_%d[\"%s\"]\n", in, prefix, i, mermaidText(grp.name))
		for _, n := range grp.nodes {
			open, closeB := "[\"", "\"]"
			switch n.Kind {
			case KindDatabase:
				open, closeB = "[(\"", "\")]"
			case KindLoadBalancer:
				open, closeB = "{{\"", "\"}}"
			}
			fmt.Fprintf(bw, "%s  %s%s%s%s%s\n", in, prefix, n.ID, open, mermaidText(nodeText(n, "<br/>")), closeB)
		}
		fmt.Fprint(bw, in+"end\n")
	}
}

// writeMermaidEdges writes the edges and returns their linkStyle lines;
// base is the number of links written before them (linkStyle counts the
// links of the whole chart).
func writeMermaidEdges(bw *bufio.Writer, g *Graph, prefix string, base int) []string {
	var styles []string
	for i, e := range g.Edges {
		arrow := "-->"
		switch {
		case e.Kind == EdgeFronts:
			arrow = "---"
		case e.Unresolved:
			arrow = "-.->"
		}
		if e.Kind == EdgeFronts {
			fmt.Fprintf(bw, "  %s%s %s %s%s\n", prefix, e.From, arrow, prefix, e.To)
		} else {
			fmt.Fprintf(bw, "  %s%s %s|\"%s\"| %s%s\n", prefix, e.From, arrow, mermaidText(edgeText(e, "<br/>")), prefix, e.To)
		}
		switch {
		case e.Severity > 0:
			styles = append(styles, fmt.Sprintf("  linkStyle %d stroke:%s,stroke-width:3px,color:%s", base+i, edgeColor(e), edgeColor(e)))
		case e.Kind == EdgeFronts:
			styles = append(styles, fmt.Sprintf("  linkStyle %d stroke:%s,stroke-dasharray:2 3", base+i, colorFronts))
		}
	}
	return styles
}

// writeMermaidStyles writes the linkStyle lines and the class definitions.
func writeMermaidStyles(bw *bufio.Writer, styles []string) {
	for _, s := range styles {
		fmt.Fprint(bw, s+"\n")
	}
	fmt.Fprintf(bw, "  classDef error stroke:%s,stroke-width:3px\n", colorError)
	fmt.Fprintf(bw, "  classDef warning stroke:%s,stroke-width:3px\n", colorWarning)
	fmt.Fprintf(bw, "  classDef info stroke:%s,stroke-width:2px\n", colorInfo)
	fmt.Fprint(bw, "  classDef unknown stroke-dasharray:4 3\n")
}

// writeMermaidClasses gives nodes with findings, and unknown hosts, their class.
func writeMermaidClasses(bw *bufio.Writer, g *Graph, prefix string) {
	for _, n := range g.Nodes {
		if n.Severity > 0 {
			fmt.Fprintf(bw, "  class %s%s %s\n", prefix, n.ID, n.Severity)
		} else if n.Kind == KindUnknownHost {
			fmt.Fprintf(bw, "  class %s%s unknown\n", prefix, n.ID)
		}
	}
}

// mermaidText escapes text for a quoted Mermaid label: quotes become
// entity codes, and characters Markdown or HTML would read are escaped.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<br/>", "<br/>", "<", "#lt;", ">", "#gt;", "`", "#96;")
	return r.Replace(s)
}
