package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// K8sServiceMissing reports a URL to an in-cluster name no Service defines.
var K8sServiceMissing = register(&lint.Rule{
	ID:       "k8s-service-missing",
	Severity: lint.SeverityError,
	Summary:  "a URL names a Service (bare name or *.svc*) that the manifests do not define",
	Category: "topology",
	Doc: `Inside a cluster a bare host name, name.namespace or name.namespace.svc[.cluster.local]
resolves only if a Service of that name exists. Service names come from release and chart names,
so a URL written for another release, or before a chart renamed its Services, names nothing: the
pod fails to connect at runtime. apimlint checks only namespaces in which the manifests define at
least one Service, and then takes them to hold every Service of that namespace (give all the
rendered releases of a namespace together). When a Service in front of the role the key expects
exists, the message names it.`,
	Example: `rendered.yaml:38:17: error: https://apim-tm-service:9443/services/ names no Service in namespace apim; the traffic-manager pods are behind Service wso2am-tm-service (k8s-service-missing)`,
	Fix:     `Use the name of the Service that selects the pods you mean (kubectl get svc -n NAMESPACE).`,
	Run:     runK8sServiceMissing,
})

func runK8sServiceMissing(p *lint.Pass) {
	forManifestEndpoints(p, func(m *lint.Manifests, n *lint.Node, ns string, e k8sEndpoint) {
		svc, inCluster := m.ServiceForHost(e.ep.Host, ns)
		if svc != nil || !inCluster {
			return
		}
		hostNS := hostNamespace(e.ep.Host, ns)
		if !m.NamespaceHasServices(hostNS) {
			return
		}
		if t := p.Fleet.Book.Resolve(e.ep.Host, n); t.Kind == lint.TargetSelf || byOtherMeans(m, t) {
			return
		}
		msg := fmt.Sprintf("%s names no Service in namespace %s", lint.RedactURL(e.ep.Raw), hostNS)
		if role, ok := lint.EndpointKeyRole(e.key.Path); ok {
			if names := servicesOfRole(p.Fleet, m, hostNS, role); len(names) > 0 {
				msg += fmt.Sprintf("; the %s pods are behind Service %s", role, strings.Join(names, ", "))
			}
		}
		p.Report(lint.AtValue(n, e.key, e.val, "%s", msg))
	})
}

// hostNamespace is the namespace an in-cluster host name looks in.
func hostNamespace(host, ns string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".cluster.local")
	parts := strings.Split(h, ".")
	switch {
	case len(parts) >= 3 && parts[len(parts)-1] == "svc":
		return parts[len(parts)-2]
	case len(parts) == 2:
		return parts[1]
	case len(parts) == 3:
		return parts[2]
	}
	return ns
}

// byOtherMeans reports whether the host is known from outside the
// manifests: a node of a TOML fleet given together with them, or the
// fleet config.
func byOtherMeans(m *lint.Manifests, t lint.Target) bool {
	for _, n := range t.Nodes {
		if m.Node(n.Name) == nil {
			return true
		}
	}
	// A [[loadbalancer]] the fleet config declares; hosts the address book
	// merely learnt from the files are what this rule checks.
	return t.Kind == lint.TargetCluster && strings.HasPrefix(t.Reason, "[[loadbalancer]]")
}

// servicesOfRole names the Services in ns that select pods of role.
func servicesOfRole(f *lint.Fleet, m *lint.Manifests, ns string, role lint.Role) []string {
	var out []string
	for _, s := range m.Services {
		if s.Namespace != ns {
			continue
		}
	workloads:
		for _, w := range s.Workloads {
			for _, mn := range w.Nodes {
				if n := f.Node(mn.Name); n != nil && (n.Role == role || (n.Role == lint.RoleAllInOne && role.IsAPIM())) {
					out = append(out, s.Name)
					break workloads
				}
			}
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}
