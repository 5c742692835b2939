package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/fleetversion"
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
event_duplicate_url; traffic managers in HA copy their throttling decisions through
[apim.throttling] event_duplicate_url. Both are JMS URLs (tcp://peer:5672 plus the peer's
offset). Each node must name the other members of its group and never itself; the classic
mistake is copying node 1's file to node 2 verbatim, so that node 2 duplicates to itself and node
1 never hears node 2's events (WSO2's own HA samples do this: both traffic managers name
traffic-manager-2). In a group of two or more, a node that sets no event_duplicate_url keeps its
events to itself: an error for control planes, a warning for traffic managers (they all receive
every gateway's events and decide alike; the copy covers restarts and partial url_groups). When
two peers name the same unknown host, one of them names itself. All-in-one nodes are checked
where they set it, never required to.

Which key a control plane copies to depends on its version. From 4.3.0 either [apim.event_hub]
or [apim.throttling] event_duplicate_url turns the copy on ([apim.event_hub]'s URLs win when both
are set); on 4.1.0 and 4.2.0 only [apim.throttling]'s turns it on ([apim.event_hub]'s then
supplies the URLs); 4.0.0 reads [apim.throttling]'s only. So on 4.0.0-4.2.0 a control plane that
sets [apim.event_hub] event_duplicate_url alone copies nothing. The version is the one
.apimlint.toml declares or the one apimlint infers; where it may be either side of 4.3.0, both
spellings are accepted.`,
	Example: `traffic-manager-2/deployment.toml:24:24: error: event_duplicate_url tcp://traffic-manager-2:5672 points at traffic-manager-2 itself; its peer(s): traffic-manager-1 (tcp://traffic-manager-1:5672); the file looks copied from a peer's (event-duplicate-url)`,
	Fix: `On each node list the other members of its group with their JMS ports, e.g. on tm-1
event_duplicate_url = ["tcp://tm-2:5672"] and on tm-2 event_duplicate_url = ["tcp://tm-1:5672"];
on a control plane before 4.3.0, in [apim.throttling]. apimlint lint --fix writes the peers' URLs
(in the scheme the node's broker URLs already use, on their ports after their offsets) where the
file names itself, misses peers or sets nothing, and copies [apim.event_hub]'s URLs to
[apim.throttling] where only that turns the copy on.`,
	Requires: []*lint.Analysis{fleetversion.Analysis},
	Run:      runEventDuplicateURL,
})

var epDupGroups = []struct {
	role  wso2.Role
	key   string
	table string
	what  string // what is lost
	// unset is the severity when a member sets none: traffic managers
	// that all receive every gateway's events decide alike without it.
	unset lint.Severity
	// versioned: which key copies the events depends on the version the
	// node runs (control planes' token revocations; see cpCopy).
	versioned bool
}{
	{wso2.RoleControlPlane, wso2.EventHubDuplicateURL, "apim.event_hub", "the token-revocation events it receives", lint.SeverityError, true},
	{wso2.RoleTrafficManager, wso2.ThrottlingDuplicateURL, "apim.throttling", "its throttling decisions", lint.SeverityWarning, false},
	// All-in-one nodes run a traffic manager and an event hub; their HA
	// samples only duplicate throttling decisions, so neither is required.
	{wso2.RoleAllInOne, wso2.ThrottlingDuplicateURL, "", "its throttling decisions", 0, false},
	{wso2.RoleAllInOne, wso2.EventHubDuplicateURL, "", "the token-revocation events it receives", 0, false},
}

