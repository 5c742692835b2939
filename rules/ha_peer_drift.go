package rules

import (
	"fmt"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/fleetversion"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/schema"
	"github.com/apimlint/apimlint/wso2"
)

// HAPeerDrift reports settings that differ between nodes of one role.
var HAPeerDrift = register(&lint.Rule{
	ID:       "ha-peer-drift",
	Severity: lint.SeverityWarning,
	Summary:  "nodes of the same role differ in settings other than those expected to differ",
	Category: "consistency",
	Doc: `Nodes of one role are replicas behind one load balancer: a request may reach any of them, so
they must be configured alike. A replica that drifted (a different cache setting, a missing
[apim.cors] table, another token expiry) behaves differently from its peers, and the failure
shows only on the requests it happens to get ("one of four CPs answers 401").

apimlint compares the resolved value of every key across the nodes of each role (gateways are
grouped by the labels they serve, since gateways of different environments are not replicas),
with go-cmp, and reports each differing key once, at the node that differs from the majority,
related to its peers. With two nodes there is no majority: the second node by name is reported,
related to the first. Keys a node lacks are reported once per table. Values are effective: a
node that leaves a key out runs with its version's default (WSO2's default.json, $ref{}
defaults followed, durations as unit-resolve.json converts them), so a peer that omits a key
whose default is what the others write is no drift, and when the default differs the message
says which nodes run with it and its value (a secret's only that it differs).

Not compared, because they are expected to differ per node: [server] hostname, node_ip and
offset, [clustering] local_member_host, local_member_port and members (a node's well-known
members are its peers), [apim.gateway_notification] gateway_id, gateway environment descriptions, [apim.transaction_counter] server_id, the
event_duplicate_url of [apim.event_hub] and [apim.throttling], [keystore.tls] (each node
may carry its own TLS certificate), and the proxyPort of [transport.http] and [transport.https]
when the nodes have [server] hostnames of their own (each behind its own proxy). A table a node
lacks entirely (an environment, an event listener) is one finding for the table. When the
differing key is one the schema does not know on some nodes (a misspelling), the finding goes to
those nodes, whatever the majority. Not compared either, because a dedicated rule checks them
across roles: the database identity of shared_db and apim_db (shared-db-consistent), [super_admin]
(admin-credentials-shared), [encryption] (encryption-key-shared), [keystore.primary]
(primary-keystore-shared) and gateway environment names and types (gateway-labels). Symbolic
values are not compared. Secrets are compared but never shown.

Extend the list in .apimlint.toml: [drift] ignore = ["apim.cache.*", "transport.http"] for every
role, [drift.roles] gateway = ["apim.throttling.url_group"] for one role. Patterns are globs on
key paths with array indices removed; a pattern that names a table ignores everything below it.`,
	Example: `cp-2/deployment.toml:40:10: warning: apim.cache.gateway_token.enable = "false" here, but "true" on cp-1, cp-3 (control-plane peers) (ha-peer-drift)`,
	Fix: `Make the replicas' files identical except for the per-node keys (generate them from one
template), or list keys that differ on purpose under [drift] ignore in .apimlint.toml.`,
	Requires: []*lint.Analysis{schema.Validation, fleetversion.Analysis},
	Cost:     60,
	Run:      runHAPeerDrift,
})

