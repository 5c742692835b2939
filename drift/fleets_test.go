package drift_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

const envCP = `[server]
hostname = "cp.HOST"
node_ip = "IP"
server_role = "control-plane"

[super_admin]
username = "admin"
password = "PASSWORD"

[database.apim_db]
url = "jdbc:mysql://db.HOST:3306/apim_db"

[apim.event_hub]
service_url = "https://cp.HOST:9443/services/"
`

const envGW = `[server]
hostname = "gw.HOST"
server_role = "gateway-worker"

[apim.throttling]
throttle_decision_endpoints = ["tcp://cp.HOST:5672"]

[apim.cache.gateway_token]
enable = CACHE
`

func envFleet(t *testing.T, host, ip, password, cache string, gateways int) *lint.Fleet {
	t.Helper()
	r := strings.NewReplacer("HOST", host, "IP", ip, "PASSWORD", password, "CACHE", cache)
	files := map[string][]byte{"cp/deployment.toml": []byte(r.Replace(envCP))}
	for i := 1; i <= gateways; i++ {
		files["gw-"+string(rune('0'+i))+"/deployment.toml"] = []byte(r.Replace(envGW))
	}
	f, err := lint.LoadFiles(host, files, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Host names, IPs and node counts aside, identical environments do not
// differ; a secret that differs says so without its values.
func TestCompareFleets(t *testing.T) {
	staging := envFleet(t, "staging.example.com", "10.0.0.5", "staging-Secret-1", "true", 1)
	prod := envFleet(t, "prod.example.com", "10.1.0.5", "prod-Secret-2", "false", 2)
	d := drift.CompareFleets("staging", staging, "prod", prod, nil)
	want := drift.FleetDiff{A: "staging", B: "prod", Roles: []drift.RoleDiff{
		{Role: "control-plane", NodesA: 1, NodesB: 1, Keys: []drift.RoleKeyDiff{
			{Key: "super_admin.password", Kind: drift.Changed, Secret: true},
		}},
		{Role: "gateway", NodesA: 1, NodesB: 2, Keys: []drift.RoleKeyDiff{
			{Key: "apim.cache.gateway_token.enable", Kind: drift.Changed, A: []string{"true"}, B: []string{"false"}},
		}},
	}}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var b bytes.Buffer
	if err := drift.WriteFleetDiffText(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, secret := range []string{"staging-Secret-1", "prod-Secret-2"} {
		if strings.Contains(out, secret) {
			t.Fatalf("a secret value is printed:\n%s", out)
		}
	}
	if !strings.Contains(out, "~ super_admin.password: secret differs") || !strings.Contains(out, "gateway: 1 node in a, 2 in b") {
		t.Errorf("text:\n%s", out)
	}
	// The same environment twice: nothing differs.
	same := drift.CompareFleets("a", staging, "b", envFleet(t, "other.example.org", "10.9.9.9", "staging-Secret-1", "true", 1), nil)
	if len(same.Roles) != 0 {
		t.Errorf("copied environment differs: %+v", same.Roles)
	}
	// --ignore leaves keys out.
	ign := drift.CompareFleets("staging", staging, "prod", prod, []string{"apim.cache.*", "super_admin"})
	for _, r := range ign.Roles {
		if len(r.Keys) != 0 {
			t.Errorf("ignored keys reported: %+v", r)
		}
	}
}
