package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// copiedEnvironment writes one environment: a control plane, two traffic
// managers and a gateway whose url_groups name tm1 and tm2.
func copiedEnvironment(t *testing.T, dir, env, tm1, tm2 string) {
	t.Helper()
	files := map[string]string{
		"cp/deployment.toml": `[server]
hostname = "cp.` + env + `.bank.local"
server_role = "control-plane"
`,
		"gw/deployment.toml": `[server]
hostname = "gw.` + env + `.bank.local"
server_role = "gateway-worker"

[apim.key_manager]
service_url = "https://cp.` + env + `.bank.local:9443/services/"

[apim.throttling]
throttle_decision_endpoints = ["tcp://` + tm1 + `:5672", "tcp://` + tm2 + `:5672"]

` + urlGroup(tm1) + "\n" + urlGroup(tm2),
	}
	for _, tm := range []string{"tm-1", "tm-2"} {
		files[tm+"/deployment.toml"] = `[server]
hostname = "` + tm + `.` + env + `.bank.local"
server_role = "traffic-manager"

[apim.event_hub]
enable = true
service_url = "https://cp.` + env + `.bank.local:9443/services/"
event_listening_endpoints = ["tcp://cp.` + env + `.bank.local:5672"]
`
	}
	for name, text := range files {
		p := filepath.Join(dir, env, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// urlGroup is a failover [[apim.throttling.url_group]] for one traffic
// manager host.
func urlGroup(tm string) string {
	return `[[apim.throttling.url_group]]
traffic_manager_urls = ["tcp://` + tm + `:9611"]
traffic_manager_auth_urls = ["ssl://` + tm + `:9711"]
type = "failover"
`
}

// elsewhereFindings lints the estate below dir as the CLI does (linting
// folders while discovering them, where the other fleets are not known
// yet) and returns the messages of the tm-url-groups findings on qa's
// gateway.
func elsewhereFindings(t *testing.T, dir string) []lint.Finding {
	t.Helper()
	l := lint.Linter{Rules: All()}
	e, err := l.DiscoverEstate(dir, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Fleets) != 2 {
		for _, p := range e.Fleets {
			t.Logf("%s %v %s", p.Name, p.Files, p.Why)
		}
		t.Fatalf("%d fleets, want qa and prod", len(e.Fleets))
	}
	res, err := l.LintEstate(context.Background(), e, lint.EstateRunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []lint.Finding
	for _, f := range res.Findings {
		if f.Rule == "tm-url-groups" && f.Fleet == "qa" {
			out = append(out, f)
		}
	}
	return out
}

// TestURLIntoAnotherFleetOfTheEstate: qa and prod are copies; qa's
// gateway still names prod's tm-2. Linted alone, qa sees a host it does
// not know (a warning: maybe a load balancer). In the estate, the host is
// prod's traffic manager: an error that names the fleet and node.
func TestURLIntoAnotherFleetOfTheEstate(t *testing.T) {
	dir := t.TempDir()
	copiedEnvironment(t, dir, "qa", "tm-1.qa.bank.local", "tm-2.prod.bank.local")
	copiedEnvironment(t, dir, "prod", "tm-1.prod.bank.local", "tm-2.prod.bank.local")
	got := elsewhereFindings(t, dir)
	if len(got) != 2 {
		t.Fatalf("%d tm-url-groups findings on qa, want 2 (urls and auth_urls): %v", len(got), got)
	}
	for _, f := range got {
		if f.Severity != lint.SeverityError || !strings.Contains(f.Message, "tm-2.prod.bank.local is traffic-manager node tm-2 of fleet prod") {
			t.Errorf("%s: %s %s", f.File, f.Severity, f.Message)
		}
	}

	alone, err := lint.Load([]string{filepath.Join(dir, "qa")}, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := lint.Run(context.Background(), alone, []*lint.Rule{TMURLGroups}, lint.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "fleet prod") || f.Severity == lint.SeverityError {
			t.Errorf("linted alone, qa knows no other fleet: %s %s", f.Severity, f.Message)
		}
	}
}

// TestExampleHostsAreNoOtherFleet: WSO2's documented names
// (decisions.wso2.com) are copied by unrelated deployments; a fleet that states
// one says nothing about another fleet naming it.
func TestExampleHostsAreNoOtherFleet(t *testing.T) {
	dir := t.TempDir()
	copiedEnvironment(t, dir, "qa", "tm-1.qa.bank.local", "decisions.wso2.com")
	copiedEnvironment(t, dir, "prod", "tm-1.prod.bank.local", "tm-2.prod.bank.local")
	p := filepath.Join(dir, "prod", "tm-2", "deployment.toml")
	if err := os.WriteFile(p, []byte("[server]\nhostname = \"decisions.wso2.com\"\nserver_role = \"traffic-manager\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range elsewhereFindings(t, dir) {
		if strings.Contains(f.Message, "fleet prod") {
			t.Errorf("%s", f.Message)
		}
	}
}

// TestURLBesideItsOwnIntoAnotherFleetIsAWarning: qa's gateway names its
// own tm-2 and, in a third url_group, prod's tm-2 too: possibly deliberate
// (a standby site that also publishes to the active one), so a warning
// that names the fleet, not an error.
func TestURLBesideItsOwnIntoAnotherFleetIsAWarning(t *testing.T) {
	dir := t.TempDir()
	copiedEnvironment(t, dir, "qa", "tm-1.qa.bank.local", "tm-2.qa.bank.local")
	copiedEnvironment(t, dir, "prod", "tm-1.prod.bank.local", "tm-2.prod.bank.local")
	gw := filepath.Join(dir, "qa", "gw", "deployment.toml")
	b, err := os.ReadFile(gw)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("\n[[apim.throttling.url_group]]\ntraffic_manager_urls = [\"tcp://tm-2.prod.bank.local:9611\"]\ntraffic_manager_auth_urls = [\"ssl://tm-2.prod.bank.local:9711\"]\n")...)
	if err := os.WriteFile(gw, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var named int
	for _, f := range elsewhereFindings(t, dir) {
		if !strings.Contains(f.Message, "of fleet prod") {
			continue
		}
		named++
		if f.Severity != lint.SeverityWarning {
			t.Errorf("%s %s", f.Severity, f.Message)
		}
	}
	if named != 2 {
		t.Errorf("%d findings name fleet prod, want 2 (urls and auth_urls)", named)
	}
}
