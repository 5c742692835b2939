package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// RuleID is the rule under which drift from a baseline is reported.
const RuleID = "baseline-drift"

// Rule documents baseline-drift for `apimlint explain`. It is not part of
// the lint rule set: drift needs a baseline, so `apimlint drift` and
// `apimlint watch --baseline` report it; its Run does nothing.
var Rule = &lint.Rule{
	ID:       RuleID,
	Severity: lint.SeverityWarning,
	Summary:  "a key or node changed since the approved baseline",
	Doc: `Reported by 'apimlint drift --baseline FILE PATH' (and 'apimlint watch --baseline FILE'), which
compare the fleet today with a baseline recorded by 'apimlint baseline PATH -o FILE' when the
configuration was approved. One finding per key that was added, removed or changed (old and new
resolved values; secrets are compared through salted hashes and never shown), per node added or
removed, and per node whose role changed. A hotfix on one gateway, an image rebuilt with other
defaults or a key lost in a merge all show up here before they surprise production.
Key order, quoting and table layout do not count as changes: values are compared after parsing
and placeholder resolution. Drift compares effective values: a key recorded with the value its
version's default has (from WSO2's own default.json, $ref{} defaults followed, durations as
unit-resolve.json converts them) and left out today is no drift, nor is a key written today
with the default the node ran with when the baseline was recorded (baselines record each
node's version); otherwise the message says which side relies on the default, and its value
(a secret's only that it differs). Keys that legitimately move (node_ip, hostnames) are excluded with
globs in .apimlint.toml: [drift] ignore = ["server.node_ip"], and per role with
[drift.roles] gateway = ["apim.sync_runtime_artifacts.gateway.gateway_labels"]. A glob that names
a table ignores every key below it.`,
	Example: `gw-1/deployment.toml:12:13: warning: apim.throttling.enable_data_publishing changed since the baseline: was true, now false (baseline-drift)`,
	Fix: `If the change is intended, record the baseline again (apimlint baseline PATH -o FILE) and
commit it with the change so the approval is reviewed; otherwise restore the value on the node.
For keys that are expected to differ, add a [drift] ignore glob.`,
}

// RuleFor is the drift rule that compares a fleet with b: lint.Linter runs
// it like any rule, so the config's severity overrides, suppressions,
// secret scrubbing and sorting apply to drift as they do to lint. Rule
// itself only documents the findings.
func RuleFor(b *Baseline, opts Options) *lint.Rule {
	r := *Rule
	r.Run = func(p *lint.Pass) {
		for _, f := range Compare(b, p.Fleet, opts) {
			p.Report(f)
		}
	}
	return &r
}

// ChangeKind says how a key or node moved.
type ChangeKind string

// The kinds of change.
const (
	Added       ChangeKind = "added"
	Removed     ChangeKind = "removed"
	Changed     ChangeKind = "changed"
	NodeAdded   ChangeKind = "node-added"
	NodeRemoved ChangeKind = "node-removed"
	RoleChanged ChangeKind = "role-changed"
	// Unreadable: today's file is not valid TOML, its keys are not compared.
	Unreadable ChangeKind = "unreadable"
)

// Change is one difference between a baseline and the fleet today.
type Change struct {
	Kind ChangeKind
	Node string
	Key  string // empty for node-level changes
	// Old and New are shown values: quoted strings, literal scalars, or a
	// redaction for secrets. Empty when that side does not exist.
	Old, New string
	Secret   bool
	Pos      lint.Position // in today's file (its first line when the key is gone)
	// Implicit is, for a key added or removed, what the side that does not
	// write it runs with: a shown default or inferred value ("a default
	// secret" for secrets), and ImplicitFrom where it comes from ("the
	// default of WSO2 API Manager 4.6.0"). Empty when it runs with nothing
	// apimlint knows.
	Implicit, ImplicitFrom string
}

// Options tune the comparison.
type Options struct {
	// Ignore holds globs on key paths not compared on any node.
	Ignore []string
	// Roles holds extra globs per role (the node's role today).
	Roles map[wso2.Role][]string
	// WrittenOnly compares only what the files write: a key added with
	// its default value, or removed where the default equals the recorded
	// value, is drift too. By default drift compares effective values.
	WrittenOnly bool
}

