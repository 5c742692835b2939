package rules

// Shared endpoint resolution for the cross-node rules: what a URL's host
// names (a node, a role's load balancer, nothing known), whether the
// port is the one that node listens on after its own offset, and how
// sure apimlint can be when a host names nothing.

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// service is a port a node offers, before its offset.
type epService struct {
	name  string // for messages: "JMS", "binary", "management"
	plain int
	tls   int
}

var (
	epJMS    = epService{"JMS", wso2.PortJMS, wso2.PortJMSTLS}
	epBinary = epService{"binary", wso2.PortBinary, wso2.PortBinaryTLS}
	epMgt    = epService{"management", wso2.PortMgtHTTP, wso2.PortMgtHTTPS}
	epNIO    = epService{"API traffic", wso2.PortNIOHTTP, wso2.PortNIOHTTPS}
	epWS     = epService{"WebSocket", wso2.PortWebSocket, wso2.PortWebSocketS}
)

func epTLS(s string) bool {
	switch s {
	case "ssl", "https", "wss", "tls", "amqps":
		return true
	}
	return false
}

// port returns the service's port on node n for a URL scheme.
func (s epService) port(n *lint.Node, scheme string) int {
	if epTLS(scheme) {
		return n.Port(s.tls)
	}
	return n.Port(s.plain)
}

func (s epService) label(scheme string) string {
	if epTLS(scheme) {
		switch s.name {
		case "JMS":
			return "JMS-TLS"
		case "binary":
			return "binary-TLS"
		case "management":
			return "management HTTPS"
		case "API traffic":
			return "API HTTPS"
		case "WebSocket":
			return "secure WebSocket"
		}
	}
	switch s.name {
	case "management":
		return "management HTTP"
	case "API traffic":
		return "API HTTP"
	}
	return s.name
}

// target describes what an endpoint is expected to reach.
type epTarget struct {
	role wso2.Role
	svc  epService
	// what names the key for messages: "event_listening_endpoints".
	what string
	// selfOnly: the URL must point at the node that writes it (a control
	// plane's own event_listening_endpoints).
	selfOnly bool
	// decisions: the URL is where the node takes throttle decisions from,
	// which must be a traffic manager its url_groups publish events to.
	decisions bool
	// unknownSeverity overrides the severity of "matches no node"
	// warnings (public URLs that usually name an ingress).
	unknownSeverity lint.Severity
}

// hit is one URL resolved against the fleet.
type epHit struct {
	node  *lint.Node
	key   *lint.Key
	elem  *lint.Value
	url   wso2.Endpoint
	to    lint.Target
	reach *lint.Node // the node reached, nil for clusters and unknown hosts
	book  *lint.AddressBook
	// judged is false when nothing could be said: symbolic values, doc
	// placeholders, unparsable URLs.
	judged bool
	ok     bool // right role (and port, when it could be checked)
	// placeholderPort is set when the port came from a ${} property of
	// the writing node (remote-port-placeholder's business).
	placeholderPort bool
}

func epRoleNoun(r wso2.Role) string {
	switch r {
	case wso2.RoleControlPlane:
		return "a control plane"
	case wso2.RoleGateway:
		return "a gateway"
	case wso2.RoleTrafficManager:
		return "a traffic manager"
	case wso2.RoleKeyManager:
		return "a key manager"
	case wso2.RoleAllInOne:
		return "an all-in-one node"
	}
	return "a " + string(r) + " node"
}

// epPublishesOnlyElsewhere reports whether n's throttling url_groups
// name traffic_manager_urls, every one of which reaches a node other than
// to: to then never receives n's request events. Unknown or symbolic URLs
// make it false (nothing is known).
func epPublishesOnlyElsewhere(f *lint.Fleet, n, to *lint.Node) bool {
	seen := false
	for i := range tmURLGroupCount(n) {
		k := n.Get(tmURLGroupPaths(i)[0])
		if k == nil {
			continue
		}
		for _, v := range epElems(k) {
			h := epResolve(f, n, k, v)
			if !h.judged || h.reach == nil || h.reach == to {
				return false
			}
			seen = true
		}
	}
	return seen
}

// elems returns the scalar string elements of a key.
func epElems(k *lint.Key) []*lint.Value {
	all := k.Scalars()
	if k.Value.Kind == lint.KindArray && !slices.ContainsFunc(all, func(v *lint.Value) bool { return v.Kind != lint.KindString }) {
		return all // callers only read it, as Scalars' callers
	}
	var out []*lint.Value
	for _, v := range all {
		if v.Kind == lint.KindString {
			out = append(out, v)
		}
	}
	return out
}

