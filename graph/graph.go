// Package graph draws the wiring of a WSO2 API Manager fleet: which
// gateway listens to which control plane, which traffic managers each
// gateway publishes to, where each node gets its keys and its databases.
//
// Build turns a lint result into a Graph (nodes grouped by role, load
// balancers, databases and unknown hosts, and one edge per resolved
// endpoint relation with the keys and lines that create it). Edges and
// nodes that carry a finding take its severity and rule ID. Groups of many
// nodes with identical links are summarised into one node. The writers
// render the graph as Graphviz DOT, Mermaid, JSON and an SVG that apimlint
// lays out itself.
package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// NodeKind says what a node of the picture is.
type NodeKind string

// The kinds of nodes.
const (
	KindNode         NodeKind = "node"          // a node file of the fleet
	KindLoadBalancer NodeKind = "load-balancer" // a [[loadbalancer]], Service or shared hostname
	KindDatabase     NodeKind = "database"      // a database server named by [database.*]
	KindUnknownHost  NodeKind = "unknown-host"  // a host that matches nothing apimlint knows
)

// EdgeFronts is the kind of the edges from a load balancer to the nodes
// behind it. It is not a lint.LinkKind: no key of the fleet creates it.
const EdgeFronts lint.LinkKind = "fronts"

// Node is one box of the picture.
type Node struct {
	// ID is stable and safe in DOT, Mermaid, SVG and HTML identifiers.
	ID   string   `json:"id"`
	Name string   `json:"name"`
	Kind NodeKind `json:"kind"`
	// Role is the fleet node's role; for a load balancer, the role behind it.
	Role string `json:"role,omitempty"`
	// Group is the role group the node is drawn in: "gateways", "databases" …
	Group string `json:"group"`
	File  string `json:"file,omitempty"`
	// Reason says why a load balancer is one ("[[loadbalancer]] in .apimlint.toml").
	Reason string `json:"reason,omitempty"`
	// Placeholder marks an unknown host or database server that is a
	// documentation placeholder.
	Placeholder bool `json:"placeholder,omitempty"`
	// Members are the fleet nodes a summarised node stands for (empty when
	// the node is one node).
	Members []string `json:"members,omitempty"`
	// Severity and Rules come from the findings on the node that no edge
	// carries; Findings counts them.
	Severity lint.Severity `json:"severity,omitempty"`
	Rules    []string      `json:"rules,omitempty"`
	Findings int           `json:"findings,omitempty"`
}

// Note is the second line of a node: its role, or what it summarises.
func (n *Node) Note() string {
	switch n.Kind {
	case KindLoadBalancer:
		if n.Role != "" && n.Role != string(lint.RoleUnknown) {
			return "load balancer → " + n.Role
		}
		return "load balancer"
	case KindDatabase:
		if n.Placeholder {
			return "database, doc placeholder"
		}
		return "database"
	case KindUnknownHost:
		if n.Placeholder {
			return "doc placeholder, matches nothing"
		}
		return "unknown host"
	}
	if len(n.Members) > 1 {
		return fmt.Sprintf("%s %s, same links", thousands(len(n.Members)), roleNoun(lint.Role(n.Role), len(n.Members)))
	}
	return n.Role
}

// Via is one key (one value, for lists) that creates an edge.
type Via struct {
	Node     string        `json:"node"`
	Key      string        `json:"key"`
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Column   int           `json:"column"`
	Scheme   string        `json:"scheme,omitempty"`
	Host     string        `json:"host,omitempty"`
	Port     int           `json:"port,omitempty"`
	Severity lint.Severity `json:"severity,omitempty"`
	Rules    []string      `json:"rules,omitempty"`
}

// Edge is one relation between two nodes: all the keys of one kind by
// which From reaches To.
type Edge struct {
	ID   string        `json:"id"`
	From string        `json:"from"`
	To   string        `json:"to"`
	Kind lint.LinkKind `json:"kind"`
	// Unresolved is set when To is an unknown host or a placeholder (drawn dashed).
	Unresolved bool  `json:"unresolved,omitempty"`
	Via        []Via `json:"via"`
	// Severity and Rules are the worst severity and the rule IDs of the
	// findings on the edge's keys.
	Severity lint.Severity `json:"severity,omitempty"`
	Rules    []string      `json:"rules,omitempty"`
}

