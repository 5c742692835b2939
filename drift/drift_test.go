package drift

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

const cpTOML = `# control plane
[server]
hostname = "cp-1.example.com"
node_ip = "10.0.0.1"
server_role = "control-plane"
offset = 0

[super_admin]
username = "admin"
password = "Sup3rS3cretPw"
create_admin_account = true

[database.apim_db]
type = "mysql"
url = "jdbc:mysql://db:3306/apim_db"
username = "apimadmin"
password = "$ref{super_admin.password}"

[apim.throttling]
enable_data_publishing = true
event_duplicate_url = ["tcp://cp-2:5672"]

[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://tm-1:9611"]
traffic_manager_auth_urls = ["ssl://tm-1:9711"]

[transport.https.properties]
proxyPort = 443
connection_limit = 1_000
`

// cpReformatted is cpTOML with tables reordered, dotted keys regrouped,
// other quoting, comments and number formatting: the same values.
const cpReformatted = `[[apim.throttling.url_group]]
traffic_manager_auth_urls = [ 'ssl://tm-1:9711' ]   # moved
traffic_manager_urls = [
  "tcp://tm-1:9711",
]

[apim]
throttling.enable_data_publishing = true
throttling.event_duplicate_url = ["tcp://cp-2:5672"]

[transport]
https.properties.connection_limit = 1000
https.properties.proxyPort = 0x1BB

[database.apim_db]
password = '$ref{super_admin.password}'
username = 'apimadmin'
url = 'jdbc:mysql://db:3306/apim_db'
type = "mysql"

[super_admin]
create_admin_account = true
password = 'Sup3rS3cretPw'
username = "admin"

[server]
offset = 0
server_role = 'control-plane'
node_ip = "10.0.0.1"
hostname = "cp-1.example.com"
`

const gwTOML = `[server]
hostname = "gw-1.example.com"
node_ip = "10.0.0.2"
server_role = "gateway-worker"

[super_admin]
username = "admin"
password = "Sup3rS3cretPw"

[apim.sync_runtime_artifacts.gateway]
gateway_labels = ["Default"]

[apim.throttling]
enable_data_publishing = true
`

func load(t testing.TB, dir string) *lint.Fleet {
	t.Helper()
	f, err := lint.Load([]string{dir}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func record(t testing.TB, dir string) *Baseline {
	t.Helper()
	b, err := Record(load(t, dir), RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Every test goes through the file format, as the CLI does.
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	b2, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("reading back a baseline just written: %v\n%s", err, buf.String())
	}
	return b2
}

func newFleet(t testing.TB) string {
	dir := t.TempDir()
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": cpTOML, "gw-1/repository/conf/deployment.toml": gwTOML})
	return dir
}

func TestNoDriftOnUnchangedFleet(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	if got := Compare(b, load(t, dir), Options{}); len(got) != 0 {
		t.Fatalf("unchanged fleet drifted: %v", got)
	}
}

func TestNoDriftAfterReformatAndReorder(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	// The reformatted file also changes one value, so that the test can
	// fail: exactly that key must be reported, nothing else.
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": cpReformatted})
	got := Changes(b, load(t, dir), Options{})
	if len(got) != 1 || got[0].Key != "apim.throttling.url_group[0].traffic_manager_urls" || got[0].Kind != Changed {
		t.Fatalf("want only the changed traffic_manager_urls, got %+v", got)
	}
	fixed := strings.Replace(cpReformatted, "tcp://tm-1:9711", "tcp://tm-1:9611", 1)
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": fixed})
	if got := Changes(b, load(t, dir), Options{}); len(got) != 0 {
		t.Fatalf("reformatted, reordered file drifted: %+v", got)
	}
}

func TestChangeKinds(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	gw := strings.Replace(gwTOML, "enable_data_publishing = true", "enable_data_publishing = false", 1)
	gw = strings.Replace(gw, `gateway_labels = ["Default"]`, `gateway_labels = ["Default", "Edge"]`, 1)
	gw = strings.Replace(gw, `node_ip = "10.0.0.2"`+"\n", "", 1)
	gw += "\n[transport.http]\nproxyPort = 80\n"
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/repository/conf/deployment.toml": gw})
	fs := Compare(b, load(t, dir), Options{})
	gwFile := filepath.Join(dir, "gw-1/repository/conf/deployment.toml")
	want := []struct {
		line int
		key  string
		msg  string
	}{
		{1, "server.node_ip", `server.node_ip removed since the baseline: was "10.0.0.2"`},
		{10, "apim.sync_runtime_artifacts.gateway.gateway_labels", `changed since the baseline: was ["Default"], now ["Default", "Edge"]`},
		{13, "apim.throttling.enable_data_publishing", "changed since the baseline: was true, now false"},
		{16, "transport.http.proxyPort", "transport.http.proxyPort added since the baseline: 80"},
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(fs), len(want), fs)
	}
	for i, w := range want {
		f := fs[i]
		if f.Rule != RuleID || f.Severity != lint.SeverityWarning || f.File != gwFile || f.Line != w.line || f.Key != w.key || f.Node != "gw-1" || !strings.Contains(f.Message, w.msg) {
			t.Errorf("finding %d = %s:%d %s %q (%s, %s)\nwant line %d key %s message containing %q", i, f.File, f.Line, f.Key, f.Message, f.Rule, f.Severity, w.line, w.key, w.msg)
		}
	}
}

func TestRemovedKeyPointsAtItsTable(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpTOML, "connection_limit = 1_000\n", "", 1)})
	fs := Compare(b, load(t, dir), Options{})
	if len(fs) != 1 || fs[0].Line != 27 || fs[0].Key != "transport.https.properties.connection_limit" || !strings.Contains(fs[0].Message, "was 1000") {
		t.Fatalf("got %+v", fs)
	}
}

