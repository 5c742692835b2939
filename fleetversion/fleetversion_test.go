package fleetversion

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/catalog"
	"github.com/apimlint/apimlint/lint"
)

func load(t *testing.T, files map[string]string) *lint.Fleet {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func node(t *testing.T, f *lint.Fleet, name string) *lint.Node {
	t.Helper()
	for _, n := range f.Nodes {
		if n.Name == name {
			return n
		}
	}
	t.Fatalf("no node %s", name)
	return nil
}

func TestDeclared(t *testing.T) {
	f := load(t, map[string]string{
		".apimlint.toml":       "[fleet]\nversion = \"4.6.0\"\n\n[[node]]\npath = \"gw-2\"\nversion = \"v4.7.0\"\n\n[[node]]\npath = \"tm-1\"\nversion = \"5.0.0\"\n",
		"gw-1/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\n",
		"gw-2/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-2\"\n",
		"tm-1/deployment.toml": "# apimlint: role=traffic-manager\n[server]\nhostname = \"tm-1\"\n",
	})
	if v := For(f, node(t, f, "gw-1")); v.String() != "4.6.0" || v.Source != SourceFleet || !slices.Equal(v.Dists, []string{catalog.DistGateway}) {
		t.Errorf("gw-1: %+v", v)
	}
	if v := For(f, node(t, f, "gw-2")); v.String() != "4.7.0" || v.Source != SourceNode {
		t.Errorf("gw-2: %+v", v)
	}
	v := For(f, node(t, f, "tm-1"))
	if len(v.Candidates) != 0 || v.CheckSets() != nil || !strings.Contains(v.Why, "not in the catalogue") && !strings.Contains(v.Why, "knows only") {
		t.Errorf("tm-1 (5.0.0, not in the catalogue): %+v", v)
	}
}

func TestInferred(t *testing.T) {
	f := load(t, map[string]string{
		// Read only by 4.4.0+ (apim.transaction_counter) and by 4.6.0+.
		"cp-1/deployment.toml": "# apimlint: role=control-plane\n[server]\nhostname = \"cp-1\"\n\n[apim.transaction_counter]\nenable = true\n\n[apim.devportal]\nmode = \"hybrid\"\n",
		// Read only up to 4.3.0.
		"cp-2/deployment.toml": "# apimlint: role=control-plane\n[server]\nhostname = \"cp-2\"\n\n[integration.transaction_counter]\nenable = true\n",
		// Nothing tells.
		"tm-1/deployment.toml": "# apimlint: role=traffic-manager\n[server]\nhostname = \"tm-1\"\n",
		"km-1/deployment.toml": "# apimlint: role=key-manager\n[server]\nhostname = \"km-1\"\n",
	})
	v := For(f, node(t, f, "cp-1"))
	if v.Source != SourceInferred || v.String() != "4.6.0|4.7.0" || !strings.Contains(v.Why, "apim.devportal.mode") {
		t.Errorf("cp-1: %+v", v)
	}
	if _, _, ok := v.Judged(); ok {
		t.Error("an unsure version is judged")
	}
	if got := len(v.CheckSets()); got != 5+3 { // every version: 4.0–4.4 all, 4.5–4.7 control plane
		t.Errorf("cp-1 is checked against %d sets, want every version's", got)
	}
	if v := For(f, node(t, f, "cp-2")); v.String() != "4.3.0" {
		t.Errorf("cp-2: %+v, want 4.3.0 (integration.transaction_counter is read only by 4.3.0)", v)
	} else if ver, _, ok := v.Judged(); !ok || ver != "4.3.0" {
		t.Errorf("cp-2 is not judged on 4.3.0")
	}
	if v := For(f, node(t, f, "tm-1")); len(v.Candidates) != len(catalog.Versions()) || !strings.Contains(v.Why, "no key tells") {
		t.Errorf("tm-1: %+v", v)
	}
	if v := For(f, node(t, f, "km-1")); v.CheckSets() != nil {
		t.Errorf("a key manager is checked against the catalogue: %+v", v)
	}
}

func TestUnread(t *testing.T) {
	sets := []*catalog.Set{catalog.Get("4.6.0", catalog.DistGateway)}
	if !Unread(sets, "apim.event_hub.event_listening_endpoint") {
		t.Error("a typo is read")
	}
	if Unread(sets, "apim.event_hub.event_listening_endpoints") || Unread(sets, "transport.http.properties.anything") {
		t.Error("a real key is unread")
	}
	if Unread([]*catalog.Set{catalog.Get("4.6.0", catalog.DistAllInOne)}, "event_listener[0].new_identity_key") {
		t.Error("a key of a table the catalogue cannot close is unread")
	}
	if Unread(nil, "anything") {
		t.Error("no sets, yet unread")
	}
	if Normalize("4.6") != "4.6.0" || Normalize("v4.7.0-SNAPSHOT") != "4.7.0" {
		t.Error("Normalize")
	}
}