// Label is the edge's kind as people say it.
func (e *Edge) Label() string {
	if e.Kind == EdgeFronts {
		return "fronts"
	}
	return e.Kind.Label()
}

// Where renders the first key and line that creates the edge, with a
// count of the others: "apim.event_hub.event_duplicate_url:70".
func (e *Edge) Where() string {
	if len(e.Via) == 0 {
		return ""
	}
	v := e.Via[0]
	s := fmt.Sprintf("%s:%d", v.Key, v.Line)
	if len(e.Via) > 1 {
		s += fmt.Sprintf(" +%d", len(e.Via)-1)
	}
	return s
}

// Self reports whether the edge is a loop on one node.
func (e *Edge) Self() bool { return e.From == e.To }

// Graph is the picture of one fleet.
type Graph struct {
	// Name is the fleet's root as given.
	Name  string  `json:"name"`
	Nodes []*Node `json:"nodes"`
	Edges []*Edge `json:"edges"`
	// Summary counts the findings the picture was drawn with.
	Summary lint.Summary `json:"summary"`

	byID   map[string]*Node
	byName map[string]string // fleet node name -> node ID (its summary's, when summarised)
}

// Node returns the node with this ID, or nil.
func (g *Graph) Node(id string) *Node { return g.byID[id] }

// NodeOf returns the ID of the node that draws the fleet node with this
// name (the summary node when it was summarised), or "".
func (g *Graph) NodeOf(name string) string { return g.byName[name] }

// Options tune Build.
type Options struct {
	// GroupAt is the smallest number of nodes of one role with identical
	// links that are drawn as one summary node; 0 means DefaultGroupAt and
	// a negative value never summarises.
	GroupAt int
}

// DefaultGroupAt summarises groups of four or more identical nodes: a
// fleet of two or three gateways per role stays drawn node by node.
const DefaultGroupAt = 4

// Build draws the fleet of a lint result.
func Build(res *lint.Result, opts Options) *Graph {
	return BuildFleet(res.Fleet, res.Findings, opts)
}

// BuildFleet draws a fleet with the findings to colour it by.
func BuildFleet(f *lint.Fleet, findings []lint.Finding, opts Options) *Graph {
	b := newBuilder(f)
	b.addFleetNodes()
	b.addClusters()
	for _, l := range f.Links() {
		b.addLink(l)
	}
	b.attach(findings)
	g := b.graph()
	g.Summary = lint.Summarize(findings, len(f.Nodes))
	at := opts.GroupAt
	if at == 0 {
		at = DefaultGroupAt
	}
	if at > 1 {
		summarise(g, at)
	}
	g.finish()
	return g
}

type edgeKey struct {
	from, to string
	kind     lint.LinkKind
}

type builder struct {
	fleet  *lint.Fleet
	nodes  map[string]*Node
	order  []*Node
	ids    map[string]bool
	byName map[string]*Node // fleet node name -> node
	edges  map[edgeKey]*Edge
	elist  []*Edge
}

func newBuilder(f *lint.Fleet) *builder {
	return &builder{fleet: f, nodes: map[string]*Node{}, ids: map[string]bool{},
		byName: map[string]*Node{}, edges: map[edgeKey]*Edge{}}
}

// node returns the node under key, making it with mk when new.
func (b *builder) node(key string, mk func() *Node) *Node {
	if n, ok := b.nodes[key]; ok {
		return n
	}
	n := mk()
	n.ID = b.uniqueID(n.ID)
	n.Group = groupOf(n)
	b.nodes[key] = n
	b.order = append(b.order, n)
	return n
}

// uniqueID makes an identifier of letters, digits and underscores that no
// other node has.
func (b *builder) uniqueID(s string) string {
	id := sanitizeID(s)
	if !b.ids[id] {
		b.ids[id] = true
		return id
	}
	for i := 2; ; i++ {
		c := fmt.Sprintf("%s_%d", id, i)
		if !b.ids[c] {
			b.ids[c] = true
			return c
		}
	}
}

func sanitizeID(s string) string {
	var sb strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			sb.WriteRune(c)
		default:
			sb.WriteByte('_')
		}
	}
	return strings.Trim(sb.String(), "_")
}

func (b *builder) addFleetNodes() {
	for _, n := range b.fleet.Nodes {
		nd := b.node("node:"+n.Name, func() *Node {
			return &Node{ID: "n_" + n.Name, Name: n.Name, Kind: KindNode, Role: string(n.Role), File: n.File}
		})
		b.byName[n.Name] = nd
	}
}

