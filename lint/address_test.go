package lint

import (
	"strings"
	"testing"
	"testing/fstest"
)

func loadMap(t *testing.T, files map[string]string) *Fleet {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	f, err := LoadFS(fsys, ".", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// learnt returns the address of n learnt for host, or "".
func learntReason(n *Node, host string) string {
	for _, a := range n.Addresses {
		if a.Host == host {
			return a.Source
		}
	}
	return ""
}

const cpTmpl = `[server]
hostname = "localhost"
[database.apim_db]
type = "mysql"
[[apim.gateway.environment]]
name = "Default"
[apim.event_hub]
event_duplicate_url = [%s]
`

func cpFile(dups ...string) string {
	q := make([]string, len(dups))
	for i, d := range dups {
		q[i] = `"tcp://` + d + `:5672"`
	}
	return strings.Replace(cpTmpl, "%s", strings.Join(q, ", "), 1)
}

func TestPeerSymmetryTwoNodes(t *testing.T) {
	f := loadMap(t, map[string]string{
		"node-a/deployment.toml": cpFile("apim-cp-2"),
		"node-b/deployment.toml": cpFile("apim-cp-1"),
	})
	a, b := f.Node("node-a"), f.Node("node-b")
	if r := learntReason(a, "apim-cp-1"); !strings.HasPrefix(r, "peer symmetry") {
		t.Errorf("node-a should own apim-cp-1 by peer symmetry, got %q (addresses %v)", r, a.Addresses)
	}
	if r := learntReason(b, "apim-cp-2"); !strings.HasPrefix(r, "peer symmetry") {
		t.Errorf("node-b should own apim-cp-2 by peer symmetry, got %q", r)
	}
	if got := f.Book.Resolve("apim-cp-2", a); got.Kind != TargetNode || got.Node() != b {
		t.Errorf("apim-cp-2 from node-a: got %+v, want node-b", got)
	}
}

// Control planes of 4.0–4.2 name their peers in [apim.throttling]
// event_duplicate_url, the only key that turns the copy on there.
func TestPeerSymmetryThrottlingKeyOfControlPlanes(t *testing.T) {
	thr := func(peer string) string {
		return strings.Replace(strings.Replace(cpTmpl, "[apim.event_hub]", "[apim.throttling]", 1), "%s", `"tcp://`+peer+`:5672"`, 1)
	}
	f := loadMap(t, map[string]string{
		"node-a/deployment.toml": thr("apim-cp-2"),
		"node-b/deployment.toml": thr("apim-cp-1"),
	})
	if r := learntReason(f.Node("node-a"), "apim-cp-1"); !strings.HasPrefix(r, "peer symmetry") {
		t.Errorf("node-a should own apim-cp-1 by peer symmetry, got %q (addresses %v)", r, f.Node("node-a").Addresses)
	}
}

func TestPeerSymmetryThreeNodes(t *testing.T) {
	f := loadMap(t, map[string]string{
		"x/deployment.toml": cpFile("h2", "h3"),
		"y/deployment.toml": cpFile("h1", "h3"),
		"z/deployment.toml": cpFile("h1", "h2"),
	})
	for node, host := range map[string]string{"x": "h1", "y": "h2", "z": "h3"} {
		if r := learntReason(f.Node(node), host); r == "" {
			t.Errorf("%s should own %s; addresses %v", node, host, f.Node(node).Addresses)
		}
	}
}

func TestPeerSymmetryPartialListsUseExclusivity(t *testing.T) {
	// y names only h1; z names h1 and h2; x names h2 and h3. h1 -> x (named
	// by y and z), h2 -> y (named by x and z), then h3 can only be z's.
	f := loadMap(t, map[string]string{
		"x/deployment.toml": cpFile("h2", "h3"),
		"y/deployment.toml": cpFile("h1"),
		"z/deployment.toml": cpFile("h1", "h2"),
	})
	for node, host := range map[string]string{"x": "h1", "y": "h2", "z": "h3"} {
		if r := learntReason(f.Node(node), host); r == "" {
			t.Errorf("%s should own %s; addresses %v", node, host, f.Node(node).Addresses)
		}
	}
}

func TestPeerSymmetryCopiedFileLearnsNothing(t *testing.T) {
	f := loadMap(t, map[string]string{
		"tm-a/deployment.toml": "[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5672\"]\nevent_duplicate_url = [\"tcp://traffic-manager-2:5672\"]\n",
		"tm-b/deployment.toml": "[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5672\"]\nevent_duplicate_url = [\"tcp://traffic-manager-2:5672\"]\n",
	})
	if got := f.Book.Resolve("traffic-manager-2", f.Node("tm-a")); got.Kind != TargetUnknown {
		t.Errorf("a host both peers name is nobody's: got %+v", got)
	}
}

func TestPublishListSelfIdentification(t *testing.T) {
	pub := `
[[apim.event_hub.publish.url_group]]
urls = ["tcp://svc-one:9611"]
[[apim.event_hub.publish.url_group]]
urls = ["tcp://svc-two:9611"]
`
	f := loadMap(t, map[string]string{
		"control-plane-a/deployment.toml": cpFile("svc-two") + pub,
		"control-plane-b/deployment.toml": cpFile() + pub, // names no peer: only its list speaks
	})
	if r := learntReason(f.Node("control-plane-a"), "svc-one"); !strings.Contains(r, "publish.url_group") {
		t.Errorf("control-plane-a should own svc-one from its own publish list, got %q", r)
	}
	if r := learntReason(f.Node("control-plane-b"), "svc-two"); !strings.HasPrefix(r, "peer symmetry") {
		t.Errorf("control-plane-b should own svc-two, got %q (addresses %v)", r, f.Node("control-plane-b").Addresses)
	}
}

func TestTokenMatch(t *testing.T) {
	gw := "[apim.sync_runtime_artifacts.gateway]\ngateway_labels = [\"Default\"]\n[apim.event_hub]\nevent_listening_endpoints = [\"tcp://apim-acp-wso2am-acp-1-service:5672\", \"tcp://apim-acp-wso2am-acp-service:5672\", \"tcp://wso2apim-cp-primary:5672\"]\n"
	f := loadMap(t, map[string]string{
		"control-plane-1/deployment.toml": cpFile(),
		"control-plane-2/deployment.toml": cpFile(),
		"gateway/deployment.toml":         gw,
	})
	if r := learntReason(f.Node("control-plane-1"), "apim-acp-wso2am-acp-1-service"); !strings.HasPrefix(r, "token match") {
		t.Errorf("control-plane-1 should own apim-acp-wso2am-acp-1-service by token match, got %q", r)
	}
	// The service in front of both matches neither: no guess.
	if got := f.Book.Resolve("apim-acp-wso2am-acp-service", f.Node("gateway")); got.Kind != TargetUnknown {
		t.Errorf("apim-acp-wso2am-acp-service should stay unknown, got %+v", got)
	}
	// "wso2apim" holds a 2 but is one word: it must not match control-plane-2.
	if got := f.Book.Resolve("wso2apim-cp-primary", f.Node("gateway")); got.Kind != TargetUnknown {
		t.Errorf("wso2apim-cp-primary should stay unknown, got %+v", got)
	}
}

func TestTokenMatchNeedsTheExpectedRole(t *testing.T) {
	gw := "[apim.sync_runtime_artifacts.gateway]\ngateway_labels = [\"Default\"]\n[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://svc-cp-1:5672\"]\n"
	f := loadMap(t, map[string]string{
		"cp-1/deployment.toml": cpFile(),
		"tm-1/deployment.toml": "[apim.throttling]\nthrottle_decision_endpoints = [\"tcp://localhost:5672\"]\n",
		"gw/deployment.toml":   gw,
	})
	// Expected to be a traffic manager; cp-1 is not one, tm-1 lacks "cp".
	if got := f.Book.Resolve("svc-cp-1", f.Node("gw")); got.Kind != TargetUnknown {
		t.Errorf("svc-cp-1 should stay unknown, got %+v", got)
	}
}

func TestHostShapeAndTokens(t *testing.T) {
	if HostShape("apim-cp-3") != HostShape("apim-cp-1") || HostShape("apim-cp-1") == "" {
		t.Errorf("apim-cp-3 and apim-cp-1 should share a shape: %q %q", HostShape("apim-cp-3"), HostShape("apim-cp-1"))
	}
	if HostShape("apim-acp-wso2am-acp-service") == HostShape("apim-acp-wso2am-acp-1-service") {
		t.Error("a host without the number is not a sibling")
	}
	if HostShape("10.0.0.3") != "" {
		t.Error("IP addresses have no shape")
	}
	got := strings.Join(HostTokens("apim-wso2am-all-in-one-am-service-1"), " ")
	if got != "apim wso2am @all-in-one am service 1" {
		t.Errorf("HostTokens = %q", got)
	}
	if got := strings.Join(HostTokens("cp/dc1"), " "); got != "@control-plane dc 1" {
		t.Errorf("HostTokens(cp/dc1) = %q", got)
	}
}

func TestLoadBalancerPorts(t *testing.T) {
	f := loadMap(t, map[string]string{
		".apimlint.toml":       "[[loadbalancer]]\nhost = \"CP-LB\"\nrole = \"cp\"\nports = [443, 9443]\n",
		"cp-1/deployment.toml": cpFile(),
	})
	got := f.Book.Resolve("cp-lb", f.Node("cp-1"))
	if got.Kind != TargetCluster || got.Role != RoleControlPlane || len(got.Ports) != 2 || got.Ports[1] != 9443 {
		t.Errorf("cp-lb: got %+v", got)
	}
	if c, ok := f.Book.LoadBalancer("cp-lb"); !ok || c.Host != "cp-lb" {
		t.Errorf("LoadBalancer(cp-lb) = %v, %v", c, ok)
	}
}

func TestGenericPathAndEndpointKeys(t *testing.T) {
	if got := GenericPath("apim.throttling.url_group[12].traffic_manager_urls"); got != "apim.throttling.url_group[].traffic_manager_urls" {
		t.Errorf("GenericPath = %q", got)
	}
	if r, ok := EndpointKeyRole(`event_listener[0].properties.notification_endpoint`); !ok || r != RoleControlPlane {
		t.Errorf("notification_endpoint: %v %v", r, ok)
	}
	if _, ok := EndpointKeyRole("server.hostname"); ok {
		t.Error("server.hostname is no endpoint key")
	}
}
