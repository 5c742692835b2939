package lint

import (
	"fmt"
	"strings"
	"testing"
)

func node(t *testing.T, src string) *Node {
	t.Helper()
	return NewNode("n", "n/deployment.toml", []byte(src), nil, ResolveOptions{})
}

func TestKeyPathsAndPositions(t *testing.T) {
	n := node(t, `[server]
hostname = "gw-1"

[transport.https]
properties.port = 9443

[transport.http.properties]
port = 9763

[[event_listener]]
id = "token_revocation"

[event_listener.properties]
'header.X-WSO2-KEY-MANAGER' = "default"

[[event_listener]]
id = "second"

[apim.throttling]
throttle_decision_endpoints = ["tcp://tm-1:5672", "tcp://tm-2:5672"]
inline = { a = 1, b.c = "x" }
`)
	if n.SyntaxError != nil {
		t.Fatal(n.SyntaxError)
	}
	cases := []struct {
		path      string
		line, col int // of the value
		text      string
		inArray   bool
	}{
		{"server.hostname", 2, 12, "gw-1", false},
		{"transport.https.properties.port", 5, 19, "9443", false},
		{"transport.http.properties.port", 8, 8, "9763", false},
		{"event_listener[0].id", 11, 6, "token_revocation", true},
		{`event_listener[0].properties."header.X-WSO2-KEY-MANAGER"`, 14, 31, "default", true},
		{"event_listener[1].id", 17, 6, "second", true},
		{"apim.throttling.inline.a", 21, 16, "1", false},
		{"apim.throttling.inline.b.c", 21, 25, "x", false},
	}
	for _, c := range cases {
		k := n.Get(c.path)
		if k == nil {
			var have []string
			for _, k := range n.Keys {
				have = append(have, k.Path)
			}
			t.Fatalf("no key %s; have %s", c.path, strings.Join(have, ", "))
		}
		if k.Value.Pos().Line != c.line || k.Value.Pos().Column != c.col {
			t.Errorf("%s at %d:%d, want %d:%d", c.path, k.Value.Pos().Line, k.Value.Pos().Column, c.line, c.col)
		}
		if got := k.Value.Text(); got != c.text {
			t.Errorf("%s = %q, want %q", c.path, got, c.text)
		}
		if k.InArrayTable != c.inArray {
			t.Errorf("%s InArrayTable = %v", c.path, k.InArrayTable)
		}
	}
	tde := n.Get("apim.throttling.throttle_decision_endpoints").Value
	if len(tde.Elems()) != 2 || tde.Elems()[1].Pos().Column != 51 || tde.Pos().Column != 31 {
		t.Errorf("array positions: array at %v, second element at %v", tde.Pos(), tde.Elems()[1].Pos())
	}
	if got := n.ArrayLen("event_listener"); got != 2 {
		t.Errorf("ArrayLen(event_listener) = %d", got)
	}
	if tb := n.Table("transport.https"); tb == nil || tb.Pos().Line != 4 || tb.Pos().Column != 1 {
		t.Errorf("table transport.https at %+v", tb)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"[a]\nx = 1\n[a]\n", 3, 1, "table a is already defined at line 1"},
		{"[a]\nx = 1\nx = 2\n", 3, 1, "duplicate key a.x: previously defined at line 2"},
		{"a = 1\n[a]\n", 2, 1, "key a is already a value"},
		{"[[a]]\n[a]\n", 2, 1, "already an array of tables"},
		{"x = \"unterminated\n", 1, 18, "basic strings cannot have new lines"},
		{"[a]\nb = { c = 1 }\n[a.b]\n", 3, 1, "already defined"},
		{"\x00\x01\x02", 1, 1, ""},
	}
	for _, c := range cases {
		n := node(t, c.src)
		if n.SyntaxError == nil {
			t.Errorf("%q: no syntax error", c.src)
			continue
		}
		e := n.SyntaxError
		if e.Pos.Line != c.line || (c.col != 0 && e.Pos.Column != c.col) || !strings.Contains(e.Message, c.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", c.src, e.Pos.Line, e.Pos.Column, e.Message, c.line, c.col, c.msg)
		}
		if len(n.Diagnostics) == 0 || n.Diagnostics[0].Rule != RuleTOMLSyntax {
			t.Errorf("%q: no toml-syntax diagnostic", c.src)
		}
	}
}

func TestPlaceholderResolution(t *testing.T) {
	n := NewNode("gw", "gw/deployment.toml", []byte(`[server]
hostname = "gw.example.com"
offset = 3

[super_admin]
username = "ops"
password = "$env{ADMIN_PW}"

[apim.event_hub]
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://${carbon.host}:${mgt.transport.https.port}/services/"
nio = "${http.nio.port}/${https.nio.port}/${mgt.transport.http.port}"
unknown = "${some.prop}"
default_ref = "$ref{keystore.tls.password}"
env = "$env{KNOWN}"
chain = "$ref{apim.event_hub.username}-x"
`), nil, ResolveOptions{Env: map[string]string{"KNOWN": "k"}})
	want := map[string]struct {
		text     string
		symbolic bool
	}{
		"apim.event_hub.username":    {"ops", false},
		"apim.event_hub.password":    {"$env{ADMIN_PW}", true},
		"apim.event_hub.service_url": {"https://gw.example.com:9446/services/", false},
		"apim.event_hub.nio":         {"8283/8246/9766", false},
		"apim.event_hub.unknown":     {"${some.prop}", true},
		"apim.event_hub.default_ref": {"wso2carbon", false},
		"apim.event_hub.env":         {"k", false},
		"apim.event_hub.chain":       {"ops-x", false},
	}
	for path, w := range want {
		v := n.Value(path)
		if v.Text() != w.text || v.Symbolic != w.symbolic {
			t.Errorf("%s = %q (symbolic %v), want %q (%v)", path, v.Text(), v.Symbolic, w.text, w.symbolic)
		}
	}
	if len(n.Diagnostics) != 0 {
		t.Errorf("unexpected diagnostics: %+v", n.Diagnostics)
	}
}