// resolveURL resolves one URL without reporting anything.
func epResolve(f *lint.Fleet, n *lint.Node, k *lint.Key, v *lint.Value) epHit {
	return epResolveCached(f, n, k, v, nil)
}

// epParsed is what epResolve learns from a URL's text alone.
type epParsed struct {
	ep wso2.Endpoint
	ok bool // a URL with a host that can be judged
}

// epParseCache remembers parsed URLs by their text, for a rule that
// resolves the same few URLs on each of thousands of gateways. A nil
// cache parses every time.
type epParseCache map[string]epParsed

func (c epParseCache) parse(s string) epParsed {
	if c != nil {
		if r, ok := c[s]; ok {
			return r
		}
	}
	ep, err := wso2.ParseEndpoint(s)
	r := epParsed{ep: ep, ok: !(err != nil || ep.Symbolic || ep.Host == "" || lint.IsDocPlaceholderHost(ep.Host))}
	if c != nil {
		c[s] = r
	}
	return r
}

// epResolveCached is epResolve with the URL's parse taken from cache.
func epResolveCached(f *lint.Fleet, n *lint.Node, k *lint.Key, v *lint.Value, cache epParseCache) epHit {
	h := epHit{node: n, key: k, elem: v}
	if v.Symbolic || strings.TrimSpace(v.Text()) == "" {
		return h
	}
	parsed := cache.parse(v.Text())
	if !parsed.ok {
		return h
	}
	ep := parsed.ep
	if pod, ok := f.Manifests.PodPort(ep.Host, ep.Port, n); ok && pod != ep.Port {
		ep.Port, ep.PortText = pod, strconv.Itoa(pod) // a Service forwards it: judge the pod's port
	}
	h.url = ep
	if strings.Contains(v.Str(), "${") {
		if raw, err := wso2.ParseEndpoint(v.Str()); err == nil && strings.Contains(raw.PortText, "${") {
			h.placeholderPort = true
		}
	}
	h.to = f.Book.ResolvePort(ep.Host, ep.Port, n)
	h.book = f.Book
	if nd := h.to.Node(); nd != nil {
		h.reach = nd
	}
	h.judged = true
	return h
}

// checkURL resolves one URL element of key k on node n against the
// fleet and reports what is wrong with it: a host that names no node, a
// node of the wrong role, a port that is not the target's port after its
// offset. It returns the hit for coverage checks.
func epCheck(p *lint.Pass, n *lint.Node, k *lint.Key, v *lint.Value, t epTarget) epHit {
	return epJudge(p, epResolve(p.Fleet, n, k, v), t)
}

