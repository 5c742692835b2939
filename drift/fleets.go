package drift

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// FleetDiff compares two fleets of an estate (staging against prod) role
// by role: what promoting A's configuration to B would change. Host names
// and node IPs are expected to differ between environments and are
// hidden; secrets are compared without ever being shown.
type FleetDiff struct {
	A     string     `json:"a"`
	B     string     `json:"b"`
	Roles []RoleDiff `json:"roles"`
}

// RoleDiff is what differs between the two fleets' nodes of one role.
type RoleDiff struct {
	Role   string        `json:"role"`
	NodesA int           `json:"nodesA"`
	NodesB int           `json:"nodesB"`
	Keys   []RoleKeyDiff `json:"keys"`
}

// RoleKeyDiff is one key that differs between the roles' nodes: the
// distinct values (host names replaced by <host>) each side's nodes hold.
// A secret says only that it differs: Secret is set and the values are
// left out.
type RoleKeyDiff struct {
	Key    string     `json:"key"`
	Kind   ChangeKind `json:"kind"`
	Secret bool       `json:"secret,omitempty"`
	A      []string   `json:"a,omitempty"`
	B      []string   `json:"b,omitempty"`
}

// HostPlaceholder replaces host names and IPs in compared values.
const HostPlaceholder = "<host>"

