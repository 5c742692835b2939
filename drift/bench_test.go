package drift_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// benchTemplates are node files of the three main roles, in the shape of
// WSO2's distributed-deployment samples; %[1]d is the node number.
var benchTemplates = []struct{ name, src string }{
	{"cp", `[server]
hostname = "cp-%[1]d.example.com"
node_ip = "10.1.%[2]d.%[3]d"
server_role = "control-plane"
offset = 0

[super_admin]
username = "admin"
password = "$secret{admin_password}"
create_admin_account = true

[user_store]
type = "database_unique_id"

[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/apim_db?useSSL=true"
username = "apimadmin"
password = "$secret{apim_db_password}"
driver = "com.mysql.cj.jdbc.Driver"

[database.apim_db.pool_options]
maxActive = 100
maxWait = 10000
validationInterval = 30000

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/shared_db?useSSL=true"
username = "sharedadmin"
password = "$secret{shared_db_password}"

[keystore.tls]
file_name = "wso2carbon.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "$secret{keystore_password}"

[apim.key_manager]
service_url = "https://localhost:${mgt.transport.https.port}${carbon.context}services/"

[apim.throttling]
enable_data_publishing = true
enable_policy_deploy = true
enable_blacklist_condition = true
event_duplicate_url = ["tcp://cp-%[4]d.example.com:5672"]
throttle_decision_endpoints = ["tcp://tm-1.example.com:5672", "tcp://tm-2.example.com:5672"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-1.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-1.example.com:9711"]
type = "loadbalance"

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-2.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-2.example.com:9711"]
type = "loadbalance"

[[event_handler]]
name = "userPostSelfRegistration"
subscriptions = ["POST_ADD_USER"]

[apim.devportal]
url = "https://cp.example.com/devportal"

[transport.https.properties]
proxyPort = 443

[[event_listener]]
id = "token_revocation"
type = "org.wso2.carbon.identity.core.handler.AbstractIdentityHandler"
name = "org.wso2.is.notification.ApimOauthEventInterceptor"
order = 1

[event_listener.properties]
notification_endpoint = "https://cp.example.com:9443/internal/data/v1/notify"
username = "${admin.username}"
password = "${admin.password}"
'header.X-WSO2-KEY-MANAGER' = "default"
`},
	{"gw", `[server]
hostname = "gw-%[1]d.example.com"
node_ip = "10.2.%[2]d.%[3]d"
server_role = "gateway-worker"

[super_admin]
username = "admin"
password = "$secret{admin_password}"
create_admin_account = true

[user_store]
type = "database_unique_id"

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/shared_db?useSSL=true"
username = "sharedadmin"
password = "$secret{shared_db_password}"

[keystore.tls]
file_name = "wso2carbon.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "$secret{keystore_password}"

[apim.key_manager]
service_url = "https://cp.example.com:9443/services/"
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"

[apim.sync_runtime_artifacts.gateway]
gateway_labels = ["Default"]

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://cp.example.com:9443/services/"
event_listening_endpoints = ["tcp://cp-1.example.com:5672", "tcp://cp-2.example.com:5672"]

[apim.throttling]
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://tm.example.com:9443/services/"
throttle_decision_endpoints = ["tcp://tm-1.example.com:5672", "tcp://tm-2.example.com:5672"]
enable_unlimited_tier = true
enable_header_based_throttling = false

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-1.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-1.example.com:9711"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-2.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-2.example.com:9711"]

[apim.cache.gateway_token]
enable = true
expiry_time = "900s"

[apim.cache.resource]
enable = true
expiry_time = "900s"

[transport.passthru_https.sender.ssl_profile]
interval = 600000
`},
	{"tm", `[server]
hostname = "tm-%[1]d.example.com"
node_ip = "10.3.%[2]d.%[3]d"
server_role = "traffic-manager"

[super_admin]
username = "admin"
password = "$secret{admin_password}"

[user_store]
type = "database_unique_id"

[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/apim_db"
username = "apimadmin"
password = "$secret{apim_db_password}"

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db.example.com:3306/shared_db"
username = "sharedadmin"
password = "$secret{shared_db_password}"

[keystore.tls]
file_name = "wso2carbon.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "$secret{keystore_password}"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://cp.example.com:9443/services/"
event_listening_endpoints = ["tcp://cp-1.example.com:5672"]

[apim.throttling]
event_duplicate_url = ["tcp://tm-%[4]d.example.com:5672"]
`},
}

// writeBenchFleet writes n nodes, a third of each role.
func writeBenchFleet(b *testing.B, n int) string {
	dir := b.TempDir()
	for i := range n {
		t := benchTemplates[i%len(benchTemplates)]
		id := i/len(benchTemplates) + 1
		p := filepath.Join(dir, fmt.Sprintf("%s-%d", t.name, id), "deployment.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		src := fmt.Sprintf(t.src, id, id/250, id%250, id%2+1)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkFleet3000 compares `apimlint drift` (load the fleet, read the
// baseline, compare) with `apimlint lint` (load the fleet, run every rule)
// on the same 3,000-node fleet. The budget: drift under 2x lint.
func BenchmarkFleet3000(b *testing.B) {
	dir := writeBenchFleet(b, 3000)
	base := filepath.Join(b.TempDir(), "baseline.json")
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	rec, err := drift.Record(f, drift.RecordOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if err := drift.WriteFile(base, rec); err != nil {
		b.Fatal(err)
	}
	b.Run("lint", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lint.Run(context.Background(), f, rules.All(), lint.RunOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("drift", func(b *testing.B) {
		for b.Loop() {
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			bl, err := drift.ReadFile(base)
			if err != nil {
				b.Fatal(err)
			}
			if got := drift.Compare(bl, f, drift.Options{}); len(got) != 0 {
				b.Fatalf("unchanged fleet drifted: %v", got[0])
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		for b.Loop() {
			if _, err := drift.Record(f, drift.RecordOptions{Salt: "x"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
