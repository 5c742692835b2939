package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// EventDuplicateURL checks that HA peers copy events to each other.
var EventDuplicateURL = register(&lint.Rule{
	ID:       "event-duplicate-url",
	Severity: lint.SeverityError,
	Summary:  "in an HA group, event_duplicate_url names the other peers, never the node itself",
	Category: "topology",
	Fixable:  true,
	Doc: `Control planes in HA copy the token-revocation events they receive to their peers through
[apim.event_hub] event_duplicate_url; traffic managers in HA copy their throttling decisions
through [apim.throttling] event_duplicate_url. Both are JMS URLs (tcp://peer:5672 plus the peer's
offset). Each node must name the other members of its group and never itself; the classic
mistake is copying node 1's file to node 2 verbatim, so that node 2 duplicates to itself and node
1 never hears node 2's events (WSO2's own HA samples do this: both traffic managers name
traffic-manager-2). In a group of two or more, a node that sets no event_duplicate_url keeps its
events to itself: an error for control planes, a warning for traffic managers (they all receive
every gateway's events and decide alike; the copy covers restarts and partial url_groups). When
two peers name the same unknown host, one of them names itself. All-in-one nodes are checked
where they set it, never required to.`,
	Example: `traffic-manager-2/deployment.toml:24:24: error: event_duplicate_url tcp://traffic-manager-2:5672 points at traffic-manager-2 itself; its peer(s): traffic-manager-1 (tcp://traffic-manager-1:5672); the file looks copied from a peer's (event-duplicate-url)`,
	Fix: `On each node list the other members of its group with their JMS ports, e.g. on tm-1
event_duplicate_url = ["tcp://tm-2:5672"] and on tm-2 event_duplicate_url = ["tcp://tm-1:5672"].
apimlint lint --fix writes the peers' URLs (in the scheme the key already uses, on their ports
after their offsets) where the file names itself, misses peers or sets nothing.`,
	Run: runEventDuplicateURL,
})

var epDupGroups = []struct {
	role  wso2.Role
	key   string
	table string
	what  string // what is lost
	// unset is the severity when a member sets none: traffic managers
	// that all receive every gateway's events decide alike without it.
	unset lint.Severity
}{
	{wso2.RoleControlPlane, "apim.event_hub.event_duplicate_url", "apim.event_hub", "the token-revocation events it receives", lint.SeverityError},
	{wso2.RoleTrafficManager, "apim.throttling.event_duplicate_url", "apim.throttling", "its throttling decisions", lint.SeverityWarning},
	// All-in-one nodes run a traffic manager and an event hub; their HA
	// samples only duplicate throttling decisions, so neither is required.
	{wso2.RoleAllInOne, "apim.throttling.event_duplicate_url", "", "its throttling decisions", 0},
	{wso2.RoleAllInOne, "apim.event_hub.event_duplicate_url", "", "the token-revocation events it receives", 0},
}

