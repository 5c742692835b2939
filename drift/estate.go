package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/apimlint/apimlint/lint"
)

// EstateBaseline is the recorded state of every fleet of an estate, each
// recorded on its own under one key, so that drift reports per fleet.
// Secrets are held as in a fleet's Baseline: keyed hashes (the key is
// never in the file) or presence only.
type EstateBaseline struct {
	Version int             `json:"version"`
	Estate  bool            `json:"estate"`
	Secrets string          `json:"secrets,omitempty"`
	KeyID   string          `json:"keyId,omitempty"`
	Fleets  []FleetBaseline `json:"fleets"`
	// Warnings are what recording could not do (no key).
	Warnings []string `json:"-"`
}

// FleetBaseline is one fleet of an estate baseline.
type FleetBaseline struct {
	Name string `json:"name"`
	// Root is the fleet's root relative to the estate root, slash-separated.
	Root  string       `json:"root"`
	Nodes []NodeRecord `json:"nodes"`
}

// Baseline returns the fleet's record as a fleet baseline.
func (eb *EstateBaseline) Baseline(f *FleetBaseline) *Baseline {
	return &Baseline{Version: Version, Secrets: eb.Secrets, KeyID: eb.KeyID, Nodes: f.Nodes}
}

// Fleet returns the fleet baseline with this name, or nil.
func (eb *EstateBaseline) Fleet(name string) *FleetBaseline {
	for i := range eb.Fleets {
		if eb.Fleets[i].Name == name {
			return &eb.Fleets[i]
		}
	}
	return nil
}

// RecordEstate records every fleet of the estate, loading one at a time,
// all under opts.Key.
func RecordEstate(e *lint.Estate, opts RecordOptions) (*EstateBaseline, error) {
	eb := &EstateBaseline{Version: Version, Estate: true, Fleets: []FleetBaseline{}}
	for _, p := range e.Fleets {
		f, err := e.LoadFleet(p)
		if err != nil {
			return nil, err
		}
		b, err := Record(f, RecordOptions{Key: opts.Key})
		if err != nil {
			return nil, fmt.Errorf("fleet %s: %w", p.Name, err)
		}
		eb.Secrets, eb.KeyID = b.Secrets, b.KeyID
		if len(eb.Warnings) == 0 {
			eb.Warnings = b.Warnings
		}
		root, err := filepath.Rel(e.Root, p.Root)
		if err != nil {
			root = p.Root
		}
		eb.Fleets = append(eb.Fleets, FleetBaseline{Name: p.Name, Root: filepath.ToSlash(root), Nodes: b.Nodes})
	}
	return eb, nil
}

// IsEstateBaseline reports whether data is an estate baseline (rather
// than one fleet's).
func IsEstateBaseline(data []byte) bool {
	var head struct {
		Estate bool `json:"estate"`
	}
	return json.Unmarshal(data, &head) == nil && head.Estate
}

// ParseEstate decodes and checks an estate baseline.
func ParseEstate(data []byte) (*EstateBaseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	eb := &EstateBaseline{}
	if err := dec.Decode(eb); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the baseline at byte %d", dec.InputOffset())
	}
	if eb.Version != Version && eb.Version != versionNoNodeVersions || !eb.Estate {
		return nil, fmt.Errorf("not an estate baseline of version %d", Version)
	}
	for _, f := range eb.Fleets {
		if f.Name == "" || f.Nodes == nil {
			return nil, fmt.Errorf("estate baseline: a fleet without a name or nodes")
		}
		// Values are compared as the compact JSON Record wrote; the file
		// holds them indented.
		for _, n := range f.Nodes {
			for i, k := range n.Keys {
				if len(k.Value) == 0 {
					continue
				}
				// Canonical, as a single baseline's values are: files written
				// before 2026-11 escaped & < > as \u0026 and friends, which
				// compared unequal to the node's value.
				v, err := canonRaw(k.Value)
				if err != nil {
					return nil, fmt.Errorf("estate baseline: fleet %s node %s key %s: %w", f.Name, n.Name, k.Path, err)
				}
				n.Keys[i].Value = v
			}
		}
	}
	return eb, nil
}

// WriteEstateFile writes the estate baseline as WriteFile writes one fleet's:
// atomically, through a symlink, keeping the file's mode.
func WriteEstateFile(path string, eb *EstateBaseline) (err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "&" in a JDBC URL stays "&", as in a single baseline
	enc.SetIndent("", "  ")
	if err := enc.Encode(eb); err != nil {
		return fmt.Errorf("write baseline %s: %w", path, err)
	}
	return writeAtomically(path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}
