package probe

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// Use is one place a node file names an endpoint.
type Use struct {
	Node  *lint.Node
	Key   *lint.Key
	Value *lint.Value // the scalar (array element or the key's value) holding the URL
}

// Pos returns where the URL is written.
func (u Use) Pos() lint.Position {
	p := u.Value.Pos
	if p.File == "" {
		p.File = u.Node.File
	}
	return p
}

// Target is one endpoint to probe: a host and port, dialled once however
// many files name it.
type Target struct {
	// URL is scheme://host:port as first named; it never carries the
	// path, query or user info, which may hold credentials.
	URL  string
	Host string
	Port int
	TLS  bool // ssl://, https:// or wss://: a TLS handshake follows the connect
	Uses []Use
}

// Addr is host:port for dialling.
func (t *Target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// Skipped is an endpoint that is not probed, and why.
type Skipped struct {
	URL    string
	Reason string
	Uses   []Use
}

// endpointKeys are the keys whose values name services other nodes (or
// the node itself) connect to. Paths are canonical with array indices
// written as []. An allowlist, not every URL-shaped value: claim URIs
// (http://wso2.org/claims/...) and CORS origins are URLs nobody dials.
var endpointKeys = map[string]bool{
	"apim.event_hub.service_url":                                   true,
	"apim.event_hub.event_listening_endpoints":                     true,
	"apim.event_hub.event_duplicate_url":                           true,
	"apim.event_hub.publish.url_group[].urls":                      true,
	"apim.event_hub.publish.url_group[].auth_urls":                 true,
	"apim.key_manager.service_url":                                 true,
	"apim.oauth_config.revoke_endpoint":                            true,
	"apim.throttling.service_url":                                  true,
	"apim.throttling.throttle_decision_endpoints":                  true,
	"apim.throttling.event_duplicate_url":                          true,
	"apim.throttling.receiver_url":                                 true,
	"apim.throttling.receiver_auth_url":                            true,
	"apim.throttling.url_group[].traffic_manager_urls":             true,
	"apim.throttling.url_group[].traffic_manager_auth_urls":        true,
	"apim.throttling.event_publisher.url_group[].receiver_url_set": true,
	"apim.throttling.event_publisher.url_group[].auth_url_set":     true,
	"event_listener[].properties.notification_endpoint":            true,
}

// gatewayEnvKeys are the URL keys of [[apim.gateway.environment]] and of
// its [[...virtual_host]] tables.
var gatewayEnvKeys = map[string]bool{
	"service_url": true, "http_endpoint": true, "https_endpoint": true,
	"ws_endpoint": true, "wss_endpoint": true,
	"websub_event_receiver_http_endpoint": true, "websub_event_receiver_https_endpoint": true,
}

// stripIndices writes a[0].b[12] as a[].b[], the form endpointKeys use.
func stripIndices(path string) string {
	if strings.IndexByte(path, '[') < 0 {
		return path
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		b.WriteByte(path[i])
		if path[i] != '[' {
			continue
		}
		j := i + 1
		for j < len(path) && path[j] >= '0' && path[j] <= '9' {
			j++
		}
		if j > i+1 && j < len(path) && path[j] == ']' {
			i = j - 1 // the digits are dropped; ']' is written next
		}
	}
	return b.String()
}

// isEndpointKey reports whether a key's value names an endpoint to probe.
func isEndpointKey(path string) bool {
	p := stripIndices(path)
	if endpointKeys[p] {
		return true
	}
	for _, prefix := range []string{"apim.gateway.environment[].", "apim.gateway.environment[].virtual_host[]."} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && gatewayEnvKeys[rest] {
			return true
		}
	}
	// [database.<name>] url = "jdbc:..."
	if rest, ok := strings.CutPrefix(p, "database."); ok {
		name, key, ok := strings.Cut(rest, ".")
		return ok && key == "url" && !strings.ContainsAny(name, ".[")
	}
	return false
}

var tlsSchemes = map[string]bool{"ssl": true, "https": true, "wss": true}

