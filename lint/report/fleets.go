package report

import "github.com/apimlint/apimlint/lint"

// writeFleetLines says how an estate was split: one line per fleet with
// its root and node count (nothing for a single fleet).
func writeFleetLines(ew *errWriter, r *lint.Result) {
	for _, f := range r.Fleets {
		ew.printf("fleet %s: %s, %d %s, %s\n", f.Name, f.Root, f.Nodes, plural(f.Nodes, "node", "nodes"), countLine(f.Summary))
	}
}

// fleetResults splits an estate's result into one result per fleet, for
// the formats that group by fleet (junit, sarif); nil for one fleet.
func fleetResults(r *lint.Result) []*lint.Result {
	if len(r.Fleets) == 0 {
		return nil
	}
	out := make([]*lint.Result, len(r.Fleets))
	index := map[string]int{}
	for i, f := range r.Fleets {
		index[f.Name] = i
		out[i] = &lint.Result{Root: f.Root, Fleet: &lint.Fleet{Root: f.Root, Config: r.Fleet.Config}, Findings: []lint.Finding{}, Rules: r.Rules}
	}
	for _, n := range r.Fleet.Nodes {
		if i, ok := index[n.Fleet]; ok {
			out[i].Fleet.Nodes = append(out[i].Fleet.Nodes, n)
		}
	}
	for _, f := range r.Findings {
		if i, ok := index[f.Fleet]; ok {
			out[i].Findings = append(out[i].Findings, f)
		}
	}
	return out
}

// buildJUnitEstate is buildJUnit, but for an estate one test suite per
// fleet, holding the fleet's cases of every rule.
func buildJUnitEstate(r *lint.Result) junitSuites {
	parts := fleetResults(r)
	if parts == nil {
		return buildJUnit(r)
	}
	out := junitSuites{Name: "apimlint", Suites: []junitSuite{}}
	for i, part := range parts {
		suite := junitSuite{Name: r.Fleets[i].Name}
		for _, s := range buildJUnit(part).Suites {
			suite.Cases = append(suite.Cases, s.Cases...)
			suite.Tests += s.Tests
			suite.Failures += s.Failures
			suite.Errors += s.Errors
			suite.Skipped += s.Skipped
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Suites = append(out.Suites, suite)
	}
	return out
}

// buildSARIFEstate is buildSARIF, but for an estate one run per fleet,
// each with its own automationDetails id (apimlint/ROOT/), so that code
// scanning tracks each fleet's alerts apart.
func buildSARIFEstate(r *lint.Result, paths *pathMapper, opts Options) sarifLog {
	parts := fleetResults(r)
	if parts == nil {
		return buildSARIF(r, paths, opts)
	}
	var out sarifLog
	for i, part := range parts {
		log := buildSARIF(part, paths, opts)
		if i == 0 {
			out = log
			continue
		}
		out.Runs = append(out.Runs, log.Runs...)
	}
	return out
}
