package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// apimlint runs the CLI in-process and returns stdout, stderr and the exit code.
func apimlint(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdout: &out, stderr: &errb, getenv: testGetenv}
	code := run(env, args)
	return out.String(), errb.String(), code
}

const repoTestdata = "../../testdata"

// testKeyFile is the baseline key file of the tests: never the user's.
var testKeyFile string

// testGetenv is the environment of in-process runs: empty, but for the
// baseline key file.
func testGetenv(k string) string {
	if k == keyFileEnv {
		return testKeyFile
	}
	return ""
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "apimlint-test-key")
	if err != nil {
		panic(err)
	}
	testKeyFile = filepath.Join(dir, "baseline.key")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
	}{
		{[]string{repoTestdata + "/clean-ha"}, exitOK},
		{[]string{"--fail-on", "info", repoTestdata + "/seed-ha-fixed"}, exitOK},
		{[]string{"lint", repoTestdata + "/clean-ha"}, exitOK},
		{[]string{repoTestdata + "/seed-ha"}, exitFindings},
		{[]string{repoTestdata + "/seed-ha", "--fail-on", "none"}, exitOK},
		{[]string{"--fail-on=none", repoTestdata + "/seed-ha"}, exitOK},
		{[]string{repoTestdata + "/does-not-exist"}, exitUsage},
		{[]string{"--no-such-flag", repoTestdata + "/clean-ha"}, exitUsage},
		{[]string{"--format", "yaml", repoTestdata + "/clean-ha"}, exitUsage},
		{[]string{"--fail-on", "severe", repoTestdata + "/clean-ha"}, exitUsage},
		{[]string{"--rule", "no-such-rule", repoTestdata + "/clean-ha"}, exitUsage},
		{[]string{"lint"}, exitUsage},
		{[]string{"../../internal"}, exitUsage}, // a directory with no deployment.toml
		{[]string{"explain", "no-such-rule"}, exitUsage},
		{[]string{"explain", "gateway-id-unique"}, exitOK},
		{[]string{"rules"}, exitOK},
		{[]string{"version"}, exitOK},
		{[]string{"--help"}, exitOK},
	}
	for _, c := range cases {
		_, stderr, code := apimlint(t, c.args...)
		if code != c.code {
			t.Errorf("apimlint %s: exit %d, want %d (stderr: %s)", strings.Join(c.args, " "), code, c.code, stderr)
		}
	}
}

func TestSyntaxErrorIsAFinding(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gw-1", "deployment.toml")
	fleettest.WriteFile(t, p, "[server]\nhostname = \"gw-1\n")
	out, _, code := apimlint(t, dir)
	if code != exitFindings || !strings.Contains(out, p+":2:17: error: ") || !strings.Contains(out, "(toml-syntax)") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestUnreadableIsExit2(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "deployment.toml")
	if err := os.WriteFile(p, []byte("a = 1\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := apimlint(t, p)
	if code != exitUsage || !strings.Contains(stderr, "permission denied") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

// TestJSONContract checks the fields and types of --format json, which
// are a public contract.
func TestJSONContract(t *testing.T) {
	out, _, code := apimlint(t, "--format", "json", repoTestdata+"/seed-ha")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	wantKeys(t, "top level", doc, "version", "root", "nodes", "findings", "summary")
	if doc["version"] != float64(1) {
		t.Errorf("version = %v", doc["version"])
	}
	nodes := doc["nodes"].([]any)
	if len(nodes) != 6 {
		t.Fatalf("%d nodes", len(nodes))
	}
	wantKeys(t, "node", nodes[0].(map[string]any), "name", "file", "role", "roleSource", "addresses")
	findings := doc["findings"].([]any)
	if len(findings) == 0 {
		t.Fatal("no findings")
	}
	related := 0
	for _, f := range findings {
		m := f.(map[string]any)
		wantKeys(t, "finding", m, "rule", "severity", "node", "file", "line", "column", "key", "message", "related")
		if m["line"].(float64) < 1 || m["column"].(float64) < 1 {
			t.Errorf("positions are 1-based: %v", m)
		}
		for _, r := range m["related"].([]any) {
			related++
			wantKeys(t, "related", r.(map[string]any), "node", "file", "line", "column", "key", "message")
		}
	}
	if related == 0 {
		t.Error("no related locations in the seed fleet's findings")
	}
	wantKeys(t, "summary", doc["summary"].(map[string]any), "error", "warning", "info", "nodes")
}

func wantKeys(t *testing.T, what string, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s has no %q: %v", what, k, m)
		}
	}
}

func TestRulesJSON(t *testing.T) {
	out, _, code := apimlint(t, "rules", "--format", "json")
	if code != exitOK {
		t.Fatal(code)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	fixable := map[string]bool{}
	for _, m := range raw {
		r := map[string]string{}
		for k, v := range m {
			if s, ok := v.(string); ok {
				r[k] = s
			}
		}
		if b, ok := m["fixable"].(bool); !ok {
			t.Errorf("rule %v has no fixable flag", m["id"])
		} else if b {
			fixable[r["id"]] = true
		}
		if r["id"] == "" || r["severity"] == "" || r["summary"] == "" || r["docs"] != lint.RuleDocURL(r["id"]) {
			t.Errorf("incomplete rule %v", r)
		}
		if r["command"] == "lint" && r["category"] == "" {
			t.Errorf("lint rule %s has no category", r["id"])
		}
		ids[r["id"]] = true
	}
	if !fixable["gateway-id-unique"] || fixable["toml-syntax"] {
		t.Errorf("fixable rules: %v", fixable)
	}
	for _, id := range []string{"toml-syntax", "unresolved-placeholder", "role-unknown", "gateway-id-unique", "default-admin-password"} {
		if !ids[id] {
			t.Errorf("rule %s not listed", id)
		}
	}
}

func TestNodes(t *testing.T) {
	out, _, code := apimlint(t, "nodes", repoTestdata+"/seed-single")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"role:      control-plane", "role:      gateway", "role:      traffic-manager", "cp.wso2.com ([server] hostname)", "jms 5672/8672"} {
		if !strings.Contains(out, want) {
			t.Errorf("nodes output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = apimlint(t, "nodes", "--format", "json", repoTestdata+"/seed-ha")
	var doc struct {
		Nodes    []map[string]any `json:"nodes"`
		Clusters []map[string]any `json:"clusters"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	hosts := []string{}
	for _, c := range doc.Clusters {
		hosts = append(hosts, c["host"].(string)+"="+c["role"].(string))
	}
	sort.Strings(hosts)
	if got := strings.Join(hosts, " "); !strings.Contains(got, "api.am.wso2.com=control-plane") || !strings.Contains(got, "gw.wso2.com=gateway") {
		t.Errorf("clusters %s", got)
	}
}

// TestGolden lints every fleet in testdata/ and compares the text output
// with testdata/golden/FLEET.txt (go test -update rewrites them).
func TestGolden(t *testing.T) {
	fleets := []string{"seed-ha", "seed-ha-fixed", "seed-single", "clean-ha"}
	for _, name := range fleets {
		t.Run(name, func(t *testing.T) {
			out, _, _ := apimlint(t, "--fail-on", "none", repoTestdata+"/"+name)
			out = strings.ReplaceAll(out, repoTestdata+"/", "")
			checkGolden(t, name+".txt", out, "TestGolden")
		})
	}
}

func diffLines(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			b.WriteString("- " + a + "\n+ " + c + "\n")
		}
	}
	return b.String()
}