// epJudge is epCheck for a URL epResolve already resolved, so that a rule
// that looks at the hit first does not resolve it twice.
func epJudge(p *lint.Pass, h epHit, t epTarget) epHit {
	f := p.Fleet
	n, k, v := h.node, h.key, h.elem
	if !h.judged {
		return h
	}
	ep := h.url
	switch h.to.Kind {
	case lint.TargetUnknown:
		epReportUnknown(p, h, t)
		return h
	case lint.TargetSelf:
		if h.to.NotListening && (!n.Role.ActsAs(t.role) || !epUnshifted(n, ep, t)) {
			// localhost, but not a port of this node: another server on
			// its machine, which the fleet does not say is one of its nodes.
			// Only the service's port without the node's offset (or no
			// port at all) is read as this node's port written wrong.
			fr := lint.AtValue(n, k, v, "%s %s names %s, but %s does not listen on %d (%s): the URL reaches another server on %s's machine, which no node of this fleet is known to be%s",
				t.what, epShowURL(ep.Raw), ep.Host, n.Name, ep.Port, epOwnPort(n, t, ep.Scheme), n.Name, epListTargets(f, t, ep.Scheme))
			fr.Severity = lint.SeverityWarning
			p.Report(fr)
			return h
		}
		if !n.Role.ActsAs(t.role) {
			how := "its own address"
			if lint.IsLoopback(ep.Host) {
				how = ep.Host + ", the node itself"
			}
			p.Report(lint.AtValue(n, k, v, "%s %s points at %s (%s), a %s, not at %s%s",
				t.what, epShowURL(ep.Raw), n.Name, how, n.Role, epRoleNoun(t.role), epListTargets(f, t, ep.Scheme)))
			return h
		}
	case lint.TargetNode:
		to := h.reach
		if t.selfOnly {
			p.Report(lint.AtValue(n, k, v, "%s %s points at %s %s; a %s listens on its own broker (tcp://localhost:%d)",
				t.what, epShowURL(ep.Raw), to.Role, to.Name, n.Role, t.svc.port(n, ep.Scheme)))
			return h
		}
		if to.Role == wso2.RoleUnknown {
			// Its role is undecided (reported by role-unknown): the URL may
			// well be right, so only its port is checked.
			break
		}
		if !to.Role.ActsAs(t.role) && h.to.ByPort {
			// Several nodes share the host and the port picked one of the
			// wrong role: the port is the mistake, the host is right.
			var right []string
			for _, m := range h.book.CoHosted(ep.Host) {
				if m != to && m.Role.ActsAs(t.role) {
					right = append(right, fmt.Sprintf("%d (%s)", t.svc.port(m, ep.Scheme), m.Name))
				}
			}
			if len(right) > 0 {
				p.Report(lint.AtValue(n, k, v, "%s %s reaches %s node %s (%s), not %s; on %s the %s port of %s is %s",
					t.what, epShowURL(ep.Raw), to.Role, to.Name, h.to.Reason, epRoleNoun(t.role), ep.Host, t.svc.label(ep.Scheme), epRoleNoun(t.role), strings.Join(right, ", ")))
				return h
			}
		}
		if !to.Role.ActsAs(t.role) {
			if t.role == wso2.RoleTrafficManager && to.Role == wso2.RoleControlPlane {
				// A control plane runs an embedded traffic manager (WSO2's
				// patterns without dedicated ones): fine unless the fleet
				// has dedicated traffic managers that this URL bypasses.
				tms := f.ByRole(wso2.RoleTrafficManager)
				if len(tms) == 0 {
					break
				}
				if t.decisions && epPublishesOnlyElsewhere(f, n, to) {
					// Its decisions come from counters this gateway never
					// feeds: its requests are never throttled.
					p.Report(lint.AtValue(n, k, v, "%s %s points at control-plane node %s%s, whose embedded traffic manager never receives this gateway's request events: its url_group publishes them only to other nodes, so its requests never count against any limit; traffic managers: %s",
						t.what, epShowURL(ep.Raw), to.Name, epLearnt(h), epNames(tms)))
					return h
				}
				fr := lint.AtValue(n, k, v, "%s %s points at control-plane node %s%s, whose embedded traffic manager is meant for fleets without dedicated ones; this fleet has traffic managers %s, which this URL bypasses",
					t.what, epShowURL(ep.Raw), to.Name, epLearnt(h), epNames(tms))
				fr.Severity = lint.SeverityWarning
				p.Report(fr)
				return h
			}
			p.Report(lint.AtValue(n, k, v, "%s %s points at %s node %s%s, not at %s%s",
				t.what, epShowURL(ep.Raw), to.Role, to.Name, epLearnt(h), epRoleNoun(t.role), epListTargets(f, t, ep.Scheme)))
			return h
		}
	case lint.TargetCluster:
		if h.to.Service && h.book.LearntOnlyFrom(ep.Host, n) {
			// Only this node says what the host is: no evidence but the
			// URL itself, so it stays an unknown host.
			epReportUnknown(p, h, t)
			return h
		}
		if h.to.Service && t.role == wso2.RoleTrafficManager && h.to.Role == wso2.RoleControlPlane {
			// The control planes' embedded traffic manager, as for a node.
			if tms := f.ByRole(wso2.RoleTrafficManager); len(tms) > 0 {
				fr := lint.AtValue(n, k, v, "%s %s points at %s, %s, whose embedded traffic manager is meant for fleets without dedicated ones; this fleet has traffic managers %s, which this URL bypasses",
					t.what, epShowURL(ep.Raw), ep.Host, h.to.Reason, epNames(tms))
				fr.Severity = lint.SeverityWarning
				p.Report(fr)
				return h
			}
			break
		}
		if h.to.Role != wso2.RoleUnknown && !h.to.Role.ActsAs(t.role) && !epAnyActs(h.to.Nodes, t.role) {
			if h.to.Service {
				p.Report(lint.AtValue(n, k, v, "%s %s points at %s, %s, not at %s%s",
					t.what, epShowURL(ep.Raw), ep.Host, h.to.Reason, epRoleNoun(t.role), epListTargets(f, t, ep.Scheme)))
				return h
			}
			p.Report(lint.AtValue(n, k, v, "%s %s points at %s, the %s load balancer (%s), not at %s%s",
				t.what, epShowURL(ep.Raw), ep.Host, h.to.Role, h.to.Reason, epRoleNoun(t.role), epListTargets(f, t, ep.Scheme)))
			return h
		}
		if t.selfOnly {
			p.Report(lint.AtValue(n, k, v, "%s %s points at the load balancer %s; a %s listens on its own broker (tcp://localhost:%d)",
				t.what, epShowURL(ep.Raw), ep.Host, n.Role, t.svc.port(n, ep.Scheme)))
			return h
		}
	}
	if h.placeholderPort {
		h.ok = true
		return h
	}
	if msg := epPortProblem(h, t); msg != "" {
		f := lint.AtValue(n, k, v, "%s %s %s", t.what, epShowURL(ep.Raw), msg)
		if h.to.Kind == lint.TargetSelf || h.to.Kind == lint.TargetNode {
			f.Fixes = epPortFix(n, v, ep, t.svc.port(h.to.Nodes[0], ep.Scheme))
		}
		p.Report(f)
		return h
	}
	h.ok = true
	return h
}

