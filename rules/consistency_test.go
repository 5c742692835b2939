package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/google/go-cmp/cmp"
)

// consistencyRules are the rules of this file's tests.
var consistencyRules = []string{
	"admin-credentials-shared", "doc-placeholder", "encryption-key-shared", "gateway-labels",
	"ha-peer-drift", "primary-keystore-shared", "shared-db-consistent",
}

func TestParseJDBC(t *testing.T) {
	tests := []struct {
		url  string
		want dbRef
	}{
		{"jdbc:mysql://db.example.com:3306/apim_db?useSSL=false", dbRef{Kind: dbServer, Type: "mysql", Host: "db.example.com", Port: "3306", Name: "apim_db"}},
		{"jdbc:mysql://DB.example.com/apim_db", dbRef{Kind: dbServer, Type: "mysql", Host: "db.example.com", Port: "3306", Name: "apim_db"}},
		{"jdbc:postgresql://pg:5433/shared", dbRef{Kind: dbServer, Type: "postgre", Host: "pg", Port: "5433", Name: "shared"}},
		{"jdbc:sqlserver://sql:1433;databaseName=WSO2AM_DB;encrypt=true", dbRef{Kind: dbServer, Type: "mssql", Host: "sql", Port: "1433", Name: "WSO2AM_DB"}},
		{"jdbc:oracle:thin:@ora:1521/ORCLPDB", dbRef{Kind: dbServer, Type: "oracle", Host: "ora", Port: "1521", Name: "ORCLPDB"}},
		{"jdbc:oracle:thin:@ora:1521:ORCL", dbRef{Kind: dbServer, Type: "oracle", Host: "ora", Port: "1521", Name: "ORCL"}},
		{"jdbc:oracle:thin:@//ora/SVC", dbRef{Kind: dbServer, Type: "oracle", Host: "ora", Port: "1521", Name: "SVC"}},
		{"jdbc:h2:./repository/database/WSO2AM_DB;DB_CLOSE_ON_EXIT=FALSE", dbRef{Kind: dbLocal, Type: "h2", Name: "./repository/database/WSO2AM_DB"}},
		{"jdbc:h2:tcp://h2host:9092/~/apim", dbRef{Kind: dbServer, Type: "h2", Host: "h2host", Port: "9092", Name: "~/apim"}},
		{"jdbc:mysql://<DB_URL>:3306/apim_db", dbRef{Kind: dbServer, Type: "mysql", Host: "<db_url>", Port: "3306", Name: "apim_db"}},
		{"mysql://db/x", dbRef{Kind: dbUnknown}},
		{"jdbc:", dbRef{Kind: dbUnknown}},
		{"jdbc:mysql:", dbRef{Kind: dbUnknown}},
		{"jdbc:oracle:thin:", dbRef{Kind: dbUnknown}},
	}
	for _, tc := range tests {
		got := parseJDBC(tc.url)
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(dbRef{})); diff != "" {
			t.Errorf("parseJDBC(%q) (-want +got):\n%s", tc.url, diff)
		}
	}
}

