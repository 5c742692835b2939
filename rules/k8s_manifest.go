package rules

import "github.com/apimlint/apimlint/lint"

// K8sManifest documents the loader's findings on manifests that do not read.
var K8sManifest = register(&lint.Rule{
	ID:       lint.RuleK8sManifest,
	Severity: lint.SeverityError,
	Summary:  "a Kubernetes manifest is not valid YAML or an object does not decode",
	Category: "syntax",
	Doc: `apimlint reads rendered manifests (helm template output) to find the deployment.toml
ConfigMaps, the workloads that mount them and the Services in front of them. A stream that is not
valid YAML stops at its first error; an object whose fields do not decode into the Kubernetes API
type (a string where a number belongs) is skipped. Either way the nodes and addresses it held are
missing from the lint, so the problem is an error at its line.`,
	Example: `rendered.yaml:12:1: error: manifest is not valid YAML: line 12: did not find expected key (k8s-manifest)`,
	Fix:     `Render the chart again and check the output with kubectl apply --dry-run=client -f.`,
	// The loader's findings are in Fleet.Diagnostics, which every run reports.
	Run: func(*lint.Pass) {},
})
