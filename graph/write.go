package graph

import (
	"fmt"
	"io"
	"slices"
)

// Formats lists the formats Write accepts.
var Formats = []string{"dot", "mermaid", "json", "svg"}

// Write writes the graph in one of Formats.
func Write(w io.Writer, g *Graph, format string) error {
	switch format {
	case "dot":
		return WriteDOT(w, g)
	case "mermaid":
		return WriteMermaid(w, g)
	case "json":
		return WriteJSON(w, g)
	case "svg":
		return WriteSVG(w, g)
	}
	return fmt.Errorf("unknown graph format %q (want %s)", format, joinOr(Formats))
}

// KnownFormat reports whether Write accepts format.
func KnownFormat(format string) bool { return slices.Contains(Formats, format) }

func joinOr(s []string) string {
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			out += " or "
		default:
			out += ", "
		}
		out += x
	}
	return out
}