// driftIgnored are the keys expected to differ between peers, or owned by
// a rule that compares them across roles.
var driftIgnored = []string{
	"server.hostname", "server.node_ip", "server.offset",
	"clustering.local_member_host", "clustering.local_member_port", "clustering.members",
	"apim.gateway_notification.gateway_id", "apim.transaction_counter.server_id",
	"apim.event_hub.event_duplicate_url", "apim.throttling.event_duplicate_url",
	"keystore.tls",
	"database.shared_db.type", "database.shared_db.url", "database.shared_db.hostname", "database.shared_db.port", "database.shared_db.name",
	"database.apim_db.type", "database.apim_db.url", "database.apim_db.hostname", "database.apim_db.port", "database.apim_db.name",
	"super_admin", "encryption", "keystore.primary",
	"apim.gateway.environment.name", "apim.gateway.environment.type", "apim.gateway.environment.description",
	// URL groups are sets whose order does not matter, checked for coverage
	// by event-hub-publish-groups and tm-url-groups; like every URL to
	// another node (skipped in driftGroup), they are judged against the
	// fleet by the endpoint rules, which also know each node's offset.
	"apim.event_hub.publish.url_group", "apim.throttling.url_group",
	// [secrets] holds cipher-tool output, which is randomised (RSA with
	// OAEP or PKCS#1 v1.5 padding): running it on each node encrypts the
	// same password to different text, so differing values say nothing.
	// An alias a node lacks breaks its $secret{} references, which
	// unresolved-placeholder reports.
	"secrets",
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// driftIgnore matches key paths against the ignore globs.
type driftIgnore []string

func (d driftIgnore) match(p string) bool {
	stripped := arrayIndex.ReplaceAllString(p, "")
	for _, g := range d {
		if lint.MatchGlob(g, p) || lint.MatchGlob(g, stripped) {
			return true
		}
		for i := 0; i < len(stripped); i++ {
			if stripped[i] == '.' && lint.MatchGlob(g, stripped[:i]) {
				return true
			}
		}
	}
	return false
}

// driftValue is a value normalised for comparison: WSO2 reads 3306 and
// "3306", true and "true" alike.
// Host-like words are rewritten by self, so that each replica naming
// itself ("apim-cp-1" on cp-1, "apim-cp-2" on cp-2) compares equal.
func driftValue(v *lint.Value, self func(string) string) any {
	if v.Kind == lint.KindArray {
		out := make([]any, len(v.Elems()))
		for i, e := range v.Elems() {
			out[i] = driftValue(e, self)
		}
		return out
	}
	if v.Kind == lint.KindTable {
		return map[string]any{}
	}
	return self(v.Text())
}

// selfTokens returns, per node, the name and address tokens that set it
// apart from its peers ("dc2" of cp/dc2 beside cp/dc1; "1" of
// control-plane-1 beside control-plane-2).
func selfTokens(group []*lint.Node) map[*lint.Node]map[string]bool {
	sets := make(map[*lint.Node]map[string]bool, len(group))
	common := map[string]int{}
	for _, n := range group {
		set := map[string]bool{}
		add := func(s string) {
			for _, t := range strings.FieldsFunc(strings.ToLower(s), notAlnum) {
				set[t] = true
			}
		}
		add(n.Name)
		for _, a := range n.Addresses {
			// IP addresses share their digits between peers: not names,
			// but each is the node's own as a whole (https://10.20.0.11:9443
			// on one peer, .12 on the other, in a fleet without host names).
			if net.ParseIP(a.Host) == nil {
				add(a.Host)
			} else {
				set[ownIP+strings.ToLower(a.Host)] = true
			}
		}
		sets[n] = set
		for t := range set {
			common[t]++
		}
	}
	for _, set := range sets {
		for t := range set {
			if common[t] == len(group) {
				delete(set, t)
			}
		}
	}
	return sets
}

// ownIP marks a node's IP address among its name tokens: replaced only as
// a whole word, never as the digits inside other words.
const ownIP = "ip:"

func notAlnum(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// selfRewriter replaces a node's own tokens inside host-like words (runs
// of letters, digits and - . _ that hold a separator and a letter), and
// its own IP addresses as whole words, with a marker; a bare "1"
// elsewhere (order = 1) is left alone.
func selfRewriter(own map[string]bool) func(string) string {
	if len(own) == 0 {
		return func(s string) string { return s }
	}
	return func(s string) string {
		var sb strings.Builder
		i := 0
		for i < len(s) {
			j := i
			for j < len(s) && (!notAlnum(rune(s[j])) || s[j] == '-' || s[j] == '.' || s[j] == '_') {
				j++
			}
			if j == i {
				sb.WriteByte(s[i])
				i++
				continue
			}
			word := s[i:j]
			if own[ownIP+strings.ToLower(word)] { // a whole own IP address
				sb.WriteString("\x00self")
				i = j
				continue
			}
			if strings.ContainsAny(word, "-._") && strings.IndexFunc(word, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0 {
				k := 0
				for k < len(word) {
					m := k
					for m < len(word) && !notAlnum(rune(word[m])) {
						m++
					}
					if m > k {
						if own[strings.ToLower(word[k:m])] {
							sb.WriteString("\x00self")
						} else {
							sb.WriteString(word[k:m])
						}
						k = m
						continue
					}
					sb.WriteByte(word[k])
					k++
				}
			} else {
				sb.WriteString(word)
			}
			i = j
		}
		return sb.String()
	}
}

// secretByReference reports whether a secret key takes its value from a
// placeholder on some peer ($ref{super_admin.password}): the key it refers
// to is compared where it is written, and a message here could only show
// the references, alike on both sides.
func secretByReference(group []*lint.Node, path string) bool {
	for _, n := range group {
		if k := n.Get(path); k != nil && k.IsSecret() && k.Value.HasPlaceholders() {
			return true
		}
	}
	return false
}

func symbolicValue(v *lint.Value) bool {
	if v.Symbolic {
		return true
	}
	for _, e := range v.Elems() {
		if symbolicValue(e) {
			return true
		}
	}
	return false
}

// peerGroups splits APIM nodes into groups of replicas: same role, and
// for gateways the same labels.
func peerGroups(f *lint.Fleet) [][]*lint.Node {
	byKey := map[string][]*lint.Node{}
	var order []string
	for _, n := range f.Nodes {
		if !n.Role.IsAPIM() || n.SyntaxError != nil || n.Dormant != "" {
			continue
		}
		key := string(n.Role)
		if n.Role == wso2.RoleGateway {
			labels, _ := labelsOf(n)
			var ls []string
			for _, l := range labels {
				ls = append(ls, l.val.Text())
			}
			sort.Strings(ls)
			key += "\x00" + strings.Join(ls, "\x00")
		}
		if byKey[key] == nil {
			order = append(order, key)
		}
		byKey[key] = append(byKey[key], n)
	}
	var out [][]*lint.Node
	for _, k := range order {
		if len(byKey[k]) >= 2 {
			out = append(out, byKey[k])
		}
	}
	return out
}

func runHAPeerDrift(p *lint.Pass) {
	cfg := p.Fleet.Config
	unknown := driftUnknownKeys(p)
	// Peers are compared on effective values: a node that leaves a key to
	// its version's default runs with that value.
	res := effective.NewResolver(p.Fleet, fleetversion.OfPass(p))
	for _, group := range peerGroups(p.Fleet) {
		role := group[0].Role
		ignore := driftIgnore(driftIgnored)
		if cfg != nil {
			ignore = append(ignore[:len(ignore):len(ignore)], cfg.Drift.Ignore...)
			for r, globs := range cfg.Drift.Roles {
				if pr, ok := wso2.ParseRole(r); ok && pr == role {
					ignore = append(ignore, globs...)
				}
			}
		}
		if !driftSharedHostname(group) {
			// Each node behind a proxy of its own: its proxyPort is its own.
			ignore = append(ignore[:len(ignore):len(ignore)], "transport.http.properties.proxyPort", "transport.https.properties.proxyPort")
		}
		driftGroup(p, group, ignore, unknown, res)
	}
}

// driftSharedHostname reports whether every node of the group has the
// same [server] hostname (one load balancer in front of them).
func driftSharedHostname(group []*lint.Node) bool {
	for _, n := range group[1:] {
		if !strings.EqualFold(n.ServerHostname(), group[0].ServerHostname()) {
			return false
		}
	}
	return true
}

// driftUnknown holds, per node, the key prefixes the schema does not know.
type driftUnknown map[*lint.Node][]string

// driftUnknownKeys collects the schema's unknown keys per node.
func driftUnknownKeys(p *lint.Pass) driftUnknown {
	byName := make(map[string]*lint.Node, len(p.Fleet.Nodes))
	for _, n := range p.Fleet.Nodes {
		byName[n.Name] = n
	}
	out := driftUnknown{}
	for _, f := range schema.Findings(p, schema.RuleUnknownKey) {
		if n := byName[f.Node]; n != nil && f.Key != "" {
			out[n] = append(out[n], f.Key)
		}
	}
	return out
}

// has reports whether path is unknown to the schema on n.
func (u driftUnknown) has(n *lint.Node, path string) bool {
	for _, k := range u[n] {
		if path == k || lint.PathBelow(path, k) || lint.PathBelow(arrayIndex.ReplaceAllString(path, ""), arrayIndex.ReplaceAllString(k, "")) {
			return true
		}
	}
	return false
}

// suspect reports whether n's vote on path looks like a misspelling: it
// sets path and the schema does not know it, or it leaves path unset and
// sets an unknown key beside it (same table or same key name).
func (u driftUnknown) suspect(v driftVote, path string) bool {
	if len(u[v.node]) == 0 {
		return false
	}
	if v.key != nil {
		return u.has(v.node, path)
	}
	table, leaf := parentPath(path), path[len(parentPath(path))+1:]
	for _, k := range u[v.node] {
		kt := parentPath(k)
		if kt == table || len(k) > len(kt) && k[len(kt)+1:] == leaf {
			return true
		}
	}
	return false
}

type driftVote struct {
	node *lint.Node
	key  *lint.Key // nil: not set on this node
	// def is, when key is nil, the value the node runs with instead (its
	// version's default or an inferred value), if apimlint knows it.
	def *effective.Value
}

type driftCamp struct {
	rep any
	set bool // some node of the camp writes the value
	// valued: the camp's nodes run with a known value, written or (for
	// those that leave the key out) their default.
	valued bool
	votes  []driftVote
	// lacked memoises driftLackedByAll: every node of a minority asks
	// the same question of the reference camp.
	lacked map[string]string
}

// written is the first vote of the camp that writes the key (nil when
// every node of the camp relies on a default or leaves it unknown).
func (c *driftCamp) written() *driftVote {
	for i := range c.votes {
		if c.votes[i].key != nil {
			return &c.votes[i]
		}
	}
	return nil
}

// implicit is the first vote of the camp that relies on a default.
func (c *driftCamp) implicit() *driftVote {
	for i := range c.votes {
		if c.votes[i].key == nil && c.votes[i].def != nil {
			return &c.votes[i]
		}
	}
	return nil
}

// driftShowDefault renders a default a node runs with; a secret's is not
// shown.
func driftShowDefault(path string, d *effective.Value) string {
	if lint.IsSecretPath(path) {
		return "a default secret that differs"
	}
	return fmt.Sprintf("%q", d.Text())
}

// driftDescribeDefault says where a default comes from.
func driftDescribeDefault(d *effective.Value) string {
	if d.Source == effective.Inferred {
		return "inferred from " + d.From
	}
	return "the default of WSO2 API Manager " + d.From
}

func driftGroup(p *lint.Pass, group []*lint.Node, ignore driftIgnore, unknown driftUnknown, res *effective.Resolver) {
	// One pass over every node's keys finds the paths, in first-seen
	// order, and whether every node sets each of them to the same value:
	// in a fleet of thousands of gateways nearly every path is, and those
	// need no camps, no map lookup per node and no encoded text.
	type pathStat struct {
		path    string
		first   *lint.Key
		last    *lint.Node
		count   int
		differs bool // a value differs from first's, or a node sets the path twice
	}
	index := map[string]int{}
	var stats []pathStat
	for _, n := range group {
		for _, k := range n.Keys {
			i, ok := index[k.Path]
			if !ok {
				i = len(stats)
				index[k.Path] = i
				stats = append(stats, pathStat{path: k.Path, first: k, last: n, count: 1})
				continue
			}
			s := &stats[i]
			if s.last == n {
				// Get returns the last of duplicates: leave those to the
				// general path below.
				s.differs = true
				continue
			}
			s.last = n
			s.count++
			if !s.differs && !sameDrift(s.first.Value, k.Value) {
				s.differs = true
			}
		}
	}
	// missing[node][table] collects keys a node lacks, reported per table.
	missing := map[*lint.Node]map[string]*driftGap{}
	var missingOrder []*lint.Node
	var tableOrder = map[*lint.Node][]string{}
	// extra[node][table] collects keys of whole tables a node sets and
	// its reference peers lack entirely, reported per table too.
	extra := map[*lint.Node]map[string]*driftGap{}
	var extraOrder []*lint.Node
	var extraTables = map[*lint.Node][]string{}
	var self map[*lint.Node]func(string) string
	for i := range stats {
		st := &stats[i]
		if !st.differs && st.count == len(group) {
			// One camp: nothing drifted (or the value is symbolic, which
			// is not judged either).
			continue
		}
		path := st.path
		if _, endpoint := wso2.EndpointKeyRole(path); endpoint || ignore.match(path) || secretByReference(group, path) {
			continue
		}
		if self == nil {
			own := selfTokens(group)
			self = make(map[*lint.Node]func(string) string, len(group))
			for _, n := range group {
				self[n] = selfRewriter(own[n])
			}
		}
		camps := driftCamps(group, path, self, res)
		if len(camps) < 2 {
			continue
		}
		camps = driftTrusted(camps, path, unknown)
		ref := camps[0]
		for _, c := range camps[1:] {
			for _, v := range c.votes {
				if v.key == nil && !ref.set {
					// Neither side writes the key; their defaults differ
					// (another version: mixed-versions says so).
					continue
				}
				if v.key == nil {
					writer := ref.written().node
					table := driftMissingTable(v.node, path, writer)
					m := missing[v.node]
					if m == nil {
						m = map[string]*driftGap{}
						missing[v.node] = m
						missingOrder = append(missingOrder, v.node)
					}
					if m[table] == nil {
						m[table] = &driftGap{ref: ref}
						tableOrder[v.node] = append(tableOrder[v.node], table)
					}
					m[table].keys = append(m[table].keys, path[len(table)+1:])
					if v.def != nil {
						m[table].defaults = append(m[table].defaults, fmt.Sprintf("%s runs with %s here (%s)",
							path[len(table)+1:], driftShowDefault(path, v.def), driftDescribeDefault(v.def)))
					}
					continue
				}
				if !ref.set && !unknown.has(v.node, path) {
					if table := driftLackedByAll(ref, path, v.node); table != "" {
						// A whole table the peers lack: one finding for it.
						m := extra[v.node]
						if m == nil {
							m = map[string]*driftGap{}
							extra[v.node] = m
							extraOrder = append(extraOrder, v.node)
						}
						if m[table] == nil {
							m[table] = &driftGap{ref: ref}
							extraTables[v.node] = append(extraTables[v.node], table)
						}
						m[table].keys = append(m[table].keys, path[len(table)+1:])
						if d := ref.implicit(); d != nil {
							m[table].defaults = append(m[table].defaults, fmt.Sprintf("%s runs with %s there (%s)",
								path[len(table)+1:], driftShowDefault(path, d.def), driftDescribeDefault(d.def)))
						}
						continue
					}
				}
				var f lint.Finding
				switch {
				case !ref.set && unknown.has(v.node, path):
					f = lint.AtKey(v.node, v.key, "%s = %s here, but %s peers %s leave it unset, and the schema does not know this key (a misspelling? see schema-unknown-key)", path, v.key.Show(), v.node.Role, driftNames(ref))
				case !ref.set && ref.implicit() != nil:
					d := ref.implicit().def
					f = lint.AtKey(v.node, v.key, "%s = %s here, but %s peers %s leave it unset and run with %s (%s)", path, v.key.Show(), v.node.Role, driftNames(ref), driftShowDefault(path, d), driftDescribeDefault(d))
				case !ref.set:
					f = lint.AtKey(v.node, v.key, "%s = %s here, but %s peers %s leave it unset", path, v.key.Show(), v.node.Role, driftNames(ref))
				default:
					rk := ref.written().key
					f = lint.AtKey(v.node, v.key, "%s = %s here, but %s on %s peers %s", path, v.key.Show(), rk.Show(), v.node.Role, driftNames(ref))
				}
				f.Related = driftRelated(ref)
				p.Report(f)
			}
		}
	}
	driftReportExtra(p, extraOrder, extraTables, extra)
	for _, n := range missingOrder {
		for _, table := range tableOrder[n] {
			g := missing[n][table]
			keys := g.keys
			list := strings.Join(keys, ", ")
			if len(keys) > 4 {
				list = fmt.Sprintf("%s and %d more", strings.Join(keys[:4], ", "), len(keys)-4)
			}
			var f lint.Finding
			if !n.Has(table) {
				f = lint.AtTable(n, table, "%s is missing here but set on %s peers %s (%s)", driftTableName(g.ref.votes[0].node, table), n.Role, driftNames(g.ref), list)
				if !strings.HasSuffix(table, "]") {
					f.Message += ", so " + driftFallback(table)
				}
			} else {
				f = lint.AtTable(n, table, "[%s] %s: set on %s peers %s but not here, so %s", table, list, n.Role, driftNames(g.ref), driftFallback(table))
			}
			if len(g.defaults) > 0 {
				f.Message += "; " + strings.Join(g.defaults, "; ")
			}
			if hint := driftMisspelt(n, table, unknown); hint != "" {
				f.Message += hint
			}
			f.Key = table
			f.Related = driftRelated(g.ref)
			p.Report(f)
		}
	}
}

// driftGap collects the keys of one table that a node lacks (or sets
// while its peers lack them), against the reference camp.
type driftGap struct {
	keys []string
	ref  *driftCamp
	// defaults say, for the keys whose default apimlint knows, what the
	// nodes that leave them out run with.
	defaults []string
}

// driftReportExtra reports, once per table, the whole tables a node sets
// that its reference peers lack.
func driftReportExtra(p *lint.Pass, order []*lint.Node, tables map[*lint.Node][]string, extra map[*lint.Node]map[string]*driftGap) {
	for _, n := range order {
		for _, table := range tables[n] {
			g := extra[n][table]
			list := strings.Join(g.keys, ", ")
			if len(g.keys) > 4 {
				list = fmt.Sprintf("%s and %d more", strings.Join(g.keys[:4], ", "), len(g.keys)-4)
			}
			f := lint.AtTable(n, table, "%s is set here (%s) but missing on %s peers %s", driftTableName(n, table), list, n.Role, driftNames(g.ref))
			if !strings.HasSuffix(table, "]") {
				f.Message += ", where " + strings.ReplaceAll(driftFallback(table), "its ", "their ")
			}
			if len(g.defaults) > 0 {
				f.Message += "; " + strings.Join(g.defaults, "; ")
			}
			f.Key = table
			f.Related = driftRelated(g.ref)
			p.Report(f)
		}
	}
}

// driftLackedByAll returns the outermost table of path that every node of
// camp c lacks entirely, or "" when they have some of it.
func driftLackedByAll(c *driftCamp, path string, writer *lint.Node) string {
	// The writer matters only through which of path's tables it writes
	// as headers (driftMissingTable): that, with the path, is the key.
	var key strings.Builder
	key.WriteString(path)
	key.WriteByte(0)
	for t := parentPath(path); ; {
		if writer.Table(t) != nil {
			key.WriteByte('1')
		} else {
			key.WriteByte('0')
		}
		up := parentPath(t)
		if up == t {
			break
		}
		t = up
	}
	if got, ok := c.lacked[key.String()]; ok {
		return got
	}
	got := driftLackedByAllOf(c, path, writer)
	if c.lacked == nil {
		c.lacked = map[string]string{}
	}
	c.lacked[key.String()] = got
	return got
}

func driftLackedByAllOf(c *driftCamp, path string, writer *lint.Node) string {
	table := ""
	for i, v := range c.votes {
		t := driftMissingTable(v.node, path, writer)
		if v.node.Has(t) || i > 0 && t != table {
			return ""
		}
		table = t
	}
	return table
}

// driftTrusted moves to the front the largest camp none of whose nodes
// looks like a misspelling of path (see driftUnknown.suspect): the
// finding then goes to the nodes that misspelt the key, even when they
// are as many as the others or more.
func driftTrusted(camps []*driftCamp, path string, unknown driftUnknown) []*driftCamp {
	if len(unknown) == 0 {
		return camps
	}
	for i, c := range camps {
		trusted := true
		for _, v := range c.votes {
			if unknown.suspect(v, path) {
				trusted = false
				break
			}
		}
		if trusted {
			if i > 0 {
				out := make([]*driftCamp, 0, len(camps))
				out = append(out, c)
				out = append(out, camps[:i]...)
				return append(out, camps[i+1:]...)
			}
			return camps
		}
	}
	return camps
}

// driftMissingTable is the table to report a key a node lacks under: the
// outermost table of the key's path that the node lacks entirely and that
// writer (a node that sets the key) writes as a table of its own (a whole
// environment or event listener is one finding), else the key's own table.
func driftMissingTable(n *lint.Node, path string, writer *lint.Node) string {
	var chain []string
	for t := parentPath(path); ; {
		chain = append(chain, t)
		up := parentPath(t)
		if up == t {
			break
		}
		t = up
	}
	for i := len(chain) - 1; i >= 0; i-- {
		t := chain[i]
		if !n.Has(t) && (strings.HasSuffix(t, "]") || writer.Table(t) != nil) {
			return t
		}
	}
	return chain[0]
}

// driftTableName names a table as node n writes it: [[apim.gateway.environment]]
// "Partner", [[event_listener]] "token_revocation", [apim.cors].
func driftTableName(n *lint.Node, table string) string {
	if !strings.HasSuffix(table, "]") {
		return "[" + table + "]"
	}
	name := "[[" + arrayIndex.ReplaceAllString(table, "") + "]]"
	for _, id := range []string{"id", "name"} {
		if s, ok := n.String(table + "." + id); ok && s != "" {
			return fmt.Sprintf("%s %q", name, s)
		}
	}
	return name
}

// driftFallback says what a node that leaves keys of a table unset gets.
func driftFallback(table string) string {
	switch table {
	case "keystore.internal":
		return "its internal keystore follows its primary keystore ([keystore.primary])"
	case "keystore.tls":
		return "its TLS keystore follows its primary keystore ([keystore.primary])"
	}
	return "WSO2's defaults apply"
}

// driftMisspelt points at unknown keys a node sets in a table where it
// lacks keys its peers set.
func driftMisspelt(n *lint.Node, table string, unknown driftUnknown) string {
	for _, k := range unknown[n] {
		if parentPath(k) == table || strings.HasPrefix(k, table+".") {
			return fmt.Sprintf("; it sets %s instead, which the schema does not know (a misspelling?)", k)
		}
	}
	return ""
}

// driftCamps groups the nodes by their value at path, the largest camp
// first (ties: the camp of the first node by name). It returns nil when a
// value is symbolic. Values are bucketed by their text, then confirmed
// with cmp.Equal, so the cost stays linear in the group's size. Camps
// whose values are equal once each node's own name is abstracted (cp-1
// saying apim-cp-1 where cp-2 says apim-cp-2) are merged.
func driftCamps(group []*lint.Node, path string, self map[*lint.Node]func(string) string, res *effective.Resolver) []*driftCamp {
	// First, exact grouping by an injective text encoding: linear, and
	// cheap enough for thousands of gateways.
	byText := map[string]*driftCamp{}
	var camps []*driftCamp
	var sb strings.Builder
	for _, n := range group {
		k := n.Get(path)
		v := driftVote{node: n, key: k}
		text := "u"
		switch {
		case k != nil:
			if symbolicValue(k.Value) {
				return nil
			}
			sb.Reset()
			encodeDrift(&sb, k.Value)
			text = sb.String()
		case res != nil:
			// A node that leaves the key out runs with its default: it
			// votes with that value, encoded as the same text written.
			if d, ok := res.Comparable(n, path); ok {
				v.def = &d
				t := d.Text()
				text = "s" + strconv.Itoa(len(t)) + ":" + t
			}
		}
		c := byText[text]
		if c == nil {
			c = &driftCamp{}
			byText[text] = c
			camps = append(camps, c)
		}
		c.set = c.set || k != nil
		c.valued = c.valued || k != nil || v.def != nil
		c.votes = append(c.votes, v)
	}
	if len(camps) > 1 && res != nil {
		camps = driftJoinDefaults(camps, res, group[0], path)
	}
	if len(camps) > 1 {
		// Then compare the camps' values with go-cmp, each node's own name
		// abstracted, and merge the camps that agree.
		merged := map[string][]*driftCamp{}
		var out []*driftCamp
		for _, c := range camps {
			var rep any
			bucket := "\x00unset"
			switch w, d := c.written(), c.implicit(); {
			case w != nil:
				rep = driftValue(w.key.Value, self[w.node])
				bucket = fmt.Sprint(rep)
			case d != nil:
				rep = self[d.node](d.def.Text())
				bucket = fmt.Sprint(rep)
			}
			out = joinCamp(merged, out, bucket, rep, c, c.votes)
		}
		camps = out
	}
	rankCamps(camps, func(c *driftCamp) int { return len(c.votes) }, func(c *driftCamp) []*lint.Node {
		nodes := make([]*lint.Node, len(c.votes))
		for i, v := range c.votes {
			nodes[i] = v.node
		}
		return nodes
	})
	return camps
}

// driftJoinDefaults moves the nodes that run with a default into the camp
// that writes a value WSO2 reads as the same (2 and "2.0"; "2m" and 120
// for a key unit-resolve.json converts to seconds): config-mapper
// converts the default like a written value.
func driftJoinDefaults(camps []*driftCamp, res *effective.Resolver, n *lint.Node, path string) []*driftCamp {
	unit, unitKnown := "", false
	out := camps[:0:0]
	for _, d := range camps {
		imp := d.implicit()
		if d.set || imp == nil {
			out = append(out, d)
			continue
		}
		var into *driftCamp
		for _, w := range camps {
			wv := w.written()
			if wv == nil || wv.key.Value.Kind == lint.KindArray || wv.key.Value.Kind == lint.KindTable {
				continue
			}
			if !unitKnown {
				unit, unitKnown = res.Unit(n, path), true
			}
			if effective.SameText(wv.key.Value.Text(), imp.def.Text(), unit) {
				into = w
				break
			}
		}
		if into == nil {
			out = append(out, d)
			continue
		}
		into.votes = append(into.votes, d.votes...)
		sort.SliceStable(into.votes, func(i, j int) bool { return into.votes[i].node.Name < into.votes[j].node.Name })
		into.valued = true
	}
	return out
}

// encodeDrift writes a value as length-prefixed text, so that two values
// encode alike only when driftValue would make them equal.
func encodeDrift(sb *strings.Builder, v *lint.Value) {
	switch v.Kind {
	case lint.KindArray:
		sb.WriteString("a")
		sb.WriteString(strconv.Itoa(len(v.Elems())))
		sb.WriteByte('[')
		for _, e := range v.Elems() {
			encodeDrift(sb, e)
		}
		sb.WriteByte(']')
	case lint.KindTable:
		sb.WriteString("t")
	default:
		t := v.Text()
		sb.WriteString("s")
		sb.WriteString(strconv.Itoa(len(t)))
		sb.WriteByte(':')
		sb.WriteString(t)
	}
}

// sameDrift reports whether encodeDrift would write a and b alike.
func sameDrift(a, b *lint.Value) bool {
	switch {
	case a.Kind == lint.KindArray:
		if b.Kind != lint.KindArray || len(a.Elems()) != len(b.Elems()) {
			return false
		}
		for i, e := range a.Elems() {
			if !sameDrift(e, b.Elems()[i]) {
				return false
			}
		}
		return true
	case a.Kind == lint.KindTable:
		return b.Kind == lint.KindTable
	default:
		return b.Kind != lint.KindArray && b.Kind != lint.KindTable && a.Text() == b.Text()
	}
}

// joinCamp adds the votes of camp from to the camp of an equal value, or
// to a new camp. A value written and the same value by default are equal.
func joinCamp(buckets map[string][]*driftCamp, camps []*driftCamp, bucket string, val any, from *driftCamp, votes []driftVote) []*driftCamp {
	for _, c := range buckets[bucket] {
		if c.valued == from.valued && cmp.Equal(c.rep, val) {
			c.votes = append(c.votes, votes...)
			c.set = c.set || from.set
			return camps
		}
	}
	c := &driftCamp{rep: val, set: from.set, valued: from.valued, votes: votes}
	buckets[bucket] = append(buckets[bucket], c)
	return append(camps, c)
}

func driftNames(c *driftCamp) string {
	names := make([]string, len(c.votes))
	for i, v := range c.votes {
		names[i] = v.node.Name
	}
	return listNames(names, 3)
}

func driftRelated(c *driftCamp) []lint.Related {
	var out []lint.Related
	for i, v := range c.votes {
		if i == 3 {
			break
		}
		switch {
		case v.key == nil && v.def != nil:
			// The message says which default; a related line may stand
			// for a whole table.
			out = append(out, lint.RelatedNode(v.node, "leaves it unset (runs with its default)"))
		case v.key == nil:
			out = append(out, lint.RelatedNode(v.node, "leaves it unset"))
		default:
			out = append(out, lint.RelatedKey(v.node, v.key, "sets %s", v.key.Show()))
		}
	}
	return out
}

// parentPath is the table of a key path: "apim.cors.enable" -> "apim.cors".
func parentPath(p string) string {
	inQuote := false
	last := -1
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '"':
			inQuote = !inQuote
		case '.':
			if !inQuote {
				last = i
			}
		}
	}
	if last < 0 {
		return p
	}
	return p[:last]
}
