package fleetgen

import (
	"strings"
	"testing"
)

// The wide shape exists to measure rules that compare nodes pairwise; it
// is useless if its files grow with the fleet, since then the decode
// floor itself is quadratic.
func TestWideFilesDoNotGrowWithTheFleet(t *testing.T) {
	largest := func(n int) int {
		m := 0
		for _, f := range Generate(Wide(n)) {
			m = max(m, len(f.Data))
		}
		return m
	}
	small, big := largest(100), largest(2000)
	// Only the host names' digits may grow.
	if big > small+64 {
		t.Errorf("largest file: %d bytes at 100 nodes, %d at 2,000", small, big)
	}
}

func TestWideHAGroupsPeerOnlyWithEachOther(t *testing.T) {
	files := map[string]string{}
	for _, f := range Generate(Wide(100)) {
		files[f.Path] = string(f.Data)
	}
	cp3 := files["apim-cp-3/deployment.toml"]
	if !strings.Contains(cp3, `event_duplicate_url = ["ssl://apim-cp-4:8672"]`) {
		t.Errorf("apim-cp-3 does not peer with its HA partner apim-cp-4:\n%s", cp3)
	}
	gw2 := files["apim-gw-2/deployment.toml"]
	if !strings.Contains(gw2, `service_url = "https://apim-cp-3:9443/services/"`) || !strings.Contains(gw2, "tcp://apim-tm-4:9611") {
		t.Errorf("apim-gw-2 is not spread to the second HA groups:\n%s", gw2)
	}
	if !strings.Contains(files["apim-gw-1/deployment.toml"], `node_ip = "10.0.3.10"`) ||
		!strings.Contains(string(Generate(Spec{ControlPlanes: 1, TrafficManagers: 1, Gateways: 201})[202].Data), `node_ip = "10.1.3.10"`) {
		t.Error("node IPs are not unique past 200 nodes of a role")
	}
}
