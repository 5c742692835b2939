package rules

import "github.com/apimlint/apimlint/lint"

// K8sConfigMapUnmounted reports a deployment.toml ConfigMap no workload mounts.
var K8sConfigMapUnmounted = register(&lint.Rule{
	ID:       "k8s-configmap-unmounted",
	Severity: lint.SeverityWarning,
	Summary:  "a ConfigMap holds a deployment.toml that no workload (Deployment, StatefulSet, DaemonSet or Rollout) mounts",
	Category: "topology",
	Doc: `A ConfigMap with a deployment.toml data key that no workload (Deployment, StatefulSet,
DaemonSet or Argo Rollout) in the manifests mounts as a volume configures nothing: the pods run with another file (often the image's
default). It is usually a ConfigMap renamed in the chart while the workload still mounts the old
name, or one left over from a component that was removed. apimlint still lints the file, as a node
named after the ConfigMap, but not as a server: it has no addresses (its name is no host), other
nodes need not publish or duplicate events to it, and its own URLs and peers are not judged.`,
	Example: `rendered.yaml:4:9: warning: ConfigMap apim/wso2am-gw-conf-old holds a deployment.toml that no workload (Deployment, StatefulSet, DaemonSet or Rollout) mounts (k8s-configmap-unmounted)`,
	Fix:     `Mount the ConfigMap in the workload's pod template (volumes[].configMap.name), or delete it.`,
	Run: func(p *lint.Pass) {
		m := p.Fleet.Manifests
		if m == nil {
			return
		}
		for _, n := range p.Fleet.Nodes {
			mn := m.Node(n.Name)
			if mn == nil || mn.Workload != nil {
				continue
			}
			c := mn.ConfigMap
			p.Report(lint.Finding{Node: n.Name, File: c.File, Line: c.Line, Column: c.Column,
				Message: "ConfigMap " + c.Namespace + "/" + c.Name + " holds a deployment.toml that no workload (Deployment, StatefulSet, DaemonSet or Rollout) mounts"})
		}
	},
})
