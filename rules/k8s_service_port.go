package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
	corev1 "k8s.io/api/core/v1"
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
		if svc == nil || e.ep.Port <= 0 {
			return
		}
		if msg := servicePortProblem(p.Fleet, svc, e.ep); msg != "" {
			p.Report(lint.AtValue(n, e.key, e.val, "%s", msg))
		}
	})
}

// servicePortProblem says what is wrong with reaching svc on the URL's
// port, or "".
func servicePortProblem(f *lint.Fleet, svc *lint.ServiceObject, ep lint.Endpoint) string {
	url := lint.RedactURL(ep.Raw)
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
