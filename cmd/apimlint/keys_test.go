package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeys(t *testing.T) {
	out, _, code := apimlint(t, "keys", "--version", "4.6.0", "--role", "gateway", "apim.event_hub.*")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"WSO2 API Manager 4.6.0, gateway distribution", "apim.event_hub.event_listening_endpoints",
		"templates/repository/conf/api-manager.xml.j2:", "true or false"} {
		if !strings.Contains(out, want) {
			t.Errorf("keys output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "apim.key_manager") {
		t.Errorf("keys output has keys outside the pattern:\n%s", out)
	}
	out, _, _ = apimlint(t, "keys", "--format", "json", "--version", "4.7.0", "--role", "gateway", "system.parameter")
	var keys []keyJSON
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range keys {
		if k.Key == `system.parameter."org.wso2.CipherTransformation"` && k.Default == "AES/GCM/NoPadding" {
			found = true
		}
	}
	if !found {
		t.Errorf("4.7.0 gateway keys lack CipherTransformation = AES/GCM/NoPadding: %s", out)
	}
	for _, bad := range [][]string{{"keys", "--version", "3.2.0"}, {"keys", "--role", "other"}, {"keys", "a", "b"}} {
		if _, _, code := apimlint(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

func TestExplainKey(t *testing.T) {
	out, _, code := apimlint(t, "explain", "integration.transaction_counter.enable")
	if code != exitOK || !strings.Contains(out, "Renamed: to apim.transaction_counter.enable in 4.4.0") {
		t.Errorf("explain of a renamed key: exit %d\n%s", code, out)
	}
	out, _, _ = apimlint(t, "explain", "apim.key_manager.enable_apikey_subscription_validation")
	if !strings.Contains(out, "4.3.0 was the last version to read it") {
		t.Errorf("explain of a removed key:\n%s", out)
	}
	out, _, _ = apimlint(t, "explain", "schema-unknown-key")
	if !strings.Contains(out, "schema-unknown-key (warning by default)") {
		t.Errorf("explain of a rule no longer explains the rule:\n%s", out)
	}
	if _, _, code := apimlint(t, "explain", "no.such.key_at_all"); code != exitUsage {
		t.Errorf("explain of an unknown key: exit %d, want %d", code, exitUsage)
	}
}

func TestNodesVersion(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// gw-1 declares nothing, but reads keys only 4.6.0 and 4.7.0 know.
	write("gw-1/deployment.toml", "# apimlint: role=gateway\n[server]\nhostname = \"gw-1\"\n\n[apim.gateway_notification.deployment_ack]\nbatch_interval = 5\n")
	write("cp-1/deployment.toml", "# apimlint: role=control-plane\n[server]\nhostname = \"cp-1\"\n")
	write(".apimlint.toml", "[[node]]\npath = \"cp-1\"\nversion = \"4.5\"\n")
	out, _, code := apimlint(t, "nodes", dir)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"version:   4.5.0 ([[node]] version", "version:   4.6.0|4.7.0 (inferred: from keys only some versions read: apim.gateway_notification.deployment_ack.batch_interval (read by 4.6.0, 4.7.0)"} {
		if !strings.Contains(out, want) {
			t.Errorf("nodes output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = apimlint(t, "schema", "print", "gateway", dir)
	if !strings.HasPrefix(out, "// No [fleet] version declared") {
		t.Errorf("schema print does not state the version:\n%.300s", out)
	}
}

func TestDiffSaysDefault(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"gw-1/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw\"\n\n[apim.event_hub]\nevent_type = \"Thrift\"\n\n[super_admin]\npassword = \"s3cret-value\"\n",
		"gw-2/deployment.toml": "# apimlint: role=gateway\n[server]\nhostname = \"gw\"\n",
		".apimlint.toml":       "[fleet]\nversion = \"4.6.0\"\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := apimlint(t, "diff", "--fleet", dir, "gw-1", "gw-2")
	if code != exitFindings {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "- apim.event_hub.event_type (only in a)") || !strings.Contains(out, `b (default) "Binary" (not written: the default of WSO2 API Manager 4.6.0)`) {
		t.Errorf("diff does not say b relies on the default:\n%s", out)
	}
	if strings.Contains(out, "s3cret-value") {
		t.Fatal("secret in diff output")
	}
}
