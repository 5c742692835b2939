package wso2

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Endpoint is a URL as WSO2 configs write them: tcp://host:5672,
// ssl://host:9711, https://host/services/. It is parsed leniently:
// documentation placeholders such as https://[control-plane-host]/ keep
// their brackets as the host instead of failing as a bad IPv6 literal.
type Endpoint struct {
	Raw    string
	Scheme string // lower case
	Host   string // lower case, without brackets for IPv6
	Port   int    // explicit port, or the scheme's default when DefaultPort
	// PortText is the port as written; set even when it is not a number.
	PortText    string
	DefaultPort bool // no port written; Port is the scheme default (0 for tcp/ssl)
	Path        string
	// Symbolic is set when the host or port still holds a placeholder.
	Symbolic bool
}

// HostPort renders host:port for messages, an IPv6 address in brackets
// ([fd00::11]:5672, not fd00::11:5672, which reads as another address).
func (e Endpoint) HostPort() string {
	if e.DefaultPort {
		if e.Port == 0 {
			return e.Host
		}
		return fmt.Sprintf("%s (default port %d)", e.Host, e.Port)
	}
	return URLHost(e.Host) + ":" + e.PortText
}

var schemeDefaultPorts = map[string]int{"http": 80, "https": 443, "ws": 80, "wss": 443}

// ParseEndpoint parses a URL. It never panics; a string without scheme://
// is an error.
func ParseEndpoint(s string) (Endpoint, error) {
	e := Endpoint{Raw: s}
	rest := strings.TrimSpace(s)
	// User information may hold '/', '?' or '#' (a password): drop it
	// before looking for the end of the authority, and never quote it.
	if end, ok := urlUserinfo(rest); ok {
		start := 0
		if i := strings.Index(rest, "://"); i >= 0 {
			start = i + 3
		}
		rest = rest[:start] + rest[end+1:]
	}
	// Errors quote the URL without its user information and its query.
	s = rest
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i] + "…"
	}
	if strings.HasPrefix(strings.ToLower(rest), "jdbc:") {
		rest = rest[len("jdbc:"):]
	}
	i := strings.Index(rest, "://")
	if i <= 0 {
		return e, fmt.Errorf("%q is not a URL (no scheme://)", s)
	}
	e.Scheme = strings.ToLower(rest[:i])
	rest = rest[i+3:]
	// authority ends at the first '/', '?' or '#' outside placeholders and brackets.
	end := len(rest)
	depth := 0
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		if c == '{' || c == '[' {
			depth++
		} else if (c == '}' || c == ']') && depth > 0 {
			depth--
		} else if depth == 0 && (c == '/' || c == '?' || c == '#' || c == ';') {
			end = j
			break
		}
	}
	auth := rest[:end]
	e.Path = rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 && !strings.Contains(auth[at:], "}") {
		auth = auth[at+1:] // user@host: no password
	}
	host, port := SplitHostPort(auth)
	if strings.ContainsAny(host, notInHost) {
		// Never a host name: user information or parameters that a URL of
		// unusual shape put here. They may hold a password: do not quote.
		return e, fmt.Errorf("%s://… has no valid host name", e.Scheme)
	}
	e.Host = strings.ToLower(host)
	if strings.HasPrefix(e.Host, "[") && strings.HasSuffix(e.Host, "]") && strings.Count(e.Host, ":") >= 2 {
		e.Host = CanonicalHost(e.Host[1 : len(e.Host)-1]) // IPv6 literal
	}
	if HasPlaceholder(host) {
		e.Symbolic = true
	}
	e.PortText = port
	switch {
	case port == "":
		e.DefaultPort = true
		e.Port = schemeDefaultPorts[e.Scheme]
	default:
		p, err := strconv.Atoi(port)
		if err != nil {
			if HasPlaceholder(port) {
				e.Symbolic = true
				break
			}
			return e, fmt.Errorf("%q has a port %q that is not a number", s, port)
		}
		if !ValidPort(p) {
			return e, fmt.Errorf("%q has port %d outside 1-65535", s, p)
		}
		e.Port = p
	}
	if e.Host == "" {
		return e, fmt.Errorf("%q has no host", s)
	}
	return e, nil
}

// SplitHostPort splits at the last ':' that is outside brackets and braces.
func SplitHostPort(auth string) (host, port string) {
	depth := 0
	last := -1
	for j := 0; j < len(auth); j++ {
		switch c := auth[j]; {
		case c == '[' || c == '{':
			depth++
		case (c == ']' || c == '}') && depth > 0:
			depth--
		case c == ':' && depth == 0:
			last = j
		}
	}
	if last < 0 {
		return auth, ""
	}
	return auth[:last], auth[last+1:]
}

// secretParams are the query and JDBC parameters that carry secrets.
var secretParams = []string{"password=", "passwd=", "pwd=", "token=", "secret=", "client_secret=", "apikey=", "api_key=", "access_token="}

// notInHost are the bytes that never stand in a host name but separate
// user information, paths and parameters: a "host" holding one is a
// misparse that could carry a secret.
const notInHost = "@/?#&=; \t\r\n\"'<>\\"

