package fleetversion

import (
	"slices"
	"testing"

	"github.com/apimlint/apimlint/catalog"
)

func TestDistsServerRole(t *testing.T) {
	f := load(t, map[string]string{
		"gw-1/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\n",
		"gw-2/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-2\"\nserver_role = \"gateway-worker\"\n",
		"gw-3/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-3\"\nserver_role = \"default\"\n",
		"ai-1/deployment.toml": "# apimlint: role=all-in-one\n[server]\nhostname = \"ai-1\"\nserver_role = \"gateway-worker\"\n",
	})
	for name, want := range map[string][]string{
		"gw-1": {catalog.DistGateway},
		"gw-2": {catalog.DistGateway, catalog.DistAllInOne}, // only the all-in-one pack infers gateway-worker
		"gw-3": {catalog.DistGateway},
		"ai-1": {catalog.DistAllInOne},
	} {
		if got := For(f, node(t, f, name)).Dists; !slices.Equal(got, want) {
			t.Errorf("%s: Dists = %v, want %v", name, got, want)
		}
	}
	// The lists are shared between nodes: appending to one must not
	// change another's.
	a := For(f, node(t, f, "gw-1")).Dists
	_ = append(a, "x")
	if got := For(f, node(t, f, "gw-3")).Dists; !slices.Equal(got, []string{catalog.DistGateway}) {
		t.Errorf("after an append to gw-1's Dists, gw-3's are %v", got)
	}
}

func TestKeyPathsHash(t *testing.T) {
	f := load(t, map[string]string{
		"gw-1/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\n",
		"gw-2/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-2\"\n",
		"gw-3/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw-3\"\noffset = 1\n",
		"gw-5/deployment.toml": "# apimlint: role=gateway\n[apim]\nserver = 1\nhostname = \"gw-5\"\n",
	})
	h := func(name string) uint64 { return keyPathsHash(node(t, f, name)) }
	if h("gw-1") != h("gw-2") {
		t.Error("two nodes setting the same keys hash apart: their inference is not shared")
	}
	if h("gw-1") == h("gw-3") || h("gw-1") == h("gw-5") {
		t.Error("different key paths hash alike")
	}
}
