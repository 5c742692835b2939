package lint

import (
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/apimlint/apimlint/wso2"
)

// LinkKind says what a link between two places of the fleet is for.
type LinkKind string

// The kinds of links apimlint reads from node files. The names are part of
// the graph's JSON contract.
const (
	LinkEventHubJMS       LinkKind = "event-hub-jms"       // apim.event_hub.event_listening_endpoints
	LinkEventHubService   LinkKind = "event-hub-service"   // apim.event_hub.service_url
	LinkPublishURLGroup   LinkKind = "publish-url-group"   // [[apim.event_hub.publish.url_group]]
	LinkThrottleDecisions LinkKind = "throttle-decisions"  // apim.throttling.throttle_decision_endpoints
	LinkTMURLGroup        LinkKind = "tm-url-group"        // [[apim.throttling.url_group]]
	LinkTMService         LinkKind = "tm-service"          // apim.throttling.service_url
	LinkKMService         LinkKind = "km-service"          // apim.key_manager.service_url
	LinkEnvironmentURL    LinkKind = "environment-url"     // [[apim.gateway.environment]] URLs
	LinkEventDuplicateURL LinkKind = "event-duplicate-url" // event_hub / throttling event_duplicate_url
	LinkNotification      LinkKind = "notification"        // [[event_listener]] notification_endpoint
	LinkDatabase          LinkKind = "database"            // [database.*] url or hostname
)

// LinkKinds lists every kind in a stable order, for legends.
var LinkKinds = []LinkKind{
	LinkEventHubJMS, LinkEventHubService, LinkPublishURLGroup, LinkThrottleDecisions,
	LinkTMURLGroup, LinkTMService, LinkKMService, LinkEnvironmentURL, LinkEventDuplicateURL,
	LinkNotification, LinkDatabase,
}

// Label is the kind as people say it: "event hub JMS", "TM url_group".
func (k LinkKind) Label() string {
	switch k {
	case LinkEventHubJMS:
		return "event hub JMS"
	case LinkEventHubService:
		return "event hub service"
	case LinkPublishURLGroup:
		return "publish url_group"
	case LinkThrottleDecisions:
		return "throttle decisions"
	case LinkTMURLGroup:
		return "TM url_group"
	case LinkTMService:
		return "TM service"
	case LinkKMService:
		return "KM service"
	case LinkEnvironmentURL:
		return "environment URL"
	case LinkEventDuplicateURL:
		return "event_duplicate_url"
	case LinkNotification:
		return "notification"
	case LinkDatabase:
		return "database"
	}
	return string(k)
}

// linkKindOf maps the generic endpoint key paths to their link kind.
var linkKindOf = map[string]LinkKind{
	"apim.event_hub.event_listening_endpoints":              LinkEventHubJMS,
	"apim.event_hub.service_url":                            LinkEventHubService,
	"apim.event_hub.event_duplicate_url":                    LinkEventDuplicateURL,
	"apim.event_hub.publish.url_group[].urls":               LinkPublishURLGroup,
	"apim.event_hub.publish.url_group[].auth_urls":          LinkPublishURLGroup,
	"apim.throttling.throttle_decision_endpoints":           LinkThrottleDecisions,
	"apim.throttling.url_group[].traffic_manager_urls":      LinkTMURLGroup,
	"apim.throttling.url_group[].traffic_manager_auth_urls": LinkTMURLGroup,
	"apim.throttling.event_duplicate_url":                   LinkEventDuplicateURL,
	"apim.throttling.service_url":                           LinkTMService,
	"apim.key_manager.service_url":                          LinkKMService,
	"apim.gateway.environment[].service_url":                LinkEnvironmentURL,
	"apim.gateway.environment[].http_endpoint":              LinkEnvironmentURL,
	"apim.gateway.environment[].https_endpoint":             LinkEnvironmentURL,
	"apim.gateway.environment[].ws_endpoint":                LinkEnvironmentURL,
	"apim.gateway.environment[].wss_endpoint":               LinkEnvironmentURL,
	"event_listener[].properties.notification_endpoint":     LinkNotification,
}

