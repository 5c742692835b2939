package schema

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"github.com/apimlint/apimlint/wso2"
)

func TestSplitPath(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"server.hostname", "server|hostname"},
		{"apim.throttling.url_group[1].traffic_manager_urls", "apim|throttling|url_group[1]|traffic_manager_urls"},
		{`event_listener[0].properties."header.X-WSO2-KEY-MANAGER"`, "event_listener[0]|properties|header.X-WSO2-KEY-MANAGER"},
		{`a."b\"c".d`, `a|b"c|d`},
		{"a[0].b[2].c", "a[0]|b[2]|c"},
		{`"unterminated`, "unterminated"},
		{"", ""},
	} {
		var parts []string
		for _, s := range splitPath(tc.in) {
			p := s.Name
			if s.Idx >= 0 {
				p += fmt.Sprintf("[%d]", s.Idx)
			}
			parts = append(parts, p)
		}
		if got := strings.Join(parts, "|"); got != tc.want {
			t.Errorf("splitPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	known := []string{"event_listening_endpoints", "event_duplicate_url", "enable", "service_url", "username", "password"}
	for _, tc := range []struct{ in, want string }{
		{"event_listning_endpoints", "event_listening_endpoints"},
		{"event_listening_endpoint", "event_listening_endpoints"},
		{"enabled", "enable"},
		{"servcie_url", "service_url"}, // transposition
		{"usernmae", "username"},
		{"url", ""},
		{"weight", ""},
	} {
		if got := suggest(tc.in, known); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCompiledAgreesWithCUE holds the compiled validator to CUE itself:
// for every leaf of every role's schema and a set of values, the compiled
// check must accept exactly what CUE accepts, given WSO2's reading of
// strings as numbers and booleans (and of numbers and booleans as text).
func TestCompiledAgreesWithCUE(t *testing.T) {
	s, err := Compile(BuiltinSources()) // Builtin's has no CUE values to compare with

	if err != nil {
		t.Fatal(err)
	}
	samples := []datum{
		{k: kString, s: "tcp://cp-1:5672"}, {k: kString, s: "ssl://tm-1:9711"}, {k: kString, s: "http://tm-1:5672"},
		{k: kString, s: "tcp://tm-1:96110"}, {k: kString, s: "https://[api-gateway-host]:9443/services/"},
		{k: kString, s: "https://gw.example.com"}, {k: kString, s: "wss://gw-1:8099"}, {k: kString, s: "ws://gw-1:99999"},
		{k: kString, s: "jdbc:mysql://db:3306/apim"}, {k: kString, s: "mysql"}, {k: kString, s: "maria"},
		{k: kString, s: "JKS"}, {k: kString, s: "pkcs12"}, {k: kString, s: "hybrid"}, {k: kString, s: "3306"},
		{k: kString, s: "-1"}, {k: kString, s: "70000"}, {k: kString, s: "true"}, {k: kString, s: "FALSE"}, {k: kString, s: "yes"},
		{k: kString, s: "15 m"}, {k: kString, s: "2.5"}, {k: kString, s: "{tcp://a:9611,tcp://b:9611}"},
		{k: kInt, i: 0}, {k: kInt, i: 9443}, {k: kInt, i: 65536}, {k: kInt, i: -3},
		{k: kFloat, f: 2.0}, {k: kFloat, f: 0.5}, {k: kBool, b: true}, {k: kBool, b: false},
		{k: kList, elems: []datum{{k: kString, s: "tcp://cp-1:5672"}}},
		{k: kList, elems: []datum{{k: kString, s: "Default"}, {k: kString, s: "http://x"}}},
		{k: kList, elems: []datum{{k: kInt, i: 3}}},
		{k: kList},
	}
	leaves := 0
	seen := map[string]bool{} // the same constraint under many keys is compared once
	for _, role := range []wso2.Role{wso2.RoleControlPlane, wso2.RoleGateway, wso2.RoleTrafficManager, wso2.RoleKeyManager, wso2.RoleAllInOne} {
		walkLeaves(s.roles[role], string(role), func(path string, n *tnode) {
			leaves++
			text := fmt.Sprint(n.src) + n.leaf.describe()
			if seen[text] {
				return
			}
			seen[text] = true
			for i := range samples {
				d := samples[i]
				got, _ := n.leaf.check(&d)
				want := cueAccepts(s, n.src, d)
				if got != want {
					t.Errorf("%s: value %s (kind %d): compiled says %v, CUE says %v (constraint %v)", path, d.goValue(), d.k, got, want, n.src)
				}
			}
		})
	}
	if leaves < 300 {
		t.Errorf("only %d leaves compared; the schemas should have hundreds", leaves)
	}
}

func walkLeaves(n *tnode, path string, fn func(string, *tnode)) {
	switch {
	case n.leaf != nil:
		fn(path, n)
	case n.isList:
		walkLeaves(n.elem, path+"[]", fn)
	case n.isStruct:
		for _, name := range n.names {
			walkLeaves(n.fields[name].node, path+"."+name, fn)
		}
		if n.pattern != nil {
			walkLeaves(n.pattern, path+".*", fn)
		}
	}
}

// cueAccepts asks CUE whether any reading of d satisfies v.
func cueAccepts(s *Schema, v cue.Value, d datum) bool {
	cands := d.coerced()
	if d.k&(kInt|kFloat|kBool) != 0 {
		cands = append(cands, datum{k: kString, s: d.text()})
	}
	if d.k == kList {
		// Elements are read the same way: as text, or as what they hold.
		asText := datum{k: kList}
		asValue := datum{k: kList}
		for _, e := range d.elems {
			asText.elems = append(asText.elems, datum{k: kString, s: e.text()})
			c := e.coerced()
			asValue.elems = append(asValue.elems, c[len(c)-1])
		}
		cands = append(cands, asText, asValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cands {
		if v.Unify(s.ctx.Encode(c.goValue())).Validate(cue.Concrete(true)) == nil {
			return true
		}
	}
	return false
}

// TestEveryLeafCompiles makes sure the built-in schemas need no CUE
// evaluation at validation time: every leaf compiles to Go checks.
func TestEveryLeafCompiles(t *testing.T) {
	s, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	var visit func(c *constraint, path string)
	visit = func(c *constraint, path string) {
		if c.op == cCUE || c.op == cBottom {
			left = append(left, fmt.Sprintf("%s: %v", path, c.cue))
		}
		for _, a := range c.args {
			visit(a, path)
		}
		if c.elem != nil {
			visit(c.elem, path)
		}
	}
	walkLeaves(s.roles[wso2.RoleAllInOne], "#AllInOne", func(p string, n *tnode) { visit(n.leaf, p) })
	sort.Strings(left)
	if len(left) > 0 {
		t.Errorf("constraints left to CUE:\n%s", strings.Join(left, "\n"))
	}
}

// TestFallbackToCUE covers constraints the compiler does not know, as a
// policy may write them: CUE decides, with WSO2's string reading.
func TestFallbackToCUE(t *testing.T) {
	s, err := Compile(append(BuiltinSources(), Source{Name: "policy.cue", Data: []byte(`
import "strings"
#Gateway: apim: gateway_notification: gateway_id: strings.HasPrefix("gw-")
#Gateway: server: offset: strings.MinRunes(1) | <100
`)}))
	if err != nil {
		t.Fatal(err)
	}
	gw := s.roles[wso2.RoleGateway]
	id := gw.fields["apim"].node.fields["gateway_notification"].node.fields["gateway_id"].node.leaf
	for _, tc := range []struct {
		v    string
		want bool
	}{{"gw-1", true}, {"gateway_00", false}} {
		d := datum{k: kString, s: tc.v}
		if got, _ := id.check(&d); got != tc.want {
			t.Errorf("gateway_id %q: got %v, want %v", tc.v, got, tc.want)
		}
	}
	if !strings.Contains(id.describe(), "HasPrefix") {
		t.Errorf("fallback description %q does not show the CUE constraint", id.describe())
	}
}
