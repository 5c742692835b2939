// Package fleetgen generates realistic, deterministic WSO2 APIM fleets for
// tests and benchmarks: M control planes, N gateways and K traffic
// managers whose files agree with each other the way a correct
// distributed deployment's do.
package fleetgen

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
)

// Spec says how many nodes of each role to generate.
type Spec struct {
	ControlPlanes   int
	Gateways        int
	TrafficManagers int
	// HAGroup, when set, splits the control planes and traffic managers
	// into HA groups of this size that peer only with each other, and
	// spreads the gateways over the groups: a large fleet in which no
	// file lists every other node. Zero makes one group of each role.
	HAGroup int
}

// Wide is the shape in which rules that compare nodes pairwise show:
// 10% control planes, 10% traffic managers, 80% gateways, in HA pairs.
func Wide(n int) Spec {
	cp, tm := max(1, n/10), max(1, n/10)
	return Spec{ControlPlanes: cp, TrafficManagers: tm, Gateways: max(1, n-cp-tm), HAGroup: 2}
}

// Sized splits n nodes into a realistic mix: control planes and traffic
// managers in HA groups of up to four each, the rest gateways (large
// fleets scale out gateways, not the control plane).
func Sized(n int) Spec {
	cp := max(1, min(4, n/10))
	tm := max(1, min(4, n/10))
	return Spec{ControlPlanes: cp, TrafficManagers: tm, Gateways: max(1, n-cp-tm)}
}

// File is one generated node file.
type File struct {
	Path string // slash path below the fleet root, e.g. gw-3/deployment.toml
	Data []byte
}

// Generate renders the fleet's files.
func Generate(s Spec) []File {
	var files []File
	cps := hosts("apim-cp", s.ControlPlanes)
	tms := hosts("apim-tm", s.TrafficManagers)
	cpGroups, tmGroups := groups(cps, s.HAGroup), groups(tms, s.HAGroup)
	for i, h := range cps {
		files = append(files, File{Path: h + "/deployment.toml", Data: []byte(controlPlane(h, i, groupOf(cpGroups, i, s.HAGroup)))})
	}
	for i, h := range tms {
		g := groupOf(tmGroups, i, s.HAGroup)
		files = append(files, File{Path: h + "/deployment.toml", Data: []byte(trafficManager(h, i, cpGroups[(i/max(1, s.HAGroup))%len(cpGroups)], g))})
	}
	for i := range s.Gateways {
		h := fmt.Sprintf("apim-gw-%d", i+1)
		files = append(files, File{Path: h + "/deployment.toml", Data: []byte(gateway(h, i, cpGroups[i%len(cpGroups)], tmGroups[i%len(tmGroups)]))})
	}
	return files
}

// groups splits hosts into HA groups of size n (one group when n is 0).
func groups(hosts []string, n int) [][]string {
	if n <= 0 || n >= len(hosts) {
		return [][]string{hosts}
	}
	var out [][]string
	for len(hosts) > 0 {
		k := min(n, len(hosts))
		out = append(out, hosts[:k])
		hosts = hosts[k:]
	}
	return out
}

func groupOf(gs [][]string, i, n int) []string {
	if n <= 0 {
		return gs[0]
	}
	return gs[min(i/n, len(gs)-1)]
}

// MapFS returns the fleet as an in-memory file system.
func MapFS(s Spec) fstest.MapFS {
	m := fstest.MapFS{}
	for _, f := range Generate(s) {
		m[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return m
}

// WriteDir writes the fleet below dir.
func WriteDir(dir string, s Spec) error {
	for _, f := range Generate(s) {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("generate %s: %w", p, err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("generate %s: %w", p, err)
		}
	}
	return nil
}

func hosts(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i+1)
	}
	return out
}

