package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// k8sEndpoint is a URL in an endpoint key of a node made from a ConfigMap.
type k8sEndpoint struct {
	key *lint.Key
	val *lint.Value
	ep  lint.Endpoint
}

// k8sEndpoints returns the URLs a manifest node's endpoint keys name (the
// keys the address book reads, and the other API Manager services a node
// dials: revoke_endpoint, the throttling receivers), with a static host.
// Database URLs are left out: a database often runs in the namespace from
// a release of its own, whose Service these manifests need not hold.
func k8sEndpoints(n *lint.Node) []k8sEndpoint {
	var out []k8sEndpoint
	for _, k := range n.Keys {
		if _, ok := lint.EndpointKeyRole(k.Path); !ok && (strings.HasPrefix(k.Path, "database.") || !wso2.IsEndpointKey(k.Path)) {
			continue
		}
		for _, v := range k.Scalars() {
			if v.Kind != lint.KindString || v.Symbolic {
				continue
			}
			ep, err := lint.ParseEndpoint(v.Text())
			if err != nil || ep.Symbolic || ep.Host == "" || strings.ContainsAny(ep.Host, "[]{}<>$") || lint.IsLoopback(ep.Host) {
				continue
			}
			out = append(out, k8sEndpoint{key: k, val: v, ep: ep})
		}
	}
	return out
}

// k8sNamespace is the namespace of a manifest node's pods, or "".
func k8sNamespace(m *lint.Manifests, n *lint.Node) string {
	mn := m.Node(n.Name)
	if mn == nil {
		return ""
	}
	if mn.Workload != nil {
		return mn.Workload.Namespace
	}
	return mn.ConfigMap.Namespace
}

// forManifestEndpoints calls fn for every in-cluster endpoint URL of every
// node the manifests gave, with the namespace of that node's pods: the walk
// the k8s rules share.
func forManifestEndpoints(p *lint.Pass, fn func(m *lint.Manifests, n *lint.Node, ns string, e k8sEndpoint)) {
	m := p.Fleet.Manifests
	if m == nil {
		return
	}
	for _, n := range p.Fleet.Nodes {
		if m.Node(n.Name) == nil || n.Dormant != "" {
			continue // a ConfigMap no pod mounts reaches no Service
		}
		ns := k8sNamespace(m, n)
		for _, e := range k8sEndpoints(n) {
			fn(m, n, ns, e)
		}
	}
}
