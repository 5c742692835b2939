package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/internal/fleettest"
)

const driftSecret = "Tr0ub4dor&3-secret"

func driftFleet(t *testing.T) string {
	dir := t.TempDir()
	fleettest.WriteFiles(t, dir, map[string]string{
		"cp-1/deployment.toml": "[server]\nhostname = \"cp-1\"\nnode_ip = \"10.0.0.1\"\nserver_role = \"control-plane\"\n\n[super_admin]\npassword = \"" + driftSecret + "\"\n",
		"gw-1/deployment.toml": "[server]\nhostname = \"gw-1\"\nnode_ip = \"10.0.0.2\"\nserver_role = \"gateway-worker\"\n\n[apim.cache.gateway_token]\nenable = true\n",
	})
	return dir
}

func TestBaselineAndDriftCLI(t *testing.T) {
	dir := driftFleet(t)
	base := filepath.Join(t.TempDir(), "baseline.json")
	if _, stderr, code := apimlint(t, "baseline", dir, "-o", base); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(driftSecret)) {
		t.Fatal("baseline file holds the password")
	}
	out, stderr, code := apimlint(t, "drift", "--baseline", base, dir)
	if code != exitOK || !strings.Contains(out, "no findings in 2 nodes") {
		t.Fatalf("unchanged fleet: exit %d\n%s%s", code, out, stderr)
	}

	// Recording again with the same key: the file does not change.
	if _, stderr, code := apimlint(t, "baseline", dir, "-o", base); code != exitOK {
		t.Fatalf("baseline again: exit %d: %s", code, stderr)
	}
	if again, err := os.ReadFile(base); err != nil || !bytes.Equal(again, data) {
		t.Fatalf("baseline of an unchanged fleet changed (err %v)", err)
	}

	fleettest.WriteFiles(t, dir, map[string]string{
		"cp-1/deployment.toml": "[server]\nhostname = \"cp-1\"\nnode_ip = \"10.0.0.1\"\nserver_role = \"control-plane\"\n\n[super_admin]\npassword = \"" + driftSecret + "-2\"\n",
		"gw-1/deployment.toml": "[server]\nhostname = \"gw-1\"\nnode_ip = \"10.0.0.2\"\nserver_role = \"gateway-worker\"\n\n[apim.cache.gateway_token]\nenable = false\n",
	})
	out, stderr, code = apimlint(t, "drift", "--baseline", base, dir)
	if code != exitFindings {
		t.Fatalf("drifted fleet: exit %d, want 1\n%s%s", code, out, stderr)
	}
	for _, want := range []string{
		"gw-1/deployment.toml:7:10: warning: apim.cache.gateway_token.enable changed since the baseline: was true, now false (baseline-drift)",
		"cp-1/deployment.toml:7:12: warning: super_admin.password changed since the baseline: the secret differs",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	jsonOut, _, code := apimlint(t, "drift", "--baseline", base, "--format", "json", dir)
	if code != exitFindings {
		t.Fatalf("json: exit %d", code)
	}
	var doc struct {
		Findings []struct {
			Rule, Key, Node, Severity string
		}
	}
	if err := json.Unmarshal([]byte(jsonOut), &doc); err != nil {
		t.Fatalf("json output: %v\n%s", err, jsonOut)
	}
	if len(doc.Findings) != 2 || doc.Findings[0].Rule != "baseline-drift" || doc.Findings[0].Severity != "warning" {
		t.Fatalf("json findings %+v", doc.Findings)
	}
	for _, o := range []string{out, stderr, jsonOut} {
		if strings.Contains(o, driftSecret) {
			t.Fatalf("secret in output:\n%s", o)
		}
	}
	if _, _, code := apimlint(t, "drift", "--baseline", base, "--fail-on", "error", dir); code != exitOK {
		t.Errorf("--fail-on error with warnings only: exit %d, want 0", code)
	}

	// [drift] ignore in the fleet config silences both.
	fleettest.WriteFiles(t, dir, map[string]string{".apimlint.toml": "[drift]\nignore = [\"super_admin.password\"]\n[drift.roles]\ngateway = [\"apim.cache\"]\n"})
	out, stderr, code = apimlint(t, "drift", "--baseline", base, dir)
	if code != exitOK {
		t.Fatalf("ignored drift: exit %d\n%s%s", code, out, stderr)
	}
}

