package effective

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// Resolver answers Of for many keys of many nodes of one fleet, as drift
// and the peer comparisons ask (except for key managers, which may be
// WSO2 Identity Server: a Resolver gives them no implicit values): it works out each node's version and the
// values infer.json derives from its keys once, so that a lookup costs a
// map lookup and the catalogue's default lookup, not a pass over every key
// the node writes. Safe for concurrent use.
type Resolver struct {
	fleet    *lint.Fleet
	versions map[*lint.Node]fleetversion.Version

	mu    sync.Mutex
	nodes map[*lint.Node]*resolvedNode
}

// resolvedNode is what a Resolver keeps per node.
type resolvedNode struct {
	version fleetversion.Version
	sets    []*catalog.Set
	// inferred holds, per set, the values infer.json sets from the node's
	// keys, by the target's segments (joined by "\x00"); the first key in
	// file order that infers a target wins, as in Of.
	inferred []map[string]inference
}

// inference is a value infer.json sets, and the node's key that set it
// off (From is worded only when asked).
type inference struct {
	value any
	by    *lint.Key
}

func (i inference) asValue() Value {
	return Value{Value: i.value, Source: Inferred, From: fmt.Sprintf("%s = %q", i.by.Path, i.by.Value.Text())}
}

// targetKeys memoises infer.json targets as joined segments: the same few
// dozen targets come up for every node.
var targetKeys sync.Map // string -> string

func targetKey(target string) string {
	if k, ok := targetKeys.Load(target); ok {
		return k.(string)
	}
	k := strings.Join(catalog.Segments(quoteConfigMapper(target)), "\x00")
	targetKeys.Store(target, k) // bounded by the targets infer.json names
	return k
}

// NewResolver returns a Resolver for the nodes of f. versions may hold
// the nodes' versions already decided (fleetversion.Analysis in a lint
// run); nodes it lacks get fleetversion.For.
func NewResolver(f *lint.Fleet, versions map[*lint.Node]fleetversion.Version) *Resolver {
	return &Resolver{fleet: f, versions: versions, nodes: map[*lint.Node]*resolvedNode{}}
}

// Of is the effective value of key on n, as Of(f, n, key) says it (but
// for key managers: see Resolver).
func (r *Resolver) Of(n *lint.Node, key string) Value {
	if k := n.Get(key); k != nil {
		return ForVersion(n, fleetversion.Version{}, key)
	}
	return r.Implicit(n, key)
}

// Implicit is the value a node that does not write key runs with:
// inferred, else its version's default, else None. It does not look at
// the node's own value of key.
func (r *Resolver) Implicit(n *lint.Node, key string) Value {
	rn := r.node(n)
	if len(rn.sets) == 0 {
		return Value{Source: None}
	}
	target := strings.Join(catalog.Segments(key), "\x00")
	var out *Value
	for i, s := range rn.sets {
		inf, ok := rn.inferred[i][target]
		c := Value{}
		if ok {
			c = inf.asValue()
		} else {
			c = Value{Source: None}
			if d, ok := s.Default(key); ok && d != nil {
				c = Value{Value: d, Source: Default, From: s.Version}
			}
		}
		switch {
		case out == nil:
			out = &c
		case out.Source != c.Source || out.Text() != c.Text():
			return Value{Source: None, From: "the node's candidate versions disagree"}
		}
	}
	return *out
}

// Version is the node's version as the Resolver uses it.
func (r *Resolver) Version(n *lint.Node) fleetversion.Version { return r.node(n).version }

