package rules

import (
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// EventHubServiceURL checks the event hub's management URL.
var EventHubServiceURL = register(&lint.Rule{
	ID:       "event-hub-service-url",
	Severity: lint.SeverityError,
	Summary:  "[apim.event_hub] service_url reaches a control plane's management port or the control-plane load balancer",
	Category: "topology",
	Fixable:  true,
	Doc: `At start-up and on every deployment a gateway, traffic manager or key manager calls the event
hub's admin services (service_url, e.g. https://cp-1:9443/services/) to fetch what it missed:
API revisions, subscriptions, policies, revoked tokens. The URL must reach a control plane on its
management HTTPS port (9443 plus that control plane's offset), or the control planes' load
balancer. A control plane's own service_url reaches itself or its cluster. A node's [server]
hostname is taken as the name of the proxy in front of it: without a port, on 80/443 or on its
proxyPort only the role is checked. Ports written as ${mgt.transport.https.port} are left to
remote-port-placeholder.`,
	Example: `gw-1/deployment.toml:5:15: error: event hub service_url https://cp-2:9443/services/ uses port 9443, but cp-2's management HTTPS port is 9445 (9443 + offset 2); 9443 is the default management HTTPS port, without the offset (event-hub-service-url)`,
	Fix: `Point service_url at the control-plane load balancer, or at one control plane with its own
management port: service_url = "https://cp-lb/services/" or "https://cp-1:9445/services/".`,
	Run: runEventHubServiceURL,
})

func runEventHubServiceURL(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if epSkip(n) {
			continue
		}
		k := n.Get("apim.event_hub.service_url")
		if k == nil {
			continue
		}
		t := epTarget{role: wso2.RoleControlPlane, svc: epMgt, what: "event hub service_url"}
		for _, v := range epElems(k) {
			epCheck(p, n, k, v, t)
		}
	}
}