// HasURLPassword reports whether s holds a URL whose user info carries a
// password (scheme://user:password@host), or a password= query parameter.
func HasURLPassword(s string) bool {
	if strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '=') < 0 {
		return false // neither user info nor a query parameter
	}
	lower := strings.ToLower(s)
	for _, p := range secretParams {
		if i := strings.Index(lower, p); i >= 0 && i+len(p) < len(lower) {
			c := lower[i+len(p)]
			if c != '&' && c != ';' && c != '"' && c != '\'' {
				return true
			}
		}
	}
	_, ok := urlUserinfo(s)
	return ok
}

// urlUserinfo finds user:password@ in a URL, with or without a scheme,
// and returns the index of the '@' that ends it.
//
// The authority ends at the first '/', '?', '#' or ';' after "//": an '@'
// after that is in the path or the query (?user=ops@corp, Azure MySQL's
// documented form) and never ends user information. Within the authority
// the user information ends at its last '@' (a password may hold '@'). A
// password may also hold '/', '?', '#' or ';' (tcp://admin:Zz/Secret9@cp):
// when the authority is "user:X" with X not a port, the password goes on
// to the first '@' after it, and the host's authority starts there.
func urlUserinfo(s string) (end int, ok bool) {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	rest := s[start:]
	d0 := strings.IndexAny(rest, "/?#;")
	if d0 < 0 {
		d0 = len(rest)
	}
	auth := rest[:d0]
	at := strings.LastIndexByte(auth, '@')
	if at >= 0 && d0 < len(rest) && strings.IndexByte(auth[:at], ':') >= 0 {
		// user:p@ss/w0rd@cp: a password with an '@' and then a '/' reads
		// as user:p@ss with the path /w0rd@cp too. An '@' in the path
		// (not the query) followed by a host means the former: a
		// password is never guessed short.
		path := rest[d0:]
		if q := strings.IndexAny(path, "?#=&"); q >= 0 {
			path = path[:q]
		}
		if i := strings.LastIndexByte(path, '@'); i >= 0 && i+1 < len(path) && !strings.ContainsAny(path[i+1:i+2], "/;:") {
			at = d0 + i
		}
	}
	if at < 0 {
		c := strings.IndexByte(auth, ':')
		if c < 0 || d0 == len(rest) || isPortText(auth[c+1:]) {
			return 0, false // host[:port], then a path or query
		}
		// user:pa/ss@host: the password runs on to the next '@'.
		next := strings.IndexByte(rest[d0:], '@')
		if next < 0 {
			return 0, false
		}
		at = d0 + next
		// The host's authority follows; a password with several '@'
		// ends at the last one before it ends.
		tail := rest[at+1:]
		if d := strings.IndexAny(tail, "/?#;"); d >= 0 {
			tail = tail[:d]
		}
		if i := strings.LastIndexByte(tail, '@'); i >= 0 {
			at += 1 + i
		}
	}
	c := strings.IndexByte(rest[:at], ':')
	if c < 0 || c == at-1 {
		return 0, false // user@host, or user:@host
	}
	return start + at, true
}

// isPortText reports whether s can be a port as written: digits, or a
// placeholder, or nothing.
func isPortText(s string) bool {
	if HasPlaceholder(s) && !strings.ContainsAny(s, "@") {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// RedactURL hides the password of a URL's user information
// (scheme://user:****@host…) and the values of query and JDBC parameters
// named for secrets (password=****, token=****).
func RedactURL(s string) string { return redactParams(redactUserinfo(s)) }

func redactUserinfo(s string) string {
	end, ok := urlUserinfo(s)
	if !ok {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	user, _, _ := strings.Cut(s[start:end], ":")
	return s[:start] + user + ":****" + s[end:]
}

// redactParams hides the values of parameters named for secrets.
func redactParams(s string) string {
	lower := strings.ToLower(s)
	var sb strings.Builder
	last := 0
	for i := 0; i < len(lower); i++ {
		if i > 0 && lower[i-1] != '?' && lower[i-1] != '&' && lower[i-1] != ';' {
			continue
		}
		for _, p := range secretParams {
			if !strings.HasPrefix(lower[i:], p) {
				continue
			}
			vs := i + len(p)
			ve := vs
			for ve < len(s) && s[ve] != '&' && s[ve] != ';' && s[ve] != '#' {
				ve++
			}
			if ve > vs {
				sb.WriteString(s[last:vs])
				sb.WriteString("****")
				last = ve
			}
			i = ve - 1
			break
		}
	}
	sb.WriteString(s[last:])
	return sb.String()
}

// CanonicalHost is the form of a host name or IP address that two
// spellings of one host share: lower case, without the trailing dot of a
// fully qualified name, and an IPv6 address in its
// shortest form (2001:DB8:10:0:0:0:0:42 and 2001:db8:10::42 are one node).
func CanonicalHost(h string) string {
	// A trailing dot makes a DNS name fully qualified: the same host.
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	if strings.Count(h, ":") >= 2 {
		if a, err := netip.ParseAddr(h); err == nil {
			return a.String()
		}
	}
	return h
}

// URLHost writes a host for a URL: an IPv6 address in brackets.
func URLHost(h string) string {
	if strings.Count(h, ":") >= 2 && !strings.HasPrefix(h, "[") {
		return "[" + h + "]"
	}
	return h
}
