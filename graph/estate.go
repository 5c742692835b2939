package graph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// FleetGraph is the picture of one fleet of an estate.
type FleetGraph struct {
	// Fleet is the fleet's name, as apimlint nodes shows it and --fleet
	// takes it.
	Fleet string `json:"fleet"`
	*Graph
}

// Estate is the picture of a tree of fleets (lint.DiscoverEstate): one
// graph per fleet, each drawn on its own and labelled with its name. No
// edge ever joins two fleets: they are linted apart, and so drawn apart.
type Estate struct {
	// Name is the estate's root as given.
	Name   string        `json:"name"`
	Fleets []*FleetGraph `json:"fleets"`
	// Summary counts the findings of every fleet.
	Summary lint.Summary `json:"summary"`
}

// Add draws one fleet's lint result into the estate's picture.
func (e *Estate) Add(fleet string, res *lint.Result, opts Options) {
	g := Build(res, opts)
	detach(g)
	e.Fleets = append(e.Fleets, &FleetGraph{Fleet: fleet, Graph: g})
	e.Summary.Error += g.Summary.Error
	e.Summary.Warning += g.Summary.Warning
	e.Summary.Info += g.Summary.Info
	e.Summary.Nodes += g.Summary.Nodes
}

// WriteEstate writes the estate's picture in one of Formats: DOT and
// Mermaid draw one cluster (subgraph) per fleet holding the fleet's role
// groups, SVG stacks the fleets' pictures under a heading each, JSON is
// {version, name, fleets: [{fleet, name, nodes, edges, summary}], summary}.
func WriteEstate(w io.Writer, e *Estate, format string) error {
	bw := bufio.NewWriter(w)
	switch format {
	case "dot":
		writeEstateDOT(bw, e)
	case "mermaid":
		writeEstateMermaid(bw, e)
	case "json":
		if err := writeEstateJSON(bw, e); err != nil {
			return err
		}
	case "svg":
		writeEstateSVG(bw, e)
	default:
		return fmt.Errorf("unknown graph format %q (want %s)", format, joinOr(Formats))
	}
	return bw.Flush()
}

// FleetIDPrefix is what the estate's SVG puts after the kind of the
// elements of fleet i (from 0): node-f1-cp_1, edge-f1-e3. A page that
// embeds the picture finds a fleet's node as "node-" + FleetIDPrefix(i) +
// its Graph.NodeOf(name).
func FleetIDPrefix(i int) string { return fmt.Sprintf("f%d-", i+1) }

// fleetPrefix keeps the identifiers of fleet i (from 1) apart from the
// other fleets' in one document.
func fleetPrefix(i int) string { return fmt.Sprintf("f%d_", i+1) }

// fleetLabel is a fleet's heading; fleetDetail says where it is and how
// large.
func fleetLabel(f *FleetGraph) string { return "fleet " + f.Fleet }

func fleetDetail(f *FleetGraph) string {
	noun := "nodes"
	if f.Summary.Nodes == 1 {
		noun = "node"
	}
	return fmt.Sprintf("%s, %d %s", f.Name, f.Summary.Nodes, noun)
}

// writeEstateJSON writes the document a json.Encoder with two-space
// indent would, a fleet at a time: the whole document of a large estate
// is never held in memory.
func writeEstateJSON(bw *bufio.Writer, e *Estate) error {
	name, err := json.Marshal(e.Name)
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n  \"name\": %s,\n  \"fleets\": [", JSONVersion, name)
	for i, f := range e.Fleets {
		b, err := json.MarshalIndent(f, "    ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		fmt.Fprintf(bw, "%s%s", sep, b)
	}
	if len(e.Fleets) > 0 {
		fmt.Fprint(bw, "\n  ")
	}
	sum, err := json.MarshalIndent(e.Summary, "  ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "],\n  \"summary\": %s\n}\n", sum)
	return nil
}

func writeEstateDOT(bw *bufio.Writer, e *Estate) {
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote(e.Name))
	fmt.Fprint(bw, "  graph [rankdir=TB, newrank=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.4, ranksep=0.9];\n")
	fmt.Fprint(bw, "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, penwidth=1.2];\n")
	fmt.Fprint(bw, "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.7];\n")
	for i, f := range e.Fleets {
		fmt.Fprintf(bw, "  subgraph cluster_fleet_%d {\n    label=%s; fontsize=13; style=\"rounded\"; color=\"#5f6368\"; penwidth=1.5;\n",
			i+1, dotQuote(fleetLabel(f)+"\n"+fleetDetail(f)))
		writeDOTBody(bw, f.Graph, fleetPrefix(i), "    ")
		fmt.Fprint(bw, "  }\n")
	}
	fmt.Fprint(bw, "}\n")
}