// epTrafficManagers are the traffic managers every gateway must reach:
// the dedicated ones when the fleet has any (an all-in-one's embedded
// traffic manager is then idle, as WSO2's patterns have it), else every
// node that runs one.
func epTrafficManagers(f *lint.Fleet) []*lint.Node {
	if tms := f.OfRole(wso2.RoleTrafficManager); len(tms) > 0 {
		return tms
	}
	return f.ByRole(wso2.RoleTrafficManager)
}

// epUnshifted reports whether a loopback URL the node does not listen on
// is its own service written without its offset (localhost:9443 on a node
// at offset 1), or without a port: the node's own URL written wrong. Any
// other port (9445, 8282) is another server on the machine.
func epUnshifted(n *lint.Node, ep wso2.Endpoint, t epTarget) bool {
	return ep.DefaultPort || (n.Offset != 0 && ep.Port == t.svc.port(n, ep.Scheme)-n.Offset)
}

// epShowURL hides the password of a URL's user info (scheme://user:pw@host)
// so that messages never carry it.
func epShowURL(raw string) string {
	return wso2.RedactURL(raw)
}

// epLearnt says why a host names a node when apimlint learnt it from the
// fleet rather than reading it from the node's own file.
func epLearnt(h epHit) string {
	r := h.to.Reason
	if h.to.ByPort {
		return " (" + r + ")"
	}
	if strings.HasPrefix(r, "peer symmetry") || strings.HasPrefix(r, "token match") {
		return fmt.Sprintf(" (%s is %s by %s)", h.url.Host, h.reach.Name, r)
	}
	return ""
}

func epAnyActs(nodes []*lint.Node, r wso2.Role) bool {
	for _, n := range nodes {
		if n.Role.ActsAs(r) {
			return true
		}
	}
	return false
}

// proxyPorts returns the proxyPort values a node declares.
func epProxyPorts(n *lint.Node) []int {
	var out []int
	for _, path := range []string{"transport.https.properties.proxyPort", "transport.http.properties.proxyPort"} {
		if v := n.Value(path); v != nil {
			if i, ok := v.Int64(); ok {
				out = append(out, int(i))
			}
		}
	}
	return out
}

// proxied reports whether a URL to a node's [server] hostname goes
// through the proxy in front of it: no port, 80, 443, or its proxyPort.
func epProxied(n *lint.Node, ep wso2.Endpoint) bool {
	if ep.DefaultPort || ep.Port == 80 || ep.Port == 443 {
		return true
	}
	for _, pp := range epProxyPorts(n) {
		if ep.Port == pp {
			return true
		}
	}
	return false
}

