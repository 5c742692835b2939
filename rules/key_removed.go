package rules

import (
	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// KeyRemoved reports keys an earlier release read and the node's release
// does not.
var KeyRemoved = register(&lint.Rule{
	ID:       "key-removed",
	Severity: lint.SeverityWarning,
	Category: "schema",
	Summary:  "a key an earlier WSO2 release read, which no template of this version reads",
	Doc: `Keys disappear between releases: [apim.key_manager] enable_apikey_subscription_validation
is read up to 4.3.0 and by no template from 4.4.0. WSO2 silently drops a key no template reads, so
the setting no longer does anything. The rule checks each key against apimlint's catalogue of
WSO2's own config-mapper templates for the node's version and distribution, and names the last
version that read it. It needs the node's version: declared in .apimlint.toml, or inferred without
doubt. Renamed keys are key-renamed's; keys no version ever read are schema-unknown-key's.`,
	Example:  `cp-1/deployment.toml:20:1: warning: no template of WSO2 API Manager 4.7.0 (api-control-plane) reads apim.key_manager.enable_apikey_subscription_validation; 4.3.0 was the last version to read it, so WSO2 drops it (key-removed)`,
	Fix:      `Remove the key, or find what replaced it in the release notes of the version after the last one that read it.`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run:      runKeyRemoved,
})

func runKeyRemoved(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		v := fleetversion.OfPass(p)[n]
		version, sets, ok := v.Judged()
		if !ok || len(sets) == 0 {
			continue
		}
		reported := map[string]bool{}
		for _, k := range n.Keys {
			if k.Value != nil && k.Value.Kind == lint.KindTable {
				continue
			}
			if !fleetversion.Unread(sets, k.Path) {
				continue
			}
			if _, _, renamed := catalog.RenamedKey(version, k.Path); renamed {
				continue
			}
			last := ""
			for _, d := range v.Dists {
				l, ok := catalog.LastReadIn(version, d, k.Path)
				if ok && (last == "" || catalog.CompareVersions(l, last) > 0) {
					last = l
				}
			}
			if last == "" || reported[k.Path] {
				continue
			}
			reported[k.Path] = true
			p.Report(lint.AtKey(n, k, "no template of WSO2 API Manager %s (%s) reads %s; %s was the last version to read it, so WSO2 drops it",
				version, sets[0].Dist, k.Path, last))
		}
	}
}
