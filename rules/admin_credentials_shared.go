package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// AdminCredentialsShared checks that the admin credentials nodes use to
// authenticate to each other are the same everywhere.
var AdminCredentialsShared = register(&lint.Rule{
	ID:       "admin-credentials-shared",
	Severity: lint.SeverityError,
	Summary:  "the admin credentials nodes authenticate to each other with are the same on every APIM node",
	Category: "consistency", Tags: []string{"security"},
	Doc: `API Manager nodes authenticate to each other with the super admin's credentials: gateways and
traffic managers connect to the control planes' event hub (JMS) with them, gateways publish
throttling events to traffic managers with them, and call the key manager with them. Changing the
admin password on some nodes only breaks those connections ("DataEndpointLoginException",
"AMQDisconnectedException"), often silently.

apimlint compares [super_admin] username and password (WSO2's default admin/admin when absent)
across every APIM node, and the credentials that [apim.event_hub], [apim.throttling] and (with the
resident key manager) [apim.key_manager] set explicitly against the fleet's admin. Passwords are
compared by a salted hash and never printed. Symbolic values ($secret{}, $env{}) and empty helm
defaults are not compared. Identity Server key managers keep their own admin and are left out.`,
	Example: `tm-2/deployment.toml:9:12: error: [super_admin] password differs from the one on cp-1, cp-2, gw-1 (compared by hash) (admin-credentials-shared)`,
	Fix: `Set the same [super_admin] username and password on every node (ideally from one $secret{}),
and let [apim.event_hub], [apim.throttling] and [apim.key_manager] take them through
$ref{super_admin.username} / $ref{super_admin.password}.`,
	Cost: 13,
	Run:  runAdminCredentialsShared,
})

// credentialKeys are the credentials a node presents to another node;
// each defaults to the node's own super admin.
var credentialKeys = []string{"apim.event_hub", "apim.throttling"}

func runAdminCredentialsShared(p *lint.Pass) {
	nodes := apimNodes(p.Fleet)
	if len(nodes) < 2 {
		return
	}
	refs := map[string]*camp{}
	for _, field := range []string{"username", "password"} {
		ballots := make([]ballot, 0, len(nodes))
		path := "super_admin." + field
		for _, n := range nodes {
			k, s, ok := literal(n, path)
			if k != nil && !ok {
				continue
			}
			shown := ""
			if k == nil {
				s, shown = "admin", "not set (WSO2's default admin)"
			}
			b := ballot{node: n, key: k, val: s, show: shown}
			if field == "password" {
				b.val = lint.HashSecret("admin-credentials-shared", s)
				if shown == "" {
					b.show = "the password"
				}
			} else if shown == "" {
				b.show = strconv.Quote(s) // as %q, without fmt's cost per node
			}
			ballots = append(ballots, b)
		}
		camps := tally(ballots)
		if len(camps) == 0 {
			continue
		}
		refs[field] = camps[0]
		reportMinority(p, ballots, "super_admin", "super_admin."+field, func(b ballot, ref *camp) string {
			if field == "password" {
				return fmt.Sprintf("[super_admin] password differs from the one on %s (compared by hash); nodes authenticate to "+
					"each other with it, so event hub and throttling connections fail", campNodes(ref, 3))
			}
			return fmt.Sprintf("[super_admin] username %s differs from %s on %s; nodes authenticate to each other with it",
				b.show, ref.show, campNodes(ref, 3))
		})
	}
	tables := credentialKeys
	if residentKeyManager(p.Fleet) {
		tables = append(tables[:len(tables):len(tables)], "apim.key_manager")
	}
	// The key paths, built once rather than once per node.
	paths := make([][2]string, len(tables))
	for i, t := range tables {
		paths[i] = [2]string{t + ".username", t + ".password"}
	}
	for _, n := range nodes {
		for ti, t := range tables {
			for fi, field := range []string{"username", "password"} {
				ref := refs[field]
				if ref == nil {
					continue
				}
				k, s, ok := literal(n, paths[ti][fi])
				if !ok || takesAdmin(k.Value) {
					continue // absent, symbolic, or taken from [super_admin]: compared above
				}
				val := s
				if field == "password" {
					val = lint.HashSecret("admin-credentials-shared", s)
				}
				if val == ref.val {
					continue
				}
				var f lint.Finding
				if field == "password" {
					f = lint.AtKey(n, k, "[%s] password is not the fleet's admin password ([super_admin] of %s; compared by hash); "+
						"the connection it authenticates is refused", t, campNodes(ref, 3))
				} else {
					f = lint.AtKey(n, k, "[%s] username %s is not the fleet's admin user %s ([super_admin] of %s); the connection it "+
						"authenticates is refused", t, k.Show(), ref.show, campNodes(ref, 3))
				}
				f.Related = relatedCamp(ref, "admin %s", field)
				p.Report(f)
			}
		}
	}
}

// takesAdmin reports whether a value is only a reference to the node's
// own admin credentials: $ref{super_admin.*} or ${admin.*}.
func takesAdmin(v *lint.Value) bool {
	if !v.HasPlaceholders() {
		return false
	}
	for ph := range v.AllPlaceholders() {
		switch {
		case ph.Kind == wso2.PlaceholderRef && strings.HasPrefix(ph.Name, "super_admin."):
		case ph.Kind == wso2.PlaceholderRuntime && strings.HasPrefix(ph.Name, "admin."):
		default:
			return false
		}
	}
	return strings.TrimSpace(v.Str()) == v.Placeholders()[0].Text
}

// residentKeyManager reports whether the fleet's key manager is API
// Manager's own (no Identity Server node, no external key manager type):
// only then are [apim.key_manager] credentials the admin's.
func residentKeyManager(f *lint.Fleet) bool {
	for _, n := range f.Nodes {
		if isIdentityServer(n) {
			return false
		}
		if t, ok := n.String("apim.key_manager.type"); ok && t != "" && !strings.EqualFold(t, "default") {
			return false
		}
	}
	return true
}
