package rules

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// cpCopy is how a control plane copies the token-revocation events it
// receives to its peers, over every version it may run: which of the two
// event_duplicate_url keys WSO2 takes the URLs from
// (wso2.TokenRevocationCopyKey), and where the copy is off.
type cpCopy struct {
	used []*lint.Key // the keys some candidate version copies to
	// off: every candidate version leaves the copy off (then the node
	// sets neither key, or [apim.event_hub]'s alone before 4.3.0).
	off bool
	// allBefore43: the version is known, and every candidate is older
	// than 4.3.0, where only [apim.throttling] event_duplicate_url turns
	// the copy on. maybeBefore43: unknown, or some candidate is.
	allBefore43, maybeBefore43 bool
	only400                    bool   // every candidate is 4.0.0
	versions                   string // the candidates, for messages: "4.2.0"
}

// controlPlaneCopy reads n's keys against the versions it may run. An
// unknown version (none declared, or one the catalogue lacks) stands for
// every version, so either key is accepted.
func controlPlaneCopy(n *lint.Node, v fleetversion.Version) cpCopy {
	eh, th := n.Get(wso2.EventHubDuplicateURL), n.Get(wso2.ThrottlingDuplicateURL)
	cands := v.Candidates
	known := len(cands) > 0
	if !known {
		cands = []string{""}
	}
	c := cpCopy{allBefore43: known, maybeBefore43: !known, only400: known, versions: strings.Join(v.Candidates, ", ")}
	var usedEH, usedTH bool
	offs := 0
	for _, ver := range cands {
		switch wso2.TokenRevocationCopyKey(ver, eh != nil, th != nil) {
		case wso2.EventHubDuplicateURL:
			usedEH = true
		case wso2.ThrottlingDuplicateURL:
			usedTH = true
		default:
			offs++
		}
		// Whether [apim.event_hub]'s alone turns the copy on there.
		if wso2.TokenRevocationCopyKey(ver, true, false) != "" {
			c.allBefore43 = false
		} else {
			c.maybeBefore43 = true
		}
		if wso2.EventHubDuplicateURLRead(ver) {
			c.only400 = false
		}
	}
	if usedEH {
		c.used = append(c.used, eh)
	}
	if usedTH {
		c.used = append(c.used, th)
	}
	c.off = offs == len(cands)
	return c
}

// table is where a control plane that sets neither key should set one:
// [apim.throttling] where every version it may run is older than 4.3.0,
// else [apim.event_hub] (WSO2's place for it from 4.3.0).
func (c cpCopy) table() string {
	if c.allBefore43 {
		return "apim.throttling"
	}
	return "apim.event_hub"
}

// unsetNote ends the message for a control plane that sets neither key.
func (c cpCopy) unsetNote() string {
	switch {
	case c.allBefore43:
		return fmt.Sprintf("; on %s only that key turns the copy on ([apim.event_hub]'s does from 4.3.0)", c.versions)
	case c.maybeBefore43:
		return "; before 4.3.0 only [apim.throttling] event_duplicate_url turns the copy on"
	}
	return ""
}

// eventHubOnly reports a control plane whose [apim.event_hub]
// event_duplicate_url is all it sets, on versions where that leaves the
// copy off, with a fix that sets [apim.throttling]'s to the peers.
func (c cpCopy) eventHubOnly(n *lint.Node, eh *lint.Key, peers []*lint.Node, npeers int, style epURLStyle, render func(*lint.Node) string) lint.Finding {
	var fr lint.Finding
	if c.only400 {
		fr = lint.AtKey(n, eh, "%s sets event_duplicate_url in [apim.event_hub] only: 4.0.0 reads no such key, and copies the token-revocation events it receives only to [apim.throttling] event_duplicate_url, so they never reach %s",
			n.Name, epDescribe(peers, npeers, render))
	} else {
		fr = lint.AtKey(n, eh, "%s sets event_duplicate_url in [apim.event_hub] only: on %s WSO2 copies the token-revocation events it receives only when [apim.throttling] event_duplicate_url is set (tokenRevokeEventJMSPublisher_2 is off without it; [apim.event_hub]'s then supplies the URLs), so they never reach %s",
			n.Name, c.versions, epDescribe(peers, npeers, render))
	}
	if npeers == len(peers) {
		if e, ok := lint.SetKey(n, "apim.throttling", "event_duplicate_url", "["+dupURLs(peers, style)+"]"); ok {
			fr.Fixes = []lint.SuggestedFix{{Message: "set [apim.throttling] event_duplicate_url to the peers", Edits: []lint.TextEdit{e}}}
		}
	}
	return fr
}

// dupStyle is how a hint for n writes its peers' URLs: as the key n
// uses, else any event_duplicate_url n sets, else the group's; else in
// the scheme of n's own broker URLs (event_listening_endpoints,
// throttle_decision_endpoints), so that a fleet on ssl:// is answered in
// ssl://. (Those often name localhost: their host style is not copied.)
func dupStyle(n *lint.Node, own, group *lint.Key) epURLStyle {
	for _, k := range []*lint.Key{own, n.Get(wso2.EventHubDuplicateURL), n.Get(wso2.ThrottlingDuplicateURL), group} {
		if st := epStyleOf(k); st.known {
			return st
		}
	}
	for _, path := range []string{"apim.event_hub.event_listening_endpoints", "apim.throttling.throttle_decision_endpoints"} {
		if st := epStyleOf(n.Get(path)); st.known {
			st.kind = ""
			return st
		}
	}
	return epURLStyle{}
}
