package lint

import (
	"fmt"
	"slices"
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
	base, ok := n.BaseOf(port)
	if !ok {
		return "", false
	}
	name := wso2.PortName(base)
	return name, name != ""
}

// BaseOf returns the default port (before any offset) of the service the
// node offers on port, or false: port minus the offset, unless the node
// moved that service elsewhere or moved another one to port
// (wso2.PortKeys).
func (n *Node) BaseOf(port int) (int, bool) {
	moved, found := 0, false
	for base, p := range n.ports {
		if p+n.Offset == port && (!found || base < moved) {
			moved, found = base, true
		}
	}
	if found {
		return moved, true
	}
	base := port - n.Offset
	if _, elsewhere := n.ports[base]; elsewhere {
		return 0, false
	}
	return base, true
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
		if !IsLoopback(wso2.CanonicalHost(host)) {
			// The node's own name names its machine.
			if on, ok := b.onMachineOf(host, from, from, port); ok {
				return on
			}
			return t
		}
		if m, svc := b.coLocatedListener(from, port, false); m != nil {
			return Target{Kind: TargetNode, Nodes: []*Node{m}, Port: port, ByPort: true,
				Reason: fmt.Sprintf("%s from %s, which shares a host with %s: port %d is %s's %s port%s", host, from.Name, m.Name, port, m.Name, svc, offsetNote(m, port))}
		}
		t.NotListening = true
		return t
	case TargetNode:
		// A host name names a machine, not a process: a URL to the name of
		// a traffic manager that shares its VM (node_ip) with a control
		// plane at another offset reaches whichever listens on the port.
		if len(t.Nodes) != 1 {
			return t
		}
		if _, ok := t.Nodes[0].Listens(port); ok {
			return t
		}
		if on, ok := b.onMachineOf(host, t.Nodes[0], from, port); ok {
			return on
		}
		return t
	case TargetCluster:
		h := wso2.CanonicalHost(host)
		nodes := b.splittable(h)
		if len(nodes) < 2 {
			return t
		}
		// Every URL to a shared host asks this per port: the answer is
		// found once (listener over all the nodes was O(nodes) each time).
		ls := b.listenersOf("split "+h, nodes, port)
		if len(ls) != 1 {
			return t
		}
		m, svc := ls[0].node, ls[0].svc
		kind := TargetNode
		if m == from {
			kind = TargetSelf
		}
		return Target{Kind: kind, Nodes: []*Node{m}, Port: port, ByPort: true,
			Reason: fmt.Sprintf("%s is shared by %s; port %d is %s's %s port%s", host, nodeNames(nodes), port, m.Name, svc, offsetNote(m, port))}
	}
	return t
}

// onMachineOf resolves a host that names node x, which does not listen on
// port, to the one other node sharing x's stated address (node_ip) at
// another offset that does: a name names a machine, not a process.
func (b *AddressBook) onMachineOf(host string, x, from *Node, port int) (Target, bool) {
	m, svc := b.coLocatedListener(x, port, true)
	if m == nil {
		return Target{}, false
	}
	kind := TargetNode
	if m == from {
		kind = TargetSelf
	}
	return Target{Kind: kind, Nodes: []*Node{m}, Port: port, ByPort: true,
		Reason: fmt.Sprintf("%s names %s, which shares a host with %s: port %d is %s's %s port%s", host, x.Name, m.Name, port, m.Name, svc, offsetNote(m, port))}, true
}

// splittable returns the nodes a port may tell apart behind a cluster
// target: the nodes that answer to the host, or share it as [server]
// hostname. Declared and learnt load balancers are never split.
func (b *AddressBook) splittable(h string) []*Node {
	if c, ok := b.clusters[h]; ok {
		if !c.split {
			return nil
		}
		b.listenMu.Lock()
		defer b.listenMu.Unlock()
		if out, ok := b.split[h]; ok {
			return out
		}
		var out []*Node
		for _, n := range b.byServerHost[h] {
			if n.Role.ActsAs(c.Role) {
				out = append(out, n)
			}
		}
		if b.split == nil {
			b.split = map[string][]*Node{}
		}
		b.split[h] = out[:len(out):len(out)]
		return b.split[h]
	}
	return b.hosts[h]
}

