package lint

import (
	"fmt"
	"iter"
	"sort"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/wso2"
)

// TargetKind says what a host in a URL names.
type TargetKind uint8

// What a host can name.
const (
	TargetUnknown TargetKind = iota // matches nothing apimlint knows
	TargetSelf                      // localhost or loopback: the node that wrote it
	TargetNode                      // one node of the fleet
	TargetCluster                   // the load balancer or cluster name of one role
)

// Target is what AddressBook.Resolve found for a host.
type Target struct {
	Kind  TargetKind
	Nodes []*Node // the node (TargetSelf, TargetNode) or the role's nodes (TargetCluster)
	Role  Role    // TargetCluster: the role behind it
	Ports []int   // TargetCluster: ports declared for a [[loadbalancer]], if any
	// Reason says why the host names the target, for messages.
	Reason string
	// Service is set for a cluster host learnt from the fleet (a
	// Kubernetes Service or load balancer the fleet names as one role).
	Service bool
	// Port is the port ResolvePort was given. NotListening is set when the
	// target is the writing node itself (loopback) but the node does not
	// listen on Port after its offset: the URL reaches another process.
	Port         int
	NotListening bool
	// ByPort is set when the port picked the node among several that
	// answer to the host; Reason then says how.
	ByPort bool
	// Pod is set when the host names one replica of the node (a
	// StatefulSet pod's DNS name, Manifests.PodName): two pods of one
	// node are two servers.
	Pod string
}

// Node returns the single node a target names, or nil.
func (t Target) Node() *Node {
	if (t.Kind == TargetNode || t.Kind == TargetSelf) && len(t.Nodes) == 1 {
		return t.Nodes[0]
	}
	return nil
}

// Cluster is a host in front of the nodes of one role.
type Cluster struct {
	Host   string
	Role   Role
	Ports  []int
	Source string
	// Learnt is set for a host the fleet itself names as the role's
	// service (see AddressBook.Naming); Source then says who names it.
	Learnt bool
	// Support are the keys whose naming taught a learnt cluster's role.
	Support []Naming
	// split is set for a [server] hostname shared by the role's nodes:
	// a port after one node's offset tells that node apart.
	split bool
}

// AddressBook maps host names to the fleet's nodes and load balancers.
type AddressBook struct {
	fleet    *Fleet
	hosts    map[string][]*Node
	clusters map[string]*Cluster
	// naming holds, per host no node answers to, the endpoint keys that
	// name it and the role each expects.
	naming map[string][]Naming
	// byServerHost lists the nodes by lower-cased [server] hostname, for
	// the co-located and split-cluster questions that are asked per URL.
	byServerHost map[string][]*Node
	shapes       shapeIndex
	listenMu     sync.Mutex
	listeners    map[listenerKey][]portListener
	split        map[string][]*Node // splittable's cluster members, by host
}

// NewAddressBook indexes the addresses of every node, and finds the
// cluster hosts: a [server] hostname shared by every node of a role (two
// or more), and the [[loadbalancer]] hosts of the fleet config.
func NewAddressBook(f *Fleet) *AddressBook {
	b := &AddressBook{fleet: f, hosts: map[string][]*Node{}, clusters: map[string]*Cluster{}}
	if f.Config != nil {
		for _, lb := range f.Config.LoadBalancers {
			r, ok := ParseRole(lb.Role)
			if !ok || lb.Host == "" {
				continue
			}
			h := wso2.CanonicalHost(lb.Host)
			b.clusters[h] = &Cluster{Host: h, Role: r, Ports: lb.Ports, Source: "[[loadbalancer]] in " + ConfigFileName}
		}
	}
	// A hostname shared by all nodes of one role names the role's cluster.
	byRole := map[Role][]*Node{}
	for _, n := range f.Nodes {
		if n.Dormant != "" {
			continue
		}
		byRole[n.Role] = append(byRole[n.Role], n)
	}
	for role, nodes := range byRole {
		if len(nodes) < 2 || !role.IsAPIM() {
			continue
		}
		h := nodes[0].ServerHostname()
		if IsLoopback(h) || HasPlaceholder(h) {
			continue
		}
		shared := true
		for _, n := range nodes[1:] {
			if !strings.EqualFold(n.ServerHostname(), h) {
				shared = false
				break
			}
		}
		if !shared {
			continue
		}
		h = strings.ToLower(h)
		if _, declared := b.clusters[h]; !declared {
			b.clusters[h] = &Cluster{Host: h, Role: role, Source: fmt.Sprintf("[server] hostname shared by all %d %s nodes", len(nodes), role), split: true}
		}
		for _, n := range nodes {
			n.removeAddress(h)
		}
	}
	for _, n := range f.Nodes {
		for _, a := range n.Addresses {
			if _, isCluster := b.clusters[a.Host]; isCluster {
				continue
			}
			b.hosts[a.Host] = append(b.hosts[a.Host], n)
		}
	}
	b.learn()
	b.byServerHost = map[string][]*Node{}
	for _, n := range f.Nodes {
		if n.Dormant != "" {
			continue
		}
		h := wso2.CanonicalHost(n.ServerHostname())
		b.byServerHost[h] = append(b.byServerHost[h], n)
	}
	return b
}

