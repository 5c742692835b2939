package lint

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUnmountedConfigMapIsDormant: a ConfigMap no workload mounts is a
// node whose file is linted, but no server: it has no addresses (its name
// is a ConfigMap's, its [server] hostname no pod's), it is in no role's
// list and shares no cluster hostname, and nothing resolves to it.
func TestUnmountedConfigMapIsDormant(t *testing.T) {
	f, err := LoadPaths([]string{filepath.Join("..", "testdata", "k8s", "configmap-unmounted")}, nil, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old := f.Node("apim-prod/configmap/wso2-am-gateway-conf-old")
	live := f.Node("apim-prod/deployment/wso2-am-gateway")
	if old == nil || live == nil {
		t.Fatal("fixture lacks its gateway nodes")
	}
	if !strings.Contains(old.Dormant, "ConfigMap apim-prod/wso2-am-gateway-conf-old") || live.Dormant != "" {
		t.Errorf("Dormant: old %q, live %q", old.Dormant, live.Dormant)
	}
	if len(old.Addresses) != 0 {
		t.Errorf("dormant node has addresses %v", old.Addresses)
	}
	for _, n := range f.ByRole(RoleGateway) {
		if n == old {
			t.Error("dormant node listed among the gateways")
		}
	}
	if got := f.Book.Resolve("wso2-am-gateway-conf-old", live); got.Kind != TargetUnknown {
		t.Errorf("the ConfigMap's name resolves to %v", got.Nodes)
	}
	// The [server] hostname both files write is the live gateway's own,
	// not a cluster of "all 2 gateway nodes".
	if _, ok := f.Book.LoadBalancer("gw.apim.example.org"); ok {
		t.Error("gw.apim.example.org learnt as a gateway cluster shared with the dormant node")
	}
	if !live.Answers("gw.apim.example.org") {
		t.Error("the live gateway does not answer to its [server] hostname")
	}
	// It connects to nothing (graph draws no edge from it).
	var links int
	for _, l := range f.Links() {
		if l.From == old {
			t.Errorf("link from the dormant node: %s to %s", l.Key, l.Host)
		}
		if l.From == live {
			links++
		}
	}
	if links == 0 {
		t.Error("the live gateway has no links")
	}
	// Its file is still read, and linted on its own.
	if len(old.Keys) == 0 {
		t.Error("the dormant node's file was not read")
	}
}
