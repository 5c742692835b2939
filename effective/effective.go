// Package effective tells the value WSO2 will use for a key of a node:
// the one written, else one config-mapper infers from another key
// (infer.json: server_role, database types …), else the default of the
// node's version (default.json). Rules and drift use it to compare what
// nodes really run, not only what their files say.
package effective

import (
	"encoding/json"
	"fmt"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// Where an effective value comes from.
const (
	Explicit = "explicit"
	Inferred = "inferred"
	Default  = "default"
	None     = "none" // not written, and nothing infers or defaults it
)

// Value is a key's effective value on a node.
type Value struct {
	Value  any    // string, bool, json.Number, list or map; nil for None
	Source string // Explicit, Inferred, Default or None
	// From says more: the trigger key=value of an inference, or the
	// version whose default applies.
	From string
	Key  *lint.Key // the key as written, for Explicit
}

// Text is the value as a string, the way drift shows values.
func (v Value) Text() string {
	switch x := v.Value.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// Of returns the effective value of a key (a canonical path) on a node of
// a fleet, with the node's version from fleetversion. When the node's
// version is unsure and its candidate versions disagree on the default,
// the value is None: guessing would be worse than saying nothing.
func Of(f *lint.Fleet, n *lint.Node, key string) Value {
	return ForVersion(n, fleetversion.For(f, n), key)
}

// ForVersion is Of with the node's version given.
func ForVersion(n *lint.Node, v fleetversion.Version, key string) Value {
	if k := n.Get(key); k != nil {
		var val any = k.Value.Text()
		switch k.Value.Kind {
		case lint.KindBool:
			val = k.Value.Bool
		case lint.KindInteger, lint.KindFloat:
			val = json.Number(k.Value.Str())
		}
		return Value{Value: val, Source: Explicit, Key: k}
	}
	sets := v.Sets()
	if len(sets) == 0 {
		return Value{Source: None}
	}
	var out *Value
	agree := func(c Value) bool {
		if out == nil {
			out = &c
			return true
		}
		return out.Source == c.Source && fmt.Sprint(out.Value) == fmt.Sprint(c.Value)
	}
	for _, s := range sets {
		c := inSet(n, s, key)
		if !agree(c) {
			return Value{Source: None, From: "the node's candidate versions disagree"}
		}
	}
	return *out
}

// inSet resolves a key against one catalogue set: inferred values first
// (config-mapper adds them before defaults), then the default.
func inSet(n *lint.Node, s *catalog.Set, key string) Value {
	for _, k := range n.Keys {
		if k.Value == nil || k.Value.Kind == lint.KindTable || k.Value.Kind == lint.KindArray {
			continue
		}
		inf := s.Inferred(k.Path, k.Value.Text())
		if inf == nil {
			continue
		}
		for target, val := range inf {
			if sameKey(target, key) {
				return Value{Value: val, Source: Inferred, From: fmt.Sprintf("%s = %q", k.Path, k.Value.Text())}
			}
		}
	}
	if d, ok := s.Default(key); ok && d != nil {
		return Value{Value: d, Source: Default, From: s.Version}
	}
	return Value{Source: None}
}

// sameKey compares an infer.json target (dotted, quotes as config-mapper
// writes them) with a canonical path.
func sameKey(target, path string) bool {
	a, b := catalog.Segments(quoteConfigMapper(target)), catalog.Segments(path)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// quoteConfigMapper rewrites 'single.quoted' segments as "double.quoted".
func quoteConfigMapper(k string) string {
	out := []byte(k)
	for i := range out {
		if out[i] == '\'' {
			out[i] = '"'
		}
	}
	return string(out)
}
