package placeholder

import (
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/tomldoc"
)

func file(t *testing.T, src string, offset int) File {
	t.Helper()
	doc := tomldoc.Parse("n/deployment.toml", []byte(src), nil)
	if doc.Err != nil {
		t.Fatal(doc.Err)
	}
	by := map[string]*tomldoc.Key{}
	for _, k := range doc.Keys {
		by[k.Path] = k
	}
	return File{Keys: doc.Keys, Get: func(p string) *tomldoc.Key { return by[p] }, Offset: offset}
}

func TestResolve(t *testing.T) {
	f := file(t, `[server]
hostname = "cp-1.example.com"

[apim.event_hub]
service_url = "https://${carbon.host}:${mgt.transport.https.port}/services/"
event_listening_endpoints = ["tcp://$ref{server.hostname}:5672"]
secret = "$secret{hub}"
env = "$env{HUB}"
missing = "$ref{nowhere.key}"
`, 2)
	problems := Resolve(f, Options{Env: map[string]string{"HUB": "from-env"}})
	get := func(p string) *tomldoc.Value { return f.Get(p).Value }
	if got := get("apim.event_hub.service_url").Resolved; got != "https://cp-1.example.com:9445/services/" {
		t.Errorf("service_url resolved to %q", got)
	}
	if got := get("apim.event_hub.event_listening_endpoints").Elems[0].Resolved; got != "tcp://cp-1.example.com:5672" {
		t.Errorf("$ref resolved to %q", got)
	}
	if v := get("apim.event_hub.env"); v.Resolved != "from-env" || v.Symbolic {
		t.Errorf("$env: %+v", v)
	}
	if v := get("apim.event_hub.secret"); !v.Symbolic {
		t.Errorf("$secret is not symbolic: %+v", v)
	}
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.Key.Path+": "+p.Message)
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "apim.event_hub.missing: $ref{nowhere.key} refers to nowhere.key") ||
		!strings.Contains(all, `alias "hub" is not defined under [secrets]`) || len(problems) != 2 {
		t.Errorf("problems:\n%s", all)
	}
}

func TestPeekLeavesNoProblemBehind(t *testing.T) {
	f := file(t, "[server]\noffset = \"$ref{base.offset}\"\n[base]\noffset = 3\n", 0)
	Peek(f, f.Get("server.offset"))
	if v := f.Get("server.offset").Value; v.Resolved != "3" || v.Resolution != tomldoc.Unresolved {
		t.Errorf("after Peek: %q %v", v.Resolved, v.Resolution)
	}
	if len(Resolve(f, Options{})) != 0 {
		t.Error("a good $ref reported")
	}
}
