package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// EventHubEndpoints checks where nodes listen for control-plane events.
var EventHubEndpoints = register(&lint.Rule{
	ID:       "event-hub-endpoints",
	Severity: lint.SeverityError,
	Summary:  "[apim.event_hub] event_listening_endpoints reach the control planes' JMS brokers",
	Category: "topology",
	Fixable:  true,
	Doc: `Gateways, traffic managers and key managers learn about API deployments, revoked tokens,
subscriptions and policy changes from the control planes' event hub, over JMS (tcp://host:5672,
or ssl://host:8672 with TLS; both plus the control plane's [server] offset). Each URL in
event_listening_endpoints must reach a control-plane node on its JMS port: a URL to a gateway or
traffic manager, a wrong port or a host no node answers to means the node silently never
receives events (APIs stuck "deployment pending", revoked tokens still accepted). A control
plane listens on its own broker (tcp://localhost:5672). Listening to only some control planes is
reported with the missing ones, and whether their events still reach this node because they
publish to the brokers it hears ([[apim.event_hub.publish.url_group]]): a warning when they do
not, a note when they do (the node then depends on fewer brokers). Hosts are resolved with the
address book (see apimlint nodes); a host that names no node is an error only when it provably
names none (shaped like the control planes' addresses, or [fleet] complete = true), else a
warning that says how to declare it.

[apim.event_hub] enable = false on a gateway or traffic manager of a fleet with control planes
is an error: the node then receives no deployments, revocations or policy events at all. A
gateway without any [apim.event_hub] in a fleet of two or more control planes listens only on the
brokers of its throttle_decision_endpoints (WSO2's fallback); a warning names the control planes
whose events therefore never reach it.`,
	Example: `gw-2/deployment.toml:7:30: error: event_listening_endpoints tcp://apim-cp-3:5672: no control-plane node answers to apim-cp-3, which is named like their addresses; control-plane nodes: apim-cp-1:5672, apim-cp-2:5672 (event-hub-endpoints)`,
	Fix: `List every control plane's JMS URL with its own port after its offset:
event_listening_endpoints = ["tcp://cp-1:5672", "tcp://cp-2:5672"]; on a control plane use
["tcp://localhost:5672"]. Declare load balancers and unknown node names in .apimlint.toml.`,
	Cost: 17,
	Run:  runEventHubEndpoints,
})

const epListeningKey = "apim.event_hub.event_listening_endpoints"

func runEventHubEndpoints(p *lint.Pass) {
	f := p.Fleet
	cps := f.ByRole(wso2.RoleControlPlane)
	var publishes map[*lint.Node]*epNodeSet // lazily: control plane -> brokers it publishes to
	var lostBy epLostMemo
	for _, n := range f.Nodes {
		if epSkip(n) {
			continue
		}
		if epEventHubOff(p, n, cps) {
			continue
		}
		k := n.Get(epListeningKey)
		if k == nil {
			// No listening endpoints, whether [apim.event_hub] is absent or
			// lacks them (deleted, or lost to a misspelt key): WSO2 falls
			// back to the throttle decision brokers.
			if n.Role == wso2.RoleGateway && len(f.OfRole(wso2.RoleControlPlane)) >= 2 && n.SyntaxError == nil {
				if publishes == nil {
					publishes = epPublishTargets(f, cps)
				}
				epNoEventHub(p, n, cps, publishes, &lostBy)
			}
			continue
		}
		t := epTarget{role: wso2.RoleControlPlane, svc: epJMS, what: "event_listening_endpoints"}
		if n.Role.ActsAs(wso2.RoleControlPlane) {
			epCheckOwnBroker(p, n, k, t)
			continue
		}
		if n.Role != wso2.RoleGateway && n.Role != wso2.RoleTrafficManager && n.Role != wso2.RoleKeyManager {
			continue
		}
		var heard epNodeSet
		complete := true
		for _, v := range epElems(k) {
			h := epCheck(p, n, k, v, t)
			switch {
			case h.ok && h.reach != nil && h.reach.Role.ActsAs(wso2.RoleControlPlane):
				heard.add(h.reach)
			case h.ok && h.to.Kind == lint.TargetCluster:
				complete = false // a load balancer: which brokers it reaches is not ours to know
			default:
				complete = false
			}
		}
		if !complete || len(heard.order) == 0 || len(cps) < 2 {
			continue
		}
		miss, count := heard.missing(cps, 5)
		if count == 0 {
			continue
		}
		if publishes == nil {
			publishes = epPublishTargets(f, cps)
		}
		var lost []string // missing control planes that publish to no broker n hears
		for _, m := range miss {
			if pub := publishes[m]; pub == nil || !epAnyIn(pub, heard.order) {
				lost = append(lost, m.Name)
			}
		}
		style := epStyleOf(k)
		fr := lint.AtKey(n, k, "%s listens to %s only, not to %s", n.Name, epNames(heard.order),
			epDescribe(miss, count, func(m *lint.Node) string {
				return epJMSURLStyled(m, style)
			}))
		if len(lost) > 0 {
			verb := "publishes"
			if len(lost) > 1 {
				verb = "publish"
			}
			fr.Message += fmt.Sprintf("; %s %s to none of the brokers %s hears, so those events never reach it", strings.Join(lost, ", "), verb, n.Name)
			fr.Severity = lint.SeverityWarning
		} else {
			fr.Message += fmt.Sprintf("; their events still reach it because they publish to %s, but it depends on fewer brokers", epNames(heard.order))
			fr.Severity = lint.SeverityInfo
		}
		for _, m := range miss {
			fr.Related = append(fr.Related, lint.RelatedNode(m, "control plane %s is not listened to", m.Name))
		}
		p.Report(fr)
	}
}

