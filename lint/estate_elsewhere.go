package lint

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// EstateNode is a node of another fleet of the estate a fleet was loaded
// from.
type EstateNode struct {
	Fleet string
	Node  string
	Role  Role
}

// estateHost is a host a discovered node states as its own.
type estateHost struct {
	plan *FleetPlan
	file string
	role Role
}

// noteHosts remembers the hosts the members of a discovered fleet state
// ([server] hostname, node_ip, [[node]] addresses; not directory names),
// so that a fleet linted later can tell a URL into another environment
// from a URL to a host nobody knows. Two strings per node: discovery keeps
// no node.
func (e *Estate) noteHosts(p *FleetPlan, members []*evidence) {
	if e.hosts == nil {
		e.hosts = map[string][]estateHost{}
	}
	for _, m := range members {
		for _, h := range m.answers {
			e.hosts[h] = append(e.hosts[h], estateHost{plan: p, file: m.src.display, role: m.role})
		}
	}
}

// elsewhereFor returns the look-up of hosts in the fleets other than p.
func (e *Estate) elsewhereFor(p *FleetPlan) func(string) []EstateNode {
	if len(e.hosts) == 0 {
		return nil
	}
	return func(host string) []EstateNode {
		host = wso2.CanonicalHost(host)
		if !distinctiveHost(host) {
			return nil
		}
		var out []EstateNode
		for _, h := range e.hosts[host] {
			if h.plan == p {
				continue
			}
			if len(out) > 0 && out[0].Fleet != h.plan.Name {
				// Stated by nodes of several other fleets: a name
				// deployments share, which says nothing about which one
				// is meant.
				return nil
			}
			name := h.file
			if i := slices.Index(h.plan.Files, h.file); i >= 0 {
				name = wso2.NodeName(h.plan.Root, h.plan.rels[i])
			}
			out = append(out, EstateNode{Fleet: h.plan.Name, Node: name, Role: h.role})
		}
		return out
	}
}

// ElsewhereInEstate returns the nodes of the other fleets of the estate
// the fleet was loaded from (Estate.LoadFleet) that state host as their
// own address; nil outside an estate. A URL to a host no node of its own
// fleet answers to, but a node of another fleet does, crosses into another
// deployment (a qa gateway sending its events to prod's traffic manager).
// Only discovered fleets are looked in: discovery reads no file of a fleet
// a config lists.
func (f *Fleet) ElsewhereInEstate(host string) []EstateNode {
	if f.elsewhere == nil {
		return nil
	}
	return f.elsewhere(host)
}

// distinctiveHost reports whether a host name can tell deployments apart:
// a DNS name of two labels or more that is not one of WSO2's documented
// examples (wso2.IsExampleHost). One-label names (tm1, gateway)
// are completed by each environment's DNS search domain, and private IP
// addresses are reused by unrelated networks: neither says which
// deployment is meant.
func distinctiveHost(host string) bool {
	if host == "" || !strings.Contains(host, ".") {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	return !wso2.IsExampleHost(host)
}

// Names reports whether an endpoint key of n names node m, as the address
// book resolves the hosts n's endpoint keys name (read once, when n was
// loaded).
func (f *Fleet) Names(n, m *Node) bool {
	for _, r := range n.refs {
		if slices.Contains(f.Book.Resolve(r.host, n).Nodes, m) {
			return true
		}
	}
	return false
}
