package probe

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

// Use is one place a node file names an endpoint.
type Use struct {
	Node  *lint.Node
	Key   *lint.Key
	Value *lint.Value // the scalar (array element or the key's value) holding the URL
}

// Pos returns where the URL is written.
func (u Use) Pos() lint.Position {
	p := u.Value.Pos()
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

var tlsSchemes = map[string]bool{"ssl": true, "https": true, "wss": true}

// plainSchemes are schemes probed with a TCP connect only.
var plainSchemes = map[string]bool{"tcp": true, "http": true, "ws": true}

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
	if wso2.HasPlaceholder(host) {
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
			if wso2.IsEndpointKey(k.Path) {
				for _, v := range k.Scalars() {
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
		c.jdbc(text, u)
		return
	}
	e, err := wso2.ParseEndpoint(text)
	// A placeholder in the path alone does not stop a probe of host:port.
	if e.Symbolic || (err != nil && wso2.HasPlaceholder(text)) {
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

// jdbc adds the database servers of a JDBC URL. Embedded databases (h2
// files) are not endpoints.
func (c *collector) jdbc(url string, u Use) {
	db, err := wso2.ParseJDBC(url)
	sub := "jdbc:" + db.Subprotocol
	switch {
	case err != nil:
		c.skip(sub, "not a JDBC URL apimlint can read: "+err.Error(), u)
		return
	case db.Local:
		return
	case len(db.Servers) == 0:
		c.skip(sub, "Oracle connect descriptor (TNS) without a HOST", u)
		return
	}
	for _, s := range db.Servers {
		switch {
		case s.Port != 0:
			c.add(db.Subprotocol, s.Host, s.Port, u)
		case wso2.HasPlaceholder(s.PortText):
			c.skip(sub+"://"+s.Host+":"+s.PortText, "port is a placeholder resolved only where the node runs", u)
		default:
			c.skip(sub+"://"+s.Host, "no port written and no default port known for "+db.Subprotocol, u)
		}
	}
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
		port := wso2.DefaultDBPort(typ)
		if pv := n.Value("database." + name + ".port"); pv != nil {
			if pv.Symbolic {
				c.skip(scheme+"://"+host, "port holds a placeholder resolved only where the node runs", u)
				continue
			}
			p, ok := pv.Port()
			if !ok {
				c.skip(scheme+"://"+host, fmt.Sprintf("[database.%s] port %s is not a number in 1-65535", name, pv.Raw()), u)
				continue
			}
			port = p
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
	for p := range v.AllPlaceholders() {
		if !p.Known {
			out = append(out, p.Text)
		}
	}
	if len(out) == 0 {
		for _, p := range wso2.ScanPlaceholders(text) {
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
	text = wso2.RedactURL(text)
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
