// Package helmrender is Helm's template engine and the value handling it
// needs (helm.sh/helm/v3 v3.22.0: pkg/engine, and the part of
// pkg/chartutil that prepares values), copied so that apimlint renders
// charts as `helm template` does without linking what those two packages
// import for a cluster: client-go's registry of every Kubernetes type,
// built when the program starts, and an HTTP JSON-schema loader. Linking
// them cost every apimlint run 14 ms of start-up and 14 MiB of resident
// memory, chart or not.
//
// The copy is Helm's code under its Apache License 2.0 (the notice heads
// each file), changed only here:
//   - no Kubernetes client: `lookup` returns an empty map, as it does in
//     `helm template` with no cluster;
//   - the default capabilities' API versions are the list Helm computes
//     from client-go's registry, written down by `go generate` (see
//     gen_apiversions.go) instead of computed at start-up, and the Helm
//     version is the one in go.mod;
//   - values are not validated against values.schema.json: Helm fetches
//     a schema's remote references over the network, which a linter must
//     not do; `helm lint` checks a chart's values;
//   - tpl's errors give the length of the text they could not render, not
//     the text: charts pass whole values through tpl, and a deployment.toml
//     kept in values holds passwords, which apimlint never prints;
//   - the package name and imports.
//
// TestSameAsHelm renders charts with this package and with Helm and
// compares every template's output.
package helmrender
