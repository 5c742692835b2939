package rules

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// TMURLGroups checks where gateways publish throttling events.
var TMURLGroups = register(&lint.Rule{
	ID:       "tm-url-groups",
	Severity: lint.SeverityError,
	Summary:  "a gateway's [[apim.throttling.url_group]]s name each traffic manager once, on its binary ports",
	Category: "topology",
	Fixable:  true,
	Doc: `Gateways publish one event per request to the traffic managers listed in
[[apim.throttling.url_group]]: traffic_manager_urls on the binary port (tcp://tm:9611) and
traffic_manager_auth_urls on the binary-TLS port (ssl://tm:9711), both plus the traffic manager's
offset, with the same host in both. WSO2 joins a group's URLs for load balancing only when the
group says type = "loadbalance"; a group without type (or with type = "failover") sends every event to
its first URL and to the next only while that one is down. A load-balancing group names one traffic
manager (a group of two splits the events, so each counts only part of the requests); a failover
group may name several. Every traffic manager needs a
group (a traffic manager missing a gateway's events counts too few requests and throttles too
late), no traffic manager is named in two groups (each group is a publisher of its own, so that
traffic manager receives every event twice, counts each request twice and throttles at half the
limit), and no group points at another role. Without any url_group a gateway publishes to
localhost. With no traffic manager in the folder, hosts are not judged.`,
	Example: `gw-3/deployment.toml:11:25: error: traffic_manager_urls tcp://tm-1:5672 uses port 5672, but tm-1's binary port is 9611; 5672 is its JMS port (tm-url-groups)`,
	Fix: `Add one group per traffic manager:
[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-1:9611"]
traffic_manager_auth_urls = ["ssl://tm-1:9711"]`,
	Cost: 30,
	Run:  runTMURLGroups,
})