func (r *Resolver) node(n *lint.Node) *resolvedNode {
	r.mu.Lock()
	rn := r.nodes[n]
	r.mu.Unlock()
	if rn != nil {
		return rn
	}
	rn = &resolvedNode{}
	if v, ok := r.versions[n]; ok {
		rn.version = v
	} else if r.fleet != nil {
		rn.version = fleetversion.For(r.fleet, n)
	} else {
		rn.version = fleetversion.Of(nil, n)
	}
	// A key manager may be WSO2 Identity Server, whose defaults the
	// metadata lacks (fleetversion does not check its keys either): it
	// runs with no default apimlint can vouch for.
	if n.Role != lint.RoleKeyManager {
		rn.sets = rn.version.Sets()
	}
	rn.inferred = make([]map[string]inference, len(rn.sets))
	for i, s := range rn.sets {
		var m map[string]inference
		for _, k := range n.Keys {
			if k.Value == nil || k.Value.Kind == lint.KindTable || k.Value.Kind == lint.KindArray || !s.MayInfer(lastName(k.Path)) {
				continue
			}
			for target, val := range s.InferredBy(k.Path, k.Value.Text()) {
				if m == nil {
					m = map[string]inference{}
				}
				t := targetKey(target)
				if _, seen := m[t]; !seen {
					m[t] = inference{value: val, by: k}
				}
			}
		}
		rn.inferred[i] = m
	}
	r.mu.Lock()
	if prev := r.nodes[n]; prev != nil {
		rn = prev
	} else {
		r.nodes[n] = rn
	}
	r.mu.Unlock()
	return rn
}

// Scalar reports a value drift can compare as text with a written one: a
// string, a boolean or a number (not a list, a map or nothing).
func (v Value) Scalar() bool {
	switch v.Value.(type) {
	case string, bool, json.Number:
		return true
	}
	return false
}

// maxRefDepth bounds how many $ref{} defaults Comparable follows (a
// default of one key refers to another's, which may refer on).
const maxRefDepth = 8

// Comparable is the value a node would run with if it did not write key
// (whether it writes it or not: drift asks what a baseline's node ran
// with before it wrote a key), in a
// form that can be compared with a written value: ok is false when the
// node runs with nothing apimlint knows, with a list or a map, or with a
// default that holds a placeholder WSO2 fills in at runtime
// ("${carbon.protocol}://…"). A default that is only a reference to
// another key ("$ref{keystore.primary.password}", as [keystore.tls]
// defaults are) is followed: the node runs with that key's value, written
// or implicit. The result's Source and From describe the first step (the
// default or inference of key itself).
func (r *Resolver) Comparable(n *lint.Node, key string) (Value, bool) {
	first := r.Implicit(n, key)
	v := first
	for depth := 0; ; depth++ {
		if v.Source != Default && v.Source != Inferred && v.Source != Explicit || !v.Scalar() {
			return Value{}, false
		}
		s, isString := v.Value.(string)
		if !isString || !strings.Contains(s, "$") {
			first.Value = v.Value
			return first, true
		}
		ref, pure := pureRef(s)
		if !pure || depth == maxRefDepth {
			return Value{}, false
		}
		if lint.IsSecretPath(ref) && !lint.IsSecretPath(key) {
			// A key not named like a secret would show a secret's value.
			return Value{}, false
		}
		if k := n.Get(ref); k != nil {
			if k.Value == nil || k.Value.Symbolic {
				return Value{}, false
			}
			v = ForVersion(n, fleetversion.Version{}, ref)
			continue
		}
		v = r.Implicit(n, ref)
	}
}

// pureRef returns the key of a value that is exactly one $ref{key}.
func pureRef(s string) (string, bool) {
	if !strings.HasPrefix(s, "$ref{") || !strings.HasSuffix(s, "}") {
		return "", false
	}
	ref := s[len("$ref{") : len(s)-1]
	if ref == "" || strings.ContainsAny(ref, "{}$") {
		return "", false
	}
	return ref, true
}

// lastName is the last segment of a key path, as catalog.Segments names
// it; cheap for the common path without quotes or array indexes.
func lastName(path string) string {
	if strings.ContainsAny(path, `"'[`) {
		segs := catalog.Segments(path)
		if len(segs) == 0 {
			return ""
		}
		return segs[len(segs)-1]
	}
	return path[strings.LastIndexByte(path, '.')+1:]
}
