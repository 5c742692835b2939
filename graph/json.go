package graph

import (
	"encoding/json"
	"io"
)

// JSONVersion is the version of the graph's JSON document.
const JSONVersion = 1

type jsonGraph struct {
	Version int `json:"version"`
	*Graph
}

// WriteJSON writes the graph as one JSON document: version, name, nodes,
// edges and summary.
func WriteJSON(w io.Writer, g *Graph) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonGraph{Version: JSONVersion, Graph: g})
}