func (b *builder) addClusters() {
	if b.fleet.Book == nil {
		return
	}
	for _, c := range b.fleet.Book.Clusters() {
		b.cluster(c.Host, c.Role, c.Source, b.fleet.ByRole(c.Role))
	}
}

// cluster adds a load balancer node and its fronts edges.
func (b *builder) cluster(host string, role lint.Role, reason string, members []*lint.Node) *Node {
	lb := b.node("lb:"+host, func() *Node {
		return &Node{ID: "lb_" + host, Name: host, Kind: KindLoadBalancer, Role: string(role), Reason: reason}
	})
	for _, m := range members {
		b.edge(lb, b.byName[m.Name], EdgeFronts)
	}
	return lb
}

func (b *builder) edge(from, to *Node, kind lint.LinkKind) *Edge {
	k := edgeKey{from.ID, to.ID, kind}
	if e, ok := b.edges[k]; ok {
		return e
	}
	e := &Edge{From: from.ID, To: to.ID, Kind: kind, Unresolved: to.Kind == KindUnknownHost || to.Placeholder, Via: []Via{}}
	b.edges[k] = e
	b.elist = append(b.elist, e)
	return e
}

func (b *builder) addLink(l lint.Link) {
	from := b.byName[l.From.Name]
	var to *Node
	switch {
	case l.Kind == lint.LinkDatabase:
		key := fmt.Sprintf("db:%s:%d", l.Host, l.Port)
		name := l.Host
		if l.Port > 0 {
			name = fmt.Sprintf("%s:%d", l.Host, l.Port)
		}
		if lint.IsLoopback(l.Host) {
			key += "@" + l.From.Name
			name += " on " + l.From.Name
		}
		to = b.node(key, func() *Node {
			return &Node{ID: "db_" + name, Name: name, Kind: KindDatabase, Role: l.Scheme, Placeholder: l.Placeholder}
		})
	case l.Placeholder || l.Target.Kind == lint.TargetUnknown:
		to = b.unknownHost(l.Host, l.Placeholder)
	case l.Target.Kind == lint.TargetCluster:
		if l.Cluster != nil {
			to = b.nodes["lb:"+l.Cluster.Host]
		}
		if to == nil {
			to = b.cluster(l.Host, l.Target.Role, l.Target.Reason, l.Target.Nodes)
		}
	default: // TargetSelf, TargetNode
		if n := l.Target.Node(); n != nil {
			to = b.byName[n.Name]
		}
		if to == nil {
			to = b.unknownHost(l.Host, false)
		}
	}
	e := b.edge(from, to, l.Kind)
	e.Via = append(e.Via, Via{Node: l.From.Name, Key: l.Key, File: l.Pos.File, Line: l.Pos.Line, Column: l.Pos.Column,
		Scheme: l.Scheme, Host: l.Host, Port: l.Port})
}

func (b *builder) unknownHost(host string, placeholder bool) *Node {
	return b.node("host:"+host, func() *Node {
		return &Node{ID: "host_" + host, Name: host, Kind: KindUnknownHost, Placeholder: placeholder}
	})
}

type viaRef struct {
	e *Edge
	i int
}

// attach gives each finding to the edges whose key it is reported on
// (node and key, narrowed by line and column when they tell the values of
// a list apart), or else to its node.
func (b *builder) attach(findings []lint.Finding) {
	index := map[[2]string][]viaRef{}
	for _, e := range b.elist {
		for i, v := range e.Via {
			k := [2]string{v.Node, v.Key}
			index[k] = append(index[k], viaRef{e, i})
		}
	}
	for _, f := range findings {
		nd := b.byName[f.Node]
		if nd == nil {
			continue // fleet-level: no node to colour
		}
		refs := index[[2]string{f.Node, f.Key}]
		// A finding on one value of a list is at that value; one about
		// several values (jms-without-tls) is at the first and names the
		// others' hosts.
		hits := filterRefs(refs, func(v Via) bool {
			return v.Line == f.Line && (v.Column == f.Column || strings.Contains(f.Message, v.Host+":"))
		})
		if len(hits) == 0 {
			hits = filterRefs(refs, func(v Via) bool { return v.Line == f.Line })
		}
		if len(hits) == 0 {
			hits = refs
		}
		if len(hits) == 0 {
			nd.Severity = max(nd.Severity, f.Severity)
			nd.Rules = addRule(nd.Rules, f.Rule)
			nd.Findings++
			continue
		}
		for _, h := range hits {
			v := &h.e.Via[h.i]
			v.Severity = max(v.Severity, f.Severity)
			v.Rules = addRule(v.Rules, f.Rule)
			h.e.Severity = max(h.e.Severity, f.Severity)
			h.e.Rules = addRule(h.e.Rules, f.Rule)
		}
	}
}

