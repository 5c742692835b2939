package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

const gatewayIDKey = "apim.gateway_notification.gateway_id"

// GatewayIDUnique reports gateways that share a gateway_id, or a fleet of
// several gateways that leaves it unset.
var GatewayIDUnique = register(&lint.Rule{
	ID:       "gateway-id-unique",
	Severity: lint.SeverityError,
	Summary:  "every gateway has its own [apim.gateway_notification] gateway_id",
	Category: "consistency",
	Doc: `Gateways report the revisions they deployed to the control plane under their gateway_id.
Two gateways with the same ID overwrite each other's status: the Publisher shows APIs as
deployed on a gateway that never got them, or pending forever. With two or more gateways (or
all-in-one nodes, which run a gateway) and no gateway_id, each start registers a new random ID,
and stale gateways pile up in the Admin Portal; WSO2 asks for a unique ID per node on VMs.`,
	Example: `gw-2/deployment.toml:41:14: error: gateway_id "gateway_00" is also the gateway_id of gw-1 (gateway-id-unique)`,
	Fix:     `Give each gateway node its own gateway_id under [apim.gateway_notification], e.g. its host name.`,
	Run:     runGatewayIDUnique,
})

func runGatewayIDUnique(p *lint.Pass) {
	gws := p.Fleet.ByRole(wso2.RoleGateway)
	if len(gws) < 2 {
		return
	}
	first := map[string]*lint.Node{}
	var unset []*lint.Node
	for _, n := range gws {
		k := n.Get(gatewayIDKey)
		if k == nil || strings.TrimSpace(k.Value.Text()) == "" {
			unset = append(unset, n)
			continue
		}
		if k.Value.Symbolic {
			continue // set per node at start-up
		}
		id := k.Value.Text()
		if prev, ok := first[id]; ok {
			f := lint.AtKey(n, k, "gateway_id %s is also the gateway_id of %s; each gateway needs its own", k.Show(), prev.Name)
			f.Related = append(f.Related, lint.RelatedKey(prev, prev.Get(gatewayIDKey), "%s uses the same gateway_id", prev.Name))
			p.Report(f)
			continue
		}
		first[id] = n
	}
	for _, n := range unset {
		var f lint.Finding
		if k := n.Get(gatewayIDKey); k != nil {
			f = lint.AtKey(n, k, "gateway_id is empty in a fleet of %d gateways; each start registers a new random ID", len(gws))
		} else {
			f = lint.AtTable(n, "apim.gateway_notification",
				"no [apim.gateway_notification] gateway_id in a fleet of %d gateways; each start registers a new random ID", len(gws))
		}
		f.Severity = lint.SeverityWarning
		f.Key = gatewayIDKey
		f.Message += fmt.Sprintf(" (gateways: %s)", nodeNames(gws))
		p.Report(f)
	}
}

func nodeNames(nodes []*lint.Node) string {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	return strings.Join(names, ", ")
}
