package lint

import (
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// A fleet on Kubernetes (or behind load balancers) names its nodes through
// Services: a control plane's [[apim.gateway.environment]] service_url
// names the gateways' Service, every node's [apim.key_manager] service_url
// names the key manager's. Where the fleet says unambiguously which role a
// host no node answers to fronts, the address book learns it as that
// role's cluster, so that the same host where another role is expected is
// a wrong URL, not an unknown one.

// Naming is one endpoint key that names a host, and the role it expects
// there.
type Naming struct {
	Node *Node
	Path string // canonical key path
	Role Role
}

// What describes the key for messages: `cp-1's environment "Default"
// service_url`, `gw-1's [apim.key_manager] service_url`.
func (nm Naming) What() string {
	return nm.Node.Name + "'s " + describeKeyPath(nm.Node, nm.Path)
}

// describeKeyPath names a key the way a reader finds it in the file.
func describeKeyPath(n *Node, path string) string {
	if strings.HasPrefix(path, "apim.gateway.environment[") {
		if i := strings.Index(path, "]."); i > 0 {
			return fmt.Sprintf("environment %q %s", environmentName(n, path), path[i+2:])
		}
	}
	table, leaf := path, ""
	if i := strings.LastIndexByte(path, '.'); i > 0 {
		table, leaf = path[:i], path[i+1:]
	}
	g := wso2.GenericPath(table)
	if strings.HasSuffix(g, "[]") {
		return fmt.Sprintf("[[%s]] %s", strings.ReplaceAll(strings.TrimSuffix(g, "[]"), "[]", ""), leaf)
	}
	return fmt.Sprintf("[%s] %s", strings.ReplaceAll(g, "[]", ""), leaf)
}

// LearntOnlyFrom reports whether host is a learnt cluster that only node n
// names as its role: then a URL of n to it has nothing to be checked
// against but itself.
func (b *AddressBook) LearntOnlyFrom(host string, n *Node) bool {
	c, ok := b.clusters[wso2.CanonicalHost(host)]
	if !ok || !c.Learnt {
		return false
	}
	for _, nm := range c.Support {
		if nm.Node != n {
			return false
		}
	}
	return true
}

// Naming returns the endpoint keys that name host, when no node answers to
// it by its own files (a learnt Service included), in node order.
func (b *AddressBook) Naming(host string) []Naming {
	return b.naming[wso2.CanonicalHost(host)]
}

// namingKeys are the endpoint keys that name a role's front door: the
// management URLs a Service or load balancer normally answers. Broker
// lists, url groups and duplicate URLs name single nodes, and the
// consumer-facing gateway URLs name an ingress: they count as claims
// against a host but never teach its role alone.
var namingKeys = map[string]bool{
	"apim.gateway.environment[].service_url":            true,
	"apim.key_manager.service_url":                      true,
	"apim.event_hub.service_url":                        true,
	"apim.throttling.service_url":                       true,
	"event_listener[].properties.notification_endpoint": true,
}

// learnServices collects who names the hosts still unknown, and learns a
// role's cluster for each host the fleet names as one role only, in at
// least one key that names a role's front door (namingKeys). Numbered
// hosts (apim-cp-3) look like one node's name, not a role's front, and IP
// addresses may be either: neither is learnt. A fleet config that declares
// its addresses complete learns nothing.
func (b *AddressBook) learnServices(refs iter.Seq[ref]) {
	var hosts []string
	for r := range refs {
		if b.known(r.host) {
			continue
		}
		if b.naming == nil {
			b.naming = map[string][]Naming{}
		}
		if _, seen := b.naming[r.host]; !seen {
			hosts = append(hosts, r.host)
		}
		b.naming[r.host] = append(b.naming[r.host], Naming{Node: r.from, Path: r.path, Role: r.role()})
	}
	sort.Strings(hosts)
	if b.fleet.Config != nil && b.fleet.Config.Fleet.Complete {
		return
	}
	present := map[Role]bool{}
	for _, n := range b.fleet.Nodes {
		if n.Role.IsAPIM() {
			present[n.Role] = true
		}
	}
	var disputed []string
	for _, h := range hosts {
		if isIPv4(h) || strings.Count(h, ":") >= 2 || hasNodeNumber(h) || !namedByNamingKey(b.naming[h]) {
			continue
		}
		if !b.learnService(h, b.naming[h], present) {
			disputed = append(disputed, h)
		}
	}
	// A host the keys dispute: a key whose peers (the other nodes of the
	// writer's role, same key) name another host already known to serve
	// the role it expects is the odd one out, and does not count.
	var index peerKeyIndex
	if len(disputed) > 0 {
		index = b.peerKeys(refs)
	}
	for _, h := range disputed {
		var kept []Naming
		for _, nm := range b.naming[h] {
			if !b.outvoted(index, nm, h, present) {
				kept = append(kept, nm)
			}
		}
		if len(kept) < len(b.naming[h]) && namedByNamingKey(kept) {
			b.learnService(h, kept, present)
		}
	}
}

func namedByNamingKey(names []Naming) bool {
	for _, nm := range names {
		if namingKeys[wso2.GenericPath(nm.Path)] {
			return true
		}
	}
	return false
}

// peerKeyIndex maps a key as peers share it (writer's role, generic path,
// environment name) to the hosts written there and who writes each.
type peerKeyIndex map[string]map[string][]*Node

func peerKey(n *Node, path string) string {
	return string(n.Role) + "\x00" + wso2.GenericPath(path) + "\x00" + environmentName(n, path)
}

// peerKeys indexes every endpoint key of the fleet once, so that judging
// the keys that name disputed hosts stays linear in the fleet's size.
func (b *AddressBook) peerKeys(refs iter.Seq[ref]) peerKeyIndex {
	index := peerKeyIndex{}
	for r := range refs {
		k := peerKey(r.from, r.path)
		if index[k] == nil {
			index[k] = map[string][]*Node{}
		}
		if ws := index[k][r.host]; len(ws) == 0 || ws[len(ws)-1] != r.from {
			index[k][r.host] = append(ws, r.from)
		}
	}
	return index
}

// outvoted reports whether another node of nm's writer's role writes the
// same key (of the environment of the same name) with a host other than h
// that the book knows serves the role nm expects.
func (b *AddressBook) outvoted(index peerKeyIndex, nm Naming, h string, present map[Role]bool) bool {
	for host, writers := range index[peerKey(nm.Node, nm.Path)] {
		if host == h || len(writers) == 1 && writers[0] == nm.Node {
			continue
		}
		if c, ok := b.clusters[host]; ok && servesAs(c.Role, nm.Role, present) {
			return true
		}
		if ns := b.hosts[host]; len(ns) == 1 && servesAs(ns[0].Role, nm.Role, present) {
			return true
		}
	}
	return false
}

// environmentName is the name of the [[apim.gateway.environment]] a key
// path is in, or "".
func environmentName(n *Node, path string) string {
	const env = "apim.gateway.environment["
	if !strings.HasPrefix(path, env) {
		return ""
	}
	i := strings.Index(path, "].")
	if i < 0 {
		return ""
	}
	name, _ := n.String(path[:i+1] + ".name")
	return name
}

// learnService learns h as the cluster of the role names agree on, and
// reports whether it did.
func (b *AddressBook) learnService(h string, names []Naming, present map[Role]bool) bool {
	role, ok := serviceRole(h, names, present)
	if !ok {
		return false
	}
	var who []string
	var support []Naming
	for _, nm := range names {
		if !servesAs(role, nm.Role, present) {
			continue
		}
		support = append(support, nm)
		if namingKeys[wso2.GenericPath(nm.Path)] && !slicesContains(who, nm.What()) {
			who = append(who, nm.What())
		}
	}
	if len(who) > 2 {
		who = append(who[:2], fmt.Sprintf("%d more", len(who)-2))
	}
	b.clusters[h] = &Cluster{Host: h, Role: role, Learnt: true, Support: support,
		Source: fmt.Sprintf("the %s service named by %s", role, strings.Join(who, ", "))}
	return true
}

// servesAs reports whether a host fronting nodes of role r serves a key
// that expects role want: a control plane is the resident key manager, and
// the traffic manager too in a fleet without dedicated ones.
func servesAs(r, want Role, present map[Role]bool) bool {
	return r.ActsAs(want) || r == RoleControlPlane && want == RoleTrafficManager && !present[RoleTrafficManager]
}

// serviceRole decides the role a host fronts from the keys that name it:
// the role every key expects, or the one present role that serves them
// all. When the keys disagree, the host's own name (its role words) picks
// one of the roles they expect, and the keys expecting another are wrong.
// A name whose role words contradict the result learns nothing.
func serviceRole(h string, names []Naming, present map[Role]bool) (Role, bool) {
	var claims []Role
	for _, nm := range names {
		if !slicesContainsRole(claims, nm.Role) {
			claims = append(claims, nm.Role)
		}
	}
	var named []Role
	for _, t := range HostTokens(h) {
		if r, ok := ParseRole(strings.TrimPrefix(t, "@")); ok && t[0] == '@' && r.IsAPIM() && !slicesContainsRole(named, r) {
			named = append(named, r)
		}
	}
	agrees := func(r Role) bool {
		if len(named) == 0 {
			return true
		}
		for _, nr := range named {
			if r == nr || r.ActsAs(nr) || nr.ActsAs(r) {
				return true
			}
		}
		return false
	}
	if len(claims) == 1 && present[claims[0]] {
		return claims[0], agrees(claims[0])
	}
	var cands []Role
	for _, r := range Roles {
		if !present[r] {
			continue
		}
		all := true
		for _, c := range claims {
			if !servesAs(r, c, present) {
				all = false
				break
			}
		}
		if all {
			cands = append(cands, r)
		}
	}
	if len(cands) > 1 {
		var byName []Role
		for _, r := range cands {
			if len(named) > 0 && agrees(r) {
				byName = append(byName, r)
			}
		}
		cands = byName
	}
	if len(cands) == 1 {
		return cands[0], agrees(cands[0])
	}
	if len(cands) > 1 || len(named) == 0 {
		return "", false
	}
	// The keys disagree: the name decides between the roles they expect.
	var picked []Role
	for _, r := range named {
		if !present[r] {
			continue
		}
		for _, c := range claims {
			if servesAs(r, c, present) {
				picked = append(picked, r)
				break
			}
		}
	}
	if len(picked) == 1 {
		return picked[0], true
	}
	return "", false
}

// hasNodeNumber reports whether a host carries a number that tells one
// node from its peers (apim-cp-3, tm1.local); the 2 of "wso2" is a name.
func hasNodeNumber(h string) bool {
	toks := HostTokens(h)
	for i, t := range toks {
		if t[0] >= '0' && t[0] <= '9' && !(t == "2" && i > 0 && toks[i-1] == "wso") {
			return true
		}
	}
	return false
}

func slicesContainsRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
