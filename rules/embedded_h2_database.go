package rules

import (
	"fmt"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// EmbeddedH2Database reports control-plane databases on embedded H2.
var EmbeddedH2Database = register(&lint.Rule{
	ID:       "embedded-h2-database",
	Severity: lint.SeverityError,
	Summary:  "a control plane keeps apim_db or shared_db in an embedded H2 file",
	Category: "hardening", Tags: []string{"security"},
	Doc: `WSO2 packs ship with embedded H2 databases so that a pack starts out of the box. H2 is not
supported in production: it is a file inside the node, lost with the container, locked by one
process, and cannot be shared. apim_db (APIs, applications, subscriptions, keys) and shared_db
(users, registry) must be one database for all control planes, so with several control planes
an embedded H2 is an error: each would keep its own APIs and users and they would answer
differently (two nodes cannot open one H2 file either: "the file is locked"). For a lone
control plane it is a warning: not production grade. A [database.apim_db] or
[database.shared_db] table that is not written, or has neither url nor type, is WSO2's default
H2 and is reported too. Gateways and traffic managers keep a local H2 as shipped; that is fine
and not reported. H2 in server mode (jdbc:h2:tcp://) is not embedded.`,
	Example: `cp-1/deployment.toml:14:7: error: [database.apim_db] is an embedded H2 file, but the fleet has 2 control planes that must share apim_db (cp-1, cp-2); each would keep its own data (embedded-h2-database)`,
	Fix: `Create apim_db and shared_db on a production database server (MySQL, PostgreSQL, MS SQL,
Oracle or DB2) with the scripts in dbscripts/, and point [database.apim_db] and
[database.shared_db] of every control plane at them (type, hostname, port, name, username,
password = "$secret{...}"). Gateways and traffic managers can keep their local H2.`,
	Run: runEmbeddedH2Database,
})

func runEmbeddedH2Database(p *lint.Pass) {
	cps := p.Fleet.ByRole(wso2.RoleControlPlane)
	names := make([]string, 0, len(cps))
	for _, n := range cps {
		names = append(names, n.Name)
	}
	for _, n := range cps {
		if !hdApplies(n) || n.SyntaxError != nil {
			continue
		}
		for _, db := range []string{"apim_db", "shared_db"} {
			kind, k := hdDatabaseKind(n, db)
			if kind != hdDBEmbedded {
				continue
			}
			t := "database." + db
			var f lint.Finding
			what := "[" + t + "] is an embedded H2 file"
			if k == nil {
				what = "[" + t + "] is WSO2's default embedded H2 file (no url or type is set)"
				f = lint.AtTable(n, t, "%s", what)
				f.Key = t
			} else {
				f = lint.AtKey(n, k, "%s", what)
			}
			if len(cps) > 1 {
				f.Severity = lint.SeverityError
				f.Message += fmt.Sprintf(", but the fleet has %d control planes that must share %s (%s); each would keep its own data", len(cps), db, listNames(names, 5))
				// Capped like the message: a fleet of many control planes
				// would otherwise relate every one to every other.
				for _, o := range cps {
					if o != n && len(f.Related) < 5 {
						f.Related = append(f.Related, lint.RelatedNode(o, "%s is another control plane", o.Name))
					}
				}
			} else {
				f.Severity = lint.SeverityWarning
				f.Message += "; H2 is not supported in production: move " + db + " to a database server"
			}
			p.Report(f)
		}
	}
}
