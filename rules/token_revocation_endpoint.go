package rules

import (
	"fmt"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// TokenRevocationEndpoint checks where key managers announce revoked tokens.
var TokenRevocationEndpoint = register(&lint.Rule{
	ID:       "token-revocation-endpoint",
	Severity: lint.SeverityWarning,
	Summary:  "a key manager's token_revocation [[event_listener]] notifies a control plane",
	Category: "topology",
	Fixable:  true,
	Doc: `When a token is revoked, the key manager's token_revocation [[event_listener]]
(org.wso2.is.notification.ApimOauthEventInterceptor) posts it to notification_endpoint, a control
plane's /internal/data/v1/notify on its management port (9443 plus its offset); the control plane
then tells the gateways, which drop the token from their caches. On a control plane localhost is
itself; on a separate key manager (an APIM key-manager node or Identity Server) localhost is the
key manager, which has no such endpoint, and a separate key manager without the listener never
announces revocations: revoked tokens stay valid on the gateways until their caches expire.`,
	Example: `km-1/deployment.toml:10:25: warning: token_revocation notification_endpoint https://localhost:9443/internal/data/v1/notify points at km-1 (localhost, the node itself), a key-manager, not at a control plane; control-plane nodes: cp-1:9445 (token-revocation-endpoint)`,
	Fix: `On a separate key manager set notification_endpoint to a control plane or the control-plane
load balancer: "https://cp-lb/internal/data/v1/notify".`,
	Run: runTokenRevocationEndpoint,
})

func runTokenRevocationEndpoint(p *lint.Pass) {
	f := p.Fleet
	if len(f.ByRole(wso2.RoleControlPlane)) == 0 {
		return // nothing to notify in this folder
	}
	for _, n := range f.Nodes {
		if epSkip(n) || !n.Role.ActsAs(wso2.RoleKeyManager) {
			continue
		}
		found := false
		for i := 0; i < n.ArrayLen("event_listener"); i++ {
			base := fmt.Sprintf("event_listener[%d]", i)
			if id, _ := n.String(base + ".id"); id != "token_revocation" {
				continue
			}
			found = true
			k := n.Get(base + ".properties.notification_endpoint")
			if k == nil {
				p.Report(lint.AtTable(n, base, "the token_revocation [[event_listener]] has no properties.notification_endpoint: revoked tokens are never announced to the control plane"))
				continue
			}
			for _, v := range epElems(k) {
				epCheck(p, n, k, v, epTarget{role: wso2.RoleControlPlane, svc: epMgt, what: "token_revocation notification_endpoint"})
			}
		}
		// Control planes' packs ship the listener; only a separate key
		// manager is expected to carry it explicitly.
		if !found && n.Role == wso2.RoleKeyManager && n.SyntaxError == nil {
			fr := lint.AtTable(n, "event_listener", "key manager %s has no token_revocation [[event_listener]]: revoked tokens are never announced to the control plane, so gateways keep accepting them until their caches expire", n.Name)
			p.Report(fr)
		}
	}
}
