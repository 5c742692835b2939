package rules

import (
	"fmt"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// GatewayEnvironmentURLs checks the URLs of the control planes' gateway environments.
var GatewayEnvironmentURLs = register(&lint.Rule{
	ID:       "gateway-environment-urls",
	Severity: lint.SeverityError,
	Summary:  "[[apim.gateway.environment]] URLs reach gateway nodes or the gateway load balancer on the gateway's ports",
	Category: "topology",
	Fixable:  true,
	Doc: `Each [[apim.gateway.environment]] of a control plane tells it where the environment's gateways
are: service_url is their management HTTPS port (9443), used to deploy APIs; http_endpoint and
https_endpoint (API traffic, 8280/8243) and ws_endpoint/wss_endpoint (WebSocket, 9099/8099) are
shown to API consumers in the Developer Portal and used by its API console. Each must reach a
gateway node (or all-in-one node) or the gateway load balancer, with that gateway's port after
its offset; a URL to the gateway's [server] hostname without a port, on 80/443 or on its
proxyPort goes through its proxy and only the role is checked. The consumer-facing URLs usually
name an ingress, so a host apimlint does not know there is only a note; localhost in them names
the consumer's own machine. localhost on a port the control plane does not listen on is another
server on its machine (a second local gateway at another offset), which the fleet does not hold:
a warning, not a port to correct. Environments of another vendor (provider = "solace") are not
WSO2 gateways and are not checked.`,
	Example: `cp-1/deployment.toml:10:15: error: environment "Default" service_url https://gw-1:9443/services/ uses port 9443, but gw-1's management HTTPS port is 9444 (9443 + offset 1); 9443 is the default management HTTPS port, without the offset (gateway-environment-urls)`,
	Fix: `Point service_url at a gateway node with its management port after its offset (or the gateway
load balancer), and the consumer URLs at the gateways' public name.`,
	Run: runGatewayEnvironmentURLs,
})

var epEnvKeys = []struct {
	key    string
	svc    epService
	public bool
}{
	{"service_url", epMgt, false},
	{"http_endpoint", epNIO, true},
	{"https_endpoint", epNIO, true},
	{"ws_endpoint", epWS, true},
	{"wss_endpoint", epWS, true},
}

func runGatewayEnvironmentURLs(p *lint.Pass) {
	f := p.Fleet
	for _, n := range f.Nodes {
		if epSkip(n) || !n.Role.ActsAs(wso2.RoleControlPlane) {
			continue
		}
		for i := 0; i < n.ArrayLen("apim.gateway.environment"); i++ {
			base := fmt.Sprintf("apim.gateway.environment[%d]", i)
			name, _ := n.String(base + ".name")
			if prov, _ := n.String(base + ".provider"); wso2.OtherVendorGateway(prov) {
				// Another vendor's gateway (provider = "solace"): its URLs
				// are that product's, not a WSO2 gateway's.
				continue
			}
			for _, ek := range epEnvKeys {
				k := n.Get(base + "." + ek.key)
				if k == nil {
					continue
				}
				t := epTarget{role: wso2.RoleGateway, svc: ek.svc, what: fmt.Sprintf("environment %q %s", name, ek.key)}
				for _, v := range epElems(k) {
					if ek.public {
						h := epResolve(f, n, k, v)
						if h.judged && h.to.Kind == lint.TargetSelf && !n.Role.ActsAs(wso2.RoleGateway) && lint.IsLoopback(h.url.Host) {
							fr := lint.AtValue(n, k, v, "%s %s names %s: API consumers resolve it to their own machine, not to a gateway; fine only for a local test setup",
								t.what, epShowURL(h.url.Raw), h.url.Host)
							fr.Severity = lint.SeverityWarning
							p.Report(fr)
							continue
						}
						t.unknownSeverity = lint.SeverityInfo
					}
					epCheck(p, n, k, v, t)
				}
			}
		}
	}
}
