package rules

import (
	"github.com/apimlint/apimlint/lint"
)

// DefaultAdminPassword reports the shipped admin/admin credentials.
var DefaultAdminPassword = register(&lint.Rule{
	ID:       "default-admin-password",
	Severity: lint.SeverityError,
	Summary:  "[super_admin] password is WSO2's shipped default or equal to the user name",
	Category: "hardening", Tags: []string{"security"},
	Doc: `Every WSO2 pack ships with admin/admin, and the distributed-deployment samples copy it.
The super admin can do everything in every portal and the nodes use the same credentials to
authenticate to each other (event hub, traffic manager), so a default password in production
is a full compromise. A password equal to the user name is as guessable. The value is checked
after placeholders are resolved ($ref{} chains, ${admin.password}); passwords that come from
$secret{}, $env{} or $sys{} are not known statically and are not reported. A node without a
[super_admin] password runs with WSO2's default, admin.

The keys that take the admin password through $ref{super_admin.password} or ${admin.password}
([apim.event_hub], [apim.key_manager], the token revocation [[event_listener]] ...) are listed
under the finding: they carry the same default. An admin credential written out in full as the
shipped default, instead of through such a chain, is reported where it is written.`,
	Example: `cp-1/deployment.toml:13:12: error: [super_admin] password is WSO2's shipped default; change it on every node (default-admin-password)
    cp-1/deployment.toml:40:12: apim.event_hub.password takes it through $ref{super_admin.password}`,
	Fix: `Set a strong password, the same on every node, and keep it out of the file: encrypt it with
the cipher tool (write password = "$secret{admin_password}" and the plain value under
[secrets] admin_password = "[...]", then run bin/ciphertool.sh -Dconfigure) or read it from the
environment (password = "$env{ADMIN_PASSWORD}"). Keep the other admin credentials as
$ref{super_admin.password} so they follow.`,
	Cost: 13,
	Run:  runDefaultAdminPassword,
})

// adminCredentialKeys are the passwords WSO2 expects to be the super
// admin's: nodes use them to reach each other's admin services and brokers.
var adminCredentialKeys = []string{
	"apim.event_hub.password",
	"apim.key_manager.password",
	"apim.throttling.password",
	"apim.throttling.jms.password",
	"apim.throttling.policy_deploy.password",
	"apim.throttling.event_publisher.receiver_password",
	"apim.workflow.password",
}

func isAdminCredential(p string) bool {
	for _, k := range adminCredentialKeys {
		if p == k {
			return true
		}
	}
	// [[event_listener]] properties and [[apim.gateway.environment]] carry
	// the admin credentials too, one per array element.
	return hdIndexed(p, "event_listener", ".properties.password") || hdIndexed(p, "apim.gateway.environment", ".password")
}

// hdIndexed matches prefix[N]suffix.
func hdIndexed(p, prefix, suffix string) bool {
	if len(p) <= len(prefix)+len(suffix)+2 || p[:len(prefix)] != prefix || p[len(prefix)] != '[' || p[len(p)-len(suffix):] != suffix {
		return false
	}
	mid := p[len(prefix)+1 : len(p)-len(suffix)]
	if len(mid) < 2 || mid[len(mid)-1] != ']' {
		return false
	}
	for _, c := range mid[:len(mid)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func runDefaultAdminPassword(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if !hdApplies(n) {
			continue
		}
		user := "admin"
		if u := n.Value("super_admin.username"); u != nil && !u.Symbolic {
			user = u.Text()
		}
		var f *lint.Finding
		k := n.Get("super_admin.password")
		switch {
		case k == nil:
			if n.SyntaxError == nil {
				x := lint.AtTable(n, "super_admin", "no [super_admin] password: WSO2 starts with its shipped default credentials; set a password of your own on every node")
				x.Key = "super_admin.password"
				f = &x
			}
		case k.Value.Symbolic, k.Value.Text() == "":
			// Unknown, or a template value left to fill in.
		case k.Value.Text() == "admin":
			x := lint.AtKey(n, k, "[super_admin] password is WSO2's shipped default; change it on every node")
			f = &x
		case k.Value.Text() == user:
			x := lint.AtKey(n, k, "[super_admin] password is the same as the user name; change it on every node")
			f = &x
		}
		for _, c := range n.Keys {
			if c == k || !c.IsSecret() {
				continue
			}
			for _, v := range c.Scalars() {
				if via, ok := hdAdminRef(v); ok {
					if f != nil {
						f.Related = append(f.Related, lint.RelatedKey(n, c, "%s takes it through %s", c.Path, via))
					}
					continue
				}
				if !isAdminCredential(c.Path) || hdChained(n, v) {
					continue
				}
				s, ok := hdKnown(v)
				if !ok || s != "admin" {
					continue
				}
				if f != nil {
					// The node's admin password is the default too: one
					// finding, with this key under it.
					f.Related = append(f.Related, lint.RelatedKey(n, c, "%s holds the shipped admin password too, written out", c.Path))
					continue
				}
				// $ref{} is not resolved inside [[arrays of tables]].
				via := "$ref{super_admin.password}"
				if c.InArrayTable {
					via = "${admin.password}"
				}
				p.Report(lint.AtValue(n, c, v, "%s is WSO2's shipped admin password; take the node's own admin password through %s", c.Path, via))
			}
		}
		if f != nil {
			p.Report(*f)
		}
	}
}