// Link is one host a node names in an endpoint key or a database table,
// and what the address book says that host is. It never carries the URL
// as written (a JDBC URL may hold a password in its query), only its
// scheme, host and port.
type Link struct {
	Kind LinkKind
	From *Node
	// Key is the canonical key path that creates the link; Pos is where its
	// value (the array element, for lists) is written.
	Key string
	Pos Position
	// Want is the role the key is meant to reach (RoleUnknown for databases).
	Want Role

	Scheme string
	Host   string // lower case
	Port   int    // 0 when neither written nor known from the scheme
	// Placeholder is set when the host is a documentation placeholder
	// ([control-plane-host], xxx.xxx.xxx.xx4) copied and never replaced.
	Placeholder bool

	// Target is what the host names, seen from From. Database links are
	// never resolved (a database server is not a node): TargetUnknown.
	Target Target
	// Cluster is the load balancer or shared hostname the host names, when
	// Target.Kind is TargetCluster and the book knows it as a cluster.
	Cluster *Cluster
}

// Links lists every link the fleet's files make, in node order, then file
// order. Values that still hold a placeholder ($env{}, ${…}) are left
// out: nothing can be said about where they point.
//
// A large fleet's nodes are split into a run of nodes per CPU, each with
// a cache of its own (the address book is safe for concurrent use), and
// the runs' links joined in node order: discovery finds the links of a
// whole fleet before anything else can start.
func (f *Fleet) Links() []Link { return f.linksIn(runtime.GOMAXPROCS(0)) }

