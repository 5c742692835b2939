package lint

import (
	"fmt"
	"strings"

	"github.com/apimlint/apimlint/wso2"
)

// The role of a node is decided by the first of these that speaks: the
// fleet config, a `# apimlint: role=...` comment, a [server] server_role
// other than default, the keys the file has, the tokens of its directory
// name. Content that only hints (an apim_db alone) yields to the name.

func decideRole(n *Node, cfg *Config) {
	nameRole, nameTok := roleFromName(n.Name)
	set := func(r Role, src, detail string) {
		n.Role, n.RoleSource, n.RoleDetail = r, src, detail
	}
	if nc, ok := cfg.NodeConfigFor(n.Name); ok && nc.Role != "" {
		if r, ok := ParseRole(nc.Role); ok {
			set(r, "config", fmt.Sprintf("[[node]] path = %q in %s", nc.Path, ConfigFileName))
			return
		}
	}
	for _, c := range n.Comments {
		if r, ok := roleFromComment(c.Text); ok {
			set(r, "comment", fmt.Sprintf("comment at line %d", c.Pos.Line))
			return
		}
	}
	if sr, ok := n.String("server.server_role"); ok {
		if r, ok := roleFromServerRole(sr); ok {
			set(r, "server_role", fmt.Sprintf("[server] server_role = %q", sr))
			return
		}
		// Up to 4.4.0 WSO2 ships one pack, whose "default" profile runs
		// every component: declared so, the node is an all-in-one. From
		// 4.5.0 every pack's profile is "default", and the keys decide.
		if v := declaredVersion(n, cfg); strings.EqualFold(strings.TrimSpace(sr), "default") && wso2.OnePackRelease(v) {
			set(RoleAllInOne, "server_role", fmt.Sprintf("[server] server_role = %q on API Manager %s (one pack, every component)", sr, v))
			return
		}
	}
	contentRole, evidence, strong := roleFromContent(n)
	switch {
	case contentRole != "" && nameRole != "" && contentRole != nameRole:
		if !strong {
			set(nameRole, "name", fmt.Sprintf("directory name token %q (content only hints %s: %s)", nameTok, contentRole, evidence))
			return
		}
		set(contentRole, "content", evidence)
		n.Diagnostics = append(n.Diagnostics, Finding{
			Rule: RuleRoleUnknown, Severity: SeverityWarning, Node: n.Name, File: n.File, Line: 1, Column: 1,
			Message: fmt.Sprintf("role is contradictory: the keys say %s (%s) but the directory name says %s (token %q); "+
				"taking %s; declare it with `# apimlint: role=...` or [[node]] role in %s", contentRole, evidence, nameRole, nameTok, contentRole, ConfigFileName),
		})
	case contentRole != "":
		set(contentRole, "content", evidence)
	case nameRole != "":
		set(nameRole, "name", fmt.Sprintf("directory name token %q", nameTok))
	default:
		set(RoleUnknown, "none", "no server_role, no telling keys, no role token in the name")
		if n.SyntaxError != nil {
			// The keys after the syntax error were never read: toml-syntax
			// says what to fix, and the role may well be below it.
			return
		}
		n.Diagnostics = append(n.Diagnostics, Finding{
			Rule: RuleRoleUnknown, Severity: SeverityWarning, Node: n.Name, File: n.File, Line: 1, Column: 1,
			Message: fmt.Sprintf("cannot tell the role of node %s: no [server] server_role, no keys that only one role has, "+
				"and no role in the directory name; declare it with a `# apimlint: role=ROLE` comment (control-plane, gateway, traffic-manager, key-manager, all-in-one, other) or [[node]] role in %s", n.Name, ConfigFileName),
		})
	}
}