// portProblem says what is wrong with the port of a URL that reached the
// right role, or "".
func epPortProblem(h epHit, t epTarget) string {
	ep := h.url
	switch h.to.Kind {
	case lint.TargetSelf, lint.TargetNode:
		to := h.to.Nodes[0]
		if (strings.EqualFold(to.ServerHostname(), ep.Host) || lint.IsPublicName(to, ep.Host)) && epProxied(to, ep) {
			return "" // the name clients use, through its proxy (or the Ingress/HTTPRoute in front of it)
		}
		want := t.svc.port(to, ep.Scheme)
		if ep.Port == want {
			return ""
		}
		return epPortMismatch(to, ep, want, t)
	case lint.TargetCluster:
		if msg := epCoHostedPortProblem(h, t); msg != "" {
			return msg
		}
		if len(h.to.Ports) > 0 {
			for _, pt := range h.to.Ports {
				if pt == ep.Port {
					return ""
				}
			}
			return fmt.Sprintf("uses port %s of load balancer %s, which [[loadbalancer]] declares with ports %s only",
				epPortText(ep), ep.Host, epJoinInts(h.to.Ports))
		}
		// A [server] hostname shared by the role: a proxy, unless an
		// explicit port says the URL goes straight to the nodes.
		shared := false
		for _, n := range h.to.Nodes {
			if strings.EqualFold(n.ServerHostname(), ep.Host) {
				shared = true
				if epProxied(n, ep) {
					return ""
				}
			}
		}
		if !shared || ep.DefaultPort {
			return "" // a load balancer: its ports are its own
		}
		ports := map[int]bool{}
		for _, n := range h.to.Nodes {
			if n.Role.ActsAs(t.role) {
				ports[t.svc.port(n, ep.Scheme)] = true
			}
		}
		if ports[ep.Port] || len(ports) == 0 {
			return ""
		}
		var ps []int
		for pt := range ports {
			ps = append(ps, pt)
		}
		sort.Ints(ps)
		return fmt.Sprintf("uses port %d on %s, the hostname shared by the %s nodes, whose %s port is %s",
			ep.Port, ep.Host, h.to.Role, t.svc.label(ep.Scheme), epJoinInts(ps))
	}
	return ""
}

// epCoHostedPortProblem explains an explicit port on a host several nodes
// answer to when none of them listens on it after its offset.
func epCoHostedPortProblem(h epHit, t epTarget) string {
	ep := h.url
	if ep.DefaultPort || h.to.Port <= 0 {
		return ""
	}
	if h.book == nil {
		return ""
	}
	nodes := h.book.CoHosted(ep.Host)
	if len(nodes) < 2 {
		return ""
	}
	var parts []string
	for _, m := range nodes {
		if _, ok := m.Listens(ep.Port); ok {
			return "" // several listen: no port decides, the host is ambiguous
		}
		if m.Role.ActsAs(t.role) || m.Role == wso2.RoleUnknown {
			parts = append(parts, fmt.Sprintf("%s's is %d", m.Name, t.svc.port(m, ep.Scheme)))
		}
	}
	msg := fmt.Sprintf("uses port %d on %s, which %s share, but none of them listens on %d after its offset", ep.Port, ep.Host, epNames(nodes), ep.Port)
	if len(parts) > 0 {
		msg += fmt.Sprintf("; the %s port: %s", t.svc.label(ep.Scheme), strings.Join(parts, ", "))
	}
	return msg
}

// epOwnPort says which port of the service the node itself listens on.
func epOwnPort(n *lint.Node, t epTarget, scheme string) string {
	want := t.svc.port(n, scheme)
	if n.Offset == 0 {
		return fmt.Sprintf("its %s port is %d", t.svc.label(scheme), want)
	}
	return fmt.Sprintf("its %s port is %d, %d + offset %d", t.svc.label(scheme), want, want-n.Offset, n.Offset)
}

func epPortText(ep wso2.Endpoint) string {
	if ep.DefaultPort {
		return fmt.Sprintf("%d (the %s default)", ep.Port, ep.Scheme)
	}
	return strconv.Itoa(ep.Port)
}

// portMismatch explains a wrong port on a node: which service the port
// belongs to, and the node's offset when it matters.
func epPortMismatch(to *lint.Node, ep wso2.Endpoint, want int, t epTarget) string {
	label := t.svc.label(ep.Scheme)
	var b strings.Builder
	if ep.DefaultPort {
		fmt.Fprintf(&b, "has no port, so it uses %d; %s's %s port is %d", ep.Port, to.Name, label, want)
	} else {
		fmt.Fprintf(&b, "uses port %d, but %s's %s port is %d", ep.Port, to.Name, label, want)
	}
	if to.Offset != 0 {
		fmt.Fprintf(&b, " (%d + offset %d)", want-to.Offset, to.Offset)
	}
	if !ep.DefaultPort {
		base, listens := to.BaseOf(ep.Port)
		name := wso2.PortName(base)
		switch {
		case listens && name != "" && to.Port(base) != want:
			fmt.Fprintf(&b, "; %d is its %s port", ep.Port, name)
		case to.Port(ep.Port) != ep.Port+to.Offset && wso2.PortName(ep.Port) != "":
			// The node's file moved that service off its default port.
			fmt.Fprintf(&b, "; %d is the default %s port, which %s's file moves", ep.Port, wso2.PortName(ep.Port), to.Name)
		case to.Offset != 0 && wso2.PortName(ep.Port) != "":
			fmt.Fprintf(&b, "; %d is the default %s port, without the offset", ep.Port, wso2.PortName(ep.Port))
		}
	}
	return b.String()
}

func epJoinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// bestAddress is the address to show for a node: the first learnt,
// declared or hostname address, else its directory name.
func epBestAddress(n *lint.Node) string {
	for _, a := range n.Addresses {
		if !a.Guessed() {
			return a.Host
		}
	}
	if len(n.Addresses) > 0 {
		return n.Addresses[0].Host
	}
	return n.Name
}

// listTargets renders "; control-plane nodes: cp-1:5672, cp-2:5672".
func epListTargets(f *lint.Fleet, t epTarget, scheme string) string {
	nodes := f.ByRole(t.role)
	if len(nodes) == 0 {
		return ""
	}
	const max = 5
	var parts []string
	seen := map[string]bool{}
	for i, n := range nodes {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(nodes)-max))
			break
		}
		s := fmt.Sprintf("%s:%d", wso2.URLHost(epBestAddress(n)), t.svc.port(n, scheme))
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return fmt.Sprintf("; %s nodes: %s", epRoleLabel(t.role), strings.Join(parts, ", "))
}

func epRoleLabel(r wso2.Role) string {
	if r == wso2.RoleKeyManager {
		return "key-manager (and control-plane)"
	}
	return string(r)
}

// reportUnknown handles a host that names nothing apimlint knows.
func epReportUnknown(p *lint.Pass, h epHit, t epTarget) {
	f := p.Fleet
	nodes := f.ByRole(t.role)
	if len(nodes) == 0 {
		return // the role is absent from this folder: nothing to compare with
	}
	ep := h.url
	n, k, v := h.node, h.key, h.elem
	if others := f.ElsewhereInEstate(ep.Host); len(others) > 0 {
		// This fleet has nodes of the role, yet the URL names another
		// deployment's. When this fleet has the same node (a copied
		// environment: qa/tm-1 and prod/tm-1) and the file names it
		// nowhere, the URL took its place: a copy edited half-way, an
		// error. Otherwise it may be deliberate (a standby site that also
		// listens to the active one): a warning that says whose node it is.
		o := others[0]
		fr := lint.AtValue(n, k, v, "%s %s: %s is %s node %s of fleet %s, another deployment of this estate, not a node of this fleet%s",
			t.what, epShowURL(ep.Raw), ep.Host, o.Role, o.Node, o.Fleet, epListTargets(f, t, ep.Scheme))
		if own := f.Node(o.Node); own == nil || f.Names(n, own) {
			fr.Severity = lint.SeverityWarning
		} else {
			fr.Message += fmt.Sprintf("; this fleet's own %s is named nowhere in %s's file", own.Name, n.Name)
		}
		p.Report(fr)
		return
	}
	if f.Config != nil && f.Config.Fleet.Complete {
		p.Report(lint.AtValue(n, k, v, "%s %s: no %s node answers to %s, and %s declares the fleet's addresses complete%s",
			t.what, epShowURL(ep.Raw), epRoleLabel(t.role), ep.Host, lint.ConfigFileName, epListTargets(f, t, ep.Scheme)))
		return
	}
	if f.Book.ShapedLikeAll(ep.Host, t.role) {
		p.Report(lint.AtValue(n, k, v, "%s %s: no %s node answers to %s, which is named like their addresses%s",
			t.what, epShowURL(ep.Raw), epRoleLabel(t.role), ep.Host, epListTargets(f, t, ep.Scheme)))
		return
	}
	if c := epConflicting(f, h, t); len(c) > 0 {
		// Declaring it as this role's load balancer would bless one of
		// two URLs that cannot both be right.
		fr := lint.AtValue(n, k, v, "%s %s: %s matches no node of this fleet, and the fleet also names it where %s is expected (%s): one host cannot be both, so one of these URLs is wrong%s",
			t.what, epShowURL(ep.Raw), ep.Host, epRoleNoun(c[0].Role), epNamedWhere(c), epListTargets(f, t, ep.Scheme))
		fr.Severity = lint.SeverityWarning
		p.Report(fr)
		return
	}
	hint := ""
	if f.Book.FrontOfAll(ep.Host, t.role) {
		hint = " but is named like a load balancer or Kubernetes service in front of them"
	}
	lbRole := t.role
	if lbRole == wso2.RoleKeyManager && len(f.OfRole(wso2.RoleKeyManager)) == 0 {
		// The key manager is the control planes' resident one: the load
		// balancer in front of it is the control planes'.
		lbRole = wso2.RoleControlPlane
	}
	fr := lint.AtValue(n, k, v, "%s %s: %s matches no node of this fleet%s%s; if it is a load balancer in front of them, declare it "+
		"with [[loadbalancer]] host = %q role = %q in %s; if it is one of them, add it to that node's [[node]] addresses",
		t.what, epShowURL(ep.Raw), ep.Host, hint, epListTargets(f, t, ep.Scheme), ep.Host, string(lbRole), lint.ConfigFileName)
	fr.Severity = lint.SeverityWarning
	if t.unknownSeverity != 0 {
		fr.Severity = t.unknownSeverity
	}
	p.Report(fr)
}

