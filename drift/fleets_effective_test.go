package drift_test

import (
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// TestCompareFleetsEffective: a key one environment's gateways write with
// the value the other's run with by default (4.6.0: gateway_token cache
// on, event type Binary, cleanup expiry 120 s as "2m") is no difference;
// a default that differs is shown, marked "(default)".
func TestCompareFleetsEffective(t *testing.T) {
	load := func(host, gw string) *lint.Fleet {
		t.Helper()
		f, err := lint.LoadFiles(host, map[string][]byte{
			".apimlint.toml":       []byte("[fleet]\nversion = \"4.6.0\"\n"),
			"gw-1/deployment.toml": []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw." + host + "\"\n" + gw),
			"gw-2/deployment.toml": []byte("# apimlint: role=gateway\n[server]\nhostname = \"gw." + host + "\"\n" + gw),
		}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	staging := load("staging.example.com", `
[apim.cache.gateway_token]
enable = true

[apim.gateway_notification.cleanup]
expiry_time = "2m"

[apim.event_hub]
event_type = "Thrift"
`)
	prod := load("prod.example.com", "")
	d := drift.CompareFleets("staging", staging, "prod", prod, nil)
	var keys []drift.RoleKeyDiff
	for _, r := range d.Roles {
		keys = append(keys, r.Keys...)
	}
	if len(keys) != 1 {
		t.Fatalf("want only event_type to differ, got %+v", keys)
	}
	k := keys[0]
	if k.Key != "apim.event_hub.event_type" || k.Kind != drift.Changed || len(k.A) != 1 || k.A[0] != `"Thrift"` || len(k.B) != 1 || k.B[0] != `"Binary" (default)` {
		t.Errorf("event_type: %+v", k)
	}
}
