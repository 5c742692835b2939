package rules

import (
	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// KeyRenamed reports keys of a table WSO2 renamed in an earlier release
// than the node runs.
var KeyRenamed = register(&lint.Rule{
	ID:       "key-renamed",
	Severity: lint.SeverityWarning,
	Category: "schema",
	Summary:  "a key WSO2 renamed in an earlier release: this version reads only the new name",
	Doc: `WSO2 renames a table now and then: [integration.transaction_counter] became
[apim.transaction_counter] in 4.4.0. A deployment.toml carried over from an older release keeps the
old name, which no template of the new release reads, so the setting is silently dropped. The
renames come from apimlint's catalogue of WSO2's own config-mapper templates (keys that stop being
read under one table and start being read, under the same names, under another). The rule needs
the node's version: declared in .apimlint.toml ([fleet] version or [[node]] version), or inferred
without doubt.`,
	Example:  `cp-1/deployment.toml:12:1: warning: integration.transaction_counter.enable was renamed to apim.transaction_counter.enable in WSO2 API Manager 4.4.0; 4.6.0 reads only the new name and drops this one (key-renamed)`,
	Fix:      `Move the keys to the new table name.`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run:      runKeyRenamed,
})

func runKeyRenamed(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		version, _, ok := fleetversion.OfPass(p)[n].Judged()
		if !ok {
			continue
		}
		for _, k := range n.Keys {
			if k.Value != nil && k.Value.Kind == lint.KindTable {
				continue
			}
			r, to, ok := catalog.RenamedKey(version, k.Path)
			if !ok {
				continue
			}
			p.Report(lint.AtKey(n, k, "%s was renamed to %s in WSO2 API Manager %s; %s reads only the new name and drops this one",
				k.Path, to, r.Since, version))
		}
	}
}