func roleFromComment(text string) (Role, bool) {
	t := strings.TrimSpace(text)
	rest, ok := strings.CutPrefix(t, "apimlint:")
	if !ok {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	v, ok := strings.CutPrefix(rest, "role=")
	if !ok {
		return "", false
	}
	f := strings.Fields(v)
	if len(f) == 0 {
		return "", false
	}
	return ParseRole(f[0])
}

func roleFromServerRole(sr string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(sr)) {
	case "control-plane", "api-publisher", "api-devportal", "api-publisher-deprecated", "api-devportal-deprecated":
		return RoleControlPlane, true
	case "gateway-worker", "gateway":
		return RoleGateway, true
	case "traffic-manager":
		return RoleTrafficManager, true
	case "api-key-manager", "api-key-manager-deprecated", "api-key-manager-node", "key-manager":
		return RoleKeyManager, true
	}
	return "", false
}

var loopbackHosts = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "[::1]": true, "0.0.0.0": true, "localhost.localdomain": true}

// IsLoopback reports whether host means "this machine".
func IsLoopback(host string) bool {
	h := strings.ToLower(host)
	return loopbackHosts[h] || strings.HasPrefix(h, "127.")
}

func roleFromContent(n *Node) (role Role, evidence string, strong bool) {
	envs := n.ArrayLen("apim.gateway.environment") > 0
	apimDB := n.Has("database.apim_db")
	gwSync := n.Has("apim.sync_runtime_artifacts.gateway")
	// [apim.gateway_notification.cleanup] belongs to control planes; the
	// rest of the table is the gateway's side of the protocol.
	gwNotif := n.Has("apim.gateway_notification.gateway_id") || n.Has("apim.gateway_notification.enabled") ||
		n.Has("apim.gateway_notification.heartbeat") || n.Has("apim.gateway_notification.deployment_ack") ||
		n.Has("apim.gateway_notification.registration")
	urlGroups := n.ArrayLen("apim.throttling.url_group") > 0
	identity := n.Has("database.identity_db") || n.ArrayLen("resource.access_control") > 0 || n.Has("account_recovery") || n.Has("tenant_context")
	apimKeys := false
	for _, k := range n.Keys {
		if strings.HasPrefix(k.Path, "apim.") || strings.HasPrefix(k.Path, "apim[") {
			apimKeys = true
			break
		}
	}
	mi := n.ArrayLen("service_catalog") > 0 || n.Has("mediation") || n.Has("management_api") || n.Has("internal_apis")

	var ev []string
	add := func(cond bool, s string) {
		if cond {
			ev = append(ev, s)
		}
	}
	switch {
	case identity && !envs && !apimDB:
		add(n.Has("database.identity_db"), "[database.identity_db]")
		add(n.ArrayLen("resource.access_control") > 0, "[[resource.access_control]]")
		add(n.Has("account_recovery"), "[account_recovery]")
		add(n.Has("tenant_context"), "[tenant_context]")
		return RoleKeyManager, "Identity Server keys: " + strings.Join(ev, ", "), true
	case mi && !apimKeys && !apimDB:
		return RoleOther, "Micro Integrator keys ([[service_catalog]], [mediation] or [management_api]) and no APIM keys", true
	}
	cp := envs || apimDB
	gw := gwSync || gwNotif || urlGroups
	add(envs, "[[apim.gateway.environment]]")
	add(apimDB, "[database.apim_db]")
	add(gwSync, "[apim.sync_runtime_artifacts.gateway]")
	add(gwNotif, "[apim.gateway_notification]")
	add(urlGroups, "[[apim.throttling.url_group]]")
	switch {
	case cp && gw:
		return RoleAllInOne, "control-plane and gateway keys: " + strings.Join(ev, ", "), true
	case gw:
		return RoleGateway, strings.Join(ev, ", "), true
	case cp && envs:
		return RoleControlPlane, strings.Join(ev, ", "), true
	case cp:
		if n.remoteEventHub() {
			return RoleKeyManager, "[database.apim_db] with [apim.event_hub] listening to another node, and no gateway environments", false
		}
		// An APIM database and nothing else is a pack's default file, which
		// runs every component: an all-in-one unless the name says more.
		return RoleAllInOne, "[database.apim_db] and no distributed-deployment keys", false
	}
	if n.Has("apim.throttling") && n.localDecisions() {
		return RoleTrafficManager, "[apim.throttling] with local throttle_decision_endpoints", true
	}
	return "", "", false
}

