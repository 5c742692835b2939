// Package wire is the format of apimlint's embedded key catalogue, shared
// by its generator (internal/catalog/gen) and its reader (package catalog).
//
// Every process that lints reads the whole catalogue, so the embedded
// form is binary (EncodeBinary, DecodeBinary): a string table, varints and
// a ready-made trie, read without reflection or copying. File is the
// catalogue as the generator builds it (and as it was once embedded, as
// JSON): key paths stored once for all sets (most keys are read by every
// version), each set's keys one string of tab-separated lines.
package wire

import (
	"fmt"
	"strconv"
	"strings"
)

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
	Paths     []string `json:"paths"`     // every key path of every set, indexed by the lines of Set.Keys
	Sets      []Set    `json:"sets"`
}

// Set is the catalogue of one version and distribution.
type Set struct {
	Version string `json:"version"`
	Dist    string `json:"dist"` // all, all-in-one-apim, api-control-plane, gateway, traffic-manager
	// Open lists top-level tables the catalogue cannot close for this set:
	// those read only by identity-framework templates the metadata lacks.
	Open []string `json:"open,omitempty"`
	// Keys holds the set's keys, one line each (EncodeKeys).
	Keys     string                               `json:"keys"`
	Infer    map[string]map[string]map[string]any `json:"infer,omitempty"`
	Mappings map[string][]string                  `json:"mappings,omitempty"`
	Sources  []Provenance                         `json:"sources"`
}

// Key is one key path of a set: "a.b", "a.list[].field", "a.open.*".
type Key struct {
	Path    string
	From    int
	Default string // JSON, "" for none
	Unit    string
	MapsTo  []string
	Reads   []Read
}

// Read is a template (index into File.Templates) and the line that first
// reads a key there.
type Read struct {
	T int
	L int
}

// Provenance is one repository a set's files come from.
type Provenance struct {
	Repo    string `json:"repo"`
	Ref     string `json:"ref"`
	Commit  string `json:"commit"`
	Licence string `json:"licence"`
}

// listSep separates key mappings within a field: key paths may hold
// commas (WSO2's own "server.base_path,"), never this.
const listSep = "\x1f"

// EncodeKeys writes keys one per line: path index, source flags, unit,
// default (JSON), mappings, reads (template:line,…), tab-separated.
// JSON escapes tabs and newlines, so a default never breaks a line.
func EncodeKeys(keys []Key, pathIndex map[string]int) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strconv.Itoa(pathIndex[k.Path]))
		b.WriteByte('\t')
		b.WriteString(strconv.Itoa(k.From))
		b.WriteByte('\t')
		b.WriteString(k.Unit)
		b.WriteByte('\t')
		b.WriteString(k.Default)
		b.WriteByte('\t')
		b.WriteString(strings.Join(k.MapsTo, listSep))
		b.WriteByte('\t')
		for i, r := range k.Reads {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(r.T))
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(r.L))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// DecodeKeys reads what EncodeKeys wrote.
func DecodeKeys(s string, paths []string) ([]Key, error) {
	out := make([]Key, 0, strings.Count(s, "\n"))
	for n := 1; s != ""; n++ {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		var f [6]string
		for i := 0; i < 5; i++ {
			var ok bool
			f[i], line, ok = strings.Cut(line, "\t")
			if !ok {
				return nil, fmt.Errorf("key line %d: %d fields, want 6", n, i+1)
			}
		}
		f[5] = line
		pi, err := strconv.Atoi(f[0])
		if err != nil || pi < 0 || pi >= len(paths) {
			return nil, fmt.Errorf("key line %d: bad path index %q", n, f[0])
		}
		from, err := strconv.Atoi(f[1])
		if err != nil {
			return nil, fmt.Errorf("key line %d: bad flags %q", n, f[1])
		}
		k := Key{Path: paths[pi], From: from, Unit: f[2], Default: f[3]}
		if f[4] != "" {
			k.MapsTo = strings.Split(f[4], listSep)
		}
		for r := f[5]; r != ""; {
			var one string
			one, r, _ = strings.Cut(r, ",")
			ts, ls, _ := strings.Cut(one, ":")
			t, err1 := strconv.Atoi(ts)
			l, err2 := strconv.Atoi(ls)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("key line %d: bad read %q", n, one)
			}
			k.Reads = append(k.Reads, Read{T: t, L: l})
		}
		out = append(out, k)
	}
	return out, nil
}
