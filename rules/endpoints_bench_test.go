package rules

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
)

// epBenchFleet generates n nodes, a third each control planes, gateways
// and traffic managers, paired in HA groups of two. Nodes say hostname =
// "localhost" and are named by Kubernetes-style services (apim-cp-7-svc
// for directory cp-7), so the address book has to learn every name by
// token match and peer symmetry.
func epBenchFleet(n int) fstest.MapFS {
	k := max(n/3, 2)
	fsys := fstest.MapFS{}
	peer := func(i int) int {
		if i^1 < k {
			return i ^ 1
		}
		return i
	}
	add := func(name, body string) { fsys[name+"/deployment.toml"] = &fstest.MapFile{Data: []byte(body)} }
	for i := range k {
		p := peer(i)
		add(fmt.Sprintf("cp-%d", i), fmt.Sprintf(`[server]
hostname = "localhost"

[database.apim_db]
type = "mysql"

[[apim.gateway.environment]]
name = "Default"
service_url = "https://apim-gw-%[1]d-svc:9443/services/"
http_endpoint = "http://apim-gw-%[1]d-svc:8280"
https_endpoint = "https://apim-gw-%[1]d-svc:8243"
ws_endpoint = "ws://apim-gw-%[1]d-svc:9099"
wss_endpoint = "wss://apim-gw-%[1]d-svc:8099"

[apim.key_manager]
service_url = "https://localhost:9443/services/"

[apim.event_hub]
service_url = "https://localhost:9443/services/"
event_listening_endpoints = ["tcp://localhost:5672"]
event_duplicate_url = ["tcp://apim-cp-%[2]d-svc:5672"]

[[apim.event_hub.publish.url_group]]
urls = ["tcp://apim-cp-%[1]d-svc:9611"]
auth_urls = ["ssl://apim-cp-%[1]d-svc:9711"]

[[apim.event_hub.publish.url_group]]
urls = ["tcp://apim-cp-%[2]d-svc:9611"]
auth_urls = ["ssl://apim-cp-%[2]d-svc:9711"]

[[event_listener]]
id = "token_revocation"

[event_listener.properties]
notification_endpoint = "https://localhost:${mgt.transport.https.port}/internal/data/v1/notify"
'header.X-WSO2-KEY-MANAGER' = "default"
`, i, p))
		add(fmt.Sprintf("gw-%d", i), fmt.Sprintf(`[server]
hostname = "localhost"

[apim.sync_runtime_artifacts.gateway]
gateway_labels = ["Default"]

[apim.key_manager]
service_url = "https://apim-cp-%[1]d-svc:${mgt.transport.https.port}/services/"

[apim.event_hub]
service_url = "https://apim-cp-%[1]d-svc:9443/services/"
event_listening_endpoints = ["tcp://apim-cp-%[1]d-svc:5672", "tcp://apim-cp-%[2]d-svc:5672"]

[apim.throttling]
throttle_decision_endpoints = ["tcp://apim-tm-%[1]d-svc:5672", "tcp://apim-tm-%[2]d-svc:5672"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://apim-tm-%[1]d-svc:9611"]
traffic_manager_auth_urls = ["ssl://apim-tm-%[1]d-svc:9711"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://apim-tm-%[2]d-svc:9611"]
traffic_manager_auth_urls = ["ssl://apim-tm-%[2]d-svc:9711"]
`, i, p))
		add(fmt.Sprintf("tm-%d", i), fmt.Sprintf(`[server]
hostname = "localhost"

[apim.event_hub]
service_url = "https://apim-cp-%[1]d-svc:9443/services/"
event_listening_endpoints = ["tcp://apim-cp-%[1]d-svc:5672", "tcp://apim-cp-%[2]d-svc:5672"]

[apim.throttling]
event_duplicate_url = ["tcp://apim-tm-%[2]d-svc:5672"]
throttle_decision_endpoints = ["tcp://localhost:5672"]
`, i, p))
	}
	return fsys
}

// epTopologyRules are the endpoint rules of this package.
func epTopologyRules(b *testing.B) []*lint.Rule {
	var out []*lint.Rule
	for _, id := range []string{"event-hub-endpoints", "event-hub-service-url", "event-hub-publish-groups", "event-duplicate-url",
		"key-manager-url", "throttle-decision-endpoints", "tm-url-groups", "gateway-environment-urls",
		"token-revocation-endpoint", "remote-port-placeholder"} {
		r, ok := Get(id)
		if !ok {
			b.Fatalf("rule %s is not registered", id)
		}
		out = append(out, r)
	}
	return out
}

// BenchmarkEndpointRules compares loading a generated fleet (parsing,
// resolution, the address book with its learning) with running the
// endpoint rules on it: the rules must cost less than the load.
func BenchmarkEndpointRules(b *testing.B) {
	rs := epTopologyRules(b)
	for _, n := range []int{300, 3000} {
		fsys := epBenchFleet(n)
		b.Run(fmt.Sprintf("load/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.LoadFS(fsys, ".", lint.LoadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		f, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		// The rules themselves, one after the other on one core.
		b.Run(fmt.Sprintf("rules/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				for _, r := range rs {
					r.Run(&lint.Pass{Fleet: f, Rule: r})
				}
			}
		})
		// The same through the engine, which also sorts the findings and
		// scrubs secrets from their messages.
		b.Run(fmt.Sprintf("engine/nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.Run(context.Background(), f, rs, lint.RunOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestEndpointBenchFleetLearnsEveryName makes sure the benchmark measures
// what it claims: every service name of the generated fleet is learnt and
// the URLs it checks are right (the HA pairs leave coverage findings).
func TestEndpointBenchFleetLearnsEveryName(t *testing.T) {
	f, err := lint.LoadFS(epBenchFleet(30), ".", lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"apim-cp-3-svc", "apim-gw-7-svc", "apim-tm-9-svc"} {
		if got := f.Book.Resolve(host, f.Node("gw-0")); got.Kind != lint.TargetNode {
			t.Errorf("%s: got %+v, want a node", host, got)
		}
	}
	res, err := lint.Run(context.Background(), f, All(), lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]bool{}
	for _, id := range []string{"event-hub-service-url", "key-manager-url", "gateway-environment-urls", "remote-port-placeholder"} {
		mine[id] = true
	}
	for _, x := range res.Findings {
		if mine[x.Rule] {
			t.Errorf("unexpected %s finding on the generated fleet: %s:%d: %s", x.Rule, x.File, x.Line, x.Message)
		}
	}
}
