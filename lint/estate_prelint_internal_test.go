package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeEnv writes a control plane and a gateway that names it.
func writeEnv(t *testing.T, dir, env string) {
	t.Helper()
	files := map[string]string{
		"cp/deployment.toml": "[server]\nhostname = \"cp." + env + ".bank.local\"\nserver_role = \"control-plane\"\n",
		"gw/deployment.toml": "[server]\nhostname = \"gw." + env + ".bank.local\"\nserver_role = \"gateway-worker\"\n\n" +
			"[apim.key_manager]\nservice_url = \"https://cp." + env + ".bank.local:9443/services/\"\n",
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

// TestPrelintAskedElsewhere: a folder linted during discovery, whose rules
// asked for a host that another fleet of the estate turns out to state,
// is linted again (discovery could only answer "nowhere"); a folder whose
// questions still get no answer keeps its result.
func TestPrelintAskedElsewhere(t *testing.T) {
	dir := t.TempDir()
	writeEnv(t, dir, "qa")
	writeEnv(t, dir, "prod")
	asks := &Rule{ID: "asks", Severity: SeverityInfo, Run: func(p *Pass) {
		got := p.Fleet.ElsewhereInEstate("cp.prod.bank.local")
		p.Report(Finding{Message: fmt.Sprintf("cp.prod.bank.local is stated by %d nodes of other fleets", len(got))})
	}}
	l := &Linter{Rules: []*Rule{asks}}
	e, err := l.DiscoverEstate(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	qa, prod := filepath.Join(dir, "qa"), filepath.Join(dir, "prod")
	if len(e.Fleets) != 2 || e.prelints[qa] == nil || e.prelints[prod] == nil {
		t.Fatalf("%d fleets; linted while discovered: %v", len(e.Fleets), e.prelints)
	}
	res, err := l.LintEstate(context.Background(), e, EstateRunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e.prelints[qa] == nil || e.prelints[prod] != nil {
		t.Errorf("qa's early result must be left and prod's taken: %v", e.prelints)
	}
	want := map[string]string{"qa": "cp.prod.bank.local is stated by 1 nodes of other fleets", "prod": "cp.prod.bank.local is stated by 0 nodes of other fleets"}
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Fleet] = f.Message
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages by fleet (-want +got):\n%s", diff)
	}
}

// TestRenamedNodeRoleFromName: a node whose role only its directory name
// gives is decided again under the name it has in its fleet: below the
// estate root "gateways/node1" is a gateway, with the URL it names as an
// endpoint reference; as "node1" it has no role, a role-unknown finding
// and no references.
func TestRenamedNodeRoleFromName(t *testing.T) {
	src := []byte(`[server]
hostname = "node1.bank.local"

[apim.throttling]
service_url = "https://cp.bank.local:9443/services/"
`)
	long := NewNode("gateways/node1", "gateways/node1/deployment.toml", src, nil, ResolveOptions{})
	short := NewNode("node1", "gateways/node1/deployment.toml", src, nil, ResolveOptions{})
	if long.Role == short.Role {
		t.Fatalf("the fixture does not test anything: role %s under both names", long.Role)
	}
	r := renamed(long, "node1", "node1/deployment.toml", nil)
	if r.Role != short.Role || r.RoleSource != short.RoleSource || r.RoleDetail != short.RoleDetail {
		t.Errorf("renamed role %s (%s: %s), want %s (%s: %s)", r.Role, r.RoleSource, r.RoleDetail, short.Role, short.RoleSource, short.RoleDetail)
	}
	if diff := cmp.Diff(short.Diagnostics, r.Diagnostics); diff != "" {
		t.Errorf("diagnostics (-loaded under the name +renamed):\n%s", diff)
	}
	if !cmp.Equal(short.refs, r.refs, cmp.AllowUnexported(nodeRef{})) {
		t.Errorf("endpoint references %v, want %v", r.refs, short.refs)
	}
}