// plainSchemes are schemes probed with a TCP connect only.
var plainSchemes = map[string]bool{"tcp": true, "http": true, "ws": true}

// databasePorts are the default ports of the JDBC drivers WSO2 supports,
// keyed by the JDBC subprotocol and by [database.*] type.
var databasePorts = map[string]int{
	"mysql": 3306, "mariadb": 3306, "postgresql": 5432, "postgre": 5432, "postgres": 5432,
	"sqlserver": 1433, "mssql": 1433, "oracle": 1521, "db2": 50000,
}

// collector gathers targets and skipped endpoints, deduplicated.
type collector struct {
	opts    *Options
	targets map[string]*Target
	skipped map[string]*Skipped
}

func (c *collector) skip(display, reason string, u Use) {
	key := display + "\x00" + reason
	s := c.skipped[key]
	if s == nil {
		s = &Skipped{URL: display, Reason: reason}
		c.skipped[key] = s
	}
	s.Uses = append(s.Uses, u)
}

func (c *collector) add(scheme, host string, port int, u Use) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	useTLS := tlsSchemes[scheme]
	display := scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port))
	if reason := hostProblem(host); reason != "" {
		c.skip(display, reason, u)
		return
	}
	if lint.IsLoopback(host) && !c.opts.IncludeLoopback && c.opts.From == "" {
		c.skip(display, fmt.Sprintf("%s means the node that names it, not this machine; run `apimlint probe --from NODE` on that node", host), u)
		return
	}
	if !c.opts.selected(host, port) {
		return
	}
	key := fmt.Sprintf("%t/%s/%d", useTLS, host, port)
	t := c.targets[key]
	if t == nil {
		t = &Target{URL: display, Host: host, Port: port, TLS: useTLS}
		c.targets[key] = t
	}
	t.Uses = append(t.Uses, u)
}

// hostProblem says why a host cannot be dialled, or "" when it can.
func hostProblem(host string) string {
	if host == "" {
		return "no host"
	}
	if lint.HasPlaceholder(host) {
		return fmt.Sprintf("host %s is a placeholder resolved only where the node runs", host)
	}
	if net.ParseIP(host) != nil {
		return ""
	}
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return fmt.Sprintf("host %s is not a host name (a documentation placeholder?)", host)
		}
	}
	return ""
}

// Collect finds every endpoint the fleet's files name (only node opts.From's
// when set), deduplicated by host, port and whether TLS is spoken.
func Collect(f *lint.Fleet, opts Options) ([]*Target, []*Skipped, error) {
	c := &collector{opts: &opts, targets: map[string]*Target{}, skipped: map[string]*Skipped{}}
	nodes := f.Nodes
	if opts.From != "" {
		n := f.Node(opts.From)
		if n == nil {
			names := make([]string, 0, len(f.Nodes))
			for _, n := range f.Nodes {
				names = append(names, n.Name)
			}
			return nil, nil, fmt.Errorf("--from %s: no such node; nodes: %s", opts.From, strings.Join(names, ", "))
		}
		nodes = []*lint.Node{n}
	}
	for _, n := range nodes {
		for _, k := range n.Keys {
			if isEndpointKey(k.Path) {
				for _, v := range k.Value.Scalars() {
					if v.Kind == lint.KindString {
						c.url(Use{Node: n, Key: k, Value: v})
					}
				}
			}
		}
		c.databaseHosts(n)
	}
	targets := make([]*Target, 0, len(c.targets))
	for _, t := range c.targets {
		sortUses(t.Uses)
		targets = append(targets, t)
	}
	slices.SortFunc(targets, func(a, b *Target) int {
		return cmp.Or(comparePos(a.Uses[0].Pos(), b.Uses[0].Pos()), cmp.Compare(a.URL, b.URL))
	})
	skipped := make([]*Skipped, 0, len(c.skipped))
	for _, s := range c.skipped {
		sortUses(s.Uses)
		skipped = append(skipped, s)
	}
	slices.SortFunc(skipped, func(a, b *Skipped) int {
		return cmp.Or(comparePos(a.Uses[0].Pos(), b.Uses[0].Pos()), cmp.Compare(a.URL, b.URL), cmp.Compare(a.Reason, b.Reason))
	})
	return targets, skipped, nil
}