func TestKindChangeIsReported(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpTOML, "proxyPort = 443", `proxyPort = "443"`, 1)})
	fs := Compare(b, load(t, dir), Options{})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, `was 443 (integer), now "443" (string)`) {
		t.Fatalf("got %+v", fs)
	}
}

func TestSecretChangeDetectedNeverShown(t *testing.T) {
	const oldPw, newPw = "Sup3rS3cretPw", "N3wHotfixPw!"
	dir := newFleet(t)
	key := testKey(t)
	b, err := Record(load(t, dir), RecordOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(oldPw)) {
		t.Fatalf("baseline holds the password:\n%s", buf.String())
	}
	// database.apim_db.password is a $ref{} to the password: hashed too.
	if !strings.Contains(buf.String(), `"path":"database.apim_db.password","kind":"string","hash":"hmac-sha256:`) {
		t.Fatalf("referenced secret not hashed:\n%s", buf.String())
	}
	b, err = Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	b.UseKey(key)
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpTOML, oldPw, newPw, 1)})
	fs := Compare(b, load(t, dir), Options{})
	keys := map[string]bool{}
	for _, f := range fs {
		keys[f.Key] = true
		out, _ := json.Marshal(f)
		if bytes.Contains(out, []byte(newPw)) || bytes.Contains(out, []byte(oldPw)) {
			t.Errorf("finding shows a secret: %s", out)
		}
		if !strings.Contains(f.Message, "the secret differs") {
			t.Errorf("secret finding does not say so: %s", f.Message)
		}
	}
	if len(fs) != 2 || !keys["super_admin.password"] || !keys["database.apim_db.password"] {
		t.Fatalf("want the password and the key referring to it, got %+v", fs)
	}
}

func TestNodesAddedRemovedAndRoleChanged(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	if err := os.RemoveAll(filepath.Join(dir, "gw-1")); err != nil {
		t.Fatal(err)
	}
	fleettest.WriteFiles(t, dir, map[string]string{
		"gw-2/deployment.toml": gwTOML,
		"cp-1/deployment.toml": strings.Replace(cpTOML, `server_role = "control-plane"`, `server_role = "traffic-manager"`, 1),
	})
	got := Changes(b, load(t, dir), Options{})
	kinds := map[ChangeKind]Change{}
	for _, c := range got {
		kinds[c.Kind] = c
	}
	// The role comes from server_role here, so that key changed too.
	if len(got) != 4 || kinds[Changed].Key != "server.server_role" || kinds[NodeAdded].Node != "gw-2" || kinds[NodeRemoved].Node != "gw-1" || kinds[RoleChanged].Node != "cp-1" {
		t.Fatalf("got %+v", got)
	}
	if c := kinds[RoleChanged]; c.Old != "control-plane" || c.New != "traffic-manager" {
		t.Errorf("role change %+v", c)
	}
	if f := kinds[NodeRemoved].Finding(); f.File != filepath.Join(dir, "gw-1/repository/conf/deployment.toml") || !strings.Contains(f.Message, "node gw-1 removed since the baseline (it was gateway") {
		t.Errorf("removed node finding %+v", f)
	}
}

