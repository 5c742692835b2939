package rules

import (
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// K8sSecretEnv reports a secret taken from an environment variable that the
// manifest sets in plain text.
var K8sSecretEnv = register(&lint.Rule{
	ID:       "k8s-secret-env",
	Severity: lint.SeverityWarning,
	Summary:  "a secret comes from $env{X}, and the container sets X as a literal value, not from a Secret",
	Category: "hardening", Tags: []string{lint.TagSecurity},
	Doc: `Taking a password from the environment ($env{DB_PASSWORD}) keeps it out of the
deployment.toml, but only if the environment gets it from a Kubernetes Secret. When the
container's env sets the variable with a literal value: (or from a ConfigMap), the password is in
the manifest, in the chart's values, in Git and in every "kubectl get -o yaml" of the pod. apimlint
never prints the value.`,
	Example: `rendered.yaml:31:17: warning: apim_db password comes from $env{APIM_DB_PASSWORD}, which container wso2am of Deployment apim/wso2am-cp sets as a literal value, not from a Secret (k8s-secret-env)`,
	Fix: `Put the password in a Secret and set the variable with valueFrom.secretKeyRef
(name: the Secret, key: the entry).`,
	Run: func(p *lint.Pass) {
		m := p.Fleet.Manifests
		if m == nil {
			return
		}
		for _, n := range p.Fleet.Nodes {
			mn := m.Node(n.Name)
			if mn == nil || mn.Workload == nil {
				continue
			}
			for _, k := range n.Keys {
				if !k.IsSecret() {
					continue
				}
				for _, v := range k.Scalars() {
					for ph := range v.AllPlaceholders() {
						if ph.Kind != wso2.PlaceholderEnv {
							continue
						}
						if how, container := plainEnv(mn.Workload, ph.Name); how != "" {
							p.Report(lint.AtValue(n, k, v, "%s comes from $env{%s}, which container %s of %s %s/%s sets %s, not from a Secret",
								k.Path, ph.Name, container, mn.Workload.Kind, mn.Workload.Namespace, mn.Workload.Name, how))
						}
					}
				}
			}
		}
	},
})

// plainEnv says how a container of w sets the variable when not from a
// Secret: "as a literal value" or "from a ConfigMap"; "" otherwise.
func plainEnv(w *lint.Workload, name string) (how, container string) {
	for _, c := range w.Containers {
		for _, e := range c.Env {
			if e.Name != name {
				continue
			}
			switch {
			case e.ValueFrom == nil:
				return "as a literal value", c.Name
			case e.ValueFrom.ConfigMapKeyRef != nil:
				return "from a ConfigMap", c.Name
			}
		}
	}
	return "", ""
}