func sortUses(us []Use) {
	slices.SortStableFunc(us, func(a, b Use) int { return comparePos(a.Pos(), b.Pos()) })
}

func comparePos(a, b lint.Position) int {
	return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
}

// url adds the endpoint one string value names.
func (c *collector) url(u Use) {
	text := strings.TrimSpace(u.Value.Text())
	if text == "" {
		return
	}
	lower := strings.ToLower(text)
	if strings.HasPrefix(lower, "jdbc:") {
		c.jdbc(text[len("jdbc:"):], u)
		return
	}
	e, err := lint.ParseEndpoint(text)
	// A placeholder in the path alone does not stop a probe of host:port.
	if e.Symbolic || (err != nil && lint.HasPlaceholder(text)) {
		c.skip(safeDisplay(text), "holds a placeholder resolved only where the node runs ("+placeholderNames(u.Value, text)+")", u)
		return
	}
	if err != nil {
		// The error quotes the whole value; show only its scheme and authority.
		c.skip(safeDisplay(text), strings.ReplaceAll(err.Error(), strconv.Quote(text), strconv.Quote(safeDisplay(text))), u)
		return
	}
	if !tlsSchemes[e.Scheme] && !plainSchemes[e.Scheme] {
		c.skip(e.Scheme+"://"+e.Host, "scheme "+e.Scheme+":// is not probed", u)
		return
	}
	if e.Port == 0 {
		c.skip(e.Scheme+"://"+e.Host, "no port written and "+e.Scheme+":// has no default port", u)
		return
	}
	c.add(e.Scheme, e.Host, e.Port, u)
}

// jdbc adds the database servers of a JDBC URL (after "jdbc:"). Embedded
// databases (h2 files) are not endpoints.
func (c *collector) jdbc(rest string, u Use) {
	sub, _, _ := strings.Cut(rest, ":")
	sub = strings.ToLower(sub)
	if sub == "h2" && !strings.Contains(strings.ToLower(rest), "://") {
		return // an H2 file next to the node
	}
	var auth string
	switch {
	case sub == "oracle":
		// jdbc:oracle:thin:@host:1521:SID or @//host:1521/service
		at := strings.IndexByte(rest, '@')
		if at < 0 || strings.Contains(rest[at:], "(") {
			c.skip("jdbc:oracle", "Oracle connect descriptors (TNS) are not probed", u)
			return
		}
		auth = strings.TrimPrefix(rest[at+1:], "//")
		if i := strings.IndexAny(auth, "/?"); i >= 0 {
			auth = auth[:i]
		}
		if h, p, ok := strings.Cut(auth, ":"); ok {
			if i := strings.IndexByte(p, ':'); i >= 0 {
				p = p[:i] // :SID
			}
			auth = h + ":" + p
		}
	default:
		i := strings.Index(rest, "://")
		if i < 0 {
			c.skip("jdbc:"+sub, "JDBC URL without host", u)
			return
		}
		auth = rest[i+3:]
		// user:password@ never reaches a message; the password may hold
		// '/', '?' or '#', so the user info ends at the last '@'.
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			auth = auth[at+1:]
		}
		if j := strings.IndexAny(auth, "/?;#"); j >= 0 {
			auth = auth[:j]
		}
	}
	// MySQL and PostgreSQL accept several hosts: host1:3306,host2:3306.
	for _, hp := range strings.Split(auth, ",") {
		host, portText := splitHostPort(hp)
		port := databasePorts[sub]
		if portText != "" {
			if lint.HasPlaceholder(portText) {
				c.skip("jdbc:"+sub+"://"+host+":"+portText, "port is a placeholder resolved only where the node runs", u)
				continue
			}
			p, err := strconv.Atoi(portText)
			if err != nil || p < 1 || p > 65535 {
				c.skip("jdbc:"+sub+"://"+host, fmt.Sprintf("port %q is not a number in 1-65535", portText), u)
				continue
			}
			port = p
		}
		if port == 0 {
			c.skip("jdbc:"+sub+"://"+host, "no port written and no default port known for "+sub, u)
			continue
		}
		c.add(sub, host, port, u)
	}
}