func runTMURLGroups(p *lint.Pass) {
	f := p.Fleet
	tms := epTrafficManagers(f)
	cache := epParseCache{}
	var reachedBuf [8]*lint.Node
	var reachedKeyBuf [8]*lint.Key
	var byPosBuf [2][4]*lint.Node
	var authValBuf [4]*lint.Value
	var reachedPodBuf [8]string
	for _, n := range f.Nodes {
		if epSkip(n) || n.Role == wso2.RoleTrafficManager {
			continue
		}
		groups := tmURLGroupCount(n)
		if groups == 0 {
			if n.Role == wso2.RoleGateway && len(tms) > 0 && n.SyntaxError == nil && n.Has("apim.throttling") {
				fr := lint.AtTable(n, "apim.throttling", "%s has no [[apim.throttling.url_group]]: WSO2 then publishes throttling events to localhost, which is no traffic manager; traffic managers: %s",
					n.Name, epDescribe(epFirstOthers(tms, nil, 5), len(tms), epTMGroupURL))
				fr.Key = "apim.throttling.url_group"
				p.Report(fr)
			}
			continue
		}
		var covered epNodeSet
		var named []tmGroupOf // traffic managers in the order groups name them
		complete := true
		var pods epPodCoverage // StatefulSet pods named one by one
		for i := 0; i < groups; i++ {
			paths := tmURLGroupPaths(i)
			urls, auth := n.Get(paths[0]), n.Get(paths[1])
			reached, reachedKey := reachedBuf[:0], reachedKeyBuf[:0]
			// The traffic manager each URL reaches (nil when none), by
			// position: [0] traffic_manager_urls, [1] auth_urls.
			byPos := [2][]*lint.Node{byPosBuf[0][:0], byPosBuf[1][:0]}
			authVals := authValBuf[:0]
			reachedPod := reachedPodBuf[:0] // the StatefulSet pod named, if one
			for si, spec := range []struct {
				k    *lint.Key
				what string
				tls  bool
			}{{urls, "traffic_manager_urls", false}, {auth, "traffic_manager_auth_urls", true}} {
				if spec.k == nil {
					continue
				}
				for _, v := range spec.k.Scalars() {
					if v.Kind != lint.KindString {
						continue // as epElems
					}
					byPos[si] = append(byPos[si], nil)
					if spec.tls {
						authVals = append(authVals, v)
					}
					h := epResolveCached(f, n, spec.k, v, cache)
					if h.judged && spec.tls && h.url.Scheme != "ssl" {
						p.Report(lint.AtValue(n, spec.k, v, "%s %s uses %s://; traffic_manager_auth_urls take ssl:// URLs on the binary-TLS port", spec.what, epShowURL(h.url.Raw), h.url.Scheme))
						complete = false
						continue
					}
					h = epJudge(p, h, epTarget{role: wso2.RoleTrafficManager, svc: epBinary, what: spec.what})
					switch {
					case h.ok && h.reach != nil:
						reached = append(reached, h.reach)
						reachedKey = append(reachedKey, spec.k)
						reachedPod = append(reachedPod, h.to.Pod)
						covered.add(h.reach)
						byPos[si][len(byPos[si])-1] = h.reach
						pods.add(h)
					case h.ok && h.to.Kind == lint.TargetCluster:
						complete = false // a load balancer spreads events: coverage unknown
					default:
						complete = false
					}
				}
			}
			// WSO2's data publisher pairs the receiver URL and the auth
			// URL in the same position of a group: the events of a
			// session opened at one traffic manager cannot go to another.
			if len(byPos[0]) == len(byPos[1]) {
				for j, m := range byPos[0] {
					if a := byPos[1][j]; m != nil && a != nil && a != m {
						p.Report(lint.AtValue(n, auth, authVals[j], "url_group %d publishes to %s over traffic_manager_urls but authenticates against %s over traffic_manager_auth_urls; URLs in the same position must name the same traffic manager",
							i+1, m.Name, a.Name))
					}
				}
			}
			for j, m := range reached {
				if slices.Contains(reached[:j], m) {
					continue // its urls and auth_urls in one group
				}
				if k := slices.IndexFunc(named, func(g tmGroupOf) bool { return g.tm == m && epSamePod(g.pod, reachedPod[j]) }); k >= 0 {
					tm := epPodName(m, reachedPod[j])
					p.Report(lint.AtKey(n, reachedKey[j], "url_group %d names traffic manager %s, which url_group %d names already: each group publishes on its own, so %s receives every throttling event twice, counts each request twice and throttles at half the limit; keep one group per traffic manager",
						i+1, tm, named[k].group+1, tm))
					continue
				}
				named = append(named, tmGroupOf{m, i, reachedPod[j]})
			}
			for j := 1; j < len(reached); j++ {
				if reached[j] != reached[0] {
					// api-manager.xml.j2 (every version, 4.0.0-4.7.0) joins
					// a group's URLs with ',' (load balance) only when
					// group.type == "loadbalance", else with '|' (failover):
					// a group without type is a failover group, which names
					// several traffic managers on purpose. (Read only here:
					// most groups name one.)
					if typ, _ := n.String(paths[2]); typ != tmGroupLoadBalance {
						break
					}
					p.Report(lint.AtKey(n, reachedKey[j], "url_group %d names two traffic managers, %s and %s, with type = \"loadbalance\": URLs inside the group load-balance the events, so each gets only part; give each traffic manager its own url_group (or drop type for failover, if one at a time is meant)",
						i+1, reached[0].Name, reached[j].Name))
					break
				}
			}
		}
		if (n.Role == wso2.RoleGateway || n.Role == wso2.RoleAllInOne) && complete {
			tmReportMissingPods(p, n, &pods)
		}
		if n.Role != wso2.RoleGateway && n.Role != wso2.RoleAllInOne || !complete || len(tms) < 2 || len(covered.order) == 0 {
			continue
		}
		miss, count := covered.missing(tms, 5)
		if count == 0 {
			continue
		}
		fr := lint.AtTable(n, "apim.throttling.url_group[0]", "%s publishes throttling events to %s only; %s never count this node's requests: add a url_group for each",
			n.Name, epNames(covered.order), epDescribe(miss, count, epTMGroupURL))
		fr.Key = "apim.throttling.url_group"
		if count == len(miss) {
			style := n.Get("apim.throttling.url_group[0].traffic_manager_urls")
			fr.Fixes = groupFix(n, "apim.throttling.url_group", miss, style, "traffic_manager_urls", "traffic_manager_auth_urls",
				"add a url_group for each traffic manager it misses")
		}
		p.Report(fr)
	}
}

