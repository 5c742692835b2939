package schema_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
	"github.com/apimlint/apimlint/schema"
)

// The benchmark fleets: control planes, gateways and traffic managers in
// the proportions of a large deployment, rendered from templates in the
// shape of WSO2's Helm charts with a host name per node.

const benchCommon = `[server]
hostname = "%[1]s.apim.example.com"
node_ip = "$env{NODE_IP}"
server_role = "%[2]s"
offset = 0

[user_store]
type = "database_unique_id"

[super_admin]
username = "admin"
password = "$env{ADMIN_PASSWORD}"
create_admin_account = true

[keystore]
userstore_password_encryption = "InternalKeyStore"

[keystore.tls]
type = "PKCS12"
file_name = "%[1]s.p12"
alias = "%[1]s"
password = "$secret{tls_password}"
key_password = "$secret{tls_password}"

[keystore.primary]
type = "JKS"
file_name = "primary.jks"
alias = "primary"
password = "$secret{primary_password}"
key_password = "$secret{primary_password}"

[truststore]
type = "JKS"
file_name = "client-truststore.jks"
password = "$secret{truststore_password}"

[secrets]
tls_password = "[changeit]"
primary_password = "[changeit]"
truststore_password = "[changeit]"

[transport.https]
properties.port = 9443
properties.proxyPort = 443

[system.parameter]
"org.wso2.CipherTransformation" = "AES/GCM/NoPadding"

[encryption]
internal_crypto_provider = "org.wso2.carbon.crypto.provider.SymmetricKeyInternalCryptoProvider"
key = "$env{ENCRYPTION_KEY}"

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db-%[3]d.example.com:3306/shared_db?useSSL=true"
username = "shared"
password = "$env{SHARED_DB_PASSWORD}"
driver = "com.mysql.cj.jdbc.Driver"
validationQuery = "SELECT 1"

[database.shared_db.pool_options]
maxActive = "100"
maxWait = "60000"
minIdle = "5"
testOnBorrow = "true"
validationInterval = "30000"
defaultAutoCommit = "true"

[apim.oauth_config]
enable_outbound_auth_header = false
auth_header = "Authorization"
enable_token_encryption = false
enable_token_hashing = false

[apim.cors]
enable = true
allow_origins = ["*"]
allow_methods = ["GET","PUT","POST","DELETE","PATCH","OPTIONS"]
allow_headers = ["authorization","Access-Control-Allow-Origin","Content-Type","SOAPAction","apikey","Internal-Key"]
allow_credentials = false
`

const benchGateway = `
[apim.key_manager]
service_url = "https://cp.apim.example.com:9443/services/"
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"

[apim.sync_runtime_artifacts.gateway]
gateway_labels = ["Default", "Region%[3]d"]

[apim.throttling]
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://tm.apim.example.com:9443/services/"
throttle_decision_endpoints = ["tcp://tm-%[3]d-1.apim.example.com:5672", "tcp://tm-%[3]d-2.apim.example.com:5672"]
enable_unlimited_tier = true
enable_header_based_throttling = false

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-%[3]d-1.apim.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-%[3]d-1.apim.example.com:9711"]
type = "loadbalance"

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-%[3]d-2.apim.example.com:9611"]
traffic_manager_auth_urls = ["ssl://tm-%[3]d-2.apim.example.com:9711"]
type = "loadbalance"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://cp.apim.example.com:9443/services/"
event_listening_endpoints = ["tcp://cp-1.apim.example.com:5672", "tcp://cp-2.apim.example.com:5672"]

[apim.cache.gateway_token]
enable = true
expiry_time = 15

[apim.cache.resource]
enable = true
expiry_time = 900

[apim.cache.jwt_claim]
enable = true
expiry_time = "900"

[apim.analytics]
enable = false

[transport.passthru_https.sender.parameters]
HostnameVerifier = "DefaultAndLocalhost"

[apim.gateway_notification]
enabled = true
gateway_id = "%[1]s"

[apim.gateway_notification.heartbeat]
notify_interval = "1m"

[apim.gateway_notification.deployment_ack]
batch_size = 100
batch_interval = "2s"
max_retry_count = 5
retry_duration = "10s"
retry_progression_factor = 2
batch_processor_min_thread = 2
batch_processor_max_thread = 8
batch_processor_keep_alive = "1m"
batch_processor_queue_size = 50
`