func filterRefs(refs []viaRef, keep func(Via) bool) []viaRef {
	var out []viaRef
	for _, r := range refs {
		if keep(r.e.Via[r.i]) {
			out = append(out, r)
		}
	}
	return out
}

func addRule(rules []string, id string) []string {
	i, found := slices.BinarySearch(rules, id)
	if found {
		return rules
	}
	return slices.Insert(rules, i, id)
}

func (b *builder) graph() *Graph {
	g := &Graph{Name: b.fleet.Root, Nodes: b.order, Edges: b.elist}
	if g.Name == "" || g.Name == "." {
		g.Name = "fleet"
	}
	return g
}

// finish sorts nodes and edges, names the edges and indexes the graph, so
// that every writer prints the same thing on every run.
func (g *Graph) finish() {
	slices.SortStableFunc(g.Nodes, func(a, b *Node) int {
		return cmp.Or(cmp.Compare(groupRank(a.Group), groupRank(b.Group)), naturalCompare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	pos := map[string]int{}
	g.byID = map[string]*Node{}
	for i, n := range g.Nodes {
		pos[n.ID] = i
		g.byID[n.ID] = n
	}
	slices.SortStableFunc(g.Edges, func(a, b *Edge) int {
		return cmp.Or(cmp.Compare(pos[a.From], pos[b.From]), cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), cmp.Compare(pos[a.To], pos[b.To]))
	})
	for i, e := range g.Edges {
		e.ID = fmt.Sprintf("e%d", i+1)
	}
	if g.byName == nil {
		g.byName = map[string]string{}
	}
	for _, n := range g.Nodes {
		if n.Kind == KindNode && len(n.Members) == 0 {
			g.byName[n.Name] = n.ID
		}
	}
}

func kindRank(k lint.LinkKind) int {
	if i := slices.Index(lint.LinkKinds, k); i >= 0 {
		return i
	}
	return len(lint.LinkKinds)
}

// Groups, in the order they are listed and drawn.
var groups = []string{
	"gateways", "load balancers and Services", "control planes", "all-in-one nodes", "key managers",
	"traffic managers", "other nodes", "databases", "unknown hosts",
}

func groupRank(g string) int { return slices.Index(groups, g) }

func groupOf(n *Node) string {
	switch n.Kind {
	case KindLoadBalancer:
		return "load balancers and Services"
	case KindDatabase:
		return "databases"
	case KindUnknownHost:
		return "unknown hosts"
	}
	switch lint.Role(n.Role) {
	case lint.RoleGateway:
		return "gateways"
	case lint.RoleControlPlane:
		return "control planes"
	case lint.RoleAllInOne:
		return "all-in-one nodes"
	case lint.RoleKeyManager:
		return "key managers"
	case lint.RoleTrafficManager:
		return "traffic managers"
	}
	return "other nodes"
}

func roleNoun(r lint.Role, n int) string {
	one, many := string(r)+" node", string(r)+" nodes"
	switch r {
	case lint.RoleGateway:
		one, many = "gateway", "gateways"
	case lint.RoleControlPlane:
		one, many = "control plane", "control planes"
	case lint.RoleTrafficManager:
		one, many = "traffic manager", "traffic managers"
	case lint.RoleKeyManager:
		one, many = "key manager", "key managers"
	case lint.RoleAllInOne:
		one, many = "all-in-one node", "all-in-one nodes"
	}
	if n == 1 {
		return one
	}
	return many
}

// thousands renders 2400 as "2,400".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// naturalCompare orders gw-2 before gw-10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			ia, ib := digitRun(a), digitRun(b)
			na, nb := strings.TrimLeft(a[:ia], "0"), strings.TrimLeft(b[:ib], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[ia:], b[ib:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
