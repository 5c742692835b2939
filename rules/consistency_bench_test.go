package rules

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/lint"
)

// benchFleet renders a fleet of n nodes from templates: four control
// planes and four traffic managers in HA, the rest gateways, all agreeing
// the way a correct deployment does (so the rules do their full work and
// report nothing).
func benchFleet(n int) fstest.MapFS {
	const cps, tms = 4, 4
	fs := fstest.MapFS{}
	add := func(name, data string) { fs[name+"/deployment.toml"] = &fstest.MapFile{Data: []byte(data)} }
	common := `
[super_admin]
username = "admin"
password = "Str0ng-Admin"

[keystore.primary]
file_name = "wso2carbon.jks"
type = "JKS"
alias = "wso2carbon"

[encryption]
key = "0123456789abcdef0123456789abcdef"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://cp.example.com/services/"
event_listening_endpoints = ["tcp://apim-cp-1:5672", "tcp://apim-cp-2:5672", "tcp://apim-cp-3:5672", "tcp://apim-cp-4:5672"]

[apim.cache.gateway_token]
enable = true
expiry_time = "15m"

[apim.cors]
allow_origins = "*"
allow_methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]
allow_headers = ["authorization", "Access-Control-Allow-Origin", "Content-Type", "SOAPAction", "apikey"]
`
	db := `
[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/apim_db?useSSL=true"
username = "apimadmin"
password = "apim-db-pass"

[database.shared_db]
type = "mysql"
hostname = "db.example.com"
port = 3306
name = "shared_db"
`
	for i := 1; i <= cps; i++ {
		add(fmt.Sprintf("apim-cp-%d", i), fmt.Sprintf(`[server]
hostname = "apim-cp-%d"
server_role = "control-plane"
%s%s
[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
service_url = "https://gw.example.com/services/"
https_endpoint = "https://gw.example.com"

[[apim.gateway.environment]]
name = "Sandbox"
type = "sandbox"
service_url = "https://gw-sbx.example.com/services/"
https_endpoint = "https://gw-sbx.example.com"
`, i, common, db))
	}
	for i := 1; i <= tms; i++ {
		add(fmt.Sprintf("apim-tm-%d", i), fmt.Sprintf(`[server]
hostname = "apim-tm-%d"
server_role = "traffic-manager"
%s
[apim.throttling]
throttle_decision_endpoints = ["tcp://localhost:5672"]
`, i, common))
	}
	var groups strings.Builder
	for i := 1; i <= tms; i++ {
		fmt.Fprintf(&groups, "\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://apim-tm-%d:9611\"]\ntraffic_manager_auth_urls = [\"ssl://apim-tm-%d:9711\"]\n", i, i)
	}
	for i := 1; i <= n-cps-tms; i++ {
		label := "Default"
		if i%10 == 0 {
			label = "Sandbox"
		}
		add(fmt.Sprintf("apim-gw-%d", i), fmt.Sprintf(`[server]
hostname = "apim-gw-%d"
server_role = "gateway-worker"
%s
[apim.key_manager]
service_url = "https://cp.example.com/services/"

[apim.throttling]
throttle_decision_endpoints = ["tcp://apim-tm-1:5672", "tcp://apim-tm-2:5672", "tcp://apim-tm-3:5672", "tcp://apim-tm-4:5672"]
%s
[apim.sync_runtime_artifacts.gateway]
gateway_labels = [%q]

[apim.gateway_notification]
gateway_id = "gw-%d"
`, i, common, groups.String(), label, i))
	}
	return fs
}

func consistencySelection(b *testing.B) []*lint.Rule {
	var sel []*lint.Rule
	for _, id := range consistencyRules {
		r, ok := Get(id)
		if !ok {
			b.Fatalf("rule %s not registered", id)
		}
		sel = append(sel, r)
	}
	return sel
}

// BenchmarkConsistencyLoad is the yardstick: loading the generated fleet.
func BenchmarkConsistencyLoad(b *testing.B) {
	for _, n := range []int{300, 3000} {
		fsys := benchFleet(n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.LoadFS(fsys, ".", lint.LoadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConsistencyRules runs this package's fleet-consistency rules on
// the loaded fleet: "engine" through lint.Run (which also sorts findings
// and scans the fleet's secrets to scrub messages), "all" and each rule
// alone by calling the rule's Run directly. They must cost less than
// loading the fleet.
func BenchmarkConsistencyRules(b *testing.B) {
	sel := consistencySelection(b)
	for _, n := range []int{300, 3000} {
		f, err := lint.LoadFS(benchFleet(n), ".", lint.LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("nodes=%d/engine", n), func(b *testing.B) {
			for b.Loop() {
				res, err := lint.Run(context.Background(), f, sel, lint.RunOptions{Parallelism: 1})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Findings) != 0 {
					b.Fatalf("the generated fleet is correct, but got %d findings, first: %s: %s", len(res.Findings), res.Findings[0].Rule, res.Findings[0].Message)
				}
			}
		})
		direct := func(b *testing.B, rules []*lint.Rule) {
			for b.Loop() {
				for _, r := range rules {
					r.Run(&lint.Pass{Fleet: f, Rule: r})
				}
			}
		}
		b.Run(fmt.Sprintf("nodes=%d/all", n), func(b *testing.B) { direct(b, sel) })
		for _, r := range sel {
			b.Run(fmt.Sprintf("nodes=%d/%s", n, r.ID), func(b *testing.B) { direct(b, []*lint.Rule{r}) })
		}
	}
}
