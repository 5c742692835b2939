package jinja

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func keysOf(t *testing.T, src string) map[string]int {
	t.Helper()
	refs, err := Keys(src)
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	out := map[string]int{}
	for _, r := range refs {
		out[r.Key] = r.Line
	}
	return out
}

func TestKeys(t *testing.T) {
	cases := []struct {
		name, src string
		want      map[string]int
	}{
		{"plain reads", "<a>{{apim.key_manager.service_url}}</a>\n{% if server.offset is defined %}x{% endif %}",
			map[string]int{"apim.key_manager.service_url": 1, "server.offset": 2}},
		{"array of tables", "{% for env in apim.gateway.environment %}\n{{env.name}} {{ env['display_name'] }}{% endfor %}",
			map[string]int{"apim.gateway.environment": 1, "apim.gateway.environment[].name": 2, "apim.gateway.environment[].display_name": 2}},
		{"open map", "{% for k,v in transport.http.properties.items() %}{{k}}={{v}}{% endfor %}",
			map[string]int{"transport.http.properties": 1, "transport.http.properties.*": 1}},
		{"nested loops", "{% for e in a.list %}{% for k, v in e.properties.items() %}{{v.x}}{% endfor %}{% endfor %}",
			map[string]int{"a.list": 1, "a.list[].properties": 1, "a.list[].properties.*": 1, "a.list[].properties.*.x": 1}},
		{"set alias and split", "{% set cfg = client_cert or {} %}{{cfg.enable}}{% for m in members %}{% set s = m.split(':') %}{{s[0]}}{% endfor %}",
			map[string]int{"client_cert": 1, "client_cert.enable": 1, "members": 1}},
		{"macro param indexes a table", "{% macro get(key) %}{{ server_configuration[key] }}{{ t['a']['b'] }}{% endmacro %}{{ get('x') }}",
			map[string]int{"server_configuration.*": 1, "t.a.b": 1}},
		{"filters, tests, jinjava operators, loop", "{% for p in a.b %}{{ p | default('x') }}{{ \",\" if not loop.last }}{% endfor %}\n{% if !c.d || e.f is sameas true && g.h|length > 0 %}{{ i.j.toList() }}{% endif %}",
			map[string]int{"a.b": 1, "c.d": 2, "e.f": 2, "g.h": 2, "i.j": 2}},
		{"quoted segments and comments", "{# {{ not.read }} #}{{ l['header.X-KEY'] }}\n{%- if x.y -%}{%+ endif %}",
			map[string]int{`l."header.X-KEY"`: 1, "x.y": 2}},
		{"stray endif tolerated", "{% endif %}{{a.b}}", map[string]int{"a.b": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, keysOf(t, c.src)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeysErrors(t *testing.T) {
	for _, src := range []string{"{{ a.b ", "{% for x in y %}", "{% endfor %}", "{% include 'x' %}", "{{ 'open }}", "{# never"} {
		if _, err := Keys(src); err == nil {
			t.Errorf("Keys(%q): no error", src)
		}
	}
}

// TestEveryStoredTemplate reads every .j2 file of WSO2's metadata: each
// must tokenize and yield keys, and a few known reads must be found.
func TestEveryStoredTemplate(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "wso2-metadata")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("WSO2 metadata not found at %s: %v", root, err)
	}
	all := map[string]bool{}
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".j2") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		refs, err := Keys(string(data))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if len(refs) == 0 && strings.Contains(string(data), "{{") {
			t.Errorf("%s: reads no key", p)
		}
		for _, r := range refs {
			all[r.Key] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 200 {
		t.Fatalf("read %d templates, want the 204 stored", n)
	}
	for _, k := range []string{"apim.gateway.environment[].name", "transport.http.properties.*", "apim.key_manager.service_url",
		"apim.event_hub.event_listening_endpoints", "database.apim_db.pool_options.*"} {
		if !all[k] {
			t.Errorf("no template reads %s", k)
		}
	}
}
