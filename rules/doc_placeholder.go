package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apimlint/apimlint/lint"
)

// DocPlaceholder reports values that still hold a documentation or
// template placeholder.
var DocPlaceholder = register(&lint.Rule{
	ID:       "doc-placeholder",
	Severity: lint.SeverityError,
	Summary:  "a value still holds a documentation or template placeholder",
	Category: "placeholders",
	Fixable:  true,
	Doc: `WSO2's guides write the parts a reader must fill in as placeholders: [control-plane-host],
[api-gateway-LB-host], <unique-gateway-id>, <DB_URL>, <GATEWAY-IP>, xxx.xxx.xxx.xx4. Copied into a
deployment.toml and never replaced, they reach the server as they are: a URL to a host named
"[control-plane-host]" never connects, and every gateway registers as "<unique-gateway-id>".
Unrendered Helm or Jinja templates ({{ .Values.x }}, {{ db_host }}) are reported too.

apimlint looks for bracketed host-like names ([…-host], [hostname], [api-gateway-LB-host-or-ip]),
angle-bracketed names in capitals or with - _ or spaces (<DB_URL>, <unique-gateway-id>,
<host of https endpoint>), IPs written with x digits, and {{ … }}. Values under [secrets] are left
alone: there "[plain text]" in brackets is how the cipher tool is told what to encrypt. Regular
expressions such as [a-zA-Z0-9-] are not placeholders and are not reported.`,
	Example: `gw-1/deployment.toml:12:15: error: service_url "https://[control-plane-host]/services/" still holds the documentation placeholder [control-plane-host] (doc-placeholder)`,
	Fix: `Replace the placeholder with the real value: the host name or load balancer of the node it
names, the database URL, a unique ID per gateway.
apimlint lint --fix writes the host for a load-balancer placeholder ([api-gateway-LB-host]) when the
fleet declares exactly one load balancer of that role; any other placeholder needs a human.`,
	Cost: 20,
	Run:  runDocPlaceholder,
})

var (
	// [control-plane-host], [api-gateway-LB-host-or-ip], [hostname]
	bracketPH = regexp.MustCompile(`\[([A-Za-z][A-Za-z0-9_]*(?:[-_][A-Za-z0-9]+)*)\]`)
	// <DB_URL>, <unique-gateway-id>, <host of https endpoint>
	anglePH = regexp.MustCompile(`<([A-Za-z][A-Za-z0-9_ .-]*[A-Za-z0-9])>`)
	// xxx.xxx.xxx.xx4, x.x.x.x
	xIP = regexp.MustCompile(`(?:^|[^A-Za-z0-9.])([xX]{1,3}\.[xX0-9]{1,3}\.[xX0-9]{1,3}\.[xX0-9]{1,3})(?:$|[^A-Za-z0-9.])`)
	// {{ .Values.x }}, {{ apim_db_host }}
	templatePH = regexp.MustCompile(`\{\{[^{}]*\}\}|\{%[^%]*%\}`)
)

// placeholderWords are the words that make a bracketed name a
// placeholder for something to fill in, not a regex character class.
var placeholderWords = map[string]bool{
	"host": true, "hostname": true, "ip": true, "lb": true, "url": true, "server": true, "address": true,
	"domain": true, "port": true, "node": true, "id": true, "fqdn": true, "dns": true, "endpoint": true,
	"db": true, "database": true, "password": true, "username": true, "user": true, "name": true, "key": true,
}

// htmlTags are angle-bracketed words that are markup, not placeholders.
var htmlTags = map[string]bool{"br": true, "p": true, "b": true, "i": true, "a": true, "div": true, "span": true, "html": true, "body": true}

func isBracketPlaceholder(inner string) bool {
	toks := strings.FieldsFunc(strings.ToLower(inner), func(r rune) bool { return r == '-' || r == '_' })
	for _, t := range toks {
		if placeholderWords[t] {
			return true
		}
	}
	return false
}

func isAnglePlaceholder(inner string) bool {
	if htmlTags[strings.ToLower(inner)] {
		return false
	}
	if strings.ContainsAny(inner, "_- ") {
		return true
	}
	return len(inner) >= 2 && strings.ToUpper(inner) == inner && strings.ToLower(inner) != inner
}