func splitHostPort(hp string) (host, port string) {
	hp = strings.TrimSpace(hp)
	if strings.HasPrefix(hp, "[") {
		if i := strings.IndexByte(hp, ']'); i >= 0 {
			return hp[1:i], strings.TrimPrefix(hp[i+1:], ":")
		}
	}
	if strings.Count(hp, ":") > 1 {
		return hp, "" // a bare IPv6 address
	}
	h, p, _ := strings.Cut(hp, ":")
	return h, p
}

// databaseHosts adds [database.*] hostname and port, written instead of a URL.
func (c *collector) databaseHosts(n *lint.Node) {
	for _, k := range n.Keys {
		rest, ok := strings.CutPrefix(k.Path, "database.")
		if !ok {
			continue
		}
		name, key, ok := strings.Cut(rest, ".")
		if !ok || key != "hostname" || strings.ContainsAny(name, ".[") {
			continue
		}
		if n.Get("database."+name+".url") != nil {
			continue // the URL wins, and was collected
		}
		u := Use{Node: n, Key: k, Value: k.Value}
		host := strings.TrimSpace(k.Value.Text())
		typ, _ := n.String("database." + name + ".type")
		typ = strings.ToLower(strings.TrimSpace(typ))
		if typ == "h2" {
			continue // embedded: a file next to the node
		}
		scheme := typ
		if scheme == "" {
			scheme = "db"
		}
		if strings.Contains(host, "://") || strings.HasPrefix(strings.ToLower(host), "jdbc:") {
			short := host
			if i := strings.IndexAny(short, ";?&"); i >= 0 {
				short = short[:i]
			}
			c.skip(short, fmt.Sprintf("[database.%s] hostname holds a URL, not a host name", name), u)
			continue
		}
		if k.Value.Symbolic {
			c.skip(scheme+"://"+host, "holds a placeholder resolved only where the node runs ("+placeholderNames(k.Value, host)+")", u)
			continue
		}
		port := databasePorts[typ]
		if pv := n.Value("database." + name + ".port"); pv != nil {
			if pv.Symbolic {
				c.skip(scheme+"://"+host, "port holds a placeholder resolved only where the node runs", u)
				continue
			}
			p, ok := pv.Int64()
			if !ok || p < 1 || p > 65535 {
				c.skip(scheme+"://"+host, fmt.Sprintf("[database.%s] port %s is not a number in 1-65535", name, pv.Raw), u)
				continue
			}
			port = int(p)
		}
		if port == 0 {
			c.skip(scheme+"://"+host, fmt.Sprintf("[database.%s] has no port and type %q has no known default", name, typ), u)
			continue
		}
		c.add(scheme, host, port, u)
	}
}

// placeholderNames lists the placeholders still in a value, for messages.
func placeholderNames(v *lint.Value, text string) string {
	var out []string
	for _, p := range v.Placeholders {
		if !p.Known {
			out = append(out, p.Text)
		}
	}
	if len(out) == 0 {
		for _, p := range lint.ScanPlaceholders(text) {
			out = append(out, p.Text)
		}
	}
	if len(out) == 0 {
		return "unresolved"
	}
	return strings.Join(slices.Compact(out), ", ")
}

// safeDisplay shortens a value that did not parse, dropping anything after
// the authority and any user info.
func safeDisplay(text string) string {
	text = lint.RedactURL(text)
	if i := strings.Index(text, "://"); i >= 0 {
		auth := text[i+3:]
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			auth = auth[at+1:]
		}
		if j := strings.IndexAny(auth, "/?#;"); j >= 0 {
			auth = auth[:j]
		}
		return text[:i+3] + auth
	}
	if len(text) > 40 {
		return text[:40] + "…"
	}
	return text
}