// OptionsFromConfig reads [drift] ignore and [drift.roles] from a fleet config.
func OptionsFromConfig(cfg *lint.Config) (Options, error) {
	var o Options
	if cfg == nil {
		return o, nil
	}
	o.Ignore = append(o.Ignore, cfg.Drift.Ignore...)
	for name, globs := range cfg.Drift.Roles {
		r, ok := wso2.ParseRole(name)
		if !ok {
			return o, fmt.Errorf("[drift.roles] %s: unknown role", name)
		}
		if o.Roles == nil {
			o.Roles = map[wso2.Role][]string{}
		}
		o.Roles[r] = append(o.Roles[r], globs...)
	}
	return o, nil
}

func (o Options) ignored(role wso2.Role, key string) bool {
	return MatchKey(o.Ignore, key) || MatchKey(o.Roles[role], key)
}

// MatchKey reports whether a key path matches one of the globs: exactly,
// below a table the glob names, or as a lint.MatchGlob pattern in which
// [ and ] stand for themselves (url_group[0].x) or, unescaped, for a
// character class.
func MatchKey(globs []string, key string) bool {
	for _, g := range globs {
		if g == key || lint.PathBelow(key, g) {
			return true
		}
		esc := strings.NewReplacer("[", `\[`, "]", `\]`).Replace(g)
		if lint.MatchGlob(esc, key) || lint.MatchGlob(g, key) {
			return true
		}
		if strings.HasSuffix(esc, "*") {
			continue
		}
		// a.b* style globs also ignore keys below what they match.
		if lint.MatchGlob(esc+".*", key) || lint.MatchGlob(esc+`\[*`, key) {
			return true
		}
	}
	return false
}

// Changes compares the fleet today with the baseline.
func Changes(b *Baseline, f *lint.Fleet, opts Options) []Change {
	var out []Change
	recs := make(map[string]*NodeRecord, len(b.Nodes))
	for i := range b.Nodes {
		recs[b.Nodes[i].Name] = &b.Nodes[i]
	}
	seen := make(map[string]bool, len(f.Nodes))
	var res *effective.Resolver
	if !opts.WrittenOnly {
		// Today's version of each node gives both sides' defaults: the
		// baseline records what was written, not the version.
		res = effective.NewResolver(f, nil)
	}
	for _, n := range f.Nodes {
		seen[n.Name] = true
		rec := recs[n.Name]
		if rec == nil {
			out = append(out, Change{Kind: NodeAdded, Node: n.Name, New: fmt.Sprintf("%s, %d keys", n.Role, len(n.Keys)),
				Pos: lint.Position{File: n.File, Line: 1, Column: 1}})
			continue
		}
		out = compareNode(out, b, rec, n, opts, res)
	}
	for i := range b.Nodes {
		rec := &b.Nodes[i]
		if seen[rec.Name] {
			continue
		}
		out = append(out, Change{Kind: NodeRemoved, Node: rec.Name, Old: fmt.Sprintf("%s, %d keys", rec.Role, len(rec.Keys)),
			Pos: lint.Position{File: removedFile(f.Root, rec.File), Line: 1, Column: 1}})
	}
	return out
}

// removedFile is where a node that is gone used to be, for output. A node
// made from a ConfigMap (rel is manifest#configmap/…) was in that
// manifest: the finding points at the manifest file when it is still there.
func removedFile(root, rel string) string {
	st, err := os.Stat(root)
	if err != nil {
		return rel
	}
	manifest, _, isManifest := strings.Cut(rel, "#")
	if isManifest {
		// Baselines of older versions kept the path the manifests were
		// given by (planted/rendered.yaml): its base name is tried too.
		for _, m := range []string{filepath.FromSlash(manifest), filepath.Base(filepath.FromSlash(manifest))} {
			p := root
			if st.IsDir() {
				p = filepath.Join(root, m)
			}
			if fst, err := os.Stat(p); err == nil && fst.Mode().IsRegular() && filepath.Base(p) == filepath.Base(m) {
				return p
			}
		}
	}
	if st.IsDir() {
		return filepath.Join(root, filepath.FromSlash(rel))
	}
	return rel
}

