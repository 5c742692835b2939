package rules

import (
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// RemotePortPlaceholder reports ${} port properties in URLs to other nodes.
var RemotePortPlaceholder = register(&lint.Rule{
	ID:       "remote-port-placeholder",
	Severity: lint.SeverityError,
	Summary:  "a URL to another node takes its port from a local ${} property that resolves with the local offset",
	Category: "placeholders",
	Doc: `Carbon resolves ${mgt.transport.https.port}, ${carbon.management.port}, ${https.nio.port} and the
like when the server starts, from the LOCAL node's ports: 9443 plus the local [server] offset. In
a URL to another node (https://cp-1:${mgt.transport.https.port}/services/ on a gateway, as WSO2's
docs write it) the port is therefore right only while both nodes have the same offset. When the
target's own port differs, the URL reaches nothing (or the wrong service); apimlint says which
port to write. URLs to localhost or to the node's own names are fine.`,
	Example: `gw-1/deployment.toml:5:15: error: https://cp-1:${mgt.transport.https.port}/services/: ${mgt.transport.https.port} resolves on gw-1 (offset 0) to 9443, but cp-1 listens on 9445 (offset 2); write https://cp-1:9445/services/ (remote-port-placeholder)`,
	Fix:     `Write the target's port itself (its default plus its offset), or the load balancer's port.`,
	Run:     runRemotePortPlaceholder,
})

func runRemotePortPlaceholder(p *lint.Pass) {
	f := p.Fleet
	for _, n := range f.Nodes {
		if epSkip(n) {
			continue
		}
		for _, k := range n.Keys {
			for _, v := range k.Scalars() {
				if v.Kind != lint.KindString || !strings.Contains(v.Str(), "${") || !strings.Contains(v.Str(), "://") {
					continue
				}
				raw, err := wso2.ParseEndpoint(v.Str())
				if err != nil || !strings.HasPrefix(raw.PortText, "${") || !strings.HasSuffix(raw.PortText, "}") {
					continue
				}
				prop := strings.TrimSpace(raw.PortText[2 : len(raw.PortText)-1])
				base, ok := wso2.RuntimePortProperties[prop]
				if !ok || wso2.HasPlaceholder(raw.Host) {
					continue
				}
				local := n.Port(base)
				to := f.Book.Resolve(raw.Host, n)
				switch to.Kind {
				case lint.TargetNode:
					t := to.Nodes[0]
					want := t.Port(base)
					if want == local {
						continue
					}
					if strings.EqualFold(t.ServerHostname(), raw.Host) && epProxied(t, wso2.Endpoint{Port: local}) {
						continue // the proxy's port
					}
					fixed := strings.Replace(v.Str(), raw.PortText, strconv.Itoa(want), 1)
					p.Report(lint.AtValue(n, k, v, "%s: %s resolves on %s (offset %d) to %d, but %s listens on %d (offset %d); write %s",
						epShowURL(v.Str()), raw.PortText, n.Name, n.Offset, local, t.Name, want, t.Offset, epShowURL(fixed)))
				case lint.TargetCluster:
					if len(to.Ports) == 0 {
						continue
					}
					okPort := false
					for _, pt := range to.Ports {
						okPort = okPort || pt == local
					}
					if !okPort {
						p.Report(lint.AtValue(n, k, v, "%s: %s resolves on %s (offset %d) to %d, but load balancer %s listens on %s only",
							epShowURL(v.Str()), raw.PortText, n.Name, n.Offset, local, raw.Host, epJoinInts(to.Ports)))
					}
				}
			}
		}
	}
}
