package wso2

import (
	"strings"
	"testing"
)

// TestEndpointAtAfterHost: an '@' in the path or query is not user
// information; the secret after it never becomes the host (issue 13,
// item 1).
func TestEndpointAtAfterHost(t *testing.T) {
	cases := []struct {
		url, host string
		port      int
		secret    string
	}{
		{"jdbc:mysql://h:3306/db?user=apimadmin@apimdb&password=S3cret", "h", 3306, "S3cret"},
		{"https://km:9443/services/?tenant=ops@corp&token=T0ken", "km", 9443, "T0ken"},
		{"https://admin:p@ssw0rd@cp:9443/services/", "cp", 9443, "ssw0rd"},
		{"https://admin:p@ss/w0rd@cp:9443/services/", "cp", 9443, "w0rd"},
		{"tcp://admin:Zz/Secret9@tm-1:5672", "tm-1", 5672, "Secret9"},
		{"jdbc:sqlserver://mssql:1433;user=sa;password=P@ssW0rd", "mssql", 1433, "ssW0rd"},
		{"jdbc:mysql://db/apim?user=a@b&password=Hunter22", "db", 0, "Hunter22"},
		{"https://cp:9443/oauth2/token?client_secret=Cl1entS3cret@x", "cp", 9443, "Cl1entS3cret"},
	}
	for _, c := range cases {
		e, err := ParseEndpoint(c.url)
		if err != nil {
			t.Errorf("ParseEndpoint(%q): %v", c.url, err)
			continue
		}
		if e.Host != c.host || (c.port != 0 && e.Port != c.port) {
			t.Errorf("ParseEndpoint(%q) = host %q port %d, want %q %d", c.url, e.Host, e.Port, c.host, c.port)
		}
		if !HasURLPassword(c.url) {
			t.Errorf("HasURLPassword(%q) = false", c.url)
		}
		if r := RedactURL(c.url); strings.Contains(r, c.secret) {
			t.Errorf("RedactURL(%q) = %q", c.url, r)
		}
	}
	// A "host" that only a misparse could give is an error that does not
	// quote it.
	for _, u := range []string{"https://h&password=Secr3tX:9443/", "tcp://a=Secr3tX"} {
		if e, err := ParseEndpoint(u); err == nil || strings.Contains(err.Error(), "Secr3tX") {
			t.Errorf("ParseEndpoint(%q) = %+v, %v", u, e, err)
		}
	}
}

// FuzzParseEndpoint: no secret-shaped part of a URL reaches the host: not
// the password of its user information, not the value of a secret
// parameter, and the host never holds a byte that separates them.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{
		"https", "jdbc:mysql", "tcp", "jdbc:sqlserver",
	} {
		f.Add(s, "admin", "p@ss/w0rd", "host", "9443", "/services/?tenant=ops@corp&token=T0ken")
	}
	f.Add("amqp", "admin", "admin", "clientID", "", "/carbon?brokerlist='tcp://localhost:5675'")
	f.Add("https", "u", "a#b?c;d", "km", "9443", "")
	f.Add("jdbc:mysql", "", "", "h", "3306", "/db?user=apimadmin@apimdb&password=S3cret")
	f.Fuzz(func(t *testing.T, scheme, user, password, host, port, tail string) {
		check := func(url string, e Endpoint) {
			if strings.ContainsAny(e.Host, notInHost) {
				t.Fatalf("ParseEndpoint(%q): host %q holds a separator", url, e.Host)
			}
		}
		// Any string at all.
		raw := scheme + "://" + user + ":" + password + "@" + host + ":" + port + tail
		if e, err := ParseEndpoint(raw); err == nil {
			check(raw, e)
		}
		if end, ok := urlUserinfo(raw); ok && (end < 0 || end >= len(raw) || raw[end] != '@') {
			t.Fatalf("urlUserinfo(%q) = %d", raw, end)
		}
		// A well-formed URL whose password is secret-shaped (long enough
		// to be one, and not itself ambiguous with a port or a second
		// authority: an '@' followed by a separator could be either).
		if !plainToken(scheme, "+.:-") || !plainToken(user, "-._") || !plainToken(host, "-.") || len(host) == 0 ||
			!isPortText(port) || strings.ContainsAny(port, "{}$") || len(password) < 6 || strings.ContainsAny(password, "{}[] \t\r\n") ||
			ambiguousPassword(password) || strings.ContainsAny(tail, "@") || tail != "" && !strings.ContainsAny(tail[:1], "/?#;") {
			return
		}
		url := scheme + "://" + user + ":" + password + "@" + host
		if port != "" {
			url += ":" + port
		}
		url += tail
		e, err := ParseEndpoint(url)
		end, ok := urlUserinfo(url)
		if !ok || url[:end] != scheme+"://"+user+":"+password {
			t.Fatalf("urlUserinfo(%q) = %d, %v: want the user information %q", url, end, ok, user+":"+password)
		}
		if strings.Contains(RedactURL(url), password) && !strings.Contains(scheme+user+host+port+tail, password) {
			t.Fatalf("RedactURL(%q) = %q", url, RedactURL(url))
		}
		if err != nil {
			if strings.Contains(err.Error(), password) {
				t.Fatalf("ParseEndpoint(%q): error quotes the password: %v", url, err)
			}
			return
		}
		check(url, e)
		if e.Host != strings.ToLower(host) {
			t.Fatalf("ParseEndpoint(%q) host = %q, want %q", url, e.Host, strings.ToLower(host))
		}
	})
}

func plainToken(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return s != ""
}

// ambiguousPassword: a password that begins with a port's digits and
// goes on after a separator (1234/x), or holds an '@' followed later by a
// separator (p@s/s), reads as well as host:port/path or user:p@host/path:
// no parser can tell which was meant.
func ambiguousPassword(p string) bool {
	if d := strings.IndexAny(p, "/?#;"); d >= 0 && isPortText(p[:d]) {
		return true
	}
	if at := strings.IndexByte(p, '@'); at >= 0 && strings.ContainsAny(p[at:], "/?#;") {
		return true
	}
	return strings.ContainsAny(p, "@") && strings.HasSuffix(p, "@")
}