func compareNode(out []Change, b *Baseline, rec *NodeRecord, n *lint.Node, opts Options, res *effective.Resolver) []Change {
	if n.SyntaxError != nil {
		return append(out, Change{Kind: Unreadable, Node: n.Name, New: n.SyntaxError.Message,
			Pos: lint.Position{File: n.File, Line: n.SyntaxError.Pos.Line, Column: n.SyntaxError.Pos.Column}})
	}
	if rec.Role != n.Role {
		out = append(out, Change{Kind: RoleChanged, Node: n.Name, Old: string(rec.Role), New: string(n.Role),
			Pos: lint.Position{File: n.File, Line: 1, Column: 1}})
	}
	old := make(map[string]*KeyRecord, len(rec.Keys))
	for i := range rec.Keys {
		old[rec.Keys[i].Path] = &rec.Keys[i]
	}
	sec := newSecretScope(n)
	var then *effective.Resolver // what the node ran with when recorded
	for _, k := range n.Keys {
		r := old[k.Path]
		delete(old, k.Path)
		if opts.ignored(n.Role, k.Path) {
			continue
		}
		pos := k.Value.Pos()
		if pos.File == "" {
			pos.File = n.File
		}
		if r == nil {
			secret := sec.isSecret(k)
			ch := Change{Kind: Added, Node: n.Name, Key: k.Path, New: show(k, secret), Secret: secret, Pos: pos}
			// The baseline's node ran with the key's implicit value (in
			// the version it ran then): writing that value down changes
			// nothing.
			if then == nil {
				then = thenResolver(res, n, rec)
			}
			if imp, ok := implicitOf(then, n, k.Path); ok {
				if sameAsImplicit(then, n, k.Path, k.Value, imp) {
					continue
				}
				ch.Implicit, ch.ImplicitFrom = showImplicit(imp, secret || lint.IsSecretPath(k.Path)), describeImplicit(imp)
			}
			out = append(out, ch)
			continue
		}
		c := canon(k.Value)
		kind := k.Value.Kind.String()
		// A plain baseline value equals today's iff their hashes do, so
		// secrecy only matters for hashed values and for display.
		var same bool
		switch {
		case r.Secret != "":
			same = kind == r.Kind && secretForm(k.Value) == r.Secret
		case r.Hash != "" && b.Secrets == secretsSaltedV1:
			same = kind == r.Kind && lint.HashSecret(b.Salt, string(c)) == r.Hash
		case r.Hash != "" && b.key == nil:
			// Without the key only the kind can be compared; Warnings say
			// that value changes go unseen.
			same = kind == r.Kind
		case r.Hash != "":
			same = kind == r.Kind && b.key.mac(string(c)) == r.Hash
		default:
			same = kind == r.Kind && bytes.Equal(c, r.Value)
		}
		if same {
			continue
		}
		secret := r.Hash != "" || r.Secret != "" || sec.isSecret(k)
		if same {
			continue
		}
		ch := Change{Kind: Changed, Node: n.Name, Key: k.Path, New: show(k, secret), Secret: secret, Pos: pos}
		switch {
		case r.Secret != "":
			ch.Old = "a secret " + describeForm(r.Secret)
		case secret:
			ch.Old = "a different secret"
		default:
			ch.Old = showRaw(r.Value)
		}
		if kind != r.Kind {
			ch.Old += " (" + r.Kind + ")"
			ch.New += " (" + kind + ")"
		}
		out = append(out, ch)
	}
	gone := make([]*KeyRecord, 0, len(old))
	for _, r := range old {
		if !opts.ignored(n.Role, r.Path) {
			gone = append(gone, r)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].Path < gone[j].Path })
	for _, r := range gone {
		ch := Change{Kind: Removed, Node: n.Name, Key: r.Path, Secret: r.Hash != "" || r.Secret != "", Pos: tablePos(n, r.Path)}
		if ch.Secret {
			ch.Old = "a secret"
		} else {
			ch.Old = showRaw(r.Value)
		}
		// Today the node runs with the key's implicit value: if that is
		// the recorded one, nothing changed.
		if imp, ok := implicitOf(res, n, r.Path); ok {
			if sameRecordedAsImplicit(b, r, res, n, imp) {
				continue
			}
			ch.Implicit, ch.ImplicitFrom = showImplicit(imp, ch.Secret || lint.IsSecretPath(r.Path)), describeImplicit(imp)
			if r.Secret != "" || r.Hash != "" && (b.key == nil || b.Secrets == secretsSaltedV1) {
				// Without the baseline key there is nothing to compare with.
				ch.Implicit = "a default secret the baseline cannot compare with its own"
			}
		}
		out = append(out, ch)
	}
	return out
}

