// Package wire is the format of apimlint's embedded key catalogue, shared
// by its generator (internal/catalog/gen) and its reader (package catalog).
package wire

import "encoding/json"

// Source flags say where a catalogue key comes from.
const (
	FromTemplate     = 1 << iota // a template reads it
	FromDefault                  // default.json (or a merged fragment) sets it
	FromRef                      // a $ref{} in a default or inferred value names it
	FromMapping                  // key-mappings.json renames it
	FromInferTrigger             // infer.json keys inferences on it
	FromInferTarget              // infer.json sets it
	FromUnit                     // unit-resolve.json converts it
	FromExcluded                 // a template left out of the metadata for its licence reads it (EXCLUDED.tsv)
	FromProxy                    // read by identity-framework 5.18.248 (4.1.0), standing in for a version that could not be obtained
)

// File is the whole catalogue.
type File struct {
	Templates []string `json:"templates"` // pack paths, indexed by Read.T
	Sets      []Set    `json:"sets"`
}

// Set is the catalogue of one version and distribution.
type Set struct {
	Version string `json:"version"`
	Dist    string `json:"dist"` // all, all-in-one-apim, api-control-plane, gateway, traffic-manager
	// Open lists top-level tables the catalogue cannot close for this set:
	// those read only by identity-framework templates the metadata lacks.
	Open     []string                             `json:"open,omitempty"`
	Keys     []Key                                `json:"keys"`
	Infer    map[string]map[string]map[string]any `json:"infer,omitempty"`
	Mappings map[string][]string                  `json:"mappings,omitempty"`
	Sources  []Provenance                         `json:"sources"`
}

// Key is one key path of a set: "a.b", "a.list[].field", "a.open.*".
type Key struct {
	Path    string          `json:"k"`
	From    int             `json:"f"`
	Default json.RawMessage `json:"d,omitempty"`
	Unit    string          `json:"u,omitempty"`
	MapsTo  []string        `json:"m,omitempty"`
	Reads   []Read          `json:"r,omitempty"`
}

// Read is a template (index into File.Templates) and the line that first
// reads a key there.
type Read struct {
	T int `json:"t"`
	L int `json:"l"`
}

// Provenance is one repository a set's files come from.
type Provenance struct {
	Repo    string `json:"repo"`
	Ref     string `json:"ref"`
	Commit  string `json:"commit"`
	Licence string `json:"licence"`
}
