package drift

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/effective"
	"github.com/apimlint/apimlint/internal/fleettest"
)

// The defaults these tests rely on, from WSO2 API Manager 4.6.0's
// metadata (apimlint keys --version 4.6.0 --role gateway):
// apim.cache.gateway_token.enable = true, apim.event_hub.event_type =
// "Binary", keystore.tls.password = "$ref{keystore.primary.password}".
const gwDefaultsBase = `# apimlint: role=gateway
[server]
hostname = "gw"

[keystore.primary]
file_name = "gw.jks"
password = "Pr1maryStorePw"
`

func effFleet(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files[".apimlint.toml"] = "[fleet]\nversion = \"4.6.0\"\n"
	fleettest.WriteFiles(t, dir, files)
	return dir
}

func TestDiffComparesEffectiveValues(t *testing.T) {
	dir := effFleet(t, map[string]string{
		"gw-1/deployment.toml": gwDefaultsBase + "\n[apim.cache.gateway_token]\nenable = true\n\n[apim.event_hub]\nevent_type = \"Thrift\"\n\n[keystore.tls]\nfile_name = \"gw.jks\"\npassword = \"OtherTlsStorePw\"\n",
		"gw-2/deployment.toml": gwDefaultsBase,
	})
	f := load(t, dir)
	a, b := f.Node("gw-1"), f.Node("gw-2")
	byKey := func(d []KeyDiff) map[string]KeyDiff {
		m := map[string]KeyDiff{}
		for _, x := range d {
			m[x.Key] = x
		}
		return m
	}
	got := byKey(Diff(a, b, DiffOptions{Effective: effective.NewResolver(f, nil)}))
	// gw-2 runs with the default true: the same as gw-1 writes.
	if x, ok := got["apim.cache.gateway_token.enable"]; ok {
		t.Errorf("key equal to the other side's default reported: %+v", x)
	}
	// [keystore.tls] file_name defaults to $ref{keystore.primary.file_name},
	// which gw-2 writes as gw.jks: the same.
	if x, ok := got["keystore.tls.file_name"]; ok {
		t.Errorf("key equal to the other side's $ref default reported: %+v", x)
	}
	et, ok := got["apim.event_hub.event_type"]
	if !ok || et.Kind != Removed || et.B == nil || et.B.Source != effective.Default || et.B.Value != `"Binary"` || et.B.From != "4.6.0" || et.B.Node != "gw-2" {
		t.Errorf("event_type: %+v B=%+v, want removed, b runs the default \"Binary\" of 4.6.0", et, et.B)
	}
	pw, ok := got["keystore.tls.password"]
	if !ok || pw.B == nil || pw.B.Value != "a default secret" {
		t.Errorf("keystore.tls.password: %+v B=%+v, want b's default secret that differs", pw, pw.B)
	}
	for _, x := range got {
		for _, s := range []*Side{x.A, x.B} {
			if s != nil && (strings.Contains(s.Value, "Pr1maryStorePw") || strings.Contains(s.Value, "OtherTlsStorePw")) {
				t.Fatalf("secret shown in %s: %+v", x.Key, s)
			}
		}
	}
	// Without a resolver Diff infers the versions; WrittenOnly keeps the
	// comparison of what is written.
	if _, ok := byKey(Diff(a, b, DiffOptions{}))["apim.cache.gateway_token.enable"]; ok {
		t.Error("Diff without a resolver does not compare effective values")
	}
	written := byKey(Diff(a, b, DiffOptions{WrittenOnly: true}))
	if x, ok := written["apim.cache.gateway_token.enable"]; !ok || x.B != nil {
		t.Errorf("WrittenOnly: %+v", x)
	}
}

// TestBaselineComparesEffectiveValues: a key recorded with the value its
// default has, and left out today, is no drift; nor is a key the baseline
// left to its default and today writes with that value. Other values say
// which side relies on the default.
func TestBaselineComparesEffectiveValues(t *testing.T) {
	before := gwDefaultsBase + "\n[apim.cache.gateway_token]\nenable = true\n\n[apim.event_hub]\nevent_type = \"Thrift\"\n\n[keystore.tls]\nfile_name = \"gw.jks\"\npassword = \"Pr1maryStorePw\"\n"
	dir := effFleet(t, map[string]string{"gw-1/deployment.toml": before, "gw-2/deployment.toml": gwDefaultsBase, "gw-3/deployment.toml": before})
	key := testKey(t)
	base, err := Record(load(t, dir), RecordOptions{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := base.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if base, err = Parse(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	base.UseKey(key)
	// Today: gw-1 drops every explicit key; gw-2 writes the defaults it ran
	// with, and a value other than the default; gw-3 drops them but its
	// primary keystore password changed, so the TLS one (by default the
	// primary's) is no longer the recorded one.
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name, "deployment.toml"), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gw-1", gwDefaultsBase)
	write("gw-2", gwDefaultsBase+"\n[apim.cache.gateway_token]\nenable = true\n\n[apim.event_hub]\nevent_type = \"Thrift\"\n\n[keystore.tls]\nfile_name = \"gw.jks\"\n")
	write("gw-3", strings.Replace(gwDefaultsBase, "Pr1maryStorePw", "N3wPrimaryPw", 1))
	got := map[string]string{}
	for _, f := range Compare(base, load(t, dir), Options{}) {
		got[f.Node+" "+f.Key] = f.Message
	}
	want := map[string]string{
		"gw-1 apim.event_hub.event_type": `apim.event_hub.event_type removed since the baseline: was "Thrift", now "Binary" (the default of WSO2 API Manager 4.6.0)`,
		"gw-2 apim.event_hub.event_type": `apim.event_hub.event_type added since the baseline: "Thrift"; before, the node ran with "Binary" (the default of WSO2 API Manager 4.6.0)`,
		"gw-3 apim.event_hub.event_type": `apim.event_hub.event_type removed since the baseline: was "Thrift", now "Binary" (the default of WSO2 API Manager 4.6.0)`,
		"gw-3 keystore.primary.password": `keystore.primary.password changed since the baseline: the secret differs (now "****" (12 chars); the baseline keeps no secret value)`,
		"gw-3 keystore.tls.password":     `keystore.tls.password removed since the baseline: was a secret, now a default secret that differs (the default of WSO2 API Manager 4.6.0)`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s:\n got %q\nwant %q", k, got[k], w)
		}
	}
	for k, m := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected drift %s: %s", k, m)
		}
		if strings.Contains(m, "StorePw") || strings.Contains(m, "PrimaryPw") {
			t.Fatalf("secret in %s", m)
		}
	}
	// Comparing only what is written reports every key gw-1 dropped.
	written := 0
	for _, f := range Compare(base, load(t, dir), Options{WrittenOnly: true}) {
		if f.Node == "gw-1" {
			written++
		}
	}
	if written != 4 {
		t.Errorf("WrittenOnly: %d findings on gw-1, want 4 (every removed key)", written)
	}
}