// epConflicting returns the keys that name the hit's host expecting a role
// no node could serve together with the role t expects.
func epConflicting(f *lint.Fleet, h epHit, t epTarget) []lint.Naming {
	var out []lint.Naming
	for _, nm := range f.Book.Naming(h.url.Host) {
		if nm.Role == t.role || nm.Role.ActsAs(t.role) || t.role.ActsAs(nm.Role) {
			continue
		}
		if nm.Role == wso2.RoleTrafficManager && t.role == wso2.RoleControlPlane || nm.Role == wso2.RoleControlPlane && t.role == wso2.RoleTrafficManager {
			continue // the control planes' embedded traffic manager
		}
		if wso2.RoleAllInOne.ActsAs(nm.Role) && wso2.RoleAllInOne.ActsAs(t.role) && len(f.OfRole(wso2.RoleAllInOne)) > 0 {
			continue // an all-in-one node serves both
		}
		out = append(out, nm)
	}
	return out
}

// epNamedWhere lists conflicting keys, at most three.
func epNamedWhere(c []lint.Naming) string {
	var parts []string
	for i, nm := range c {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(c)-3))
			break
		}
		parts = append(parts, nm.What())
	}
	return strings.Join(parts, ", ")
}

// epKeysAt returns the keys of n at a generic path ("[]" for any index).
func epKeysAt(n *lint.Node, generic string) []*lint.Key {
	if !strings.Contains(generic, "[]") {
		if k := n.Get(generic); k != nil {
			return []*lint.Key{k}
		}
		return nil
	}
	prefix := generic[:strings.Index(generic, "[]")]
	var out []*lint.Key
	for _, k := range n.Under(prefix) {
		if wso2.GenericPath(k.Path) == generic {
			out = append(out, k)
		}
	}
	return out
}

// nodeSet is a small ordered set of nodes.
type epNodeSet struct {
	has   map[*lint.Node]bool
	order []*lint.Node
}

func (s *epNodeSet) add(n *lint.Node) {
	if s.has == nil {
		// Most sets stay small (a gateway's few traffic managers): a
		// scan costs less than a map per gateway.
		if slices.Contains(s.order, n) {
			return
		}
		if len(s.order) < epNodeSetSmall {
			s.order = append(s.order, n)
			return
		}
		s.has = make(map[*lint.Node]bool, len(s.order)+1)
		for _, m := range s.order {
			s.has[m] = true
		}
	}
	if !s.has[n] {
		s.has[n] = true
		s.order = append(s.order, n)
	}
}

// epNodeSetSmall is the size up to which an epNodeSet needs no map.
const epNodeSetSmall = 16

// contains reports whether n is in the set.
func (s *epNodeSet) contains(n *lint.Node) bool {
	if s.has == nil {
		return slices.Contains(s.order, n)
	}
	return s.has[n]
}

// missing returns the nodes of all that s lacks, at most max of them, and
// how many there are. s must hold only nodes of all; the cost is
// O(len(s) + max), not O(len(all)), so coverage checks stay linear.
func (s *epNodeSet) missing(all []*lint.Node, max int) ([]*lint.Node, int) {
	count := len(all) - len(s.order)
	if count <= 0 {
		return nil, 0
	}
	var out []*lint.Node
	for _, n := range all {
		if !s.contains(n) {
			out = append(out, n)
			if len(out) == max {
				break
			}
		}
	}
	return out, count
}

// describeNodes renders "cp-2 (tcp://apim-cp-2:5672)" lists, capped.
func epDescribe(nodes []*lint.Node, total int, render func(*lint.Node) string) string {
	parts := make([]string, 0, len(nodes)+1)
	for _, n := range nodes {
		parts = append(parts, render(n))
	}
	if total > len(nodes) {
		parts = append(parts, fmt.Sprintf("and %d more", total-len(nodes)))
	}
	return strings.Join(parts, ", ")
}