func (n *Node) removeAddress(host string) {
	out := n.Addresses[:0]
	for _, a := range n.Addresses {
		if a.Host != host {
			out = append(out, a)
		}
	}
	n.Addresses = out
}

// Resolve says what host names, as seen from node from (whose localhost is itself).
func (b *AddressBook) Resolve(host string, from *Node) Target {
	h := wso2.CanonicalHost(host)
	if IsLoopback(h) {
		return Target{Kind: TargetSelf, Nodes: []*Node{from}, Reason: "loopback address"}
	}
	if c, ok := b.clusters[h]; ok {
		return Target{Kind: TargetCluster, Role: c.Role, Ports: c.Ports, Nodes: b.fleet.ByRole(c.Role), Reason: c.Source, Service: c.Learnt}
	}
	nodes := b.hosts[h]
	switch len(nodes) {
	case 0:
		return Target{Kind: TargetUnknown}
	case 1:
		n := nodes[0]
		reason := ""
		for _, a := range n.Addresses {
			if a.Host == h {
				reason = a.Source
			}
		}
		pod := b.fleet.Manifests.PodName(h, n)
		if n == from {
			return Target{Kind: TargetSelf, Nodes: nodes, Reason: reason, Pod: pod}
		}
		return Target{Kind: TargetNode, Nodes: nodes, Reason: reason, Pod: pod}
	}
	// Several nodes answer to one host: a cluster of whatever role they share.
	role := nodes[0].Role
	for _, n := range nodes[1:] {
		if n.Role != role {
			role = RoleUnknown
		}
	}
	return Target{Kind: TargetCluster, Role: role, Nodes: nodes, Reason: "host shared by several nodes"}
}

// Clusters returns the known cluster hosts, sorted.
func (b *AddressBook) Clusters() []*Cluster {
	out := make([]*Cluster, 0, len(b.clusters))
	for _, c := range b.clusters {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out
}

// Port returns the node's port for a service given its default port: the
// port the node's file sets for it (transport.https.properties.port …),
// or the default, plus its offset.
func (n *Node) Port(base int) int {
	if p, ok := n.ports[base]; ok {
		return p + n.Offset
	}
	return base + n.Offset
}

// movedPorts reads the services the node moves off their default ports
// (wso2.PortKeys): nil for most nodes. A port that does not resolve to a
// number is left at its default.
func movedPorts(n *Node) map[int]int {
	var out map[int]int
	for base, keys := range wso2.PortKeys {
		for _, key := range keys {
			p, ok := n.Value(key).Port()
			if !ok {
				continue
			}
			if p != base {
				if out == nil {
					out = map[int]int{}
				}
				out[base] = p
			}
			break
		}
	}
	return out
}

// HostTokens splits a host or node name into lower-case tokens, with role
// words (cp, acp, control-plane, tm, gateway, all-in-one …) replaced by
// one token per role, "@control-plane", so that control-plane-1 and
// apim-acp-wso2am-acp-1-service share the tokens "@control-plane" and "1".
func HostTokens(s string) []string {
	toks := wordTokens(s)
	out := make([]string, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		if i+2 < len(toks) {
			if r, ok := roleTokens[toks[i]+"-"+toks[i+1]+"-"+toks[i+2]]; ok {
				out = append(out, "@"+string(r))
				i += 2
				continue
			}
		}
		if i+1 < len(toks) {
			if r, ok := roleTokens[toks[i]+"-"+toks[i+1]]; ok {
				out = append(out, "@"+string(r))
				i++
				continue
			}
		}
		if r, ok := roleTokens[toks[i]]; ok {
			out = append(out, "@"+string(r))
			continue
		}
		out = append(out, toks[i])
	}
	return out
}

// wordTokens splits at every non-alphanumeric byte, and splits a
// trailing number off a word ("dc1" is "dc", "1"; "gw1" is "gw", "1") but
// keeps digits inside a word ("wso2am" stays whole).
func wordTokens(s string) []string {
	s = strings.ToLower(s)
	words := strings.FieldsFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
	})
	out := make([]string, 0, len(words)+2)
	for _, w := range words {
		i := len(w)
		for i > 0 && w[i-1] >= '0' && w[i-1] <= '9' {
			i--
		}
		if i > 0 && i < len(w) {
			out = append(out, w[:i], w[i:])
			continue
		}
		out = append(out, w)
	}
	return out
}

