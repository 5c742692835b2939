package lint

import (
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// A StatefulSet's replicas share one ConfigMap, so they are one node; but
// behind a headless Service each replica has a DNS name of its own
// (tm-0.tm-hl, tm-1.tm-hl.apim.svc.cluster.local). Two such names are
// two servers: a gateway that names tm-0 in one url_group and tm-1 in
// another names each traffic manager once.

// PodName returns the pod of node n's StatefulSet that host names through
// a headless Service selecting it (pod.svc, pod.svc.ns, pod.svc.ns.svc,
// pod.svc.ns.svc.cluster.local), or "" when host names no single replica
// (a Service, a hostname, another node's pod, a Deployment's node).
func (m *Manifests) PodName(host string, n *Node) string {
	if m == nil || n == nil {
		return ""
	}
	mn := m.nodes[n.Name]
	if mn == nil || mn.Workload == nil || mn.Workload.Kind != "StatefulSet" {
		return ""
	}
	w := mn.Workload
	h := strings.TrimSuffix(wso2.CanonicalHost(host), ".cluster.local")
	parts := strings.Split(h, ".")
	switch {
	case len(parts) < 2 || len(parts) > 4:
		return ""
	case len(parts) >= 3 && parts[2] != strings.ToLower(w.Namespace):
		return ""
	case len(parts) == 4 && parts[3] != "svc":
		return ""
	}
	ordinal, ok := strings.CutPrefix(parts[0], strings.ToLower(w.Name)+"-")
	if !ok {
		return ""
	}
	i, err := strconv.Atoi(ordinal)
	if err != nil || i < 0 || i >= min(max(w.Replicas, 1), maxPodNames) || strconv.Itoa(i) != ordinal {
		return ""
	}
	for _, s := range m.servicesOf[w] {
		if s.Headless() && strings.ToLower(s.Name) == parts[1] {
			return parts[0]
		}
	}
	return ""
}

// Replicas returns how many pods run node n: its workload's replicas, 1
// for a node not made from manifests, 0 for a ConfigMap nothing mounts.
func (m *Manifests) Replicas(n *Node) int {
	if m == nil || n == nil {
		return 1
	}
	mn := m.nodes[n.Name]
	switch {
	case mn == nil:
		return 1
	case mn.Workload == nil:
		return 0
	}
	return mn.Workload.Replicas
}

// PodNames returns the pods of node n that have DNS names of their own
// (a StatefulSet behind a headless Service, at most maxPodNames), in
// ordinal order, or nil.
func (m *Manifests) PodNames(n *Node) []string {
	if m == nil || n == nil {
		return nil
	}
	mn := m.nodes[n.Name]
	if mn == nil || mn.Workload == nil || mn.Workload.Kind != "StatefulSet" {
		return nil
	}
	w := mn.Workload
	headless := false
	for _, s := range m.servicesOf[w] {
		headless = headless || s.Headless()
	}
	if !headless {
		return nil
	}
	out := make([]string, 0, min(max(w.Replicas, 1), maxPodNames))
	for i := 0; i < cap(out); i++ {
		out = append(out, strings.ToLower(w.Name)+"-"+strconv.Itoa(i))
	}
	return out
}