// skipNode reports nodes the endpoint rules do not read.
// A dormant node (a ConfigMap no workload mounts) points nowhere: no pod
// reads its URLs.
func epSkip(n *lint.Node) bool {
	return !n.Role.IsAPIM() || (n.SyntaxError != nil && len(n.Keys) == 0) || n.Dormant != ""
}

// epJMSURL names a node's broker the way the key k already writes its
// URLs: ssl:// on the JMS-TLS port when the key uses TLS, so that a hint
// never suggests downgrading a TLS fleet to plain tcp://.
func epJMSURL(m *lint.Node, k *lint.Key) string {
	return epJMSURLStyled(m, epStyleOf(k))
}

func epJMSURLStyled(m *lint.Node, st epURLStyle) string {
	return fmt.Sprintf("%s (%s)", m.Name, epJMSAddrStyled(m, st))
}

// epURLStyle is how a key writes its URLs, read once for a finding that
// names several brokers.
type epURLStyle struct {
	known bool   // k holds a URL that parses
	ssl   bool   // its scheme is ssl
	kind  string // how its host is written (epHostKind)
}

func epStyleOf(k *lint.Key) epURLStyle {
	if k == nil {
		return epURLStyle{}
	}
	for _, v := range k.Scalars() {
		ep, err := wso2.ParseEndpoint(v.Text())
		if err != nil {
			continue
		}
		return epURLStyle{known: true, ssl: ep.Scheme == "ssl", kind: epHostKind(ep.Host)}
	}
	return epURLStyle{}
}

// epJMSAddrStyled is m's JMS broker URL in the style st: ssl:// on the
// TLS port when st writes ssl:// URLs, else tcp://.
func epJMSAddrStyled(m *lint.Node, st epURLStyle) string {
	host, scheme, port := epBestAddress(m), "tcp", m.Port(wso2.PortJMS)
	if st.known {
		if st.ssl {
			scheme, port = "ssl", m.Port(wso2.PortJMSTLS)
		}
		// Name m the way the key names hosts: an FQDN where it writes
		// FQDNs (TLS certificates carry those), an IP where it writes IPs.
		if h := epAddrOfKind(m, st.kind); h != "" {
			host = h
		}
	}
	return fmt.Sprintf("%s://%s:%d", scheme, wso2.URLHost(host), port)
}

// epHostKind says how a host is written: "ip", "fqdn" or "short".
func epHostKind(h string) string {
	switch {
	case strings.Count(h, ":") >= 2 || net.ParseIP(h) != nil:
		return "ip"
	case strings.Contains(h, "."):
		return "fqdn"
	}
	return "short"
}

// epAddrOfKind returns m's first address of that kind that is not only
// its directory's name, or "".
func epAddrOfKind(m *lint.Node, kind string) string {
	for _, a := range m.Addresses {
		if !a.Guessed() && epHostKind(a.Host) == kind {
			return a.Host
		}
	}
	return ""
}

// epPortFix writes port in place of the URL's port (or after its host when
// it has none): the one fix of a URL that reaches the right node on the
// wrong port.
func epPortFix(n *lint.Node, v *lint.Value, ep wso2.Endpoint, port int) []lint.SuggestedFix {
	if port <= 0 || strings.Contains(ep.Host, ":") {
		return nil
	}
	text := v.Str()
	i := strings.Index(text, "://")
	if i < 0 {
		return nil
	}
	start := i + 3
	if at := strings.LastIndexByte(text[start:strings.IndexAny(text[start:]+"/", "/?#")+start], '@'); at >= 0 {
		start += at + 1
	}
	if len(text) < start+len(ep.Host) || !strings.EqualFold(text[start:start+len(ep.Host)], ep.Host) {
		return nil
	}
	hostEnd := start + len(ep.Host)
	var out string
	switch {
	case ep.DefaultPort:
		out = text[:hostEnd] + ":" + strconv.Itoa(port) + text[hostEnd:]
	case strings.HasPrefix(text[hostEnd:], ":"+ep.PortText):
		out = text[:hostEnd] + ":" + strconv.Itoa(port) + text[hostEnd+1+len(ep.PortText):]
	default:
		return nil
	}
	e, ok := lint.ReplaceValue(n, v, lint.QuoteTOML(out))
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: fmt.Sprintf("use port %d", port), Edits: []lint.TextEdit{e}}}
}