func TestPlaceholderCyclesNeverHang(t *testing.T) {
	n := node(t, `[a]
x = "$ref{a.y}"
y = "$ref{a.z}"
z = "$ref{a.x}"
self = "$ref{a.self}"
`)
	if len(n.Diagnostics) < 2 {
		t.Fatalf("want cycle diagnostics, got %+v", n.Diagnostics)
	}
	for _, d := range n.Diagnostics {
		if d.Rule == RuleRoleUnknown {
			continue
		}
		if d.Rule != RuleUnresolvedPlaceholder || !strings.Contains(d.Message, "cycle") {
			t.Errorf("unexpected diagnostic %+v", d)
		}
	}
}

func TestScanPlaceholders(t *testing.T) {
	got := ScanPlaceholders("a $ref{x.y} b ${p} $env{E}$sys{s} $secret{k} $conf{c} $ $unknown{u} ${unterminated")
	var kinds []string
	for _, p := range got {
		kinds = append(kinds, p.Kind.String()+":"+p.Name)
	}
	want := "$ref:x.y ${}:p $env:E $sys:s $secret:k $conf:c"
	if strings.Join(kinds, " ") != want {
		t.Errorf("got %v, want %s", kinds, want)
	}
}

func TestParseEndpoint(t *testing.T) {
	cases := []struct {
		in       string
		host     string
		port     int
		dflt     bool
		symbolic bool
		err      bool
	}{
		{"tcp://apim-cp-1:5672", "apim-cp-1", 5672, false, false, false},
		{"https://api.am.wso2.com/services/", "api.am.wso2.com", 443, true, false, false},
		{"https://[control-plane-LB-host]/services/", "[control-plane-lb-host]", 443, true, false, false},
		{"ws://[api-gateway-host]:9099", "[api-gateway-host]", 9099, false, false, false},
		{"https://[::1]:9443/x", "::1", 9443, false, false, false},
		{"https://cp:${mgt.transport.https.port}/services/", "cp", 0, false, true, false},
		{"tcp://$env{CP_HOST}:5672", "$env{cp_host}", 5672, false, true, false},
		{"jdbc:mysql://db.wso2.com:3306/apim_db?useSSL=false", "db.wso2.com", 3306, false, false, false},
		{"tcp://host:99999", "", 0, false, false, true},
		{"not a url", "", 0, false, false, true},
		{"tcp://:5672", "", 0, false, false, true},
	}
	for _, c := range cases {
		e, err := ParseEndpoint(c.in)
		if (err != nil) != c.err {
			t.Errorf("%s: err = %v", c.in, err)
			continue
		}
		if c.err {
			continue
		}
		if e.Host != c.host || e.Port != c.port || e.DefaultPort != c.dflt || e.Symbolic != c.symbolic {
			t.Errorf("%s: got %+v", c.in, e)
		}
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	n := node(t, `[super_admin]
username = "admin"
password = "Sup3r-S3cret!"
[apim.event_hub]
password = "$ref{super_admin.password}"
[keystore.tls]
password = "$secret{ks}"
[secrets]
ks = "cipher"
`)
	if s := n.Get("super_admin.password").Show(); strings.Contains(s, "Sup3r") || !strings.Contains(s, "****") {
		t.Errorf("password shown as %s", s)
	}
	// A reference shows where the secret comes from, never what it resolves to.
	if s := n.Get("apim.event_hub.password").Show(); strings.Contains(s, "Sup3r") {
		t.Errorf("reference shown as %s", s)
	}
	if s := n.Get("keystore.tls.password").Show(); s != `"$secret{ks}"` {
		t.Errorf("a $secret{} reference names no secret and can be shown; got %s", s)
	}
	if s := n.Get("super_admin.username").Show(); s != `"admin"` {
		t.Errorf("username shown as %s", s)
	}
	if got := scrub("password Sup3r-S3cret! leaked; super_admin kept", []string{"Sup3r-S3cret!", "admin"}); strings.Contains(got, "Sup3r") || !strings.Contains(got, "super_admin") {
		t.Errorf("scrub = %q", got)
	}
}

func TestByteOrderMark(t *testing.T) {
	n := node(t, "\xef\xbb\xbf[server]\nhostname = \"gw-1\"\n")
	if n.SyntaxError != nil {
		t.Fatal(n.SyntaxError)
	}
	if k := n.Get("server.hostname"); k == nil || k.Value.Pos().Line != 2 || k.Value.Pos().Column != 12 {
		t.Errorf("server.hostname at %+v", k)
	}
	if tb := n.Table("server"); tb == nil || tb.Pos().Column != 1 {
		t.Errorf("table at %+v", tb)
	}
}

func TestPlaceholderPositions(t *testing.T) {
	n := node(t, "[a]\nm = \"\"\"\nfoo $ref{nope.x}\"\"\"\nb = \"$ref{c.d} and $ref{nope.y} and $ref{nope.y}\"\n[c]\nd = \"x\"\n")
	var got []string
	for _, d := range n.Diagnostics {
		if d.Rule == RuleUnresolvedPlaceholder {
			got = append(got, fmt.Sprintf("%d:%d", d.Line, d.Column))
		}
	}
	if want := "3:5 4:20 4:37"; strings.Join(got, " ") != want {
		t.Errorf("placeholder findings at %v, want %s", got, want)
	}
}
