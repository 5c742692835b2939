package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// KeyManagerURL checks which key manager the nodes use.
var KeyManagerURL = register(&lint.Rule{
	ID:       "key-manager-url",
	Severity: lint.SeverityError,
	Summary:  "[apim.key_manager] service_url reaches a key manager, the same one on every node, named as its revocation listener says",
	Category: "topology",
	Fixable:  true,
	Doc: `Gateways validate tokens and control planes call the key manager's admin services at
[apim.key_manager] service_url. It must reach a control plane (the resident key manager), a
key-manager node, or their load balancer, on its management HTTPS port (9443 plus that node's
offset). Traffic managers validate no token (WSO2 switches their key manager clients off), so
their service_url, often the shipped localhost default, is not checked. All gateways and
control planes must agree on one key manager: some on the control planes' resident key manager
and others on a separate key manager means tokens issued by one are unknown to the other. A key manager announces revoked tokens
through its token_revocation [[event_listener]] with a 'header.X-WSO2-KEY-MANAGER' naming the
key manager they belong to; when that name is not the key manager's type ([apim.key_manager]
type on the nodes that use it, "default" for the resident key manager), the control plane drops
the events and revoked tokens stay valid on the gateways.`,
	Example: `gw-1/deployment.toml:5:15: error: key manager service_url https://tm-1:9443/services/ points at traffic-manager node tm-1, not at a key manager; key-manager (and control-plane) nodes: cp-1:9443, km-1:9444 (key-manager-url)`,
	Fix: `Point every node's [apim.key_manager] service_url at the same key manager (the control-plane
load balancer for the resident one), and make the header.X-WSO2-KEY-MANAGER of the key manager's
token_revocation listener equal to the key manager's type.`,
	Run: runKeyManagerURL,
})

const epKMServiceURL = "apim.key_manager.service_url"

func runKeyManagerURL(p *lint.Pass) {
	f := p.Fleet
	// camp: which key manager a node uses, "resident" (control planes) or
	// "separate" (key-manager nodes).
	type use struct {
		n    *lint.Node
		k    *lint.Key
		camp string
		to   string
	}
	var uses []use
	for _, n := range f.Nodes {
		// A traffic manager validates no token: WSO2 switches its key
		// manager clients off (infer.json) and the default localhost URL
		// its packs ship is never called.
		if epSkip(n) || n.Role == wso2.RoleKeyManager || n.Role == wso2.RoleTrafficManager {
			continue
		}
		k := n.Get(epKMServiceURL)
		if k == nil {
			continue
		}
		for _, v := range epElems(k) {
			h := epCheck(p, n, k, v, epTarget{role: wso2.RoleKeyManager, svc: epMgt, what: "key manager service_url"})
			if !h.ok {
				continue
			}
			camp := ""
			switch {
			case h.to.Service:
				// A Service learnt from these very keys: which key
				// manager stands behind it is not the fleet's to say.
			case h.reach != nil && h.reach.Role == wso2.RoleKeyManager:
				camp = "separate"
			case h.reach != nil:
				camp = "resident"
			case h.to.Kind == lint.TargetCluster && h.to.Role == wso2.RoleKeyManager:
				camp = "separate"
			case h.to.Kind == lint.TargetCluster && h.to.Role != wso2.RoleUnknown:
				camp = "resident"
			}
			if camp != "" {
				to := h.url.Host
				if h.reach != nil {
					to = h.reach.Name
				}
				uses = append(uses, use{n, k, camp, to})
			}
		}
	}
	count := map[string]int{}
	for _, u := range uses {
		count[u.camp]++
	}
	if count["resident"] > 0 && count["separate"] > 0 {
		minority := "separate"
		if count["resident"] < count["separate"] || count["resident"] == count["separate"] {
			minority = "resident"
		}
		var majority []string
		for _, u := range uses {
			if u.camp != minority && len(majority) < 5 {
				majority = append(majority, fmt.Sprintf("%s (%s)", u.n.Name, u.to))
			}
		}
		for _, u := range uses {
			if u.camp != minority {
				continue
			}
			what := "the control planes' resident key manager"
			if u.camp == "separate" {
				what = "a separate key manager"
			}
			p.Report(lint.AtKey(u.n, u.k, "%s uses %s (%s), but %s use the other key manager; all nodes must use one key manager",
				u.n.Name, what, u.to, strings.Join(majority, ", ")))
		}
	}
	epCheckRevocationHeaders(p)
}

// epCheckRevocationHeaders compares each token_revocation listener's
// header.X-WSO2-KEY-MANAGER with the key manager's type.
func epCheckRevocationHeaders(p *lint.Pass) {
	f := p.Fleet
	types := map[string][]string{} // explicit [apim.key_manager] type -> nodes
	for _, n := range f.Nodes {
		if epSkip(n) || n.Role == wso2.RoleKeyManager {
			continue
		}
		if v := n.Value("apim.key_manager.type"); v != nil && !v.Symbolic && strings.TrimSpace(v.Text()) != "" {
			types[v.Text()] = append(types[v.Text()], n.Name)
		}
	}
	var typeList []string
	for t := range types {
		typeList = append(typeList, t)
	}
	sort.Strings(typeList)
	for _, n := range f.Nodes {
		if epSkip(n) || !n.Role.ActsAs(wso2.RoleKeyManager) {
			continue
		}
		hk := epRevocationHeader(n)
		if hk == nil || hk.Value.Symbolic {
			continue
		}
		got := hk.Value.Text()
		if n.Role == wso2.RoleKeyManager {
			// A separate key manager: the nodes that use it name its type.
			if len(types) == 0 {
				continue // registered in the Admin Portal: not in the files
			}
			if _, ok := types[got]; ok {
				continue
			}
			p.Report(lint.AtKey(n, hk, "token_revocation listener sends header.X-WSO2-KEY-MANAGER = %q, but the nodes use key manager type %s; the control plane drops revocation events for an unknown key manager, so revoked tokens stay valid",
				got, epQuoteAll(typeList, types)))
			continue
		}
		// A control plane's resident key manager is "default", or the type
		// its own [apim.key_manager] declares.
		own := "default"
		if v := n.Value("apim.key_manager.type"); v != nil && !v.Symbolic && v.Text() != "" {
			own = v.Text()
		}
		if got == "default" || got == own {
			continue
		}
		p.Report(lint.AtKey(n, hk, "token_revocation listener sends header.X-WSO2-KEY-MANAGER = %q, but %s's key manager is %q; revocation events for an unknown key manager are dropped, so revoked tokens stay valid",
			got, n.Name, own))
	}
}

func epQuoteAll(list []string, by map[string][]string) string {
	parts := make([]string, len(list))
	for i, t := range list {
		parts[i] = fmt.Sprintf("%q (%s)", t, listNames(by[t], 3))
	}
	return strings.Join(parts, ", ")
}

// epRevocationHeader returns the header.X-WSO2-KEY-MANAGER key of the
// node's token_revocation listener, if any.
func epRevocationHeader(n *lint.Node) *lint.Key {
	for i := 0; i < n.ArrayLen("event_listener"); i++ {
		base := fmt.Sprintf("event_listener[%d]", i)
		if id, _ := n.String(base + ".id"); id != "token_revocation" {
			continue
		}
		return n.Get(base + `.properties."header.X-WSO2-KEY-MANAGER"`)
	}
	return nil
}
