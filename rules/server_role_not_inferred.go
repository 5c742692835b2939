package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// ServerRoleNotInferred reports a server_role value the node's
// distribution does not infer settings for.
var ServerRoleNotInferred = register(&lint.Rule{
	ID:       "server-role-not-inferred",
	Severity: lint.SeverityWarning,
	Category: "roles",
	Summary:  "a [server] server_role value the node's WSO2 distribution infers nothing for",
	Doc: `config-mapper turns [server] server_role into a set of settings through infer.json: in the
all-in-one pack, server_role = "gateway-worker" switches off policy deployment, turns on throttle
data publishing and so on. From 4.5.0, WSO2 ships a gateway, a traffic-manager and a control-plane
distribution whose infer.json knows only "default": a gateway distribution with
server_role = "gateway-worker" gets none of those settings, silently. Before 4.5.0 the one pack
knows a fixed list, and a value outside it (a typo, a 3.x profile name) infers nothing either. The
rule needs the node's version declared in .apimlint.toml ([fleet] or [[node]] version): a file does
not say which pack runs it, and from 4.5.0 the all-in-one pack still infers the old profiles, so an
inferred version is not enough to warn. The distribution is the one of the node's role. Key-manager
nodes are skipped: they may be WSO2 Identity Server.`,
	Example: `gw-1/deployment.toml:3:15: warning: server_role "gateway-worker" is not a value the WSO2 API Manager 4.6.0 gateway distribution infers anything for (it knows: default); … (server-role-not-inferred)`,
	Fix: `On a 4.5.0+ role distribution, remove server_role (the distribution is already that role) and set
explicitly any setting you relied on the all-in-one inference for; or run the all-in-one pack with that
profile. Before 4.5.0, use one of the values listed.`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run:      runServerRoleNotInferred,
})

func runServerRoleNotInferred(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		k := n.Get("server.server_role")
		if k == nil || k.Value.Symbolic || n.Role == lint.RoleKeyManager {
			continue
		}
		value := k.Value.Text()
		if value == "" || value == "default" {
			continue
		}
		dist := catalog.DistForRole(string(n.Role))
		v := fleetversion.OfPass(p)[n]
		if dist == "" || len(v.Candidates) == 0 || v.Source == fleetversion.SourceInferred {
			continue
		}
		inferred := false
		known := map[string]bool{}
		for _, ver := range v.Candidates {
			s := catalog.Get(ver, dist)
			if s == nil {
				inferred = true // cannot tell
				break
			}
			for _, r := range s.ServerRoles() {
				known[r] = true
				if r == value {
					inferred = true
				}
			}
		}
		if inferred {
			continue
		}
		var names []string
		for r := range known {
			names = append(names, r)
		}
		sort.Strings(names)
		what := fmt.Sprintf("WSO2 API Manager %s pack", v.String())
		if catalog.Get(v.Candidates[0], dist).Dist != catalog.DistAll {
			what = fmt.Sprintf("WSO2 API Manager %s %s distribution", v.String(), dist)
		}
		msg := fmt.Sprintf("server_role %s is not a value the %s infers anything for (it knows: %s), so the settings that profile stands for are not applied",
			k.Show(), what, strings.Join(names, ", "))
		if aio := catalog.Get(v.Candidates[len(v.Candidates)-1], catalog.DistAllInOne); aio != nil && aio.Dist != catalog.DistAll && len(aio.Inferred("server.server_role", value)) > 0 {
			msg += fmt.Sprintf("; only the all-in-one pack infers it (%d settings)", len(aio.Inferred("server.server_role", value)))
		}
		p.Report(lint.AtValue(n, k, k.Value, "%s", msg))
	}
}
