package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// SharedDBConsistent checks that control planes and key managers share one
// shared_db and one apim_db.
var SharedDBConsistent = register(&lint.Rule{
	ID:       "shared-db-consistent",
	Severity: lint.SeverityError,
	Summary:  "control planes and key managers share one shared_db and one apim_db",
	Category: "consistency",
	Doc: `[database.shared_db] holds the user store and the registry, [database.apim_db] the APIs,
applications, subscriptions and revisions. Every control plane and key manager must point each
at the same database (type, host, port and database name, or the same JDBC url): a control plane
on another database, or on its own local H2 file, shows a different set of APIs and users, and
tokens issued by one node are unknown to the others. Nodes are compared with each other and the
odd one out is reported, related to the majority.

Gateways and traffic managers may run without a database or on their own local H2 (the 4.5+
default); one that points shared_db or apim_db at a server database must point at the control
planes' one.

A JDBC URL written into hostname ("hostname = \"jdbc:mysql://…\"") is always an error: WSO2
builds the URL from type, hostname, port and name, and tries to reach a host of that name.
Symbolic values ($env{}, $secret{}) and the helm charts' empty defaults are not judged.`,
	Example: `cp-2/deployment.toml:14:7: error: [database.apim_db] points at mysql://db-2:3306/apim_db, but control-plane and key-manager nodes cp-1, cp-3 use mysql://db-1:3306/apim_db (shared-db-consistent)`,
	Fix: `Point [database.shared_db] and [database.apim_db] of every control plane and key manager at
the same databases; write a JDBC URL under url = "…", never under hostname.`,
	Cost: 16,
	Run:  runSharedDBConsistent,
})

func runSharedDBConsistent(p *lint.Pass) {
	// Most nodes of a large fleet are gateways without any [database.*]:
	// one scan of each node's keys rules both tables out, where n.Has
	// would scan them once per table.
	mayDB := make([]bool, len(p.Fleet.Nodes))
	for i, n := range p.Fleet.Nodes {
		mayDB[i] = hasPathPrefix(n, "database.")
	}
	for _, table := range []string{"shared_db", "apim_db"} {
		checkSharedDB(p, table, mayDB)
	}
}

// hasPathPrefix reports whether a key or table path of n starts with
// prefix: n.Has(prefix + anything) implies it.
func hasPathPrefix(n *lint.Node, prefix string) bool {
	for _, k := range n.Keys {
		if strings.HasPrefix(k.Path, prefix) {
			return true
		}
	}
	for _, t := range n.Tables {
		if strings.HasPrefix(t.Path, prefix) {
			return true
		}
	}
	return false
}

func checkSharedDB(p *lint.Pass, table string, mayDB []bool) {
	tp := "database." + table
	nodes := p.Fleet.Nodes
	var core, others []int // indexes in nodes
	for i, n := range nodes {
		switch {
		case !n.Role.IsAPIM() || n.Dormant != "":
			continue
		case n.Role.ActsAs(wso2.RoleKeyManager) && (table == "shared_db" || !isIdentityServer(n)):
			core = append(core, i)
		default:
			others = append(others, i)
		}
	}
	// Each node's table is read once, into lists in fleet order (maps by
	// node were a tenth of a lint's garbage on 3,000 nodes). An Oracle
	// schema is compared only when every node's is known: a user given by
	// $env{} may well be the same.
	all := make([]dbRef, len(nodes))
	has := make([]bool, len(nodes)) // the node writes the table
	withSchema := true
	for i, n := range nodes {
		if n.Role.IsAPIM() {
			all[i] = readDB(n, table)
			withSchema = withSchema && !all[i].schemaUnknown
		}
	}
	if !withSchema {
		for i := range all {
			all[i].Schema = ""
		}
	}
	for i, n := range nodes {
		if !mayDB[i] || !n.Has(tp) {
			continue
		}
		has[i] = true
		if d := all[i]; d.Kind == dbBadHost {
			f := lint.AtKey(n, d.Key, "[%s] hostname holds a JDBC URL %s; WSO2 builds the URL from type, hostname, port "+
				"and name, so the node looks for a host of that name; move it to url = \"…\" or write only the database host",
				tp, d.Key.Show())
			p.Report(f)
		}
	}
	ballots := make([]ballot, 0, len(core))
	for _, i := range core {
		d := all[i]
		if d.Kind == dbUnknown || d.Kind == dbBadHost {
			continue
		}
		ballots = append(ballots, ballot{node: nodes[i], key: d.Key, val: d.ID(nodes[i]), show: d.String()})
	}
	camps := tally(ballots)
	if len(camps) == 0 {
		return
	}
	ref := camps[0]
	if len(camps) > 1 {
		for _, c := range camps[1:] {
			for _, b := range c.ballots {
				var f lint.Finding
				bothLocal := strings.HasPrefix(b.val, "local:") && strings.HasPrefix(ref.val, "local:")
				if bothLocal {
					f = at(b.node, b.key, tp, tp, "[%s] is %s, and %s also runs on a local H2 database: each node's H2 file is a "+
						"database of its own, so they do not share %s; point every control plane and key manager at one server database",
						tp, b.show, campNodes(ref, 3), table)
				} else if len(ref.ballots) == 1 && len(ballots) == 2 {
					f = at(b.node, b.key, tp, tp, "[%s] is %s, but %s uses %s; control planes and key managers must share one %s",
						tp, b.show, ref.ballots[0].node.Name, ref.show, table)
				} else {
					f = at(b.node, b.key, tp, tp, "[%s] is %s, but control-plane and key-manager nodes %s use %s; they must share one %s",
						tp, b.show, campNodes(ref, 3), ref.show, table)
				}
				f.Related = relatedCamp(ref, "uses %s", ref.show)
				p.Report(f)
			}
		}
	}
	var refDB dbRef
	for _, i := range core {
		if nodes[i] == ref.ballots[0].node && has[i] {
			refDB = all[i]
		}
	}
	if refDB.Kind != dbServer {
		return
	}
	for _, i := range others {
		n, d := nodes[i], all[i]
		if !has[i] || d.Kind != dbServer || d.ID(n) == ref.val {
			continue
		}
		f := at(n, d.Key, tp, tp, "%s node %s points [%s] at %s, but the control planes use %s; a %s may run without %s "+
			"or on its own local H2, but a server database must be the control planes' one",
			n.Role, n.Name, tp, d.String(), ref.show, n.Role, table)
		f.Related = relatedCamp(ref, "uses %s", ref.show)
		p.Report(f)
	}
}
