package lint

import (
	"fmt"
	"sort"
	"strings"
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
}

// AddressBook maps host names to the fleet's nodes and load balancers.
type AddressBook struct {
	fleet    *Fleet
	hosts    map[string][]*Node
	clusters map[string]*Cluster
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
			h := strings.ToLower(lb.Host)
			b.clusters[h] = &Cluster{Host: h, Role: r, Ports: lb.Ports, Source: "[[loadbalancer]] in " + ConfigFileName}
		}
	}
	// A hostname shared by all nodes of one role names the role's cluster.
	byRole := map[Role][]*Node{}
	for _, n := range f.Nodes {
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
			b.clusters[h] = &Cluster{Host: h, Role: role, Source: fmt.Sprintf("[server] hostname shared by all %d %s nodes", len(nodes), role)}
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
	h := strings.ToLower(strings.TrimSpace(host))
	if IsLoopback(h) {
		return Target{Kind: TargetSelf, Nodes: []*Node{from}, Reason: "loopback address"}
	}
	if c, ok := b.clusters[h]; ok {
		return Target{Kind: TargetCluster, Role: c.Role, Ports: c.Ports, Nodes: b.fleet.ByRole(c.Role), Reason: c.Source}
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
		if n == from {
			return Target{Kind: TargetSelf, Nodes: nodes, Reason: reason}
		}
		return Target{Kind: TargetNode, Nodes: nodes, Reason: reason}
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

// Port returns the node's port for a service given its default port.
func (n *Node) Port(base int) int { return base + n.Offset }
