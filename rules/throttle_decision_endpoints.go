package rules

import (
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// ThrottleDecisionEndpoints checks where gateways hear throttling decisions.
var ThrottleDecisionEndpoints = register(&lint.Rule{
	ID:       "throttle-decision-endpoints",
	Severity: lint.SeverityError,
	Summary:  "a gateway's throttle_decision_endpoints reach every traffic manager on its JMS port",
	Category: "topology",
	Fixable:  true,
	Doc: `Traffic managers publish throttling decisions (this key is over its quota) on their JMS broker;
gateways subscribe through [apim.throttling] throttle_decision_endpoints (tcp://tm:5672 plus the
traffic manager's offset). A URL to another role, a wrong port or an unknown host means the
gateway never blocks anyone. Listening to only some traffic managers is a warning: decisions
stop when those are down (pods of a StatefulSet named one by one through its headless Service
count one by one). A traffic manager's own list points at itself (tcp://localhost:5672).
A control plane's embedded traffic manager, where the fleet has dedicated ones, is a warning
(the URL bypasses them); it is an error when the gateway's url_groups publish its request
events only to other nodes, since then nothing ever counts its requests.
With no traffic manager in the folder (only gateways), hosts are not judged.`,
	Example: `gw-1/deployment.toml:5:32: error: throttle_decision_endpoints tcp://tm-1:9611 uses port 9611, but tm-1's JMS port is 5672; 9611 is its binary port (throttle-decision-endpoints)`,
	Fix: `List every traffic manager's JMS URL with its own port after its offset:
throttle_decision_endpoints = ["tcp://tm-1:5672", "tcp://tm-2:5672"]; on a traffic manager use
["tcp://localhost:5672"].`,
	Cost: 18,
	Run:  runThrottleDecisionEndpoints,
})

func runThrottleDecisionEndpoints(p *lint.Pass) {
	f := p.Fleet
	tms := epTrafficManagers(f)
	for _, n := range f.Nodes {
		if epSkip(n) {
			continue
		}
		k := n.Get("apim.throttling.throttle_decision_endpoints")
		if k == nil {
			continue
		}
		t := epTarget{role: wso2.RoleTrafficManager, svc: epJMS, what: "throttle_decision_endpoints", decisions: true}
		if n.Role == wso2.RoleTrafficManager {
			t.selfOnly = true
		}
		var heard epNodeSet
		var pods epPodCoverage
		complete := true
		for _, v := range epElems(k) {
			h := epCheck(p, n, k, v, t)
			if h.ok && h.reach != nil && h.reach.Role.ActsAs(wso2.RoleTrafficManager) {
				heard.add(h.reach)
				pods.add(h)
			} else {
				complete = false
			}
		}
		if n.Role == wso2.RoleGateway && complete {
			// Replicas of a StatefulSet are servers of their own.
			ms, urls := pods.missing(f)
			for i, m := range ms {
				fr := lint.AtKey(n, k, "%s hears throttling decisions from only some replicas of traffic manager %s, not from %s: decisions stop reaching it when those are down",
					n.Name, m.Name, strings.Join(urls[i], ", "))
				fr.Severity = lint.SeverityWarning
				p.Report(fr)
			}
		}
		// Only gateways need every traffic manager: all-in-one nodes and
		// control planes hear their own.
		if n.Role != wso2.RoleGateway || !complete || len(heard.order) == 0 || len(tms) < 2 {
			continue
		}
		miss, count := heard.missing(tms, 5)
		if count == 0 {
			continue
		}
		style := epStyleOf(k)
		fr := lint.AtKey(n, k, "%s hears throttling decisions from %s only, not from %s: decisions stop reaching it when those are down",
			n.Name, epNames(heard.order), epDescribe(miss, count, func(m *lint.Node) string {
				return epJMSURLStyled(m, style)
			}))
		fr.Severity = lint.SeverityWarning
		p.Report(fr)
	}
}
