package lint

import (
	"sort"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// Node is one server of the fleet: its file, role, keys and addresses.
type Node struct {
	Name string // directory relative to the fleet root, without repository/conf
	File string // path for output: the path the user gave joined with the file below it
	// Rel is the file's path relative to the fleet root, slash-separated.
	Rel  string
	Role Role
	// RoleSource says how the role was decided: "config", "comment",
	// "server_role", "content", "name" or "none".
	RoleSource string
	RoleDetail string // the evidence, for `apimlint nodes`
	// Fleet names the node's fleet when an estate was split (LintEstate).
	Fleet string

	// Keys are in file order and indexed by path when the node is
	// loaded: replace or reorder them only through a new node.
	Keys     []*Key
	Tables   []*Table
	Comments []Comment
	// SyntaxError is set when the file is not valid TOML; Keys then hold
	// what was read before the error.
	SyntaxError *SyntaxError
	// Src is the file as read. Values share its memory: never modify it.
	Src []byte

	// Offset is the port offset: [server] offset, or the fleet config's.
	Offset int
	// Addresses are the host names and IPs the node answers to.
	Addresses []Address
	// Dormant says why the node runs nowhere (a ConfigMap that no
	// workload mounts), or is "". A dormant node's file is linted on its
	// own, but it is no server of the fleet: it has no addresses, is in
	// no role's list (Fleet.ByRole), and rules that judge where nodes
	// point or compare peers leave it out.
	Dormant string

	// Diagnostics are findings produced while loading (syntax, placeholders,
	// role), reported by the rules that own them.
	Diagnostics []Finding

	byPath  keyIndex
	refs    []nodeRef   // hosts named by endpoint keys, for the address book
	ports   map[int]int // services moved off their default port, by default (Port)
	secrets []string    // plain secret values, for the engine's scrub
}

// SourceDirName is the Source of an address taken from the node's
// directory name: a guess, which rules and discovery weigh less than a
// name the node's file states.
const SourceDirName = "directory name"

// Address is a host name a node answers to, and why apimlint believes so.
type Address struct {
	Host   string `json:"host"`
	Source string `json:"source"`
}

func (n *Node) index() { n.byPath = newKeyIndex(n.Keys) }

// Get returns the key at a canonical path, or nil.
func (n *Node) Get(path string) *Key {
	if i := n.byPath.find(n.Keys, path); i >= 0 {
		return n.Keys[i]
	}
	return nil
}

// Value returns the value at path, or nil.
func (n *Node) Value(path string) *Value {
	if k := n.Get(path); k != nil {
		return k.Value
	}
	return nil
}

// String returns the resolved text at path.
func (n *Node) String(path string) (string, bool) {
	k := n.Get(path)
	if k == nil || k.Value.Kind == KindArray {
		return "", false
	}
	return k.Value.Text(), true
}

// Has reports whether the file sets path or any key below it.
func (n *Node) Has(prefix string) bool {
	if n.Get(prefix) != nil {
		return true
	}
	if n.HasTable(prefix) {
		return true
	}
	for _, k := range n.Keys {
		if isBelow(k.Path, prefix) {
			return true
		}
	}
	return false
}

// HasTable reports whether a [prefix] or [[prefix]] header is written.
func (n *Node) HasTable(prefix string) bool {
	for _, t := range n.Tables {
		if t.Path == prefix || (t.Array && strings.HasPrefix(t.Path, prefix+"[")) {
			return true
		}
	}
	return false
}

// Under returns the keys at or below prefix, in file order.
func (n *Node) Under(prefix string) []*Key {
	var out []*Key
	for _, k := range n.Keys {
		if k.Path == prefix || isBelow(k.Path, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// Table returns the header for path, if written.
func (n *Node) Table(path string) *Table {
	for _, t := range n.Tables {
		if t.Path == path {
			return t
		}
	}
	return nil
}

// ArrayLen returns how many elements the array of tables at path has.
func (n *Node) ArrayLen(path string) int {
	// [[path]] headers, or path = [ {…}, {…} ] (an array of inline tables,
	// whose fields are keys path[i].field): TOML allows either, not both.
	idx := map[string]bool{}
	for _, t := range n.Tables {
		if t.Array && strings.HasPrefix(t.Path, path+"[") && !strings.Contains(t.Path[len(path)+1:], ".") {
			idx[t.Path[len(path):]] = true
		}
	}
	if len(idx) > 0 {
		return len(idx)
	}
	for _, k := range n.Keys {
		rest, ok := strings.CutPrefix(k.Path, path+"[")
		if !ok {
			continue
		}
		i := strings.IndexByte(rest, ']')
		if i > 0 && i+1 < len(rest) && rest[i+1] == '.' {
			idx[rest[:i]] = true
		}
	}
	return len(idx)
}

// PathBelow reports whether a key path is strictly below prefix (a.b and
// a[0].b are below a; ab is not).
func PathBelow(path, prefix string) bool { return isBelow(path, prefix) }

func isBelow(path, prefix string) bool {
	if len(path) <= len(prefix) || !strings.HasPrefix(path, prefix) {
		return false
	}
	c := path[len(prefix)]
	return c == '.' || c == '['
}

// Answers reports whether host is one of the node's addresses.
func (n *Node) Answers(host string) bool {
	host = wso2.CanonicalHost(host)
	for _, a := range n.Addresses {
		if strings.EqualFold(a.Host, host) {
			return true
		}
	}
	return false
}

// ServerHostname returns [server] hostname, resolved ("localhost" when unset).
func (n *Node) ServerHostname() string {
	if h, ok := n.String("server.hostname"); ok && h != "" {
		return h
	}
	return "localhost"
}

func (n *Node) addAddress(host, source string) {
	host = wso2.CanonicalHost(host)
	if host == "" {
		return
	}
	for _, a := range n.Addresses {
		if a.Host == host {
			return
		}
	}
	n.Addresses = append(n.Addresses, Address{Host: host, Source: source})
}

func sortNodes(nodes []*Node) {
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
}