// show renders today's value; a key that carries a secret without being
// named like one (a $ref{} to a password) is redacted too.
func show(k *lint.Key, secret bool) string {
	if secret && !k.IsSecret() {
		return lint.Redact(k.Value.Text())
	}
	return k.Show()
}

// showRaw renders a baseline value the way Key.Show renders today's.
func showRaw(raw json.RawMessage) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	return showAny(v)
}

func showAny(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = showAny(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return "{}"
	}
	return fmt.Sprint(v)
}

// tablePos is where a removed key would be: the header of the nearest
// table still written, or the first line of the file.
func tablePos(n *lint.Node, key string) lint.Position {
	for p := parentPath(key); p != ""; p = parentPath(p) {
		if t := n.Table(p); t != nil {
			return t.Pos()
		}
	}
	return lint.Position{File: n.File, Line: 1, Column: 1}
}

// parentPath drops the last segment of a canonical key path, minding
// quoted segments ("header.X") and array indexes.
func parentPath(p string) string {
	inQuote := false
	last := -1
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == '.' || c == '['):
			last = i
		}
	}
	if last <= 0 {
		return ""
	}
	return p[:last]
}

// Compare returns the changes as findings of rule baseline-drift, sorted.
func Compare(b *Baseline, f *lint.Fleet, opts Options) []lint.Finding {
	return Findings(Changes(b, f, opts))
}

// Findings turns changes into findings of rule baseline-drift, sorted.
func Findings(changes []Change) []lint.Finding {
	out := make([]lint.Finding, 0, len(changes))
	for _, c := range changes {
		out = append(out, c.Finding())
	}
	lint.SortFindings(out)
	return out
}

// Finding renders one change as a finding.
func (c Change) Finding() lint.Finding {
	f := lint.Finding{Rule: RuleID, Severity: lint.SeverityWarning, Node: c.Node, File: c.Pos.File,
		Line: max(c.Pos.Line, 1), Column: max(c.Pos.Column, 1), Key: c.Key, Related: []lint.Related{}}
	switch c.Kind {
	case Added:
		f.Message = fmt.Sprintf("%s added since the baseline: %s", c.Key, c.New)
		if c.Implicit != "" {
			f.Message += fmt.Sprintf("; before, the node ran with %s (%s)", defaultDiffers(c.Implicit), c.ImplicitFrom)
		}
	case Removed:
		f.Message = fmt.Sprintf("%s removed since the baseline: was %s", c.Key, c.Old)
		if c.Implicit != "" {
			f.Message += fmt.Sprintf(", now %s (%s)", defaultDiffers(c.Implicit), c.ImplicitFrom)
		}
	case Changed:
		if c.Secret {
			f.Message = fmt.Sprintf("%s changed since the baseline: the secret differs (now %s; the baseline keeps no secret value)", c.Key, c.New)
		} else {
			f.Message = fmt.Sprintf("%s changed since the baseline: was %s, now %s", c.Key, c.Old, c.New)
		}
	case NodeAdded:
		f.Message = fmt.Sprintf("node %s added since the baseline (%s)", c.Node, c.New)
	case NodeRemoved:
		f.Message = fmt.Sprintf("node %s removed since the baseline (it was %s)", c.Node, c.Old)
	case RoleChanged:
		f.Message = fmt.Sprintf("node %s changed role since the baseline: was %s, now %s", c.Node, c.Old, c.New)
	case Unreadable:
		f.Severity = lint.SeverityError
		f.Message = fmt.Sprintf("node %s cannot be compared with the baseline: the file is not valid TOML (%s)", c.Node, c.New)
	}
	return f
}

// describeForm renders a recorded secret form for a message.
func describeForm(form string) string {
	switch form {
	case "set", "empty":
		return "that was " + form
	}
	return "written as " + form
}
