package placeholder

import (
	"fmt"
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
	if got := get("apim.event_hub.service_url").Resolved(); got != "https://cp-1.example.com:9445/services/" {
		t.Errorf("service_url resolved to %q", got)
	}
	if got := get("apim.event_hub.event_listening_endpoints").Elems()[0].Resolved(); got != "tcp://cp-1.example.com:5672" {
		t.Errorf("$ref resolved to %q", got)
	}
	if v := get("apim.event_hub.env"); v.Resolved() != "from-env" || v.Symbolic {
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
	if v := f.Get("server.offset").Value; v.Resolved() != "3" || v.Resolution != tomldoc.Unresolved {
		t.Errorf("after Peek: %q %v", v.Resolved(), v.Resolution)
	}
	if len(Resolve(f, Options{})) != 0 {
		t.Error("a good $ref reported")
	}
}

// TestResolveBoundsExpansion: $ref{}s that double each line stay
// unresolved beyond MaxResolved, with a problem, instead of allocating
// gigabytes (issue 13, item 5).
func TestResolveBoundsExpansion(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("[x]\nk0 = \"abcdefgh\"\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&sb, "k%d = \"$ref{x.k%d}$ref{x.k%d}\"\n", i, i-1, i-1)
	}
	f := parseFile(t, sb.String())
	problems := Resolve(f, Options{})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "more than") || problems[0].Key.Path != "x.k14" {
		t.Fatalf("problems = %+v, want one about x.k14 growing too long", problems)
	}
	for _, k := range f.Keys {
		if len(k.Value.Resolved()) > MaxResolved {
			t.Errorf("%s resolved to %d bytes", k.Path, len(k.Value.Resolved()))
		}
	}
	if got := f.Get("x.k13").Value.Resolved(); len(got) != 8<<13 {
		t.Errorf("x.k13 resolved to %d bytes, want %d", len(got), 8<<13)
	}
}

// TestHostnameOfItself: hostname = "${carbon.host}" × 5000 names itself;
// it must not substitute its own text 5000 times.
func TestHostnameOfItself(t *testing.T) {
	f := parseFile(t, "[server]\nhostname = \""+strings.Repeat("${carbon.host}", 5000)+"\"\n")
	Resolve(f, Options{})
	if v := f.Get("server.hostname").Value; len(v.Resolved()) > max(MaxResolved, len(v.Str())) {
		got := len(v.Resolved())
		t.Fatalf("hostname resolved to %d bytes", got)
	}
}

// FuzzResolve: whatever the file, no value resolves to more than
// MaxResolved bytes or its own length.
func FuzzResolve(f *testing.F) {
	f.Add("[x]\na = \"ab\"\nb = \"$ref{x.a}$ref{x.a}\"\nc = \"$ref{x.b}$ref{x.b}$ref{x.b}\"\n")
	f.Add("[server]\nhostname = \"${carbon.host}${carbon.host}\"\n[y]\nu = \"https://${carbon.host}:${mgt.transport.https.port}/\"\n")
	f.Add("[super_admin]\npassword = \"$ref{super_admin.username}$ref{super_admin.username}\"\n")
	f.Add("a = \"$env{X}$sys{Y}$secret{z}$ref{a}\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		file := parseFile(t, src)
		Resolve(file, Options{Env: map[string]string{"X": strings.Repeat("e", 1000)}})
		for _, k := range file.Keys {
			for _, v := range k.Scalars() {
				if len(v.Resolved()) > max(MaxResolved, len(v.Str())) {
					t.Fatalf("%s resolved to %d bytes (written %d)", k.Path, len(v.Resolved()), len(v.Str()))
				}
			}
		}
	})
}

// parseFile parses src, keeping what precedes a syntax error.
func parseFile(t *testing.T, src string) File {
	t.Helper()
	doc := tomldoc.Parse("n/deployment.toml", []byte(src), nil)
	by := map[string]*tomldoc.Key{}
	for _, k := range doc.Keys {
		by[k.Path] = k
	}
	return File{Keys: doc.Keys, Get: func(p string) *tomldoc.Key { return by[p] }}
}