// epEventHubOff reports [apim.event_hub] enable = false on a gateway or
// traffic manager of a fleet with control planes, and says whether it did.
func epEventHubOff(p *lint.Pass, n *lint.Node, cps []*lint.Node) bool {
	if len(cps) == 0 || n.Role != wso2.RoleGateway && n.Role != wso2.RoleTrafficManager {
		return false
	}
	k := n.Get("apim.event_hub.enable")
	if k == nil || k.Value.Symbolic {
		return false
	}
	if on, ok := k.Value.Truthy(); !ok || on {
		return false
	}
	what := "API deployments, revoked tokens, subscriptions and policy changes"
	if n.Role == wso2.RoleTrafficManager {
		what = "throttling policies, blocking conditions and key templates"
	}
	p.Report(lint.AtKey(n, k, "[apim.event_hub] enable = false: %s %s then never hears %s from the control planes %s",
		n.Role, n.Name, what, epNames(cps)))
	return true
}

// epNoEventHub warns about a gateway without [apim.event_hub] in a fleet
// of several control planes. WSO2 then listens for their events on the
// brokers of throttle_decision_endpoints only (api-manager.xml.j2), so it
// hears a control plane only when that control plane publishes to one of
// those brokers.
func epNoEventHub(p *lint.Pass, n *lint.Node, cps []*lint.Node, publishes map[*lint.Node]*epNodeSet, memo *epLostMemo) {
	var heard epNodeSet
	if k := n.Get("apim.throttling.throttle_decision_endpoints"); k != nil {
		for _, v := range epElems(k) {
			h := epResolve(p.Fleet, n, k, v)
			if h.judged && h.reach != nil {
				heard.add(h.reach)
			}
		}
	}
	lost := memo.lost(cps, publishes, heard.order)
	if len(lost) == 0 {
		return
	}
	how := "it then listens on no broker"
	if len(heard.order) > 0 {
		how = "it then listens only on the brokers of its throttle_decision_endpoints (" + epNames(heard.order) + ")"
	}
	whose := "control plane"
	if len(lost) > 1 {
		whose = "control planes"
	}
	missing, table, add := "has no [apim.event_hub]", "apim", "add [apim.event_hub] with event_listening_endpoints"
	if n.Has("apim.event_hub") {
		missing, table, add = "sets no event_listening_endpoints in [apim.event_hub]", "apim.event_hub", "add event_listening_endpoints"
	}
	fr := lint.AtTable(n, table, "%s %s: %s, so it misses every event of %s %s (API deployments, revoked tokens, policy changes); %s for %s",
		n.Name, missing, how, whose, epNames(lost), add, memo.describe(cps))
	fr.Key = "apim.event_hub"
	fr.Severity = lint.SeverityWarning
	p.Report(fr)
}