func runEventDuplicateURL(p *lint.Pass) {
	f := p.Fleet
	for _, g := range epDupGroups {
		members := f.OfRole(g.role)
		inGroup := make(map[*lint.Node]bool, len(members))
		for _, m := range members {
			inGroup[m] = true
		}
		var lists [][]string // per member: unknown hosts named, for the copied-file check
		var listers []*lint.Node
		// The first member that writes the key sets the hint style for
		// those that do not: found once, not once per member.
		var groupStyle *lint.Key
		for _, m := range members {
			if groupStyle = m.Get(g.key); groupStyle != nil {
				break
			}
		}
		for _, n := range members {
			if epSkip(n) {
				continue
			}
			npeers := len(members) - 1
			peers := epFirstOthers(members, n, 5)
			k := n.Get(g.key)
			// Hints follow the scheme the group already uses (ssl:// or tcp://).
			style := k
			if style == nil {
				style = groupStyle
			}
			epPeerURL := func(m *lint.Node) string { return epJMSURL(m, style) }
			if k == nil {
				if g.table != "" && len(members) >= 2 && n.SyntaxError == nil {
					fr := lint.AtTable(n, g.table, "%s is one of %d %s nodes but sets no event_duplicate_url in [%s]: %s never reach %s",
						n.Name, len(members), g.role, g.table, g.what, epDescribe(peers, npeers, epPeerURL))
					fr.Key = g.key
					fr.Severity = g.unset
					if npeers == len(peers) {
						if e, ok := lint.SetKey(n, g.table, "event_duplicate_url", "["+dupURLs(peers, style)+"]"); ok {
							fr.Fixes = []lint.SuggestedFix{{Message: "set event_duplicate_url to the peers", Edits: []lint.TextEdit{e}}}
						}
					}
					p.Report(fr)
				}
				continue
			}
			var covered epNodeSet
			complete, self := true, false
			var unknown []string
			for _, v := range epElems(k) {
				h := epResolve(f, n, k, v)
				if h.judged && h.to.Kind == lint.TargetSelf && h.to.Pod != "" && f.Manifests.Replicas(n) > 1 {
					// One pod of the node's own StatefulSet: the other
					// replicas' peer. Its replicas share one file, so each
					// lists every pod, its own included.
					epJudge(p, h, epTarget{role: g.role, svc: epJMS, what: "event_duplicate_url"})
					continue
				}
				if h.judged && h.to.Kind == lint.TargetSelf {
					self = true
					msg := fmt.Sprintf("event_duplicate_url %s points at %s itself", epShowURL(h.url.Raw), n.Name)
					if npeers > 0 {
						msg += fmt.Sprintf("; its peer(s): %s", epDescribe(peers, npeers, epPeerURL))
						msg += "; the file looks copied from a peer's"
					} else {
						msg += "; it has no peer of its role in this fleet"
					}
					f := lint.AtValue(n, k, v, "%s", msg)
					if npeers > 0 && len(epElems(k)) == 1 {
						f.Fixes = dupFix(n, k, v, peers, style, "name the peer(s) instead of the node itself")
					}
					p.Report(f)
					continue
				}
				h = epCheck(p, n, k, v, epTarget{role: g.role, svc: epJMS, what: "event_duplicate_url"})
				switch {
				case h.ok && h.reach != nil:
					if inGroup[h.reach] {
						covered.add(h.reach)
					}
				case h.judged && h.to.Kind == lint.TargetUnknown:
					unknown = append(unknown, h.url.Host)
					complete = false
				default:
					complete = false
				}
			}
			if len(unknown) > 0 {
				lists = append(lists, unknown)
				listers = append(listers, n)
			}
			if self || !complete || npeers == 0 {
				continue
			}
			// n itself is never in covered: it counts as one missing.
			miss, count := covered.missing(members, 6)
			miss = epFirstOthers(miss, n, 5)
			count--
			if count > 0 {
				f := lint.AtKey(n, k, "event_duplicate_url of %s does not name its peer(s) %s: %s never reach them",
					n.Name, epDescribe(miss, count, epPeerURL), g.what)
				if elems := epElems(k); count == len(miss) && len(elems) > 0 && k.Value.Kind == lint.KindArray {
					last := elems[len(elems)-1]
					f.Fixes = dupAppendFix(n, last, miss, style)
				}
				p.Report(f)
			}
		}
		// Two peers naming the same unknown host: it is one of them, so
		// one file names itself.
		if len(members) == 2 && len(listers) == 2 && epSameHosts(lists[0], lists[1]) {
			n := listers[1]
			k := n.Get(g.key)
			fr := lint.AtKey(n, k, "%s and %s both name %s in event_duplicate_url; it can be the peer of only one of them, so one file was copied from the other without changing it",
				listers[0].Name, n.Name, strings.Join(lists[1], ", "))
			fr.Related = append(fr.Related, lint.RelatedKey(listers[0], listers[0].Get(g.key), "%s names the same host", listers[0].Name))
			p.Report(fr)
		}
	}
}

// epFirstOthers returns up to max nodes of nodes other than self.
func epFirstOthers(nodes []*lint.Node, self *lint.Node, max int) []*lint.Node {
	out := make([]*lint.Node, 0, max)
	for _, n := range nodes {
		if n != self {
			out = append(out, n)
			if len(out) == max {
				break
			}
		}
	}
	return out
}

func epSameHosts(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// dupURLs is the peers' broker URLs as TOML strings, comma-separated.
func dupURLs(peers []*lint.Node, style *lint.Key) string {
	parts := make([]string, len(peers))
	for i, m := range peers {
		parts[i] = lint.QuoteTOML(epJMSAddr(m, style))
	}
	return strings.Join(parts, ", ")
}

// dupFix replaces the element v of k with the peers' URLs.
func dupFix(n *lint.Node, k *lint.Key, v *lint.Value, peers []*lint.Node, style *lint.Key, msg string) []lint.SuggestedFix {
	text := dupURLs(peers, style)
	if k.Value.Kind != lint.KindArray {
		text = "[" + text + "]"
	}
	e, ok := lint.ReplaceValue(n, v, text)
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: msg, Edits: []lint.TextEdit{e}}}
}

// dupAppendFix adds the missing peers' URLs after the array's last element.
func dupAppendFix(n *lint.Node, last *lint.Value, missing []*lint.Node, style *lint.Key) []lint.SuggestedFix {
	e, ok := lint.ReplaceValue(n, last, last.Raw+", "+dupURLs(missing, style))
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: "add the missing peers", Edits: []lint.TextEdit{e}}}
}