// CoHosted returns the nodes that answer to host when there are several,
// for messages that list who listens where.
func (b *AddressBook) CoHosted(host string) []*Node {
	h := wso2.CanonicalHost(host)
	if _, ok := b.clusters[h]; ok {
		return b.splittable(h)
	}
	ns := b.hosts[h]
	if len(ns) > 1 {
		return ns
	}
	if len(ns) == 1 {
		return b.machineOf(ns[0])
	}
	return nil
}

// machineOf returns n and the nodes that share one of the addresses its
// file states (node_ip, hostname): the servers of n's machine, when it has
// more than n.
func (b *AddressBook) machineOf(n *Node) []*Node {
	out := []*Node{n}
	for _, a := range n.Addresses {
		if a.Guessed() || portsCollide(n, b.hosts[a.Host]) {
			continue
		}
		for _, m := range b.hosts[a.Host] {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// coLocatedListener returns the one other node sharing one of n's
// addresses (or its split [server] hostname) that listens on port, and its
// service there; nil when none or several do. The listeners of each
// address are found once per port: the gateways of a fleet that share one
// hostname each ask about the same port, and listing the co-located nodes
// per question cost O(nodes²).
//
// stated leaves out the addresses guessed from directory or workload
// names: a folder name that several nodes share (control-plane/ under
// each VM's folder) says nothing about which machine they run on.
func (b *AddressBook) coLocatedListener(n *Node, port int, stated bool) (*Node, string) {
	var found *Node
	svc := ""
	consider := func(group string, nodes []*Node) bool {
		for _, l := range b.listenersOf(group, nodes, port) {
			switch {
			case l.node == n:
			case found == nil:
				found, svc = l.node, l.svc
			case found != l.node:
				return false
			}
		}
		return true
	}
	for _, a := range n.Addresses {
		if stated && (a.Guessed() || portsCollide(n, b.hosts[a.Host])) {
			continue
		}
		if !consider("host "+a.Host, b.hosts[a.Host]) {
			return nil, ""
		}
	}
	own := wso2.CanonicalHost(n.ServerHostname())
	if c, ok := b.clusters[own]; ok && c.split {
		if !consider("server "+own, b.byServerHost[own]) {
			return nil, ""
		}
	}
	return found, svc
}

type portListener struct {
	node *Node
	svc  string
}

type listenerKey struct {
	group string
	port  int
}

// listenersOf returns up to three nodes of a group that listen on port:
// enough to tell one other node from several whichever node asks.
func (b *AddressBook) listenersOf(group string, nodes []*Node, port int) []portListener {
	k := listenerKey{group, port}
	b.listenMu.Lock()
	defer b.listenMu.Unlock()
	if ls, ok := b.listeners[k]; ok {
		return ls
	}
	var ls []portListener
	for _, m := range nodes {
		if s, ok := m.Listens(port); ok {
			ls = append(ls, portListener{m, s})
			if len(ls) == 3 {
				break
			}
		}
	}
	if b.listeners == nil {
		b.listeners = map[listenerKey][]portListener{}
	}
	b.listeners[k] = ls
	return ls
}

func offsetNote(n *Node, port int) string {
	if n.Offset == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d + offset %d)", port-n.Offset, n.Offset)
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

// portsCollide reports whether another node that shares an address with n
// runs at n's offset: two servers cannot listen on the same ports of one
// machine, so the shared address (a node_ip copied from another VM's
// file) is a mistake, not evidence that they share a machine.
func portsCollide(n *Node, nodes []*Node) bool {
	for _, m := range nodes {
		if m != n && m.Role.IsAPIM() && n.Role.IsAPIM() && samePorts(m, n) {
			return true
		}
	}
	return false
}

// samePorts reports whether two servers on one machine would listen on a
// port in common: at the same offset, unless one moves its services
// (wso2.PortKeys), in which case the ports of those services are compared
// (the Thrift and WebSub receivers are off unless configured).
func samePorts(a, b *Node) bool {
	if len(a.ports) == 0 && len(b.ports) == 0 {
		return a.Offset == b.Offset
	}
	ports := make(map[int]bool, len(wso2.PortKeys))
	for base := range wso2.PortKeys {
		ports[a.Port(base)] = true
	}
	for base := range wso2.PortKeys {
		if ports[b.Port(base)] {
			return true
		}
	}
	return false
}
