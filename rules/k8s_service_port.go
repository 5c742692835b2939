package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

// K8sServicePort reports a URL to a Service port that is not exposed, or
// one that forwards to a port the pods do not serve.
var K8sServicePort = register(&lint.Rule{
	ID:       "k8s-service-port",
	Severity: lint.SeverityError,
	Summary:  "a URL reaches a Service on a port it does not expose, or one whose targetPort the pods do not serve",
	Category: "topology",
	Doc: `In Kubernetes the port in a URL is the Service's port, not the container's: a Service
forwards only the ports it lists, each to its targetPort (a number, or a container port's name).
A URL to a port the Service does not list is refused (the classic: 5672 missing from the traffic
manager's Service, so gateways never receive throttle decisions); a Service port whose targetPort
is not a port the WSO2 node listens on after its [server] offset, or is the port of another WSO2
service (5672 forwarded to 9443), connects to nothing or to the wrong protocol. A headless Service
is checked against the pods' ports directly.`,
	Example: `rendered.yaml:40:20: error: tcp://wso2am-tm-service:5672 reaches Service apim/wso2am-tm-service on port 5672, which it does not expose (it exposes 9443, 9611, 9711) (k8s-service-port)`,
	Fix:     `Add the port to the Service (port and targetPort), or correct the URL's port to one the Service exposes.`,
	Run:     runK8sServicePort,
})

func runK8sServicePort(p *lint.Pass) {
	forManifestEndpoints(p, func(m *lint.Manifests, n *lint.Node, ns string, e k8sEndpoint) {
		svc, _ := m.ServiceForHost(e.ep.Host, ns)
		if svc == nil {
			// A public name: the Ingress sends it to a Service port of its own.
			if msg := ingressBackendProblem(p.Fleet, m, e.ep); msg != "" {
				p.Report(lint.AtValue(n, e.key, e.val, "%s", msg))
			}
			return
		}
		if e.ep.Port <= 0 {
			return
		}
		if msg := servicePortProblem(p.Fleet, svc, e.ep); msg != "" {
			p.Report(lint.AtValue(n, e.key, e.val, "%s", msg))
		}
	})
}

// ingressBackendProblem checks the Service ports that Ingress rules for the
// URL's host send it to: a URL to a public name is only as good as the
// backend behind it (a targetPort name with a typo serves nothing).
func ingressBackendProblem(f *lint.Fleet, m *lint.Manifests, ep lint.Endpoint) string {
	// An Ingress serves HTTP(S) on 80 and 443; a URL on another port to
	// its host does not go through it.
	if !ep.DefaultPort && ep.Port != 80 && ep.Port != 443 {
		return ""
	}
	for _, ing := range m.Ingresses {
		for _, r := range ing.Spec.Rules {
			if r.HTTP == nil || !strings.EqualFold(r.Host, ep.Host) {
				continue
			}
			// The rule's path that takes the URL: the longest prefix.
			var best *networkingv1.HTTPIngressPath
			for i, path := range r.HTTP.Paths {
				pp := strings.TrimSuffix(path.Path, "/")
				if strings.HasPrefix(ep.Path, pp) && (best == nil || len(pp) > len(strings.TrimSuffix(best.Path, "/"))) {
					best = &r.HTTP.Paths[i]
				}
			}
			if best != nil {
				b := best.Backend.Service
				if b == nil {
					continue
				}
				svc, _ := m.ServiceForHost(b.Name, ing.Namespace)
				if svc == nil {
					continue // k8s-service-missing's to say
				}
				port := int(b.Port.Number)
				for _, sp := range svc.Spec.Ports {
					if b.Port.Name != "" && sp.Name == b.Port.Name {
						port = int(sp.Port)
					}
				}
				subject := fmt.Sprintf("%s goes through Ingress %s/%s, whose backend", lint.RedactURL(ep.Raw), ing.Namespace, ing.Name)
				if port <= 0 {
					return fmt.Sprintf("%s names port %q of Service %s/%s, which it does not expose (it exposes %s)",
						subject, b.Port.Name, svc.Namespace, svc.Name, servicePortList(svc.Spec.Ports))
				}
				if msg := servicePortProblemFrom(f, svc, subject, port); msg != "" {
					return msg
				}
			}
		}
	}
	return ""
}

// servicePortProblem says what is wrong with reaching svc on the URL's
// port, or "".
func servicePortProblem(f *lint.Fleet, svc *lint.ServiceObject, ep lint.Endpoint) string {
	if ep.Port <= 0 {
		return ""
	}
	return servicePortProblemFrom(f, svc, lint.RedactURL(ep.Raw), ep.Port)
}

// servicePortProblemFrom says what is wrong with url (or whatever reaches
// the Service: an Ingress backend) reaching svc on port, or "".
func servicePortProblemFrom(f *lint.Fleet, svc *lint.ServiceObject, url string, port int) string {
	ep := lint.Endpoint{Port: port}
	target := ep.Port
	if !svc.Headless() || len(svc.Spec.Ports) > 0 {
		sp := findServicePort(svc.Spec.Ports, ep.Port)
		if sp == nil {
			if svc.Headless() {
				// A headless Service's ports only name the pods' ports.
				sp = &corev1.ServicePort{Port: int32(ep.Port)}
			} else {
				return fmt.Sprintf("%s reaches Service %s/%s on port %d, which it does not expose (it exposes %s)",
					url, svc.Namespace, svc.Name, ep.Port, servicePortList(svc.Spec.Ports))
			}
		}
		if !svc.Headless() {
			t, ok := svc.TargetPort(ep.Port)
			if !ok {
				return fmt.Sprintf("%s reaches Service %s/%s on port %d, whose targetPort %q names no port of the selected containers",
					url, svc.Namespace, svc.Name, ep.Port, sp.TargetPort.StrVal)
			}
			target = t
		}
	}
	for _, w := range svc.Workloads {
		for _, mn := range w.Nodes {
			node := f.Node(mn.Name)
			if node == nil {
				continue
			}
			got, listens := node.Listens(target)
			want := wso2.PortName(ep.Port)
			via := ""
			if target != ep.Port {
				via = fmt.Sprintf(", forwarded to targetPort %d", target)
			}
			switch {
			case !listens:
				return fmt.Sprintf("%s reaches Service %s/%s on port %d%s, where %s listens on no WSO2 port%s",
					url, svc.Namespace, svc.Name, ep.Port, via, mn.Name, offsetText(node))
			case want != "" && target != ep.Port && got != want:
				return fmt.Sprintf("%s reaches Service %s/%s on port %d (WSO2's %s port)%s, which is %s's %s port%s",
					url, svc.Namespace, svc.Name, ep.Port, want, via, mn.Name, got, offsetText(node))
			}
		}
	}
	return ""
}

func offsetText(n *lint.Node) string {
	if n.Offset == 0 {
		return ""
	}
	return " (offset " + strconv.Itoa(n.Offset) + ")"
}

func findServicePort(ports []corev1.ServicePort, port int) *corev1.ServicePort {
	for i := range ports {
		if int(ports[i].Port) == port {
			return &ports[i]
		}
	}
	return nil
}

func servicePortList(ports []corev1.ServicePort) string {
	if len(ports) == 0 {
		return "no port"
	}
	var s []string
	for _, p := range ports {
		s = append(s, strconv.Itoa(int(p.Port)))
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}
