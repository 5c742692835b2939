package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// EventHubPublishGroups checks where control planes publish their events.
var EventHubPublishGroups = register(&lint.Rule{
	ID:       "event-hub-publish-groups",
	Severity: lint.SeverityError,
	Summary:  "a control plane's [[apim.event_hub.publish.url_group]] covers every control plane on its binary ports",
	Category: "topology",
	Fixable:  true,
	Doc: `A control plane publishes each event (API deployed, token revoked, policy changed) to the event
hubs listed in its [[apim.event_hub.publish.url_group]] tables, over the binary protocol: urls on
the binary port (tcp://host:9611) and auth_urls on the binary-TLS port (ssl://host:9711), both
plus the target control plane's offset, with the same host in both. With several control planes,
each must publish to all of them (itself included), or nodes listening to the brokers it skips
never hear its events. Without any url_group WSO2 publishes to localhost only. The JMS port
(5672) is the one nodes listen on, not the one events are published to; a load balancer in a
url_group delivers each event to one control plane only, and so does a url_group that lists
several control planes (WSO2 joins its URLs for failover, or one in turn with type =
"loadbalance").`,
	Example: `cp-1/deployment.toml:15:9: error: publish url_group urls tcp://cp-2:5673 uses port 5673, but cp-2's binary port is 9612 (9611 + offset 1); 5673 is its JMS port (event-hub-publish-groups)`,
	Fix: `Give each control plane one url_group with its own binary ports, on every control plane:
[[apim.event_hub.publish.url_group]]
urls = ["tcp://cp-1:9611"]
auth_urls = ["ssl://cp-1:9711"]`,
	Run: runEventHubPublishGroups,
})