const benchControlPlane = `
[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db-%[3]d.example.com:3306/apim_db?useSSL=true"
username = "apim"
password = "$env{APIM_DB_PASSWORD}"
driver = "com.mysql.cj.jdbc.Driver"

[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
provider = "wso2"
display_in_api_console = true
description = "This is a hybrid gateway that handles both production and sandbox token traffic."
show_as_token_endpoint_url = true
service_url = "https://gw.apim.example.com:9443/services/"
username = "${admin.username}"
password = "${admin.password}"
ws_endpoint = "ws://gw.apim.example.com:9099"
wss_endpoint = "wss://gw.apim.example.com:8099"
http_endpoint = "http://gw.apim.example.com:8280"
https_endpoint = "https://gw.apim.example.com:8243"

[apim.devportal]
url = "https://portal.apim.example.com/devportal"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://localhost:9443/services/"
event_listening_endpoints = ["tcp://localhost:5672"]
event_duplicate_url = ["tcp://cp-2.apim.example.com:5672"]

[[apim.event_hub.publish.url_group]]
urls = ["tcp://cp-1.apim.example.com:9611"]
auth_urls = ["ssl://cp-1.apim.example.com:9711"]

[[apim.event_hub.publish.url_group]]
urls = ["tcp://cp-2.apim.example.com:9611"]
auth_urls = ["ssl://cp-2.apim.example.com:9711"]

[apim.key_manager]
service_url = "https://localhost:9443/services/"
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"

[[event_listener]]
id = "token_revocation"
type = "org.wso2.carbon.identity.core.handler.AbstractIdentityHandler"
name = "org.wso2.is.notification.ApimOauthEventInterceptor"
order = 1

[event_listener.properties]
notification_endpoint = "https://cp.apim.example.com:9443/internal/data/v1/notify"
username = "${admin.username}"
password = "${admin.password}"
'header.X-WSO2-KEY-MANAGER' = "default"
`

const benchTrafficManager = `
[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db-%[3]d.example.com:3306/apim_db?useSSL=true"
username = "apim"
password = "$env{APIM_DB_PASSWORD}"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://cp.apim.example.com:9443/services/"
event_listening_endpoints = ["tcp://cp-1.apim.example.com:5672", "tcp://cp-2.apim.example.com:5672"]

[apim.throttling]
event_duplicate_url = ["tcp://tm-%[3]d-2.apim.example.com:5672"]
throttle_decision_endpoints = ["tcp://localhost:5672"]
`

// writeBenchFleet renders n node files below dir: one control plane and
// one traffic manager for every eight gateways.
func writeBenchFleet(tb testing.TB, dir string, n int) [][]byte {
	tb.Helper()
	var files [][]byte
	for i := range n {
		var name, role, body string
		switch i % 10 {
		case 0:
			name, role, body = fmt.Sprintf("cp-%d", i), "control-plane", benchControlPlane
		case 1:
			name, role, body = fmt.Sprintf("tm-%d", i), "traffic-manager", benchTrafficManager
		default:
			name, role, body = fmt.Sprintf("gw-%d", i), "gateway-worker", benchGateway
		}
		src := []byte(fmt.Sprintf(benchCommon+body, name, role, i%7))
		p := filepath.Join(dir, name, "deployment.toml")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			tb.Fatal(err)
		}
		files = append(files, src)
	}
	return files
}

var benchSizes = []int{300, 3000}

// cpuTime is the process's user and system time: the machine is shared, so
// wall time says more about the neighbours than about apimlint.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds ns/node (wall) and cpu-ns/node to a benchmark's result.
func report(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/node")
}

// BenchmarkSchema measures schema validation alone (the three rules'
// shared pass) on already loaded fleets.
func BenchmarkSchema(b *testing.B) {
	if _, err := schema.Builtin(); err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			f, err := lint.Load([]string{dir}, lint.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			findings := 0
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				findings = len(schema.Check(f))
			}
			report(b, n, cpu0)
			if findings != 0 {
				b.Fatalf("the benchmark fleet should be clean; %d schema findings", findings)
			}
		})
	}
}

// BenchmarkFullRun measures what `apimlint` does: load and parse every
// file, then run every rule (schema included).
func BenchmarkFullRun(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			all := rules.All()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				f, err := lint.Load([]string{dir}, lint.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := lint.Run(context.Background(), f, all, lint.RunOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			report(b, n, cpu0)
		})
	}
}

// BenchmarkLoadSchema measures the schema's share of a run: load and parse
// every file, then validate it, without the other rules.
func BenchmarkLoadSchema(b *testing.B) {
	if _, err := schema.Builtin(); err != nil {
		b.Fatal(err)
	}
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchFleet(b, dir, n)
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				f, err := lint.Load([]string{dir}, lint.LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if fs := schema.Check(f); len(fs) != 0 {
					b.Fatalf("%d schema findings on the benchmark fleet", len(fs))
				}
			}
			report(b, n, cpu0)
		})
	}
}

// BenchmarkDecodeFloor is the floor the budget is stated against: decoding
// the same files with go-toml's toml.Unmarshal, one thread.
func BenchmarkDecodeFloor(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			files := writeBenchFleet(b, b.TempDir(), n)
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				for _, src := range files {
					var m map[string]any
					if err := toml.Unmarshal(src, &m); err != nil {
						b.Fatal(err)
					}
				}
			}
			report(b, n, cpu0)
		})
	}
}