// TestOldBaselineComparesEffectiveValues: a version 2 baseline written
// before effective values (the format did not change) loads and is
// compared on effective values.
func TestOldBaselineComparesEffectiveValues(t *testing.T) {
	dir := effFleet(t, map[string]string{"gw-1/deployment.toml": gwDefaultsBase})
	old := `{
  "version": 2,
  "secrets": "presence",
  "nodes": [
    {"name": "gw-1", "file": "gw-1/deployment.toml", "role": "gateway", "keys": [
      {"path": "apim.cache.gateway_token.enable", "kind": "boolean", "value": true},
      {"path": "apim.event_hub.event_type", "kind": "string", "value": "Binary"},
      {"path": "keystore.primary.file_name", "kind": "string", "value": "gw.jks"},
      {"path": "keystore.primary.password", "kind": "string", "secret": "set"},
      {"path": "server.hostname", "kind": "string", "value": "gw"},
      {"path": "server.node_ip", "kind": "string", "value": "127.0.0.1"}
    ]}
  ]
}`
	b, err := Parse([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, f := range Compare(b, load(t, dir), Options{}) {
		msgs = append(msgs, f.Message)
	}
	if len(msgs) != 0 {
		t.Errorf("old baseline whose explicit values are today's defaults drifted:\n%s", strings.Join(msgs, "\n"))
	}
}

// TestUpgradeDriftUsesRecordedVersion: the baseline records each node's
// version (format 3), so that a key written during an upgrade to keep
// the value the node ran with before (4.6.0's RSA CipherTransformation,
// pinned on 4.7.0 whose default is AES/GCM) is no drift, while a key
// removed on 4.7.0 takes 4.7.0's default, which differs.
func TestUpgradeDriftUsesRecordedVersion(t *testing.T) {
	const cipher = `system.parameter."org.wso2.CipherTransformation"`
	const pinned = "\n[system.parameter]\n\"org.wso2.CipherTransformation\" = \"RSA/ECB/OAEPwithSHA1andMGF1Padding\"\n"
	dir := effFleet(t, map[string]string{
		"gw-1/deployment.toml": gwDefaultsBase,          // relies on 4.6.0's RSA default
		"gw-2/deployment.toml": gwDefaultsBase + pinned, // writes RSA
	})
	base := record(t, dir)
	for _, n := range base.Nodes {
		if n.Version != "4.6.0" {
			t.Fatalf("node %s recorded with version %q, want 4.6.0", n.Name, n.Version)
		}
	}
	// The upgrade: 4.7.0; gw-1 pins the old value, gw-2 drops it.
	fleettest.WriteFiles(t, dir, map[string]string{
		".apimlint.toml":       "[fleet]\nversion = \"4.7.0\"\n",
		"gw-1/deployment.toml": gwDefaultsBase + pinned,
		"gw-2/deployment.toml": gwDefaultsBase,
	})
	got := map[string]string{}
	for _, f := range Compare(base, load(t, dir), Options{}) {
		got[f.Node+" "+f.Key] = f.Message
	}
	if m, ok := got["gw-1 "+cipher]; ok {
		t.Errorf("pinning the value the node ran with is drift: %s", m)
	}
	want := cipher + ` removed since the baseline: was "RSA/ECB/OAEPwithSHA1andMGF1Padding", now "AES/GCM/NoPadding" (the default of WSO2 API Manager 4.7.0)`
	if got["gw-2 "+cipher] != want {
		t.Errorf("gw-2:\n got %q\nwant %q", got["gw-2 "+cipher], want)
	}
	if len(got) != 1 {
		t.Errorf("want one finding, got %v", got)
	}
	// A version 2 baseline (no node versions) of the same 4.6.0 fleet
	// still loads; gw-1's pin is then judged on today's 4.7.0 default.
	var buf bytes.Buffer
	if _, err := base.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(strings.ReplaceAll(buf.String(), "\n      \"version\": \"4.6.0\",", ""), `"version": 3`, `"version": 2`, 1)
	old, err := Parse([]byte(v2))
	if err != nil {
		t.Fatalf("version 2 baseline: %v\n%s", err, v2)
	}
	m := ""
	for _, f := range Compare(old, load(t, dir), Options{}) {
		if f.Node == "gw-1" {
			m = f.Message
		}
	}
	if !strings.Contains(m, `before, the node ran with "AES/GCM/NoPadding" (the default of WSO2 API Manager 4.7.0)`) {
		t.Errorf("version 2 baseline, gw-1: %q", m)
	}
}