// findDocPlaceholders returns the placeholders in s, in order, each once.
func findDocPlaceholders(s string) []string {
	type hit struct {
		at   int
		text string
	}
	var hits []hit
	// Most values hold none of the characters a placeholder needs: skip
	// the regular expressions for them.
	if !containsAnyASCII(s, "[<{xX") {
		return nil
	}
	for _, m := range matchIf(bracketPH, s, "[") {
		if isBracketPlaceholder(s[m[2]:m[3]]) {
			hits = append(hits, hit{m[0], s[m[0]:m[1]]})
		}
	}
	for _, m := range matchIf(anglePH, s, "<") {
		if isAnglePlaceholder(s[m[2]:m[3]]) {
			hits = append(hits, hit{m[0], s[m[0]:m[1]]})
		}
	}
	for _, m := range matchXIP(s) {
		hits = append(hits, hit{m[2], s[m[2]:m[3]]})
	}
	for _, m := range matchIf(templatePH, s, "{") {
		hits = append(hits, hit{m[0], s[m[0]:m[1]]})
	}
	// order by position, drop repeats
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, h := range hits {
		if !seen[h.text] {
			seen[h.text] = true
			out = append(out, h.text)
		}
	}
	return out
}

func runDocPlaceholder(p *lint.Pass) {
	for _, n := range p.Fleet.Nodes {
		for _, k := range n.Keys {
			if strings.HasPrefix(k.Path, "secrets.") {
				continue
			}
			for _, v := range k.Scalars() {
				if v.Kind != lint.KindString {
					continue
				}
				// The written text, not the resolved one: a placeholder that
				// reaches this value through $ref{} is reported where it is written.
				phs := findDocPlaceholders(v.Str())
				if len(phs) == 0 {
					continue
				}
				what := "documentation placeholder"
				if strings.HasPrefix(phs[0], "{") {
					what = "unrendered template"
				}
				list := phs[0]
				if len(phs) > 1 {
					list = strings.Join(phs, ", ")
					what += "s"
				}
				if k.IsSecret() {
					// The engine scrubs secret values from messages, and here the
					// placeholder may be the whole value: describe it instead.
					list = describePlaceholder(phs[0])
				}
				f := lint.AtValue(n, k, v, "%s %s still holds the %s %s, copied and never replaced; replace it with the real setting",
					k.Path, k.ShowValue(v), what, list)
				if i := strings.Index(v.Raw(), phs[0]); i >= 0 {
					f.Column += i
				}
				if len(phs) == 1 && !k.IsSecret() {
					f.Fixes = placeholderFix(p.Fleet, n, v, phs[0])
				}
				p.Report(f)
			}
		}
	}
}

func describePlaceholder(ph string) string {
	switch ph[0] {
	case '[':
		return "in [brackets]"
	case '<':
		return "in <angle brackets>"
	case '{':
		return "in {{ braces }}"
	}
	return "written with x digits"
}

// matchIf runs re only when s holds one of the characters it needs.
func matchIf(re *regexp.Regexp, s, need string) [][]int {
	if !containsAnyASCII(s, need) {
		return nil
	}
	return re.FindAllStringSubmatchIndex(s, -1)
}

// matchXIP matches xIP only where it can match: it needs an x right
// before a dot, which most values holding an x (proxy, max_...) lack.
func matchXIP(s string) [][]int {
	if !strings.Contains(s, "x.") && !strings.Contains(s, "X.") {
		return nil
	}
	return xIP.FindAllStringSubmatchIndex(s, -1)
}

// containsAnyASCII is strings.ContainsAny for ASCII chars, without
// building a character set on each of the fleet's values.
func containsAnyASCII(s, chars string) bool {
	for i := 0; i < len(chars); i++ {
		if strings.IndexByte(s, chars[i]) >= 0 {
			return true
		}
	}
	return false
}

// placeholderFix replaces a host placeholder that names a role's load
// balancer ([api-gateway-LB-host], <CP_LB_HOST>) with the one load
// balancer of that role the fleet declares; nothing when the fleet does
// not say which host it is.
func placeholderFix(f *lint.Fleet, n *lint.Node, v *lint.Value, ph string) []lint.SuggestedFix {
	var role lint.Role
	lb := false
	for _, t := range lint.HostTokens(strings.Trim(ph, "[]<>{} ")) {
		switch {
		case strings.HasPrefix(t, "@"):
			if role != "" {
				return nil // names two roles
			}
			role = lint.Role(t[1:])
		case t == "lb" || t == "loadbalancer" || t == "balancer":
			lb = true
		}
	}
	if role == "" || !lb || f.Book == nil {
		return nil
	}
	var hosts []string
	for _, c := range f.Book.Clusters() {
		if c.Role == role {
			hosts = append(hosts, c.Host)
		}
	}
	if len(hosts) != 1 {
		return nil
	}
	e, ok := lint.ReplaceValue(n, v, lint.QuoteTOML(strings.Replace(v.Str(), ph, hosts[0], 1)))
	if !ok {
		return nil
	}
	return []lint.SuggestedFix{{Message: fmt.Sprintf("replace %s with the %s load balancer %s", ph, role, hosts[0]), Edits: []lint.TextEdit{e}}}
}
