package rules

import (
	"github.com/apimlint/apimlint/lint"
)

// DefaultAdminPassword reports the shipped admin/admin credentials.
var DefaultAdminPassword = register(&lint.Rule{
	ID:       "default-admin-password",
	Severity: lint.SeverityError,
	Summary:  "[super_admin] password is WSO2's shipped default or equal to the user name",
	Doc: `Every WSO2 pack ships with admin/admin, and the distributed-deployment samples copy it.
The super admin can do everything in every portal and the nodes use the same credentials to
authenticate to each other (event hub, traffic manager), so a default password in production
is a full compromise. A password equal to the user name is as guessable. The value is checked
after placeholders are resolved ($ref{} chains, ${admin.password}); passwords that come from
$secret{}, $env{} or $sys{} are not known statically and are not reported. A node without a
[super_admin] password runs with WSO2's default, admin.`,
	Example: `cp-1/deployment.toml:13:12: error: [super_admin] password is WSO2's shipped default; change it on every node (default-admin-password)`,
	Fix: `Set a strong password, the same on every node, and keep it out of the file: encrypt it with
the cipher tool ($secret{admin_password}) or read it from the environment ($env{ADMIN_PASSWORD}).`,
	Run: runDefaultAdminPassword,
})

func runDefaultAdminPassword(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		if n.Role == lint.RoleOther || n.SyntaxError != nil && len(n.Keys) == 0 {
			continue
		}
		user := "admin"
		if u := n.Value("super_admin.username"); u != nil && !u.Symbolic {
			user = u.Text()
		}
		k := n.Get("super_admin.password")
		if k == nil {
			if n.SyntaxError != nil {
				continue
			}
			f := lint.AtTable(n, "super_admin", "no [super_admin] password: WSO2 starts with its shipped default admin/admin")
			f.Key = "super_admin.password"
			p.Report(f)
			continue
		}
		v := k.Value
		if v.Symbolic {
			continue
		}
		switch pw := v.Text(); {
		case pw == "admin":
			p.Report(lint.AtKey(n, k, "[super_admin] password is WSO2's shipped default; change it on every node"))
		case pw == user:
			p.Report(lint.AtKey(n, k, "[super_admin] password is the same as the user name; change it on every node"))
		}
	}
}