// epLostMemo remembers, per set of brokers heard, which control planes
// publish to none of them, and the list of brokers to add: every gateway
// without event_listening_endpoints asks the same questions, and asking
// them afresh cost O(gateways × control planes).
type epLostMemo struct {
	byHeard map[string][]*lint.Node
	brokers string
}

func (m *epLostMemo) lost(cps []*lint.Node, publishes map[*lint.Node]*epNodeSet, heard []*lint.Node) []*lint.Node {
	var key strings.Builder
	for _, h := range heard {
		key.WriteString(h.File)
		key.WriteByte(0)
	}
	if got, ok := m.byHeard[key.String()]; ok {
		return got
	}
	var lost []*lint.Node
	for _, c := range cps {
		if pub := publishes[c]; pub == nil || !epAnyIn(pub, heard) {
			lost = append(lost, c)
		}
	}
	if m.byHeard == nil {
		m.byHeard = map[string][]*lint.Node{}
	}
	m.byHeard[key.String()] = lost
	return lost
}

// describe lists the brokers to add, the first five and how many more.
func (m *epLostMemo) describe(cps []*lint.Node) string {
	if m.brokers == "" {
		m.brokers = epDescribe(cps[:min(len(cps), 5)], len(cps), func(c *lint.Node) string { return epJMSURL(c, nil) })
	}
	return m.brokers
}

// checkOwnBroker checks a control plane's own listening endpoints: its
// own broker. Another control plane's broker is a warning: control
// planes publish every event to each other's brokers, so the node hears
// each event twice.
func epCheckOwnBroker(p *lint.Pass, n *lint.Node, k *lint.Key, t epTarget) {
	for _, v := range epElems(k) {
		h := epResolve(p.Fleet, n, k, v)
		// A pod of its own StatefulSet of several replicas is another
		// replica's broker for all but one of them.
		sibling := h.judged && h.reach == n && h.to.Pod != "" && p.Fleet.Manifests.Replicas(n) > 1
		if h.judged && h.reach != nil && (h.reach != n || sibling) && h.reach.Role.ActsAs(wso2.RoleControlPlane) {
			fr := lint.AtValue(n, k, v, "event_listening_endpoints %s points at control plane %s; a control plane listens on its own broker (tcp://localhost:%d): when control planes publish to each other's brokers, as [[apim.event_hub.publish.url_group]] is meant to, %s hears each event twice",
				epShowURL(h.url.Raw), epPodName(h.reach, h.to.Pod), n.Port(wso2.PortJMS), n.Name)
			fr.Severity = lint.SeverityWarning
			p.Report(fr)
			continue
		}
		ts := t
		ts.what = "event_listening_endpoints"
		epCheck(p, n, k, v, ts)
	}
}

// publishTargets maps each control plane to the control planes its
// [[apim.event_hub.publish.url_group]] reaches (itself when it has none:
// WSO2 then publishes to localhost). URLs on a wrong port reach nothing.
func epPublishTargets(f *lint.Fleet, cps []*lint.Node) map[*lint.Node]*epNodeSet {
	out := make(map[*lint.Node]*epNodeSet, len(cps))
	for _, c := range cps {
		s := &epNodeSet{}
		keys := epKeysAt(c, "apim.event_hub.publish.url_group[].urls")
		if len(keys) == 0 {
			s.add(c)
		}
		for _, k := range keys {
			for _, v := range epElems(k) {
				h := epResolve(f, c, k, v)
				if h.judged && h.reach != nil && (h.placeholderPort || epPortProblem(h, epTarget{role: wso2.RoleControlPlane, svc: epBinary}) == "") {
					s.add(h.reach) // a wrong port publishes nowhere
				}
			}
		}
		out[c] = s
	}
	return out
}

func epAnyIn(s *epNodeSet, nodes []*lint.Node) bool {
	for _, n := range nodes {
		if s.contains(n) {
			return true
		}
	}
	return false
}

func epNames(nodes []*lint.Node) string {
	const max = 5
	var parts []string
	for i, n := range nodes {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(nodes)-max))
			break
		}
		parts = append(parts, n.Name)
	}
	return strings.Join(parts, ", ")
}