func writeEstateMermaid(bw *bufio.Writer, e *Estate) {
	fmt.Fprint(bw, "flowchart TB\n")
	for i, f := range e.Fleets {
		fmt.Fprintf(bw, "  subgraph fleet_%d[\"%s\"]\n", i+1, mermaidText(fleetLabel(f)))
		writeMermaidGroups(bw, f.Graph, fleetPrefix(i), "    ")
		fmt.Fprint(bw, "  end\n")
	}
	var styles []string
	base := 0
	for i, f := range e.Fleets {
		styles = append(styles, writeMermaidEdges(bw, f.Graph, fleetPrefix(i), base)...)
		base += len(f.Edges)
	}
	writeMermaidStyles(bw, styles)
	for i, f := range e.Fleets {
		writeMermaidClasses(bw, f.Graph, fleetPrefix(i))
	}
}

// SVG layout of an estate: each fleet's own picture, nested, under a
// heading band with the fleet's name.
const (
	svgEstateHead = 64.0 // the estate's title and summary
	svgFleetHead  = 30.0 // a fleet's heading band
	svgFleetGap   = 16.0
	svgMinEstateW = 420.0
)

func writeEstateSVG(bw *bufio.Writer, e *Estate) {
	type drawn struct {
		svg  []byte
		w, h float64
	}
	pics := make([]drawn, len(e.Fleets))
	width := svgMinEstateW
	for i, f := range e.Fleets {
		var b bytes.Buffer
		fw := bufio.NewWriter(&b)
		w, h := writeSVG(fw, f.Graph, FleetIDPrefix(i))
		_ = fw.Flush()
		pics[i] = drawn{svg: b.Bytes(), w: w, h: h}
		width = max(width, w)
	}
	height := svgEstateHead
	for _, d := range pics {
		height += svgFleetHead + d.h + svgFleetGap
	}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif" role="img" aria-label="%s">`+"\n",
		width, height, width, height, esc("apimlint topology of the fleets of "+e.Name))
	p(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", width, height)
	p(`<text x="%.0f" y="%.0f" font-size="16" font-weight="bold" fill="#202124">%s</text>`+"\n", svgMargin, svgMargin+14, esc(e.Name))
	p(`<text x="%.0f" y="%.0f" font-size="11" fill="#5f6368">%s</text>`+"\n", svgMargin, svgMargin+30,
		esc(fmt.Sprintf("%d fleets, each linted and drawn on its own; %s", len(e.Fleets), summaryText(e.Summary))))
	y := svgEstateHead
	for i, f := range e.Fleets {
		p(`<g id="fleet-%d" class="fleet" data-fleet="%s" transform="translate(0,%.0f)">`+"\n", i+1, esc(f.Fleet), y)
		p(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#e8eaed"/>`+"\n", width, svgFleetHead-4)
		p(`<text x="%.0f" y="18" font-size="13" font-weight="bold" fill="#202124">%s <tspan font-weight="normal" fill="#5f6368">%s</tspan></text>`+"\n",
			svgMargin, esc(fleetLabel(f)), esc(fleetDetail(f)))
		p(`<g transform="translate(0,%.0f)">`+"\n", svgFleetHead)
		_, _ = bw.Write(pics[i].svg)
		p("</g>\n</g>\n")
		y += svgFleetHead + pics[i].h + svgFleetGap
	}
	p("</svg>\n")
}

func summaryText(s lint.Summary) string {
	var parts []string
	for _, c := range []struct {
		n           int
		one, plural string
	}{{s.Error, "error", "errors"}, {s.Warning, "warning", "warnings"}, {s.Info, "info", "info"}} {
		if c.n == 1 {
			parts = append(parts, "1 "+c.one)
		} else if c.n > 1 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.plural))
		}
	}
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

// detach copies the strings a graph took from its fleet's files into
// memory of their own, so that an estate's picture does not keep every
// fleet's files alive once the fleet is released.
func detach(g *Graph) {
	c := strings.Clone
	for _, n := range g.Nodes {
		n.Name, n.File, n.Reason, n.Role = c(n.Name), c(n.File), c(n.Reason), c(n.Role)
		for i := range n.Members {
			n.Members[i] = c(n.Members[i])
		}
	}
	for _, e := range g.Edges {
		for i := range e.Via {
			v := &e.Via[i]
			v.Node, v.Key, v.File, v.Scheme, v.Host = c(v.Node), c(v.Key), c(v.File), c(v.Scheme), c(v.Host)
		}
	}
	g.Name = c(g.Name)
	byName := make(map[string]string, len(g.byName))
	for k, v := range g.byName {
		byName[c(k)] = v
	}
	g.byName = byName
}
