package graph

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteDOT writes the graph in Graphviz's DOT language: one cluster per
// role group, edges labelled with their kind, key and line, findings in
// their severity colour with the rule ID, unknown hosts dashed.
func WriteDOT(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote(g.Name))
	fmt.Fprint(bw, "  graph [rankdir=TB, newrank=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.4, ranksep=0.9];\n")
	fmt.Fprint(bw, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, penwidth=1.2];\n")
	fmt.Fprint(bw, "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.7];\n")
	writeDOTBody(bw, g, "", "  ")
	fmt.Fprint(bw, "}\n")
	return bw.Flush()
}

// writeDOTBody writes the graph's clusters, nodes and edges, every line
// indented by in and every identifier prefixed by prefix (so that the
// fleets of an estate share one DOT graph).
func writeDOTBody(bw *bufio.Writer, g *Graph, prefix, in string) {
	grps := groupsOf(g)
	for i, grp := range grps {
		fmt.Fprintf(bw, "%ssubgraph cluster_%s%d {\n%s  label=%s; style=\"rounded,dashed\"; color=\"#c0c4cc\";\n", in, prefix, i, in, dotQuote(grp.name))
		for _, n := range grp.nodes {
			label := n.Name + "\n" + n.Note()
			if fl := findingLine(n); fl != "" {
				label += "\n" + fl
			}
			attrs := []string{"label=" + dotQuote(label), "fillcolor=" + dotQuote(groupFill(n)), "tooltip=" + dotQuote(nodeTitle(n))}
			color := "#5f6368"
			if c := severityColor(n.Severity); c != "" {
				color = c
				attrs = append(attrs, "penwidth=2.5")
			}
			attrs = append(attrs, "color="+dotQuote(color))
			if n.Kind == KindUnknownHost {
				attrs = append(attrs, "style=\"rounded,dashed,filled\"")
			}
			if n.Kind == KindDatabase {
				attrs = append(attrs, "shape=cylinder", "style=filled")
			}
			fmt.Fprintf(bw, "%s  %s%s [%s];\n", in, prefix, n.ID, strings.Join(attrs, ", "))
		}
		fmt.Fprint(bw, in+"  {rank=same;")
		for _, n := range grp.nodes {
			fmt.Fprintf(bw, " %s%s;", prefix, n.ID)
		}
		fmt.Fprint(bw, "}\n"+in+"}\n")
	}
	// Invisible edges keep the groups in the SVG's order, top to bottom.
	for i := 1; i < len(grps); i++ {
		if layerOf(grps[i].name) != layerOf(grps[i-1].name) {
			fmt.Fprintf(bw, "%s%s%s -> %s%s [style=invis, weight=0];\n", in, prefix, grps[i-1].nodes[0].ID, prefix, grps[i].nodes[0].ID)
		}
	}
	for _, e := range g.Edges {
		attrs := []string{"color=" + dotQuote(edgeColor(e))}
		if e.Kind == EdgeFronts {
			attrs = append(attrs, "style=dotted", "arrowhead=none")
		} else {
			attrs = append(attrs, "label="+dotQuote(shortEdgeText(e)), "tooltip="+dotQuote(edgeTitle(g, e)))
			if e.Severity > 0 {
				attrs = append(attrs, "penwidth=2.5", "fontcolor="+dotQuote(severityColor(e.Severity)))
			}
			if e.Unresolved {
				attrs = append(attrs, "style=dashed")
			}
		}
		fmt.Fprintf(bw, "%s%s%s -> %s%s [%s];\n", in, prefix, e.From, prefix, e.To, strings.Join(attrs, ", "))
	}
}

// shortEdgeText is an edge's label for drawings that lay labels out
// themselves: kind, the end of the first key with its line, and
// the rules; the full keys are in the tooltip.
func shortEdgeText(e *Edge) string {
	s := e.Label()
	if len(e.Via) > 0 {
		v := e.Via[0]
		key := shortKey(v.Key)
		s += fmt.Sprintf("\n%s:%d", key, v.Line)
		if len(e.Via) > 1 {
			s += fmt.Sprintf(" +%d", len(e.Via)-1)
		}
	}
	if len(e.Rules) > 0 {
		s += "\n" + strings.Join(e.Rules, ", ")
	}
	return s
}

// shortKey keeps the last two segments of a key path:
// apim.throttling.event_duplicate_url is throttling.event_duplicate_url.
func shortKey(key string) string {
	parts := strings.Split(key, ".")
	if len(parts) <= 2 {
		return key
	}
	return strings.Join(parts[len(parts)-2:], ".")
}

// nodeText is a node's label: name, note, and the rules of its findings.
func nodeText(n *Node, nl string) string {
	s := n.Name + nl + n.Note()
	if len(n.Rules) > 0 {
		s += nl + ruleList(n.Rules, 3)
	}
	return s
}

// edgeText is an edge's label: kind, first key:line, rules.
func edgeText(e *Edge, nl string) string {
	s := e.Label()
	if w := e.Where(); w != "" {
		s += nl + w
	}
	if len(e.Rules) > 0 {
		s += nl + strings.Join(e.Rules, ", ")
	}
	return s
}

// ruleList joins rule IDs, at most max of them and a count of the rest.
func ruleList(rules []string, max int) string {
	if len(rules) <= max {
		return strings.Join(rules, ", ")
	}
	return fmt.Sprintf("%s +%d", strings.Join(rules[:max], ", "), len(rules)-max)
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

type nodeGroup struct {
	name  string
	nodes []*Node
}

// groupsOf lists the graph's groups in drawing order with their nodes.
func groupsOf(g *Graph) []nodeGroup {
	var out []nodeGroup
	for _, n := range g.Nodes {
		if len(out) == 0 || out[len(out)-1].name != n.Group {
			out = append(out, nodeGroup{name: n.Group})
		}
		out[len(out)-1].nodes = append(out[len(out)-1].nodes, n)
	}
	return out
}
