package drift

import (
	"sort"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/lint"
)

// KeyDiff is one key that differs between two nodes A and B.
type KeyDiff struct {
	Key string `json:"key"`
	// Kind is Added (only in B), Removed (only in A) or Changed.
	Kind ChangeKind `json:"kind"`
	A    *Side      `json:"a,omitempty"`
	B    *Side      `json:"b,omitempty"`
}

// Side is a key's place and shown value (redacted for secrets) on one node.
type Side struct {
	Node   string `json:"node"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Value  string `json:"value"`
	// Source is "default" or "inferred" when the node does not write the
	// key and runs with that value (File is then the node's file, Line 0);
	// empty for a written value.
	Source string `json:"source,omitempty"`
	// From is the version whose default applies, or the key and value
	// the value is inferred from.
	From string `json:"from,omitempty"`
}

// DiffOptions tune Diff.
type DiffOptions struct {
	// Ignore holds globs on key paths left out of the comparison (MatchKey).
	Ignore []string
	// Effective resolves the values a node runs with for keys it does not
	// write (nil: each node's version is inferred from its keys, as
	// effective.NewResolver(nil, nil) does).
	Effective *effective.Resolver
	// WrittenOnly compares only what the files write, as before effective
	// values: a key one side leaves to its default is a difference.
	WrittenOnly bool
}

// entry is what Diff compares for a key: its type and canonical resolved
// value (a hash for secrets, so that the compared data never hold one).
type entry struct {
	Kind  string
	Value string
}

// Diff compares two nodes key by key on resolved values: key order,
// quoting and table layout do not count. It uses go-cmp over maps of
// path -> value, with the ignore globs as a cmpopts filter.
func Diff(a, b *lint.Node, opts DiffOptions) []KeyDiff {
	salt, err := NewSalt()
	if err != nil {
		salt = "apimlint-diff" // only hides values held in memory
	}
	// One secret scope per node: deciding whether a key carries a secret
	// reads the whole node, and a diff asks it of every differing key.
	secA, secB := newSecretScope(a), newSecretScope(b)
	ma, mb := entries(a, secA, salt), entries(b, secB, salt)
	var rep diffReporter
	ignore := cmpopts.IgnoreMapEntries(func(k string, _ entry) bool { return MatchKey(opts.Ignore, k) })
	if cmp.Equal(ma, mb, ignore, cmp.Reporter(&rep)) {
		return nil
	}
	res := opts.Effective
	if res == nil && !opts.WrittenOnly {
		res = effective.NewResolver(nil, nil)
	}
	out := make([]KeyDiff, 0, len(rep.keys))
	for _, k := range rep.keys {
		ka, kb := a.Get(k), b.Get(k)
		d := KeyDiff{Key: k, Kind: Changed, A: side(a, ka, secA), B: side(b, kb, secB)}
		switch {
		case ka == nil:
			d.Kind = Added
			s, same := implicitSide(res, a, kb, secB, k)
			if same {
				continue
			}
			d.A = s
		case kb == nil:
			d.Kind = Removed
			s, same := implicitSide(res, b, ka, secA, k)
			if same {
				continue
			}
			d.B = s
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func entries(n *lint.Node, sec *secretScope, salt string) map[string]entry {
	m := make(map[string]entry, len(n.Keys))
	for _, k := range n.Keys {
		c := string(canon(k.Value))
		if sec.isSecret(k) {
			c = lint.HashSecret(salt, c)
		}
		m[k.Path] = entry{Kind: k.Value.Kind.String(), Value: c}
	}
	return m
}

// implicitSide is the side of node n, which does not write key, against
// the key the other node writes (whose secret scope is otherSec): nil when
// n runs with no value drift can compare, same when it runs with the
// written value.
func implicitSide(res *effective.Resolver, n *lint.Node, written *lint.Key, otherSec *secretScope, key string) (s *Side, same bool) {
	if res == nil {
		return nil, false
	}
	imp, ok := implicitOf(res, n, key)
	if !ok {
		return nil, false
	}
	if sameAsImplicit(res, n, key, written.Value, imp) {
		return nil, true
	}
	secret := lint.IsSecretPath(key) || otherSec.isSecret(written)
	return &Side{Node: n.Name, File: n.File, Value: showImplicit(imp, secret), Source: imp.Source, From: imp.From}, false
}

func side(n *lint.Node, k *lint.Key, sec *secretScope) *Side {
	if k == nil {
		return nil
	}
	pos := k.Value.Pos()
	if pos.File == "" {
		pos.File = n.File
	}
	return &Side{Node: n.Name, File: pos.File, Line: pos.Line, Column: pos.Column,
		Value: show(k, sec.isSecret(k))}
}

// diffReporter collects the map keys under which go-cmp found a difference.
type diffReporter struct {
	path cmp.Path
	keys []string
	seen map[string]bool
}

func (r *diffReporter) PushStep(ps cmp.PathStep) { r.path = append(r.path, ps) }

func (r *diffReporter) PopStep() { r.path = r.path[:len(r.path)-1] }

func (r *diffReporter) Report(rs cmp.Result) {
	if rs.Equal() {
		return
	}
	for _, ps := range r.path {
		mi, ok := ps.(cmp.MapIndex)
		if !ok {
			continue
		}
		k := mi.Key().String()
		if r.seen == nil {
			r.seen = map[string]bool{}
		}
		if !r.seen[k] {
			r.seen[k] = true
			r.keys = append(r.keys, k)
		}
		return
	}
}
