package lint

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// An address is a host and a port. Several nodes may answer to one host:
// a control plane at offset 0 and a traffic manager at offset 2 on one VM,
// or replicas that share a [server] hostname. The port after each node's
// offset then says which node a URL reaches; only when no port decides is
// the host ambiguous.

// Listens returns the service a node offers on port after its offset
// ("JMS", "binary-TLS"), or false when no WSO2 service of the node uses it.
func (n *Node) Listens(port int) (string, bool) {
	name := wso2.PortName(port - n.Offset)
	return name, name != ""
}

// ResolvePort is Resolve for a host and a port (0: unknown). When several
// nodes answer to the host, the one node that listens on the port after
// its offset is the target; when none or several do, the host stays a
// cluster. A loopback host reaches the writing node only if it listens on
// the port; otherwise another node sharing one of its addresses that does,
// or, when none does, the writing node with NotListening set.
func (b *AddressBook) ResolvePort(host string, port int, from *Node) Target {
	t := b.Resolve(host, from)
	if port <= 0 {
		return t
	}
	t.Port = port
	switch t.Kind {
	case TargetSelf:
		if from == nil {
			return t
		}
		if _, ok := from.Listens(port); ok {
			return t
		}
		if !IsLoopback(strings.ToLower(strings.TrimSpace(host))) {
			return t
		}
		if m, svc := listener(b.coLocated(from), port); m != nil {
			return Target{Kind: TargetNode, Nodes: []*Node{m}, Port: port, ByPort: true,
				Reason: fmt.Sprintf("%s from %s, which shares a host with %s: port %d is %s's %s port%s", host, from.Name, m.Name, port, m.Name, svc, offsetNote(m, port))}
		}
		t.NotListening = true
		return t
	case TargetCluster:
		nodes := b.splittable(strings.ToLower(strings.TrimSpace(host)), t)
		if len(nodes) < 2 {
			return t
		}
		m, svc := listener(nodes, port)
		if m == nil {
			return t
		}
		kind := TargetNode
		if m == from {
			kind = TargetSelf
		}
		return Target{Kind: kind, Nodes: []*Node{m}, Port: port, ByPort: true,
			Reason: fmt.Sprintf("%s is shared by %s; port %d is %s's %s port%s", host, nodeNames(nodes), port, m.Name, svc, offsetNote(m, port))}
	}
	return t
}

// splittable returns the nodes a port may tell apart behind a cluster
// target: the nodes that answer to the host, or share it as [server]
// hostname. Declared and learnt load balancers are never split.
func (b *AddressBook) splittable(h string, t Target) []*Node {
	if c, ok := b.clusters[h]; ok {
		if !c.split {
			return nil
		}
		var out []*Node
		for _, n := range b.byServerHost[h] {
			if n.Role.ActsAs(c.Role) {
				out = append(out, n)
			}
		}
		return out
	}
	return b.hosts[h]
}

// CoHosted returns the nodes that answer to host when there are several,
// for messages that list who listens where.
func (b *AddressBook) CoHosted(host string) []*Node {
	h := strings.ToLower(strings.TrimSpace(host))
	if c, ok := b.clusters[h]; ok {
		return b.splittable(h, Target{Nodes: b.fleet.ByRole(c.Role)})
	}
	if ns := b.hosts[h]; len(ns) > 1 {
		return ns
	}
	return nil
}

// coLocated returns the other nodes that share one of n's addresses.
func (b *AddressBook) coLocated(n *Node) []*Node {
	var out []*Node
	seen := map[*Node]bool{n: true}
	add := func(m *Node) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, a := range n.Addresses {
		for _, m := range b.hosts[a.Host] {
			add(m)
		}
	}
	own := strings.ToLower(n.ServerHostname())
	if c, ok := b.clusters[own]; ok && c.split {
		for _, m := range b.byServerHost[own] {
			add(m)
		}
	}
	return out
}

// listener returns the one node of nodes that listens on port, and its
// service there; nil when none or several do.
func listener(nodes []*Node, port int) (*Node, string) {
	var found *Node
	svc := ""
	for _, n := range nodes {
		if s, ok := n.Listens(port); ok {
			if found != nil {
				return nil, ""
			}
			found, svc = n, s
		}
	}
	return found, svc
}

func offsetNote(n *Node, port int) string {
	if n.Offset == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d + offset %d)", port-n.Offset, n.Offset)
}

func containsNode(nodes []*Node, n *Node) bool {
	for _, m := range nodes {
		if m == n {
			return true
		}
	}
	return false
}

func nodeNames(nodes []*Node) string {
	names := make([]string, 0, len(nodes))
	for i, n := range nodes {
		if i == 4 {
			names = append(names, fmt.Sprintf("and %d more", len(nodes)-4))
			break
		}
		names = append(names, n.Name)
	}
	return strings.Join(names, ", ")
}
