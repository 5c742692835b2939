package rules

import (
	"github.com/apimlint/apimlint/lint"
)

// DefaultDBPassword reports database credentials left at shipped or sample
// values.
var DefaultDBPassword = register(&lint.Rule{
	ID:       "default-db-password",
	Severity: lint.SeverityError,
	Summary:  "a database password is WSO2's shipped default or equal to its user name",
	Category: "hardening", Tags: []string{"security"},
	Doc: `WSO2's packs and samples use wso2carbon/wso2carbon for their databases, and the
distributed-deployment guide uses apimadmin/apimadmin and sharedadmin/sharedadmin. apim_db holds
every API, application, subscription and key; shared_db holds the users and the registry. With
a password that is in every guide, or equal to the user name, anyone who reaches the database
server owns the deployment. Every [database.*] table is checked after placeholders are resolved;
a password from $secret{}, $env{} or $sys{} is not known and not reported. A table on a database
server that sets no password uses WSO2's default, wso2carbon. An embedded H2 database is a local
file whose password guards nothing on the network: it is not reported here (see
embedded-h2-database).`,
	Example: `cp-1/deployment.toml:17:12: error: [database.apim_db] password is the same as its user name (default-db-password)`,
	Fix: `Create a database user with a strong password of its own for each database, grant it only that
database, and keep the password out of the file: password = "$secret{apim_db_password}" with
the cipher tool (bin/ciphertool.sh -Dconfigure), or password = "$env{APIM_DB_PASSWORD}".`,
	Cost: 11,
	Run:  runDefaultDBPassword,
})

func runDefaultDBPassword(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		for _, db := range hdDatabaseNames(n) {
			if kind, _ := hdDatabaseKind(n, db); kind != hdDBServer {
				continue
			}
			t := "database." + db
			user, userKnown := hdShippedPassword, true
			if u := n.Get(t + ".username"); u != nil {
				user, userKnown = hdKnown(u.Value)
			}
			k := n.Get(t + ".password")
			if k == nil {
				if n.SyntaxError == nil {
					f := lint.AtTable(n, t, "[%s] sets no password: WSO2 uses its shipped default", t)
					f.Key = t + ".password"
					p.Report(f)
				}
				continue
			}
			if hdChained(n, k.Value) {
				continue
			}
			pw, ok := hdKnown(k.Value)
			if !ok && k.Value.Kind != lint.KindString {
				pw, ok = k.Value.Text(), true // password = 123456
			}
			switch {
			case !ok, pw == "":
				// Empty is a template value left to fill in, not a choice.
			case pw == hdShippedPassword:
				p.Report(lint.AtKey(n, k, "[%s] password is WSO2's shipped default", t))
			case userKnown && pw == user:
				p.Report(lint.AtKey(n, k, "[%s] password is the same as its user name", t))
			}
		}
	}
}