func runEventHubPublishGroups(p *lint.Pass) {
	f := p.Fleet
	cps := f.ByRole(wso2.RoleControlPlane)
	exactCPs := len(f.OfRole(wso2.RoleControlPlane))
	for _, n := range f.Nodes {
		if epSkip(n) || !n.Role.ActsAs(wso2.RoleControlPlane) {
			continue
		}
		groups := n.ArrayLen("apim.event_hub.publish.url_group")
		if groups == 0 {
			if n.Role == wso2.RoleControlPlane && exactCPs >= 2 && n.SyntaxError == nil {
				fr := lint.AtTable(n, "apim.event_hub", "%s is one of %d control planes but has no [[apim.event_hub.publish.url_group]]: WSO2 then publishes its events to its own broker only, so nodes listening to %s never hear them",
					n.Name, exactCPs, epDescribe(epFirstOthers(cps, n, 5), len(cps)-1, func(m *lint.Node) string { return m.Name }))
				fr.Key = "apim.event_hub.publish.url_group"
				p.Report(fr)
			}
			continue
		}
		var covered epNodeSet
		var pods epPodCoverage // StatefulSet pods named one by one
		complete := true
		var first *lint.Key
		for i := 0; i < groups; i++ {
			base := fmt.Sprintf("apim.event_hub.publish.url_group[%d]", i)
			urls, auth := n.Get(base+".urls"), n.Get(base+".auth_urls")
			var reachedURLs, reachedAuth []*lint.Node
			var podURLs, podAuth []string // the StatefulSet pod each names, if one
			for _, spec := range []struct {
				k    *lint.Key
				out  *[]*lint.Node
				pods *[]string
				what string
				tls  bool
			}{{urls, &reachedURLs, &podURLs, "publish url_group urls", false}, {auth, &reachedAuth, &podAuth, "publish url_group auth_urls", true}} {
				if spec.k == nil {
					continue
				}
				if first == nil {
					first = spec.k
				}
				for _, v := range epElems(spec.k) {
					h := epResolve(f, n, spec.k, v)
					if h.judged && spec.tls && h.url.Scheme != "ssl" {
						p.Report(lint.AtValue(n, spec.k, v, "%s %s uses %s://; auth_urls take ssl:// URLs on the binary-TLS port (%d on the target after its offset)",
							spec.what, epShowURL(h.url.Raw), h.url.Scheme, wso2.PortBinaryTLS))
						complete = false
						continue
					}
					h = epCheck(p, n, spec.k, v, epTarget{role: wso2.RoleControlPlane, svc: epBinary, what: spec.what})
					switch {
					case h.ok && h.reach != nil:
						*spec.out = append(*spec.out, h.reach)
						*spec.pods = append(*spec.pods, h.to.Pod)
						if h.reach.Role.ActsAs(wso2.RoleControlPlane) {
							covered.add(h.reach)
							pods.add(h)
						}
					case h.ok && h.to.Kind == lint.TargetCluster:
						fr := lint.AtValue(n, spec.k, v, "%s %s points at the load balancer %s: each event then reaches one control plane only; list each control plane in its own url_group",
							spec.what, epShowURL(h.url.Raw), h.url.Host)
						fr.Severity = lint.SeverityWarning
						p.Report(fr)
						complete = false
					default:
						complete = false
					}
				}
			}
			if second := epSecondCP(reachedURLs); second != nil {
				// WSO2 joins a group's URLs with '|' (failover) unless
				// type = "loadbalance" (then ','): either way each event
				// goes to one of them, so the others miss it.
				p.Report(lint.AtKey(n, urls, "url_group %d names two control planes, %s and %s: a url_group sends each event to one of its URLs (the first while it is up without type, one in turn with type = \"loadbalance\"), so the other misses it; give each control plane its own url_group",
					i+1, reachedURLs[0].Name, second.Name))
				complete = false
			}
			if len(reachedURLs) > 0 && len(reachedAuth) > 0 && (reachedURLs[0] != reachedAuth[0] || !epSamePod(podURLs[0], podAuth[0])) && auth != nil {
				p.Report(lint.AtKey(n, auth, "url_group %d publishes to %s over urls but authenticates against %s over auth_urls; both must name the same control plane",
					i+1, epPodName(reachedURLs[0], podURLs[0]), epPodName(reachedAuth[0], podAuth[0])))
			}
		}
		if complete {
			ms, missing := pods.missing(f)
			for i, m := range ms {
				fr := lint.AtTable(n, "apim.event_hub.publish.url_group[0]", "%s publishes events to only some replicas of control plane %s; the replicas at %s never receive them: add a url_group for each",
					n.Name, m.Name, strings.Join(missing[i], ", "))
				fr.Key = "apim.event_hub.publish.url_group"
				p.Report(fr)
			}
		}
		if !complete || first == nil || len(cps) < 2 {
			continue
		}
		miss, count := covered.missing(cps, 5)
		if count == 0 {
			continue
		}
		fr := lint.AtTable(n, "apim.event_hub.publish.url_group[0]", "%s publishes events to %s only; %s never receive them: add a url_group for each, e.g. %s",
			n.Name, epNames(covered.order), epDescribe(miss, count, func(m *lint.Node) string { return m.Name }),
			fmt.Sprintf(`urls = ["tcp://%s:%d"], auth_urls = ["ssl://%s:%d"]`, wso2.URLHost(epBestAddress(miss[0])), miss[0].Port(wso2.PortBinary), wso2.URLHost(epBestAddress(miss[0])), miss[0].Port(wso2.PortBinaryTLS)))
		fr.Key = "apim.event_hub.publish.url_group"
		for _, m := range miss {
			fr.Related = append(fr.Related, lint.RelatedNode(m, "control plane %s is not published to", m.Name))
		}
		if count == len(miss) {
			fr.Fixes = groupFix(n, "apim.event_hub.publish.url_group", miss, n.Get("apim.event_hub.publish.url_group[0].urls"), "urls", "auth_urls",
				"add a url_group for each control plane it misses")
		}
		p.Report(fr)
	}
}

// epSecondCP returns the first control plane in reached other than the
// first one, or nil.
func epSecondCP(reached []*lint.Node) *lint.Node {
	for _, m := range reached[min(1, len(reached)):] {
		if m != reached[0] && m.Role.ActsAs(wso2.RoleControlPlane) && reached[0].Role.ActsAs(wso2.RoleControlPlane) {
			return m
		}
	}
	return nil
}