func TestFindDocPlaceholders(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://[control-plane-host]:9443/services/", []string{"[control-plane-host]"}},
		{"ws://[api-gateway-LB-host-or-ip]:9099", []string{"[api-gateway-LB-host-or-ip]"}},
		{"<unique-gateway-id>", []string{"<unique-gateway-id>"}},
		{"jdbc:mysql://<DB_URL>:3306/x <DB_URL>", []string{"<DB_URL>"}},
		{"xxx.xxx.xxx.xx4", []string{"xxx.xxx.xxx.xx4"}},
		{"{{ .Values.wso2.host }}", []string{"{{ .Values.wso2.host }}"}},
		{"[hostname] and <GATEWAY-IP>", []string{"[hostname]", "<GATEWAY-IP>"}},
		// Not placeholders.
		{"^[a-zA-Z0-9-]+$", nil},
		{"https://[::1]:9443/", nil},
		{"<b>bold</b> [production]", nil},
		{"x.example.com", nil},
		{"box.xx1.example.com", nil},
		{"10.0.0.1", nil},
	}
	for _, tc := range tests {
		if got := findDocPlaceholders(tc.in); !cmp.Equal(tc.want, got) {
			t.Errorf("findDocPlaceholders(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDriftIgnore(t *testing.T) {
	ig := driftIgnore{"apim.cors", "apim.cache.*", "apim.throttling.url_group.traffic_manager_urls"}
	for p, want := range map[string]bool{
		"apim.cors.allow_origins":                                true,
		"apim.cors":                                              true,
		"apim.corsx.enable":                                      false,
		"apim.cache.gateway_token":                               true,
		"apim.cache.gateway_token.enable":                        true,
		"apim.throttling.url_group[3].traffic_manager_urls":      true,
		"apim.throttling.url_group[3].traffic_manager_auth_urls": false,
	} {
		if got := ig.match(p); got != want {
			t.Errorf("match(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestSelfRewriter(t *testing.T) {
	rw := selfRewriter(map[string]bool{"dc2": true, "2": true})
	for in, want := range map[string]string{
		"https://wso2apim-cp-dc2:9443/services/": "https://wso2apim-cp-\x00self:9443/services/",
		"tcp://apim-cp-2:5672":                   "tcp://apim-cp-\x00self:5672",
		"2":                                      "2", // a bare number is not a host
		"9443":                                   "9443",
		"order 2 of dc2":                         "order 2 of dc2",
	} {
		if got := rw(in); got != want {
			t.Errorf("rewrite(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecretsNotPrinted runs the rules that compare secrets on fixtures
// where secrets differ. The engine scrubs any secret a message still holds
// into "****"; a rule that compares by hash leaves nothing to scrub, so a
// "****" in these messages means the rule printed a secret.
func TestSecretsNotPrinted(t *testing.T) {
	for _, fx := range []struct{ rule, file string }{
		{"admin-credentials-shared", "differ.txtar"},
		{"encryption-key-shared", "differ.txtar"},
	} {
		_, got := fleettest.Run(t, filepath.Join("testdata", fx.rule, fx.file), All(), fx.rule)
		if len(got) == 0 {
			t.Fatalf("%s/%s: no findings", fx.rule, fx.file)
		}
		for _, f := range got {
			if strings.Contains(f.Message, "****") {
				t.Errorf("%s printed a secret (scrubbed by the engine): %s", fx.rule, f.Message)
			}
			for _, r := range f.Related {
				if strings.Contains(r.Message, "****") {
					t.Errorf("%s printed a secret in a related note: %s", fx.rule, r.Message)
				}
			}
		}
	}
}

// TestConsistencyRulesOnCorpus runs the rules on every real fleet of the
// shared corpus and compares the counts by rule and severity with the
// ones reviewed by hand (each finding there is a real mistake of the
// published files; see the comments).
func TestConsistencyRulesOnCorpus(t *testing.T) {
	dir := filepath.Join(fleettest.CorpusDir(t), "fleets")
	want := map[string]string{
		// JDBC URL rendered into hostname by the ansible templates (gateway shared_db, TM apim_db + shared_db).
		"ansible-4.1.x-distributed": "shared-db-consistent:error=3",
		"ansible-4.2.x-distributed": "shared-db-consistent:error=3",
		// analytics enabled with auth_token = "<on-prem-key>".
		"docker-4.0.x-apim-is-as-km": "doc-placeholder:error=1",
		"docker-4.1.x-apim-is-as-km": "doc-placeholder:error=1",
		"docker-4.2.x-apim-is-as-km": "doc-placeholder:error=1",
		"docker-4.3.x-apim-is-as-km": "doc-placeholder:error=1",
		// jdbc:mysql://<DB_URL>:3306/… on every node with a database.
		"helm-main-pattern-1": "doc-placeholder:error=4",
		"helm-main-pattern-2": "doc-placeholder:error=2",
		"helm-main-pattern-3": "doc-placeholder:error=4",
		// the key manager has its own admin password and its own apim_db2/shared_db2 on another server.
		"helm-main-pattern-4": "admin-credentials-shared:error=1 doc-placeholder:error=4 shared-db-consistent:error=2",
		"helm-main-pattern-5": "admin-credentials-shared:error=1 doc-placeholder:error=4 shared-db-consistent:error=2",
		// gateways without labels (so "Default") while each control plane defines only its own
		// "Production and Sandbox - DCn" on one shared apim_db; per-DC settings drift.
		"multidc-sim-4.2": "gateway-labels:error=7 gateway-labels:warning=4 ha-peer-drift:warning=3",
	}
	var sel []*lint.Rule
	for _, id := range consistencyRules {
		r, ok := Get(id)
		if !ok {
			t.Fatalf("rule %s not registered", id)
		}
		sel = append(sel, r)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		f, err := lint.Load([]string{filepath.Join(dir, e.Name())}, lint.LoadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		res, err := lint.Run(context.Background(), f, sel, lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, x := range res.Findings {
			if strings.HasPrefix(x.Message, "internal error") {
				t.Errorf("%s: %s", e.Name(), x.Message)
			}
			counts[fmt.Sprintf("%s:%s", x.Rule, x.Severity)]++
		}
		var parts []string
		for k, v := range counts {
			parts = append(parts, fmt.Sprintf("%s=%d", k, v))
		}
		sort.Strings(parts)
		if got := strings.Join(parts, " "); got != want[e.Name()] {
			t.Errorf("%s: got %q, want %q", e.Name(), got, want[e.Name()])
		}
	}
}

// The keystores under testdata/primary-keystore-shared/keystores were made
// with keytool (Java 17): a.jks and b.jks hold two different wso2carbon
// keys, a.p12 and b.p12 the same keys as PKCS#12 (PBES2, AES-256),
// a-legacy.p12 key a with openssl's legacy RC2 encryption.
const (
	fingerprintA = "B4AA85F318E3B292C2A60829D23A1B509DBE5037D140C06496801AB2D2B26305"
	fingerprintB = "92241C76755B984162E160F5C0C9A01D19BB524D99CF88CDD9F6CB31F1ADEED3"
)

func readKeystore(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "primary-keystore-shared", "keystores", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCertFingerprint(t *testing.T) {
	for _, tc := range []struct {
		file, alias, password, want string
		wantErr                     bool
	}{
		{"a.jks", "wso2carbon", "wso2carbon", fingerprintA, false},
		{"a.jks", "WSO2Carbon", "", fingerprintA, false}, // JKS certificates need no password; aliases ignore case
		{"b.jks", "wso2carbon", "wso2carbon", fingerprintB, false},
		{"a.p12", "wso2carbon", "wso2carbon", fingerprintA, false},
		{"b.p12", "wso2carbon", "wso2carbon", fingerprintB, false},
		{"a.jks", "other", "wso2carbon", "", true},
		{"a.p12", "wso2carbon", "wrong", "", true},
		{"a-legacy.p12", "wso2carbon", "wso2carbon", "", true},
	} {
		got, err := certFingerprint(readKeystore(t, tc.file), tc.alias, tc.password)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("certFingerprint(%s, %q) = %q, %v; want %q (error %v)", tc.file, tc.alias, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestCertFingerprintTruncated feeds every prefix of real keystores: an
// error, never a panic.
func TestCertFingerprintTruncated(t *testing.T) {
	for _, name := range []string{"a.jks", "a.p12"} {
		data := readKeystore(t, name)
		for i := range len(data) - 1 {
			if fp, err := certFingerprint(data[:i], "wso2carbon", "wso2carbon"); err == nil && fp == fingerprintA && i < len(data)-64 {
				t.Errorf("%s cut at %d still gave the fingerprint", name, i)
			}
		}
	}
}

// TestPrimaryKeystoreFingerprints lays fleets out on disk with their
// keystores beside the configs: same names everywhere, one node with
// another key.
func TestPrimaryKeystoreFingerprints(t *testing.T) {
	r, _ := Get("primary-keystore-shared")
	node := `[server]
server_role = %q

[keystore.primary]
file_name = %q
type = %q
`
	write := func(t *testing.T, path string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, file, typ, good, bad string
		config                     bool // gw-1's keystore is declared in .apimlint.toml, the layout is flat
	}{
		{"jks", "wso2carbon.jks", "JKS", "a.jks", "b.jks", false},
		{"p12", "wso2carbon.p12", "PKCS12", "a.p12", "b.p12", false},
		{"declared", "wso2carbon.jks", "JKS", "a.jks", "b.jks", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, n := range []struct{ name, role, ks string }{
				{"cp-1", "control-plane", tc.good}, {"cp-2", "control-plane", tc.good}, {"gw-1", "gateway-worker", tc.bad},
			} {
				cfg := []byte(fmt.Sprintf(node, n.role, tc.file, tc.typ))
				if tc.config && n.name == "gw-1" {
					write(t, filepath.Join(root, n.name, "deployment.toml"), cfg)
					write(t, filepath.Join(root, "keys", "gw-1.jks"), readKeystore(t, n.ks))
					write(t, filepath.Join(root, ".apimlint.toml"), []byte("[[node]]\npath = \"gw-1\"\nkeystores = [\"keys/gw-1.jks\"]\n"))
					continue
				}
				write(t, filepath.Join(root, n.name, "repository", "conf", "deployment.toml"), cfg)
				write(t, filepath.Join(root, n.name, "repository", "resources", "security", tc.file), readKeystore(t, n.ks))
			}
			f, err := lint.Load([]string{root}, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := lint.Run(context.Background(), f, []*lint.Rule{r}, lint.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != 1 {
				t.Fatalf("got %d findings, want 1: %+v", len(res.Findings), res.Findings)
			}
			x := res.Findings[0]
			if x.Node != "gw-1" || !strings.Contains(x.Message, "SHA-256 92:24:1C:76") || !strings.Contains(x.Message, "B4:AA:85:F3") {
				t.Errorf("got %s: %s", x.Node, x.Message)
			}
		})
	}
}

// TestConsistencyRulesSilentOnCleanHA: the repository's clean HA fleet
// (2+2+2, nodes naming themselves in their own URLs) raises nothing.
func TestConsistencyRulesSilentOnCleanHA(t *testing.T) {
	f, err := lint.Load([]string{filepath.Join("..", "testdata", "clean-ha")}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var sel []*lint.Rule
	for _, id := range consistencyRules {
		r, _ := Get(id)
		sel = append(sel, r)
	}
	res, err := lint.Run(context.Background(), f, sel, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Nodes) != 6 {
		t.Fatalf("clean-ha has %d nodes, want 6", len(f.Nodes))
	}
	for _, x := range res.Findings {
		t.Errorf("%s:%d:%d: %s: %s (%s)", x.File, x.Line, x.Column, x.Severity, x.Message, x.Rule)
	}
}