func (f *Fleet) linksIn(cpus int) []Link {
	runs := f.linkRuns(cpus)
	parts := make([][]Link, len(runs))
	for w, r := range runs {
		size := 0
		for _, n := range f.Nodes[r[0]:r[1]] {
			size += len(n.refs) + 2 // the endpoint hosts, and a database or two
		}
		parts[w] = make([]Link, 0, size)
	}
	f.eachNodeLinks(runs, func(w int, _ *Node, links []Link) { parts[w] = append(parts[w], links...) })
	if len(parts) == 1 {
		return parts[0]
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	out := make([]Link, 0, size)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// linksPerWorker is the fewest nodes worth a goroutine of their own.
const linksPerWorker = 256

// linkRuns splits the fleet's nodes into runs [lo, hi), one per worker.
func (f *Fleet) linkRuns(cpus int) [][2]int {
	workers := max(1, min(cpus, len(f.Nodes)/linksPerWorker))
	runs := make([][2]int, workers)
	for w := range runs {
		runs[w] = [2]int{w * len(f.Nodes) / workers, (w + 1) * len(f.Nodes) / workers}
	}
	return runs
}

// eachNodeLinks hands visit the links of every node, a node at a time:
// run w (of linkRuns) is walked in node order by a goroutine of its own,
// which calls visit with w, so visit needs no lock for what it keeps per
// run. The slice is reused for the next node: visit must not keep it.
// Discovery reads the links of thousands of nodes this way without
// holding them all.
func (f *Fleet) eachNodeLinks(runs [][2]int, visit func(w int, n *Node, links []Link)) {
	walk := func(w int) {
		c := linkCache{parsed: map[string]parsedURL{}, kinds: map[string]LinkKind{}}
		var buf []Link
		for _, n := range f.Nodes[runs[w][0]:runs[w][1]] {
			buf = f.nodeLinks(buf[:0], n, &c)
			visit(w, n, buf)
		}
	}
	if len(runs) == 1 {
		walk(0)
		return
	}
	var wg sync.WaitGroup
	for w := range runs {
		wg.Go(func() { walk(w) })
	}
	wg.Wait()
}

// linkCache remembers what Links learnt from text alone: thousands of
// gateways write the same few URLs under the same few keys.
type linkCache struct {
	parsed map[string]parsedURL
	kinds  map[string]LinkKind // indexed key path -> kind
}

type parsedURL struct {
	ep Endpoint
	ok bool
}

func (c *linkCache) parse(s string) parsedURL {
	if p, ok := c.parsed[s]; ok {
		return p
	}
	ep, err := ParseEndpoint(s)
	p := parsedURL{ep: ep, ok: err == nil && !ep.Symbolic && ep.Host != ""}
	c.parsed[s] = p
	return p
}

func (c *linkCache) kind(path string) LinkKind {
	if k, ok := c.kinds[path]; ok {
		return k
	}
	k := linkKindOf[GenericPath(path)]
	c.kinds[path] = k
	return k
}

// nodeLinks appends the links of node n to out, in file order.
// A dormant node makes none: no server reads its file.
func (f *Fleet) nodeLinks(out []Link, n *Node, c *linkCache) []Link {
	if !n.Role.IsAPIM() || n.Dormant != "" {
		return out
	}
	start := len(out)
	for _, k := range n.Keys {
		if strings.HasPrefix(k.Path, "database.") {
			if l, ok := databaseLink(n, k); ok {
				out = append(out, l)
			}
			continue
		}
		role, ok := EndpointKeyRole(k.Path)
		if !ok {
			continue
		}
		kind := c.kind(k.Path)
		for _, v := range k.Scalars() {
			if v.Kind != KindString || v.Symbolic {
				continue
			}
			p := c.parse(v.Text())
			if !p.ok {
				continue
			}
			ep := p.ep
			l := Link{Kind: kind, From: n, Key: k.Path, Pos: v.Pos(), Want: role,
				Scheme: ep.Scheme, Host: ep.Host, Port: ep.Port}
			if l.Pos.File == "" {
				l.Pos.File = n.File
			}
			if looksLikeDocPlaceholder(ep.Host) {
				l.Placeholder = true
			} else if f.Book != nil {
				// Host and port: on a host several nodes share, the port says which.
				l.Target = f.Book.ResolvePort(ep.Host, ep.Port, n)
				if l.Target.Kind == TargetCluster {
					if c, ok := f.Book.LoadBalancer(ep.Host); ok {
						l.Cluster = c
					}
				}
			}
			out = append(out, l)
		}
	}
	mine := out[start:]
	sort.SliceStable(mine, func(i, j int) bool {
		a, b := mine[i].Pos, mine[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return out
}

// databaseLink reads the server of one [database.*] key: the url (a JDBC
// URL) or the hostname with its port. Local H2 files, symbolic values
// and the other keys of the table make no link.
func databaseLink(n *Node, k *Key) (Link, bool) {
	table, field, ok := cutLast(k.Path)
	if !ok || strings.Count(table, ".") != 1 || (field != "url" && field != "hostname") {
		return Link{}, false
	}
	v := k.Value
	if v.Kind != KindString || v.Symbolic {
		return Link{}, false
	}
	text := strings.TrimSpace(v.Text())
	if text == "" {
		return Link{}, false
	}
	l := Link{Kind: LinkDatabase, From: n, Key: k.Path, Pos: v.Pos(), Want: RoleUnknown}
	if l.Pos.File == "" {
		l.Pos.File = n.File
	}
	if field == "hostname" {
		if n.Get(table+".url") != nil {
			return Link{}, false // the url wins, as in WSO2's templates
		}
		typ, _ := n.String(table + ".type")
		if strings.EqualFold(typ, "h2") || strings.HasPrefix(strings.ToLower(text), "jdbc:") {
			return Link{}, false
		}
		l.Scheme = strings.ToLower(typ)
		l.Host = strings.ToLower(text)
		if p, ok := n.String(table + ".port"); ok {
			l.Port, _ = strconv.Atoi(strings.TrimSpace(p))
		}
		if looksLikeDocPlaceholder(l.Host) {
			l.Placeholder = true
		}
		return l, true
	}
	lower := strings.ToLower(text)
	if strings.HasPrefix(lower, "jdbc:h2:") {
		return Link{}, false
	}
	if ep, err := ParseEndpoint(text); err == nil && !ep.Symbolic && ep.Host != "" {
		l.Scheme, l.Host, l.Port = ep.Scheme, ep.Host, ep.Port
	} else if at := strings.LastIndexByte(text, '@'); strings.HasPrefix(lower, "jdbc:oracle:") && at >= 0 {
		// jdbc:oracle:thin:@host:1521/SID or @//host:1521/service
		rest := strings.TrimPrefix(text[at+1:], "//")
		if i := strings.IndexAny(rest, "/?("); i >= 0 {
			rest = rest[:i]
		}
		host, port := wso2.SplitHostPort(rest)
		if host == "" || HasPlaceholder(host) {
			return Link{}, false
		}
		l.Scheme, l.Host = "oracle", strings.ToLower(host)
		l.Port, _ = strconv.Atoi(port)
	} else {
		return Link{}, false
	}
	if looksLikeDocPlaceholder(l.Host) {
		l.Placeholder = true
	}
	return l, true
}

// cutLast splits a.b.c into a.b and c.
func cutLast(p string) (string, string, bool) {
	i := strings.LastIndexByte(p, '.')
	if i < 0 {
		return "", "", false
	}
	return p[:i], p[i+1:], true
}