func runEventDuplicateURL(p *lint.Pass) {
	f := p.Fleet
	var versions map[*lint.Node]fleetversion.Version
	for _, g := range epDupGroups {
		members := f.OfRole(g.role)
		inGroup := make(map[*lint.Node]bool, len(members))
		for _, m := range members {
			inGroup[m] = true
		}
		if g.versioned && versions == nil && len(members) > 0 {
			versions = fleetversion.OfPass(p)
		}
		var lists [][]string // per member: unknown hosts named, for the copied-file check
		var listers []*lint.Node
		var listerKeys []*lint.Key
		// The first member that writes the key sets the hint style for
		// those that do not: found once, not once per member.
		var groupStyle *lint.Key
		for _, m := range members {
			if groupStyle = m.Get(g.key); groupStyle != nil {
				break
			}
			if g.versioned {
				if groupStyle = m.Get(wso2.ThrottlingDuplicateURL); groupStyle != nil {
					break
				}
			}
		}
		for _, n := range members {
			if epSkip(n) {
				continue
			}
			npeers := len(members) - 1
			peers := epFirstOthers(members, n, 5)
			// The keys whose URLs WSO2 copies to: one, or for a control
			// plane those of the versions it may run. Where the copy is
			// off on some of those versions but not on all, apimlint
			// cannot tell which runs, and judges only these URLs.
			var keys []*lint.Key
			table, note := g.table, ""
			var cp cpCopy
			if g.versioned {
				cp = controlPlaneCopy(n, versions[n])
				keys = cp.used
				table, note = cp.table(), cp.unsetNote()
			} else if k := n.Get(g.key); k != nil {
				keys = []*lint.Key{k}
			}
			var own *lint.Key
			if len(keys) > 0 {
				own = keys[0]
			}
			// Hints follow the scheme the node or its group already uses
			// (ssl:// or tcp://).
			style := dupStyle(n, own, groupStyle)
			epPeerURL := func(m *lint.Node) string { return epJMSURLStyled(m, style) }
			// [apim.event_hub]'s alone, on versions where it turns nothing
			// on. Its URLs are still judged where they are read: once
			// [apim.throttling]'s is set, 4.1.0 and 4.2.0 copy to them.
			if eh := n.Get(wso2.EventHubDuplicateURL); g.versioned && cp.off && eh != nil {
				if len(members) >= 2 && n.SyntaxError == nil {
					p.Report(cp.eventHubOnly(n, eh, peers, npeers, style, epPeerURL))
				}
				if cp.only400 {
					continue // read by no template: schema-unknown-key says so
				}
				keys = []*lint.Key{eh}
			}
			if len(keys) == 0 {
				if g.table != "" && len(members) >= 2 && n.SyntaxError == nil {
					fr := lint.AtTable(n, table, "%s is one of %d %s nodes but sets no event_duplicate_url in [%s]: %s never reach %s%s",
						n.Name, len(members), g.role, table, g.what, epDescribe(peers, npeers, epPeerURL), note)
					fr.Key = table + ".event_duplicate_url"
					fr.Severity = g.unset
					if npeers == len(peers) {
						if e, ok := lint.SetKey(n, table, "event_duplicate_url", "["+dupURLs(peers, style)+"]"); ok {
							fr.Fixes = []lint.SuggestedFix{{Message: "set event_duplicate_url to the peers", Edits: []lint.TextEdit{e}}}
						}
					}
					p.Report(fr)
				}
				continue
			}
			for _, k := range keys {
				unknown := checkDupKey(p, n, k, g.role, inGroup, members, peers, npeers, style, g.what, epPeerURL)
				if len(unknown) > 0 {
					lists = append(lists, unknown)
					listers = append(listers, n)
					listerKeys = append(listerKeys, k)
				}
			}
		}
		// Two peers naming the same unknown host: it is one of them, so
		// one file names itself.
		if len(members) == 2 && len(listers) == 2 && listers[0] != listers[1] && epSameHosts(lists[0], lists[1]) {
			n, k := listers[1], listerKeys[1]
			fr := lint.AtKey(n, k, "%s and %s both name %s in event_duplicate_url; it can be the peer of only one of them, so one file was copied from the other without changing it",
				listers[0].Name, n.Name, strings.Join(lists[1], ", "))
			fr.Related = append(fr.Related, lint.RelatedKey(listers[0], listerKeys[0], "%s names the same host", listers[0].Name))
			p.Report(fr)
		}
	}
}

// checkDupKey judges the URLs of one event_duplicate_url key of n: none
// names n itself, each reaches a peer, and together they name every peer.
// It returns the unknown hosts the key names, for the copied-file check.
func checkDupKey(p *lint.Pass, n *lint.Node, k *lint.Key, role wso2.Role, inGroup map[*lint.Node]bool, members, peers []*lint.Node, npeers int,
	style epURLStyle, what string, epPeerURL func(*lint.Node) string) []string {
	f := p.Fleet
	var covered epNodeSet
	complete, self := true, false
	var unknown []string
	for _, v := range epElems(k) {
		h := epResolve(f, n, k, v)
		if h.judged && h.to.Kind == lint.TargetSelf && h.to.Pod != "" && f.Manifests.Replicas(n) > 1 {
			// One pod of the node's own StatefulSet: the other
			// replicas' peer. Its replicas share one file, so each
			// lists every pod, its own included.
			epJudge(p, h, epTarget{role: role, svc: epJMS, what: "event_duplicate_url"})
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
			fr := lint.AtValue(n, k, v, "%s", msg)
			if npeers > 0 && len(epElems(k)) == 1 {
				fr.Fixes = dupFix(n, k, v, peers, style, "name the peer(s) instead of the node itself")
			}
			p.Report(fr)
			continue
		}
		h = epCheck(p, n, k, v, epTarget{role: role, svc: epJMS, what: "event_duplicate_url"})
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
	if self || !complete || npeers == 0 {
		return unknown
	}
	// n itself is never in covered: it counts as one missing.
	miss, count := covered.missing(members, 6)
	miss = epFirstOthers(miss, n, 5)
	count--
	if count > 0 {
		fr := lint.AtKey(n, k, "event_duplicate_url of %s does not name its peer(s) %s: %s never reach them",
			n.Name, epDescribe(miss, count, epPeerURL), what)
		if elems := epElems(k); count == len(miss) && len(elems) > 0 && k.Value.Kind == lint.KindArray {
			last := elems[len(elems)-1]
			fr.Fixes = dupAppendFix(n, last, miss, style)
		}
		p.Report(fr)
	}
	return unknown
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
func dupURLs(peers []*lint.Node, style epURLStyle) string {
	parts := make([]string, len(peers))
	for i, m := range peers {
		parts[i] = lint.QuoteTOML(epJMSAddrStyled(m, style))
	}
	return strings.Join(parts, ", ")
}

// dupFix replaces the element v of k with the peers' URLs.
func dupFix(n *lint.Node, k *lint.Key, v *lint.Value, peers []*lint.Node, style epURLStyle, msg string) []lint.SuggestedFix {
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
func dupAppendFix(n *lint.Node, last *lint.Value, missing []*lint.Node, style epURLStyle) []lint.SuggestedFix {
	e, ok := lint.ReplaceValue(n, last, last.Raw()+", "+dupURLs(missing, style))
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: "add the missing peers", Edits: []lint.TextEdit{e}}}
}