// groupFix appends one [[table]] per missing node, naming its binary
// receiver (urls) and binary-TLS receiver (auth urls) after its offset, the
// host written the way the file's first group writes hosts.
func groupFix(n *lint.Node, table string, miss []*lint.Node, style *lint.Key, urlsKey, authKey, msg string) []lint.SuggestedFix {
	kind := ""
	if style != nil {
		for _, v := range style.Scalars() {
			if ep, err := wso2.ParseEndpoint(v.Text()); err == nil {
				kind = epHostKind(ep.Host)
				break
			}
		}
	}
	var edits []lint.TextEdit
	for _, m := range miss {
		host := epBestAddress(m)
		if h := epAddrOfKind(m, kind); kind != "" && h != "" {
			host = h
		}
		e, ok := lint.AppendArrayTable(n, table, [][2]string{
			{urlsKey, "[" + lint.QuoteTOML(fmt.Sprintf("tcp://%s:%d", wso2.URLHost(host), m.Port(wso2.PortBinary))) + "]"},
			{authKey, "[" + lint.QuoteTOML(fmt.Sprintf("ssl://%s:%d", wso2.URLHost(host), m.Port(wso2.PortBinaryTLS))) + "]"},
		})
		if !ok {
			return nil
		}
		edits = append(edits, e)
	}
	// One insertion point: the blocks go in order.
	return []lint.SuggestedFix{{Message: msg, Edits: edits}}
}

// tmGroupLoadBalance is the url_group type for which WSO2 spreads events
// over the group's URLs; every other type, and none, means failover.
const tmGroupLoadBalance = "loadbalance"

// tmGroupOf is the first url_group that names a traffic manager.
type tmGroupOf struct {
	tm    *lint.Node
	group int
	pod   string // the replica named (lint.Target.Pod), "" for the node
}

func epTMGroupURL(m *lint.Node) string {
	host := wso2.URLHost(epBestAddress(m))
	return fmt.Sprintf("%s (tcp://%s:%d, ssl://%s:%d)", m.Name, host, m.Port(wso2.PortBinary), host, m.Port(wso2.PortBinaryTLS))
}

// tmURLGroupCount is n.ArrayLen("apim.throttling.url_group") without
// building the prefix once per table of every gateway.
func tmURLGroupCount(n *lint.Node) int { return n.ArrayLen("apim.throttling.url_group") }

// tmURLGroupPathCache holds the key paths of the first url_groups, built
// once instead of once per group of every gateway.
var tmURLGroupPathCache = func() [][3]string {
	out := make([][3]string, 16)
	for i := range out {
		out[i] = tmURLGroupPathsOf(i)
	}
	return out
}()

// tmURLGroupPaths returns the traffic_manager_urls,
// traffic_manager_auth_urls and type paths of url_group i.
func tmURLGroupPaths(i int) [3]string {
	if i < len(tmURLGroupPathCache) {
		return tmURLGroupPathCache[i]
	}
	return tmURLGroupPathsOf(i)
}

func tmURLGroupPathsOf(i int) [3]string {
	base := "apim.throttling.url_group[" + strconv.Itoa(i) + "]"
	return [3]string{base + ".traffic_manager_urls", base + ".traffic_manager_auth_urls", base + ".type"}
}
