package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

const gatewayIDKey = "apim.gateway_notification.gateway_id"

// GatewayIDUnique reports gateways that share a gateway_id, or a fleet of
// several gateways that leaves it unset.
var GatewayIDUnique = register(&lint.Rule{
	ID:       "gateway-id-unique",
	Severity: lint.SeverityError,
	Summary:  "every gateway has its own [apim.gateway_notification] gateway_id",
	Category: "consistency",
	Fixable:  true,
	Doc: `Gateways report the revisions they deployed to the control plane under their gateway_id.
Two gateways with the same ID overwrite each other's status: the Publisher shows APIs as
deployed on a gateway that never got them, or pending forever. With two or more gateways (or
all-in-one nodes, which run a gateway) and no gateway_id, each start registers a new random ID,
and stale gateways pile up in the Admin Portal; WSO2 asks for a unique ID per node on VMs.
A gateway whose version is declared (or inferred without doubt) as one whose templates read no
[apim.gateway_notification] (before 4.6.0) is left alone.`,
	Example: `gw-2/deployment.toml:41:14: error: gateway_id "gateway_00" is also the gateway_id of gw-1 (gateway-id-unique)`,
	Fix: `Give each gateway node its own gateway_id under [apim.gateway_notification], e.g. its host name.
apimlint lint --fix writes one derived from the part of the node's name that tells it apart from the
other gateways (gw-2; apim-gw-02 for apim-gw-02.acme.net/gateway), unique in the fleet, where the ID
is a literal in the file or missing; an ID set through a placeholder is left to you. It adds a
missing ID only where the node's version (declared, or inferred from its keys or a peer gateway's)
is 4.6.0 or later: earlier releases ignore the key.`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Cost:     10,
	Run:      runGatewayIDUnique,
})

func runGatewayIDUnique(p *lint.Pass) {
	// Releases before [apim.gateway_notification] existed (it is read from
	// 4.6.0 on) register gateways without an ID of their own: a gateway
	// whose version is known and reads no gateway_id is left alone.
	versions := fleetversion.OfPass(p)
	var gws []*lint.Node
	for _, n := range p.Fleet.ByRole(wso2.RoleGateway) {
		if _, sets, ok := versions[n].Judged(); ok && fleetversion.Unread(sets, gatewayIDKey) {
			continue
		}
		gws = append(gws, n)
	}
	if len(gws) < 2 {
		return
	}
	idsUsed := false
	for _, n := range gws {
		if k := n.Get(gatewayIDKey); k != nil && strings.TrimSpace(k.Value.Text()) != "" {
			idsUsed = true
			break
		}
	}
	first := map[string]*lint.Node{}
	var unset []*lint.Node
	ids := newIDPicker(gws)
	for _, n := range gws {
		k := n.Get(gatewayIDKey)
		if k == nil || strings.TrimSpace(k.Value.Text()) == "" {
			unset = append(unset, n)
			continue
		}
		if k.Value.Symbolic {
			continue // set per node at start-up
		}
		id := k.Value.Text()
		if prev, ok := first[id]; ok {
			f := lint.AtKey(n, k, "gateway_id %s is also the gateway_id of %s; each gateway needs its own", k.Show(), prev.Name)
			f.Related = append(f.Related, lint.RelatedKey(prev, prev.Get(gatewayIDKey), "%s uses the same gateway_id", prev.Name))
			if id := ids.pick(n); id != "" {
				if e, ok := lint.ReplaceValue(n, k.Value, lint.QuoteTOML(id)); ok {
					f.Fixes = []lint.SuggestedFix{{Message: fmt.Sprintf("set gateway_id = %q", id), Edits: []lint.TextEdit{e}}}
				}
			}
			p.Report(f)
			continue
		}
		first[id] = n
	}
	// The same list ends every such finding: made once, and capped so that
	// a fleet of gateways without IDs does not print every name per gateway.
	members := ""
	if len(unset) > 0 {
		members = fmt.Sprintf(" (gateways: %s)", listNames(nodeNameList(gws), 5))
	}
	for _, n := range unset {
		var f lint.Finding
		if k := n.Get(gatewayIDKey); k != nil {
			f = lint.AtKey(n, k, "gateway_id is empty in a fleet of %d gateways; each start registers a new random ID", len(gws))
		} else {
			f = lint.AtTable(n, "apim.gateway_notification",
				"no [apim.gateway_notification] gateway_id in a fleet of %d gateways; each start registers a new random ID", len(gws))
		}
		f.Severity = lint.SeverityWarning
		f.Key = gatewayIDKey
		f.Message += members
		// A missing ID is a sure problem where the node runs a version that
		// reads one (4.6.0 on) or its peers set IDs (the fleet uses them).
		// Where it may run 4.2 as well and no peer sets one, say so, as
		// information: on 4.5 and earlier the table would be dropped.
		if !idsUsed && !everyCandidateReads(versions[n], gatewayIDKey) {
			f.Severity = lint.SeverityInfo
			f.Message += fmt.Sprintf("; this matters from 4.6.0 on, and apimlint cannot tell whether %s runs 4.6.0 or later (declare [fleet] version in %s)", n.Name, lint.ConfigFileName)
		}
		if !gatewayIDRead(versions, n, gws) {
			// No fix where the node may run a release that reads no
			// gateway_id: adding one would change nothing there.
		} else if id := ids.pick(n); id != "" {
			e, ok := lint.SetKey(n, "apim.gateway_notification", "gateway_id", lint.QuoteTOML(id))
			if k := n.Get(gatewayIDKey); k != nil {
				e, ok = lint.ReplaceValue(n, k.Value, lint.QuoteTOML(id))
			}
			if ok {
				f.Fixes = []lint.SuggestedFix{{Message: fmt.Sprintf("set gateway_id = %q", id), Edits: []lint.TextEdit{e}}}
			}
		}
		p.Report(f)
	}
}

// everyCandidateReads reports whether every version a node may run reads
// path (true when nothing is known of its version).
func everyCandidateReads(v fleetversion.Version, path string) bool {
	for _, ver := range v.Candidates {
		one := fleetversion.Version{Candidates: []string{ver}, Dists: v.Dists}
		if fleetversion.Unread(one.Sets(), path) {
			return false
		}
	}
	return true
}

// idPicker derives gateway IDs from node names that no gateway of the
// fleet uses yet, the same on every run.
type idPicker struct {
	used  map[string]bool
	parts nameParts
}

func newIDPicker(gws []*lint.Node) *idPicker {
	p := &idPicker{used: map[string]bool{}, parts: newNameParts(gws)}
	for _, n := range gws {
		if k := n.Get(gatewayIDKey); k != nil {
			p.used[strings.TrimSpace(k.Value.Text())] = true
		}
	}
	return p
}

// pick returns an unused ID for n: the part of its name that tells it
// apart from the other gateways (nameParts.idBase) with any character
// other than letters, digits, '.', '_' and '-' made '-', with a suffix
// -2, -3 … when that is taken.
func (p *idPicker) pick(n *lint.Node) string {
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, p.parts.idBase(n))
	base = strings.Trim(base, "-")
	if base == "" {
		return ""
	}
	id := base
	for i := 2; p.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	p.used[id] = true
	return id
}
