package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// K8sReplicasGatewayID reports replicas that share one fixed gateway_id.
var K8sReplicasGatewayID = register(&lint.Rule{
	ID:       "k8s-replicas-gateway-id",
	Severity: lint.SeverityWarning,
	Summary:  "a workload with replicas > 1 mounts one ConfigMap that sets a fixed gateway_id",
	Category: "consistency",
	Doc: `Every replica of a Deployment (or StatefulSet) mounts the same ConfigMap, so a literal
[apim.gateway_notification] gateway_id in it is the ID of every replica: the gateways overwrite
each other's deployment status on the control plane, as two VMs with one gateway_id do
(gateway-id-unique). An ID from a placeholder ($env{HOSTNAME}, $env{POD_NAME} from the downward
API) differs per pod and is left alone, and so is a workload that mounts one ConfigMap per
instance.`,
	Example: `rendered.yaml:41:18: warning: gateway_id "gw-1" is shared by all 3 replicas of Deployment apim/wso2am-gateway: they all mount ConfigMap apim/wso2am-gateway-conf (k8s-replicas-gateway-id)`,
	Fix: `Take the ID from the pod: gateway_id = "$env{HOSTNAME}" (the pod name), or set it from an
environment variable filled by the downward API (fieldRef metadata.name).`,
	Run: func(p *lint.Pass) {
		m := p.Fleet.Manifests
		if m == nil {
			return
		}
		for _, n := range p.Fleet.Nodes {
			mn := m.Node(n.Name)
			if mn == nil || mn.Workload == nil || mn.Workload.Replicas < 2 || len(mn.Workload.Nodes) != 1 {
				continue
			}
			k := n.Get(gatewayIDKey)
			if k == nil || k.Value.Kind != lint.KindString || lint.HasPlaceholder(k.Value.Raw()) || strings.TrimSpace(k.Value.Str()) == "" {
				continue
			}
			w := mn.Workload
			p.Report(lint.AtValue(n, k, k.Value, "%s", fmt.Sprintf("gateway_id %q is shared by all %d replicas of %s %s/%s: they all mount ConfigMap %s/%s",
				k.Value.Str(), w.Replicas, w.Kind, w.Namespace, w.Name, mn.ConfigMap.Namespace, mn.ConfigMap.Name)))
		}
	},
})
