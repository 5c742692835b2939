package rules

import (
	"net/netip"
	"strings"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
)

// gatewayIDRead reports whether a fix may write n's gateway_id: only where
// n's version reads it (declared, or inferred, 4.6.0 or later), or where n
// may run such a version and a peer gateway's version is one (the fleet's
// version, inferred from the peer's keys). A release before 4.6.0 reads
// no [apim.gateway_notification]: a fix there would add a table WSO2
// ignores, and teach that it does something.
func gatewayIDRead(versions map[*lint.Node]fleetversion.Version, n *lint.Node, gws []*lint.Node) bool {
	v := versions[n]
	if versionReads(v, gatewayIDKey) {
		return true
	}
	if v.Source != fleetversion.SourceInferred || !someCandidateReads(v, gatewayIDKey) {
		return false
	}
	for _, peer := range gws {
		if peer != n && versionReads(versions[peer], gatewayIDKey) {
			return true
		}
	}
	return false
}

// versionReads reports whether every version a node may run reads path;
// false when nothing is known of its version. A declared version the
// catalogue lacks (4.5.1, 4.8.0) is judged as the catalogue's version
// next below it.
func versionReads(v fleetversion.Version, path string) bool {
	if len(v.Candidates) > 0 {
		return everyCandidateReads(v, path)
	}
	if v.Declared == "" || len(v.Dists) == 0 {
		return false
	}
	declared := fleetversion.Normalize(v.Declared)
	below := ""
	for _, ver := range catalog.Versions() {
		if catalog.CompareVersions(ver, declared) <= 0 {
			below = ver
		}
	}
	if below == "" {
		return false
	}
	return everyCandidateReads(fleetversion.Version{Candidates: []string{below}, Dists: v.Dists}, path)
}

// someCandidateReads reports whether one version a node may run reads path.
func someCandidateReads(v fleetversion.Version, path string) bool {
	for _, ver := range v.Candidates {
		one := fleetversion.Version{Candidates: []string{ver}, Dists: v.Dists}
		if !fleetversion.Unread(one.Sets(), path) {
			return true
		}
	}
	return false
}

// nameParts counts, for the gateways of a fleet, how many names hold each
// path element, and each element's first host-name label (keyed with a
// leading NUL): a part held by one gateway alone tells it apart.
type nameParts map[string]int

func newNameParts(gws []*lint.Node) nameParts {
	parts := nameParts{}
	for _, n := range gws {
		seen := map[string]bool{}
		for _, e := range strings.Split(n.Name, "/") {
			keys := []string{e}
			if l := hostLabel(e); l != "" {
				keys = append(keys, "\x00"+l)
			}
			for _, k := range keys {
				if !seen[k] {
					seen[k] = true
					parts[k]++
				}
			}
		}
	}
	return parts
}

// idBase is the part of n's name a gateway ID is made from: the last path
// element no other gateway's name holds (apim-gw-01.acme.net/gateway gives
// apim-gw-01.acme.net, not gateway, which every gateway of that layout
// shares), shortened to its first host-name label when that is as
// distinctive (apim-gw-01). Names that share every element give the whole
// name.
func (parts nameParts) idBase(n *lint.Node) string {
	elems := strings.Split(n.Name, "/")
	for i := len(elems) - 1; i >= 0; i-- {
		e := elems[i]
		if parts[e] != 1 {
			continue
		}
		if l := hostLabel(e); l != "" && parts["\x00"+l] == 1 {
			return l
		}
		return e
	}
	return strings.Join(elems, "-")
}

// hostLabel is the first label of a dotted host name (apim-gw-01 of
// apim-gw-01.acme.net); "" for a name without dots or an IP address.
func hostLabel(e string) string {
	l, rest, ok := strings.Cut(e, ".")
	if !ok || l == "" || rest == "" {
		return ""
	}
	if _, err := netip.ParseAddr(e); err == nil {
		return ""
	}
	if strings.Trim(l, "0123456789") == "" {
		return ""
	}
	return l
}
