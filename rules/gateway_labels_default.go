package rules

import (
	"sort"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// GatewayLabelsDefault reports gateways that rely on WSO2's default label
// where the control planes offer a choice of environments.
var GatewayLabelsDefault = register(&lint.Rule{
	ID:       "gateway-labels-default",
	Severity: lint.SeverityInfo,
	Category: "topology",
	Summary:  "a gateway sets no gateway_labels while the control planes define several environments",
	Doc: `A gateway without [apim.sync_runtime_artifacts.gateway] gateway_labels serves WSO2's default
label, "Default", and nothing else. That is right in a fleet with one environment. When the control
planes define several [[apim.gateway.environment]]s, a publisher who deploys an API to any other
environment expects some gateway to serve it; a gateway that states no labels leaves the reader to
remember the default, and it is the commonest way a gateway added for a second environment ends up
serving the first. The finding names the environments, so that each gateway says which it serves.

It stays silent when artifact sync is disabled on the gateway, when no control plane defines
"Default" (gateway-labels reports that as an error), and when environment names or labels are
symbolic.`,
	Example: `gw-2/deployment.toml:1:1: info: no gateway_labels: gw-2 serves only "Default" (WSO2's default) while the control planes define 2 environments ("Default", "Partner"); list the ones it serves in [apim.sync_runtime_artifacts.gateway] gateway_labels (gateway-labels-default)`,
	Fix: `Add gateway_labels = ["Default"] (or the environments the gateway is meant to serve) under
[apim.sync_runtime_artifacts.gateway].`,
	Run: runGatewayLabelsDefault,
})

func runGatewayLabelsDefault(p *lint.Pass) {
	names := map[string]bool{}
	for _, cp := range p.Fleet.ByRole(wso2.RoleControlPlane) {
		for _, e := range environments(cp) {
			if e.symbolic {
				return
			}
			names[e.name] = true
		}
	}
	if len(names) < 2 || !names["Default"] {
		return
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, gw := range p.Fleet.OfRole(wso2.RoleGateway) {
		if gw.Get(gwLabelsKey) != nil {
			continue
		}
		if en := gw.Get(gwSyncEnable); en != nil {
			if on, ok := en.Value.Truthy(); ok && !on {
				continue
			}
		}
		f := lint.AtTable(gw, gwSyncTable, "no gateway_labels: %s serves only \"Default\" (WSO2's default) while the control planes define %d environments (%s); "+
			"list the ones it serves in [apim.sync_runtime_artifacts.gateway] gateway_labels", gw.Name, len(sorted), quoteAll(sorted))
		f.Key = gwLabelsKey
		p.Report(f)
	}
}