// HostShape is a host with its numbers blanked: apim-cp-3 and apim-cp-1
// have the same shape, apim-cp-service does not. Hosts without a number
// and IP addresses have no shape ("").
func HostShape(host string) string {
	if isIPv4(host) || strings.Count(host, ":") >= 2 {
		return ""
	}
	toks := HostTokens(host)
	digit := false
	for i, t := range toks {
		if t[0] >= '0' && t[0] <= '9' {
			toks[i] = "#"
			digit = true
		}
	}
	if !digit {
		return ""
	}
	return strings.Join(toks, "-")
}

func isIPv4(h string) bool {
	parts := strings.Split(h, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// looksLikeDocPlaceholder reports hosts copied from documentation, such
// as [control-plane-host], <gateway-host> or xxx.xxx.xxx.xx4: the
// doc-placeholder rule reports them and nothing is learnt from them.
func looksLikeDocPlaceholder(h string) bool {
	return strings.ContainsAny(h, "[]<>{}$ ") || strings.Contains(strings.ToLower(h), "xxx")
}

// IsDocPlaceholderHost is looksLikeDocPlaceholder for rules.
func IsDocPlaceholderHost(h string) bool { return looksLikeDocPlaceholder(h) }

// known reports whether the book already says what host names.
func (b *AddressBook) known(h string) bool {
	if IsLoopback(h) {
		return true
	}
	if _, ok := b.clusters[h]; ok {
		return true
	}
	return len(b.hosts[h]) > 0
}

// ref is one URL host a node writes in an endpoint key.
type ref struct {
	from *Node
	host string
	path string // canonical key path
}

// role is the role the key expects to reach.
func (r ref) role() Role {
	role, _ := EndpointKeyRole(r.path)
	return role
}

// nodeRef is a ref as a node keeps it, for the life of the fleet: the
// node and the role are known from where it is kept and from the path.
type nodeRef struct {
	host string
	path string // canonical key path
}

// learn adds the addresses the fleet itself reveals: peer symmetry in HA
// groups, then token matches. Each learnt address carries its reason.
func (b *AddressBook) learn() {
	refs := b.refs()
	b.learnPeers(refs)
	b.learnTokens(refs)
	b.learnServices(refs)
}

// refs yields the hosts the nodes' endpoint keys name, node by node. The
// learning steps read them a few times over: walking the nodes' lists
// again costs less than joining them into one, which was a tenth of a
// fleet's loading garbage.
func (b *AddressBook) refs() iter.Seq[ref] {
	return func(yield func(ref) bool) {
		for _, node := range b.fleet.Nodes {
			if node.Dormant != "" {
				continue // a file no server reads teaches nothing about hosts
			}
			for _, r := range node.refs {
				// The refs were listed when the file was read; the fleet
				// may hold a copy of that node (NewFleet).
				if !yield(ref{from: node, host: r.host, path: r.path}) {
					return
				}
			}
		}
	}
}

// endpointRefs lists the hosts the node's endpoint keys name. It runs
// while the node is loaded, in parallel with the other nodes, so that the
// fleet-wide learning step only has to join the lists.
func (n *Node) endpointRefs() []nodeRef {
	if !n.Role.IsAPIM() {
		return nil
	}
	// The endpoint keys first, to size the list: appending leaves a
	// quarter of it unused on average, kept as long as the node.
	var buf [32]*Key
	keys := buf[:0]
	count := 0
	for _, k := range n.Keys {
		if _, ok := EndpointKeyRole(k.Path); ok {
			keys = append(keys, k)
			count += len(k.Scalars())
		}
	}
	if count == 0 {
		return nil
	}
	refs := make([]nodeRef, 0, count)
	for _, k := range keys {
		for _, v := range k.Scalars() {
			if v.Kind != KindString || v.Symbolic {
				continue
			}
			ep, err := ParseEndpoint(v.Text())
			if err != nil || ep.Symbolic || ep.Host == "" || looksLikeDocPlaceholder(ep.Host) {
				continue
			}
			refs = append(refs, nodeRef{host: ep.Host, path: k.Path})
		}
	}
	return refs
}

func (b *AddressBook) assign(n *Node, host, reason string) {
	n.addAddress(host, reason)
	b.hosts[host] = append(b.hosts[host], n)
}

// peerGroups are the HA groups that name their peers, and the keys they
// name them in. An all-in-one node runs both an event hub and a traffic
// manager.
var peerGroups = []struct {
	role Role
	dup  []string // event_duplicate_url keys: peers, never the node itself
	pub  bool     // publish url_group: every member, the node included
}{
	// Before 4.3.0 a control plane copies its events to its peers only
	// through [apim.throttling] event_duplicate_url (wso2.TokenRevocationCopyKey).
	{RoleControlPlane, []string{wso2.EventHubDuplicateURL, wso2.ThrottlingDuplicateURL}, true},
	{RoleTrafficManager, []string{wso2.ThrottlingDuplicateURL}, false},
	{RoleAllInOne, []string{wso2.EventHubDuplicateURL, wso2.ThrottlingDuplicateURL}, true},
}

// learnPeers applies peer symmetry. In a group, event_duplicate_url names
// the other members, never the node itself; the publish url_group names
// every member. So a host is owned by a member that does not list it as
// a peer; when exactly one member qualifies (always, with two members
// that name each other) the host is that member's. A member whose
// publish list holds exactly one host it does not list as a peer owns
// that host. Owners found exclude themselves from other hosts of the
// same lists, until nothing changes.
func (b *AddressBook) learnPeers(refs iter.Seq[ref]) {
	for _, g := range peerGroups {
		members := b.fleet.OfRole(g.role)
		if len(members) < 2 {
			continue
		}
		inGroup := make(map[*Node]bool, len(members))
		for _, m := range members {
			inGroup[m] = true
		}
		isDup := map[string]bool{}
		for _, k := range g.dup {
			isDup[k] = true
		}
		listers := map[string]map[*Node]bool{} // host -> members naming it as a peer
		pub := map[*Node][]string{}
		var hosts []string // unresolved hosts of the lists, first-seen order
		seen := map[string]bool{}
		for r := range refs {
			if !inGroup[r.from] {
				continue
			}
			gp := GenericPath(r.path)
			dup := isDup[gp]
			isPub := g.pub && (gp == "apim.event_hub.publish.url_group[].urls" || gp == "apim.event_hub.publish.url_group[].auth_urls")
			if !dup && !isPub {
				continue
			}
			if !seen[r.host] {
				seen[r.host] = true
				if !b.known(r.host) {
					hosts = append(hosts, r.host)
				}
			}
			if dup {
				if listers[r.host] == nil {
					listers[r.host] = map[*Node]bool{}
				}
				listers[r.host][r.from] = true
			} else {
				pub[r.from] = append(pub[r.from], r.host)
			}
		}
		if len(hosts) == 0 {
			continue
		}
		owner := map[string]*Node{}
		owns := map[*Node]bool{}
		// Members already named in these lists by a known address own it.
		for h := range seen {
			if ns := b.hosts[h]; len(ns) == 1 && inGroup[ns[0]] {
				owns[ns[0]] = true
			}
		}
		reason := map[string]string{}
		// Self-identification through the publish list.
		for _, m := range members {
			var cand []string
			self := false
			for _, h := range pub[m] {
				if listers[h][m] {
					continue
				}
				if ns := b.hosts[h]; len(ns) > 0 || IsLoopback(h) {
					if len(ns) == 1 && ns[0] == m || IsLoopback(h) {
						self = true
					}
					continue
				}
				if _, c := b.clusters[h]; c {
					continue
				}
				if !slicesContains(cand, h) {
					cand = append(cand, h)
				}
			}
			if len(cand) == 1 && !self {
				h := cand[0]
				if prev, ok := owner[h]; ok && prev != m {
					owner[h] = nil // two members claim it: learn nothing
					continue
				}
				owner[h] = m
				reason[h] = fmt.Sprintf("peer symmetry: the only host in %s's own [[apim.event_hub.publish.url_group]] that it does not name as a peer", m.Name)
			}
		}
		for _, m := range owner {
			if m != nil {
				owns[m] = true
			}
		}
		for round := 0; round < 4; round++ {
			changed := false
			for _, h := range hosts {
				if _, done := owner[h]; done {
					continue
				}
				l := listers[h]
				if len(l) == 0 {
					continue // named only in publish lists: anyone's
				}
				// At most one candidate is possible only when nearly every
				// member lists the host or already owns another one.
				if len(members)-len(l)-len(owns) > 1 {
					continue
				}
				var cand *Node
				count := 0
				for _, m := range members {
					if l[m] || owns[m] {
						continue
					}
					cand = m
					count++
				}
				if count != 1 {
					continue
				}
				owner[h] = cand
				owns[cand] = true
				names := make([]string, 0, len(l))
				for n := range l {
					names = append(names, n.Name)
				}
				sort.Strings(names)
				// Capped: the reason reaches finding messages, and the members
				// of a large HA group would otherwise all be listed in each.
				shown := strings.Join(names[:min(len(names), 3)], ", ")
				if len(names) > 3 {
					shown += fmt.Sprintf(" and %d more", len(names)-3)
				}
				reason[h] = fmt.Sprintf("peer symmetry: named as a peer in event_duplicate_url by %s, never by %s", shown, cand.Name)
				changed = true
			}
			if !changed {
				break
			}
		}
		for _, h := range hosts {
			if m := owner[h]; m != nil {
				b.assign(m, h, reason[h])
			}
		}
	}
}

func slicesContains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// learnTokens gives a host that still matches nothing to the one node of
// the role it is expected to reach whose name tokens all appear among the
// host's tokens (control-plane-1 in apim-acp-wso2am-acp-1-service).
func (b *AddressBook) learnTokens(refs iter.Seq[ref]) {
	type want struct {
		host string
		role Role
	}
	var wants []want
	seen := map[want]bool{}
	for r := range refs {
		if b.known(r.host) || isIPv4(r.host) {
			continue
		}
		w := want{r.host, r.role()}
		if seen[w] {
			continue
		}
		seen[w] = true
		wants = append(wants, w)
	}
	if len(wants) == 0 {
		return
	}
	// Inverted index from non-role tokens to the nodes whose names hold them.
	post := map[string][]*Node{}
	need := map[*Node]int{}
	roleToks := map[*Node][]string{}
	var roleOnly []*Node
	for _, n := range b.fleet.Nodes {
		if !n.Role.IsAPIM() {
			continue
		}
		uniq := map[string]bool{}
		for _, t := range HostTokens(n.Name) {
			if uniq[t] {
				continue
			}
			uniq[t] = true
			if t[0] == '@' {
				roleToks[n] = append(roleToks[n], t)
				continue
			}
			post[t] = append(post[t], n)
			need[n]++
		}
		if need[n] == 0 && len(roleToks[n]) > 0 {
			roleOnly = append(roleOnly, n)
		}
	}
	matches := map[string][]*Node{}
	reasons := map[string]string{}
	for _, w := range wants {
		toks := map[string]bool{}
		for _, t := range HostTokens(w.host) {
			toks[t] = true
		}
		count := map[*Node]int{}
		for t := range toks {
			for _, n := range post[t] {
				count[n]++
			}
		}
		var found []*Node
		ok := func(n *Node) bool {
			if !n.Role.ActsAs(w.role) {
				return false
			}
			for _, t := range roleToks[n] {
				if !toks[t] {
					return false
				}
			}
			return true
		}
		for n, c := range count {
			if c == need[n] && ok(n) {
				found = append(found, n)
			}
		}
		for _, n := range roleOnly {
			if ok(n) {
				found = append(found, n)
			}
		}
		if len(found) != 1 {
			continue
		}
		if prev := matches[w.host]; len(prev) == 1 && prev[0] != found[0] {
			matches[w.host] = append(prev, found[0]) // ambiguous across roles
			continue
		}
		matches[w.host] = found
		reasons[w.host] = fmt.Sprintf("token match: every token of the node name %s is in the host", found[0].Name)
	}
	hosts := make([]string, 0, len(matches))
	for h := range matches {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	for _, h := range hosts {
		if ns := matches[h]; len(ns) == 1 && !inOtherDomain(ns[0], h) {
			b.assign(ns[0], h, reasons[h])
		}
	}
}

// inOtherDomain reports whether host is one of n's own stated names in
// another domain (tm-2.prod.example.com against n's hostname
// tm-2.dev.example.com): the same node name in another environment, which
// the tokens of n's name cannot tell from n itself.
func inOtherDomain(n *Node, host string) bool {
	label, domain, ok := strings.Cut(host, ".")
	if !ok || isIPv4(host) {
		return false
	}
	for _, a := range n.Addresses {
		if a.Guessed() {
			continue
		}
		if al, ad, ok := strings.Cut(a.Host, "."); ok && al == label && ad != domain && !isIPv4(a.Host) {
			return true
		}
	}
	return false
}

// LoadBalancer returns the cluster declared or found for host, if any.
func (b *AddressBook) LoadBalancer(host string) (*Cluster, bool) {
	c, ok := b.clusters[wso2.CanonicalHost(host)]
	return c, ok
}