// remoteEventHub reports whether [apim.event_hub] listens to another node.
func (n *Node) remoteEventHub() bool {
	v := n.Value("apim.event_hub.event_listening_endpoints")
	for _, s := range v.Strings() {
		if u, err := ParseEndpoint(s); err == nil && u.Host != "" && !IsLoopback(u.Host) && !n.Answers(u.Host) && !strings.EqualFold(u.Host, n.ServerHostname()) {
			return true
		}
	}
	return false
}

// localDecisions reports whether throttle_decision_endpoints point at the node itself.
func (n *Node) localDecisions() bool {
	v := n.Value("apim.throttling.throttle_decision_endpoints")
	ss := v.Strings()
	if len(ss) == 0 {
		return false
	}
	for _, s := range ss {
		u, err := ParseEndpoint(s)
		if err != nil || !(IsLoopback(u.Host) || strings.EqualFold(u.Host, n.ServerHostname())) {
			return false
		}
	}
	return true
}

// roleTokens maps name tokens (and token pairs) to roles.
var roleTokens = map[string]Role{
	"cp": RoleControlPlane, "acp": RoleControlPlane, "controlplane": RoleControlPlane, "control-plane": RoleControlPlane,
	"gw": RoleGateway, "ugw": RoleGateway, "gateway": RoleGateway, "gateways": RoleGateway, "gateway-worker": RoleGateway,
	"tm": RoleTrafficManager, "trafficmanager": RoleTrafficManager, "traffic-manager": RoleTrafficManager,
	"km": RoleKeyManager, "keymanager": RoleKeyManager, "key-manager": RoleKeyManager, "iskm": RoleKeyManager,
	"aio": RoleAllInOne, "allinone": RoleAllInOne, "all-in-one": RoleAllInOne,
	"mi": RoleOther, "micro-integrator": RoleOther, "ei": RoleOther, "si": RoleOther,
}

// roleFromName looks for role tokens in the node name, deepest directory
// first; within one directory the last token wins
// ("acp-pack-profile-key-manager" is a key manager).
func roleFromName(name string) (Role, string) {
	parts := strings.Split(name, "/")
	for i := len(parts) - 1; i >= 0; i-- {
		toks := splitTokens(parts[i])
		var found Role
		var tok string
		for j := range toks {
			if r, ok := roleTokens[toks[j]]; ok {
				found, tok = r, toks[j]
			}
			if j+1 < len(toks) {
				if r, ok := roleTokens[toks[j]+"-"+toks[j+1]]; ok {
					found, tok = r, toks[j]+"-"+toks[j+1]
				}
			}
			if j+2 < len(toks) {
				if r, ok := roleTokens[toks[j]+"-"+toks[j+1]+"-"+toks[j+2]]; ok {
					found, tok = r, toks[j]+"-"+toks[j+1]+"-"+toks[j+2]
				}
			}
		}
		if found != "" {
			return found, tok
		}
	}
	return "", ""
}

// splitTokens splits a name at every non-alphanumeric byte and at
// letter/digit boundaries ("gw1" is "gw", "1").
func splitTokens(s string) []string {
	s = strings.ToLower(s)
	var toks []string
	start := -1
	kind := 0 // 1 letter, 2 digit
	for i := 0; i <= len(s); i++ {
		k := 0
		if i < len(s) {
			c := s[i]
			switch {
			case c >= 'a' && c <= 'z':
				k = 1
			case c >= '0' && c <= '9':
				k = 2
			}
		}
		if k != kind || k == 0 {
			if start >= 0 {
				toks = append(toks, s[start:i])
			}
			start = -1
			if k != 0 {
				start = i
			}
			kind = k
		}
	}
	return toks
}

// declaredVersion is the API Manager version the config declares for the
// node ([[node]] version, else [fleet] version), or "".
func declaredVersion(n *Node, cfg *Config) string {
	if cfg == nil {
		return ""
	}
	if nc, ok := cfg.NodeConfigFor(n.Name); ok && nc.Version != "" {
		return nc.Version
	}
	return cfg.Fleet.Version
}