func TestDriftCLIBadBaselines(t *testing.T) {
	dir := driftFleet(t)
	tmp := t.TempDir()
	good := filepath.Join(tmp, "good.json")
	if _, stderr, code := apimlint(t, "baseline", dir, "-o", good); code != exitOK {
		t.Fatal(stderr)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct{ data, want string }{
		"truncated": {string(data[:len(data)/2]), "truncated"},
		"future":    {strings.Replace(string(data), fmt.Sprintf(`"version": %d`, drift.Version), `"version": 7`, 1), "newer than this apimlint"},
		"edited":    {strings.Replace(string(data), `"kind":"boolean"`, `"kind":"bool"`, 1), `unknown kind "bool"`},
		"empty":     {"", "empty file"},
	} {
		p := filepath.Join(tmp, name+".json")
		if err := os.WriteFile(p, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := apimlint(t, "drift", "--baseline", p, dir)
		if code != exitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, p) {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want exit 2 and %q", name, code, stderr, out, c.want)
		}
		// baseline -o refuses to overwrite a file that is not a baseline.
		if _, stderr, code := apimlint(t, "baseline", dir, "-o", p); code != exitUsage || !strings.Contains(stderr, "refusing to overwrite") {
			t.Errorf("%s: baseline -o over it: exit %d %s", name, code, stderr)
		}
	}
	for _, args := range [][]string{
		{"drift", dir},
		{"drift", "--baseline", good},
		{"drift", "--baseline", filepath.Join(tmp, "missing.json"), dir},
		{"drift", "--baseline", good, "--rule", "x", dir},
		{"baseline", dir},
	} {
		if _, _, code := apimlint(t, args...); code != exitUsage {
			t.Errorf("apimlint %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

func TestDiffCLI(t *testing.T) {
	dir := driftFleet(t)
	a, b := filepath.Join(dir, "cp-1", "deployment.toml"), filepath.Join(dir, "gw-1", "deployment.toml")
	out, stderr, code := apimlint(t, "diff", a, b)
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"~ server.hostname\n    a " + a + `:2:12: "cp-1"` + "\n    b " + b + `:2:12: "gw-1"`,
		"- super_admin.password (only in a)",
		"4 differences",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	// gw-1 writes apim.cache.gateway_token.enable = true, the default cp-1
	// runs with: effective values are equal, so it is no difference.
	if strings.Contains(out, "gateway_token") {
		t.Errorf("a key equal to the other side's default is reported:\n%s", out)
	}
	if strings.Contains(out, driftSecret) {
		t.Fatal("secret in diff output")
	}
	out, _, code = apimlint(t, "diff", "--fleet", dir, "cp-1", "gw-1", "--ignore", "server", "--format", "json")
	var doc struct {
		Differences []struct{ Key, Kind string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitFindings || len(doc.Differences) != 1 {
		t.Fatalf("fleet diff json: exit %d err %v\n%s", code, err, out)
	}
	if out, _, code := apimlint(t, "diff", a, a); code != exitOK || !strings.Contains(out, "no differences") {
		t.Errorf("same file: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"diff", a},
		{"diff", dir, b},
		{"diff", "--fleet", dir, "cp-1", "gw-9"},
		{"diff", "--format", "yaml", a, b},
	} {
		if _, _, code := apimlint(t, args...); code != exitUsage {
			t.Errorf("apimlint %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
}

func TestExplainBaselineDrift(t *testing.T) {
	out, _, code := apimlint(t, "explain", "baseline-drift")
	if code != exitOK || !strings.Contains(out, "baseline-drift (warning by default)") || !strings.Contains(out, "[drift] ignore") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}
