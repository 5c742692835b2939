package effective

import (
	"encoding/json"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
)

func TestOf(t *testing.T) {
	fsys := fstest.MapFS{
		".apimlint.toml":        {Data: []byte("[fleet]\nversion = \"4.4.0\"\n\n[[node]]\npath = \"gw-47\"\nversion = \"4.7.0\"\n")},
		"gw-1/deployment.toml":  {Data: []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\nserver_role = \"gateway-worker\"\n\n[apim.event_hub]\nenable = false\n")},
		"gw-47/deployment.toml": {Data: []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw-47\"\n")},
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*lint.Node{}
	for _, n := range f.Nodes {
		by[n.Name] = n
	}
	cases := []struct {
		node, key, source, text string
	}{
		{"gw-1", "apim.event_hub.enable", Explicit, "false"},
		{"gw-1", "apim.throttling.enable_policy_deploy", Inferred, "false"}, // server_role = gateway-worker
		{"gw-1", `system.parameter."org.wso2.CipherTransformation"`, Default, "RSA/ECB/OAEPwithSHA1andMGF1Padding"},
		{"gw-47", `system.parameter."org.wso2.CipherTransformation"`, Default, "AES/GCM/NoPadding"},
		{"gw-47", "apim.no_such_key", None, ""},
	}
	for _, c := range cases {
		v := Of(f, by[c.node], c.key)
		if v.Source != c.source || v.Text() != c.text {
			t.Errorf("%s %s = %q (%s), want %q (%s)", c.node, c.key, v.Text(), v.Source, c.text, c.source)
		}
	}
	if v := Of(f, by["gw-47"], `system.parameter."org.wso2.CipherTransformation"`); v.From != "4.7.0" {
		t.Errorf("default from %q, want 4.7.0", v.From)
	}
	if (Value{Value: json.Number("9443")}).Text() != "9443" {
		t.Error("Text of a number")
	}
}