func urls(format string, hosts []string) string {
	parts := make([]string, len(hosts))
	for i, h := range hosts {
		parts[i] = fmt.Sprintf(`"`+format+`"`, h)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func others(all []string, self string) []string {
	var out []string
	for _, h := range all {
		if h != self {
			out = append(out, h)
		}
	}
	return out
}

var common = fmt.Sprintf(`[user_store]
type = "database_unique_id"

[super_admin]
username = "admin"
password = "$secret{admin_password}"
create_admin_account = true

[database.shared_db]
type = "mysql"
hostname = "db.apim.internal"
name = "shared_db"
port = "3306"
username = "$env{SHARED_DB_USER}"
password = "$secret{shared_db_password}"

[keystore.primary]
file_name = "apim-primary.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "apim-primary"
key_password = "$secret{keystore_password}"

[keystore.tls]
file_name = "apim-primary.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "apim-primary"
key_password = "$secret{keystore_password}"

[truststore]
file_name = "apim-truststore.jks"
type = "JKS"
password = "$secret{truststore_password}"

[encryption]
key = "$secret{encryption_key}"

[secrets]
# Cipher-tool output: the values are encrypted with the primary keystore's key.
admin_password = "%s"
shared_db_password = "%s"
apim_db_password = "%s"
keystore_password = "%s"
truststore_password = "%s"
encryption_key = "%s"
`, cipher("admin_password"), cipher("shared_db_password"), cipher("apim_db_password"),
	cipher("keystore_password"), cipher("truststore_password"), cipher("encryption_key"))

// cipher stands in for cipher-tool output: base64 of an RSA block in real
// files, here a deterministic digest of the alias.
func cipher(alias string) string {
	sum := sha256.Sum256([]byte("fleetgen:" + alias))
	return base64.StdEncoding.EncodeToString(append(sum[:], sum[:]...))
}

func controlPlane(host string, i int, cps []string) string {
	var b strings.Builder
	writeHeader(&b, host, 1, i, "control-plane", `base_path = "${carbon.protocol}://${carbon.host}:${carbon.management.port}"
`)
	fmt.Fprintf(&b, `
[database.apim_db]
type = "mysql"
hostname = "db.apim.internal"
name = "apim_db"
port = "3306"
username = "$env{APIM_DB_USER}"
password = "$secret{apim_db_password}"

[database.apim_db.pool_options]
maxActive = 100
maxWait = 60000

[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
display_in_api_console = true
description = "Gateways behind gw.apim.internal"
show_as_token_endpoint_url = true
service_url = "https://apim-gw-1:9443/services/"
username = "${admin.username}"
password = "${admin.password}"
ws_endpoint = "ws://apim-gw-1:9099"
wss_endpoint = "wss://apim-gw-1:8099"
http_endpoint = "http://apim-gw-1:8280"
https_endpoint = "https://apim-gw-1:8243"

[apim.devportal]
url = "https://%s:9443/devportal"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://localhost:${mgt.transport.https.port}/services/"
event_listening_endpoints = ["tcp://localhost:5672"]
`, host)
	if peers := others(cps, host); len(peers) > 0 {
		fmt.Fprintf(&b, "event_duplicate_url = %s\n", urls("ssl://%s:8672", peers))
	}
	for _, h := range cps {
		fmt.Fprintf(&b, `
[[apim.event_hub.publish.url_group]]
urls = ["tcp://%s:9611"]
auth_urls = ["ssl://%s:9711"]
`, h, h)
	}
	fmt.Fprintf(&b, `
[apim.key_manager]
service_url = "https://localhost:${mgt.transport.https.port}/services/"
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
type = "default"

[apim.cache_invalidation]
enabled = true
domain = "control-plane-domain"

[[event_listener]]
id = "token_revocation"
type = "org.wso2.carbon.identity.core.handler.AbstractIdentityHandler"
name = "org.wso2.is.notification.ApimOauthEventInterceptor"
order = 1

[event_listener.properties]
notification_endpoint = "https://%s:9443/internal/data/v1/notify"
username = "${admin.username}"
password = "${admin.password}"
'header.X-WSO2-KEY-MANAGER' = "default"
`, host)
	return b.String()
}

// writeHeader writes a node's [server] table and the sections every node
// shares. Each role has its own subnet; extra ends the [server] table.
func writeHeader(b *strings.Builder, host string, subnet, i int, role, extra string) {
	// Node IPs stay unique past 200 nodes of a role: 10.<i/200>.<subnet>.<10+i%200>.
	fmt.Fprintf(b, "[server]\nhostname = %q\nnode_ip = \"10.%d.%d.%d\"\nserver_role = %q\n%s\n", host, i/200, subnet, 10+i%200, role, extra)
	b.WriteString(common)
}

func trafficManager(host string, i int, cps, tms []string) string {
	var b strings.Builder
	writeHeader(&b, host, 2, i, "traffic-manager", "")
	fmt.Fprintf(&b, `
[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://%s:9443/services/"
event_listening_endpoints = %s

[apim.throttling]
throttle_decision_endpoints = ["tcp://localhost:5672"]
`, cps[0], urls("ssl://%s:8672", cps))
	if peers := others(tms, host); len(peers) > 0 {
		fmt.Fprintf(&b, "event_duplicate_url = %s\n", urls("ssl://%s:8672", peers))
	}
	return b.String()
}

func gateway(host string, i int, cps, tms []string) string {
	var b strings.Builder
	writeHeader(&b, host, 3, i, "gateway-worker", "")
	fmt.Fprintf(&b, `
[transport.http]
properties.port = 9763

[transport.https]
properties.port = 9443

[apim.key_manager]
service_url = "https://%s:9443/services/"
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"

[apim.sync_runtime_artifacts.gateway]
gateway_labels = ["Default"]

[apim.gateway_notification]
gateway_id = "%s"

[apim.event_hub]
enable = true
username = "$ref{super_admin.username}"
password = "$ref{super_admin.password}"
service_url = "https://%s:9443/services/"
event_listening_endpoints = %s

[apim.throttling]
throttle_decision_endpoints = %s
`, cps[0], host, cps[0], urls("ssl://%s:8672", cps), urls("ssl://%s:8672", tms))
	for _, h := range tms {
		fmt.Fprintf(&b, `
[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://%s:9611"]
traffic_manager_auth_urls = ["ssl://%s:9711"]
`, h, h)
	}
	b.WriteString(`
[apim.cache.gateway_token]
enable = true
expiry_time = 900

[apim.cache.resource]
enable = true
expiry_time = 900

[apim.cors]
enable = true
allow_origins = ["*"]
allow_methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]
allow_headers = ["authorization", "Access-Control-Allow-Origin", "Content-Type", "SOAPAction", "apikey", "Internal-Key"]
allow_credentials = false
`)
	return b.String()
}