func TestSyntaxErrorTodayIsNotSilent(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/repository/conf/deployment.toml": gwTOML + "\n[broken\n"})
	fs := Compare(b, load(t, dir), Options{})
	if len(fs) != 1 || fs[0].Severity != lint.SeverityError || !strings.Contains(fs[0].Message, "cannot be compared") {
		t.Fatalf("got %+v", fs)
	}
}

func TestRecordRefusesBrokenFile(t *testing.T) {
	dir := newFleet(t)
	fleettest.WriteFiles(t, dir, map[string]string{"gw-1/repository/conf/deployment.toml": "[server\n"})
	if _, err := Record(load(t, dir), RecordOptions{}); err == nil || !strings.Contains(err.Error(), "deployment.toml:1:") {
		t.Fatalf("err = %v", err)
	}
}

func TestIgnore(t *testing.T) {
	dir := newFleet(t)
	b := record(t, dir)
	cp := strings.Replace(cpTOML, "10.0.0.1", "10.0.9.1", 1)
	cp = strings.Replace(cp, "tcp://tm-1:9611", "tcp://tm-9:9611", 1)
	cp = strings.Replace(cp, "proxyPort = 443", "proxyPort = 8443", 1)
	gw := strings.Replace(gwTOML, "10.0.0.2", "10.0.9.2", 1)
	gw = strings.Replace(gw, `["Default"]`, `["Edge"]`, 1)
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": cp, "gw-1/repository/conf/deployment.toml": gw})
	f := load(t, dir)
	all := len(Changes(b, f, Options{}))
	if all != 5 {
		t.Fatalf("without ignores: %d changes, want 5", all)
	}
	cfg, diag := lint.ParseConfig("x.toml", []byte(`[drift]
ignore = ["server.node_ip", "apim.throttling.url_group[0].traffic_manager_urls", "transport.https"]
[drift.roles]
gw = ["apim.sync_runtime_artifacts.*"]
`))
	if len(diag) > 0 {
		t.Fatal(diag)
	}
	opts, err := OptionsFromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := Changes(b, f, opts); len(got) != 0 {
		t.Fatalf("ignored keys reported: %+v", got)
	}
	// A role glob applies to that role only.
	opts.Roles = map[wso2.Role][]string{wso2.RoleControlPlane: {"apim.sync_runtime_artifacts.*"}}
	if got := Changes(b, f, opts); len(got) != 1 || got[0].Key != "apim.sync_runtime_artifacts.gateway.gateway_labels" {
		t.Fatalf("role glob applied to another role: %+v", got)
	}
	if _, err := OptionsFromConfig(&lint.Config{Drift: lint.DriftConfig{Roles: map[string][]string{"router": {"x"}}}}); err == nil {
		t.Fatal("unknown role in [drift.roles] accepted")
	}
}

func TestMatchKey(t *testing.T) {
	for _, c := range []struct {
		glob, key string
		want      bool
	}{
		{"server.node_ip", "server.node_ip", true},
		{"server", "server.node_ip", true},
		{"server", "serverx.a", false},
		{"server.*", "server.hostname", true},
		{"apim.throttling.url_group[0].traffic_manager_urls", "apim.throttling.url_group[0].traffic_manager_urls", true},
		{"apim.throttling.url_group[*].traffic_manager_urls", "apim.throttling.url_group[3].traffic_manager_urls", true},
		{"apim.throttling.url_group", "apim.throttling.url_group[1].x", true},
		{"apim.throttling.url_group[1]", "apim.throttling.url_group[0].x", false},
		{"*.password", "super_admin.password", true},
		{"database.*_db", "database.shared_db.url", true},
		{"database.*_db", "database.apim_dbx", false},
	} {
		if got := MatchKey([]string{c.glob}, c.key); got != c.want {
			t.Errorf("MatchKey(%q, %q) = %v, want %v", c.glob, c.key, got, c.want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := newFleet(t)
	b, err := Record(load(t, dir), RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "baseline.json")
	if err := WriteFile(out, b); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(out); err != nil {
		t.Fatal(err)
	}
	// A write that fails half-way (an unencodable value after many good
	// lines) leaves the old baseline in place and no temporary file.
	bad := *b
	bad.Nodes = append([]NodeRecord(nil), b.Nodes...)
	bad.Nodes[1].Keys = append(append([]KeyRecord(nil), b.Nodes[1].Keys...), KeyRecord{Path: "zz", Kind: "string", Value: json.RawMessage("{bad")})
	if err := WriteFile(out, &bad); err == nil {
		t.Fatal("bad baseline written")
	}
	now, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(now, good) {
		t.Fatalf("old baseline damaged by a failed write (err %v)", err)
	}
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("temporary file left behind: %v", entries)
	}
	// Into a directory that does not exist: an error naming the file.
	if err := WriteFile(filepath.Join(out+".d", "b.json"), b); err == nil || !strings.Contains(err.Error(), "b.json") {
		t.Fatalf("err = %v", err)
	}
}

func TestBaselineIsStable(t *testing.T) {
	dir := newFleet(t)
	f := load(t, dir)
	var out [2]bytes.Buffer
	for i := range out {
		b, err := Record(f, RecordOptions{Key: testKey(t)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.WriteTo(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Fatal("two recordings of the same fleet differ")
	}
	fleettest.WriteFiles(t, dir, map[string]string{"cp-1/deployment.toml": strings.Replace(cpReformatted, "tcp://tm-1:9711", "tcp://tm-1:9611", 1)})
	b, err := Record(load(t, dir), RecordOptions{Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if _, err := b.WriteTo(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[0].Bytes(), again.Bytes()) {
		t.Fatal("reordering a file changed the baseline")
	}
}

func TestSecretScope(t *testing.T) {
	n := lint.NewNode("n", "n.toml", []byte(`[super_admin]
username = "admin"
password = "pa55-Word"
[a]
chain1 = "$ref{a.chain2}"
chain2 = "$ref{super_admin.password}"
url = "jdbc:mysql://db?user=x&pwd=pa55-Word&ssl=true"
longer = "pa55-Words"
user = "admin"
loop1 = "$ref{a.loop2}"
loop2 = "$ref{a.loop1}"
`), &lint.Config{}, lint.ResolveOptions{})
	sec := newSecretScope(n)
	for path, want := range map[string]bool{
		"super_admin.password": true,
		"super_admin.username": false,
		"a.chain1":             true,
		"a.chain2":             true,
		"a.url":                true,
		"a.longer":             false,
		"a.user":               false,
		"a.loop1":              false,
	} {
		k := n.Get(path)
		if k == nil {
			t.Fatalf("no key %s", path)
		}
		if got := sec.isSecret(k); got != want {
			t.Errorf("isSecret(%s) = %v, want %v", path, got, want)
		}
	}
}

func TestShippedDefaultsDoNotHideOtherKeys(t *testing.T) {
	n := lint.NewNode("n", "n.toml", []byte(`[super_admin]
username = "admin"
password = "admin"
[keystore.tls]
file_name = "wso2carbon.jks"
password = "wso2carbon"
`), &lint.Config{}, lint.ResolveOptions{})
	sec := newSecretScope(n)
	for path, want := range map[string]bool{"super_admin.password": true, "keystore.tls.password": true, "super_admin.username": false, "keystore.tls.file_name": false} {
		if got := sec.isSecret(n.Get(path)); got != want {
			t.Errorf("isSecret(%s) = %v, want %v", path, got, want)
		}
	}
}

func testKey(t testing.TB) *Key {
	t.Helper()
	k, err := NewKey([]byte("test-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