// CompareFleets compares the fleets role by role on resolved values. Keys
// matching the ignore globs are left out.
func CompareFleets(nameA string, a *lint.Fleet, nameB string, b *lint.Fleet, ignore []string) FleetDiff {
	salt, err := NewSalt()
	if err != nil {
		salt = "apimlint-fleet-diff" // only hides values held in memory
	}
	pa, pb := roleProfiles(a, salt), roleProfiles(b, salt)
	addImplicit(pa, pb, a, b, salt)
	roles := map[lint.Role]bool{}
	for r := range pa {
		roles[r] = true
	}
	for r := range pb {
		roles[r] = true
	}
	order := make([]lint.Role, 0, len(roles))
	for r := range roles {
		order = append(order, r)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	out := FleetDiff{A: nameA, B: nameB, Roles: []RoleDiff{}}
	for _, r := range order {
		ra, rb := pa[r], pb[r]
		rd := RoleDiff{Role: string(r), Keys: []RoleKeyDiff{}}
		if ra != nil {
			rd.NodesA = ra.nodes
		}
		if rb != nil {
			rd.NodesB = rb.nodes
		}
		keys := map[string]bool{}
		if ra != nil {
			for k := range ra.keys {
				keys[k] = true
			}
		}
		if rb != nil {
			for k := range rb.keys {
				keys[k] = true
			}
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			if !MatchKey(ignore, k) {
				sorted = append(sorted, k)
			}
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			var va, vb *keyValues
			if ra != nil {
				va = ra.keys[k]
			}
			if rb != nil {
				vb = rb.keys[k]
			}
			d := RoleKeyDiff{Key: k, Kind: Changed}
			switch {
			case va == nil:
				d.Kind = Added
			case vb == nil:
				d.Kind = Removed
			case equalSets(va.compare, vb.compare):
				continue
			}
			if va != nil && va.secret || vb != nil && vb.secret {
				d.Secret = true
			} else {
				if va != nil {
					d.A = va.shown
				}
				if vb != nil {
					d.B = vb.shown
				}
			}
			rd.Keys = append(rd.Keys, d)
		}
		if rd.NodesA != rd.NodesB || len(rd.Keys) > 0 {
			out.Roles = append(out.Roles, rd)
		}
	}
	return out
}

type roleProfile struct {
	nodes int
	keys  map[string]*keyValues
}

type keyValues struct {
	secret  bool
	compare []string // sorted distinct compared values (hashes for secrets)
	shown   []string // sorted distinct shown values (nil for secrets)
	// writers counts the nodes that write the key; texts maps a compared
	// value of a written scalar to its text, so that a default WSO2
	// reads as the same value ("15" for 15) compares equal.
	writers int
	texts   map[string]string
}

func roleProfiles(f *lint.Fleet, salt string) map[lint.Role]*roleProfile {
	hide := hostHider(f)
	out := map[lint.Role]*roleProfile{}
	for _, n := range f.Nodes {
		p := out[n.Role]
		if p == nil {
			p = &roleProfile{keys: map[string]*keyValues{}}
			out[n.Role] = p
		}
		p.nodes++
		sec := newSecretScope(n)
		for _, k := range n.Keys {
			kv := p.keys[k.Path]
			if kv == nil {
				kv = &keyValues{}
				p.keys[k.Path] = kv
			}
			kv.writers++
			c := string(canon(k.Value))
			if sec.isSecret(k) {
				kv.secret = true
				kv.compare = addSorted(kv.compare, lint.HashSecret(salt, c))
				kv.noteText(lint.HashSecret(salt, c), k.Value)
				continue
			}
			kv.compare = addSorted(kv.compare, hide(c))
			kv.shown = addSorted(kv.shown, hide(k.Show()))
			kv.noteText(hide(c), k.Value)
		}
	}
	return out
}

// hostHider returns a function that replaces the fleet's host names and
// IPs (the nodes' own, and every host its URLs and JDBC URLs name) with
// <host>; a node's directory name is replaced only as a whole value.
func hostHider(f *lint.Fleet) func(string) string {
	hosts := map[string]bool{}
	whole := map[string]bool{}
	add := func(h string) {
		if h != "" && !lint.HasPlaceholder(h) {
			hosts[h] = true
		}
	}
	for _, n := range f.Nodes {
		for _, a := range n.Addresses {
			if a.Guessed() {
				whole[a.Host] = true
				continue
			}
			add(a.Host)
		}
		for _, k := range n.Keys {
			var vals []*lint.Value
			if k.Value.Kind == lint.KindArray {
				vals = k.Scalars()
			} else {
				vals = []*lint.Value{k.Value}
			}
			for _, v := range vals {
				if v.Kind != lint.KindString {
					continue
				}
				s := v.Text()
				if hostKey(k.Path) && !strings.ContainsAny(s, "/ ") {
					add(s)
					continue
				}
				if db, err := wso2.ParseJDBC(s); err == nil {
					for _, srv := range db.Servers {
						add(srv.Host)
					}
					continue
				}
				if strings.Contains(s, "://") {
					if ep, err := lint.ParseEndpoint(s); err == nil {
						add(ep.Host)
					}
				}
			}
		}
	}
	list := make([]string, 0, len(hosts))
	for h := range hosts {
		list = append(list, h)
	}
	// Longest first, so that gw.example.com goes before example.com.
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	pairs := make([]string, 0, 2*len(list))
	for _, h := range list {
		pairs = append(pairs, h, HostPlaceholder)
	}
	r := strings.NewReplacer(pairs...)
	return func(s string) string {
		if whole[strings.Trim(s, `"`)] {
			return `"` + HostPlaceholder + `"`
		}
		return r.Replace(s)
	}
}

// hostKey reports whether a key holds a bare host name or IP: hostname,
// host, node_ip, proxyHost and the like.
func hostKey(path string) bool {
	last := strings.ToLower(path[strings.LastIndexByte(path, '.')+1:])
	return strings.Contains(last, "host") && !strings.Contains(last, "port") || last == "node_ip" || last == "ip"
}

func addSorted(s []string, v string) []string {
	i := sort.SearchStrings(s, v)
	if i < len(s) && s[i] == v {
		return s
	}
	s = append(s, "")
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func equalSets(a, b []string) bool {
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

// WriteFleetDiffText writes a fleet comparison for people: per role, the
// node counts and every key a promotion from A to B would change.
func WriteFleetDiffText(w io.Writer, d FleetDiff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "--- a: %s\n+++ b: %s\n", d.A, d.B)
	if len(d.Roles) == 0 {
		b.WriteString("no differences by role (host names and IPs hidden)\n")
	}
	list := func(vs []string) string { return strings.Join(vs, " | ") }
	for _, r := range d.Roles {
		fmt.Fprintf(&b, "%s: %d %s in a, %d in b\n", r.Role, r.NodesA, plural(r.NodesA, "node", "nodes"), r.NodesB)
		for _, k := range r.Keys {
			switch {
			case k.Secret && k.Kind == Changed:
				fmt.Fprintf(&b, "  ~ %s: secret differs\n", k.Key)
			case k.Secret:
				fmt.Fprintf(&b, "  %s %s: secret only in %s\n", sign(k.Kind), k.Key, sideName(k.Kind))
			case k.Kind == Changed:
				fmt.Fprintf(&b, "  ~ %s: %s -> %s\n", k.Key, list(k.A), list(k.B))
			case k.Kind == Added:
				fmt.Fprintf(&b, "  + %s = %s (only in b)\n", k.Key, list(k.B))
			default:
				fmt.Fprintf(&b, "  - %s = %s (only in a)\n", k.Key, list(k.A))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func sign(k ChangeKind) string {
	if k == Added {
		return "+"
	}
	return "-"
}

func sideName(k ChangeKind) string {
	if k == Added {
		return "b"
	}
	return "a"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
