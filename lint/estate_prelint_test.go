package lint_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/apimlint/apimlint/internal/fleetgen"
	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/rules"
)

// estateResult is what outputs show of a linted estate.
type estateResult struct {
	Findings []lint.Finding
	Fleets   []lint.FleetSummary
	Nodes    []lint.Node
	Rules    []string
}

func shown(res *lint.Result) estateResult {
	out := estateResult{Findings: res.Findings, Fleets: res.Fleets}
	for _, n := range res.Fleet.Nodes {
		out.Nodes = append(out.Nodes, *n)
	}
	for _, r := range res.Rules {
		out.Rules = append(out.Rules, r.ID)
	}
	return out
}

// TestDiscoveryWhileLinting: linting folders while discovering them
// (Linter.DiscoverEstate) gives, finding for finding and node for node,
// what discovering and then loading each fleet gives; and it does take
// the folders it linted, so that the files are read once.
func TestDiscoveryWhileLinting(t *testing.T) {
	generated := t.TempDir()
	if err := fleetgen.WriteEstate(generated, 6, 7); err != nil {
		t.Fatal(err)
	}
	styles := t.TempDir()
	writeStyles(t, styles, "")
	hashes, namedDeployment := writeSameNames(t, t.TempDir())
	nodeConfig := t.TempDir()
	writeStyles(t, nodeConfig, "[[node]]\npath = \"gateway-prod/n2\"\nrole = \"gateway\"\n")
	cases := []struct {
		name        string
		root        func(t *testing.T) string
		usedAtLeast int
	}{
		{"generated", func(*testing.T) string { return generated }, 6},
		{"testdata", func(*testing.T) string { return filepath.Join("..", "testdata", "estate") }, 0},
		{"styles", func(*testing.T) string { return styles }, 1},
		{"node-config", func(*testing.T) string { return nodeConfig }, 0},
		{"same-names", func(*testing.T) string { return hashes }, 2},
		{"root-named-deployment", func(*testing.T) string { return namedDeployment }, 1},
		{"corpus/fleets", func(t *testing.T) string { return filepath.Join(fleettest.CorpusDir(t), "fleets") }, 10},
		{"corpus", func(t *testing.T) string { return fleettest.CorpusDir(t) }, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := c.root(t)
			plain, err := lint.DiscoverEstate(root, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&lint.Linter{Rules: rules.All()}).LintEstate(context.Background(), plain, lint.EstateRunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			l := &lint.Linter{Rules: rules.All()}
			e, err := l.DiscoverEstate(root, lint.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			linted := lint.PrelintsLeft(e)
			got, err := l.LintEstate(context.Background(), e, lint.EstateRunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(shown(want), shown(got), cmpopts.IgnoreUnexported(lint.Node{})); diff != "" {
				t.Errorf("linting while discovering differs (-after discovery +while discovering):\n%s", diff)
			}
			used := linted - lint.PrelintsLeft(e)
			if used < c.usedAtLeast {
				t.Errorf("%d of %d fleets taken from discovery, want at least %d", used, len(e.Fleets), c.usedAtLeast)
			}
			t.Logf("%d fleets, %d linted while discovered, %d of them taken", len(e.Fleets), linted, used)
		})
	}
}

// writeStyles writes an estate of the cases linting during discovery must
// get right: a root config whose [[fleet]] entries fix one fleet and name
// a folder that does not exist (a finding the first fleet carries); a
// folder whose name gives a node its role (gateway-prod/n2 is a gateway
// below the estate root, of no role in its fleet, and so names nothing);
// a qa environment whose gateway names prod's control plane; a node kept
// in its pack directory. extra is added to the root config.
func writeStyles(t *testing.T, dir, extra string) {
	t.Helper()
	cp, gw := testCP, testGW
	files := map[string]string{
		".apimlint.toml":                                        "[[fleet]]\npath = \"fixed\"\n\n[[fleet]]\npath = \"gone\"\n\n" + extra,
		"fixed/cp/deployment.toml":                              cp("cp.fixed.bank.local"),
		"fixed/gw/deployment.toml":                              gw("gw.fixed.bank.local", "cp.fixed.bank.local"),
		"gateway-prod/cp1/deployment.toml":                      cp("cp1.prod.bank.local"),
		"gateway-prod/n2/deployment.toml":                       "[server]\nhostname = \"n2.prod.bank.local\"\n\n[apim.key_manager]\nservice_url = \"https://cp1.prod.bank.local:9443/services/\"\n",
		"gateway-prod/gw/deployment.toml":                       gw("gw.prod.bank.local", "cp1.prod.bank.local"),
		"qa/cp/deployment.toml":                                 cp("cp.qa.bank.local"),
		"qa/gw/deployment.toml":                                 gw("gw.qa.bank.local", "cp1.prod.bank.local"),
		"vm/host1/wso2am-4.6.0/repository/conf/deployment.toml": cp("host1.vm.bank.local"),
		"vm/host1/gw/deployment.toml":                           gw("gw.vm.bank.local", "host1.vm.bank.local"),
	}
	for name, text := range files {
		fleettest.WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), text)
	}
}

// writeEnv writes a control plane and a gateway that names it.
func writeEnv(t *testing.T, dir, env string) {
	t.Helper()
	files := map[string]string{
		"cp/deployment.toml": "[server]\nhostname = \"cp." + env + ".bank.local\"\nserver_role = \"control-plane\"\n",
		"gw/deployment.toml": "[server]\nhostname = \"gw." + env + ".bank.local\"\nserver_role = \"gateway-worker\"\n\n" +
			"[apim.key_manager]\nservice_url = \"https://cp." + env + ".bank.local:9443/services/\"\n",
	}
	for name, text := range files {
		fleettest.WriteFile(t, filepath.Join(dir, env, name), text)
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
	asks := &lint.Rule{ID: "asks", Severity: lint.SeverityInfo, Run: func(p *lint.Pass) {
		got := p.Fleet.ElsewhereInEstate("cp.prod.bank.local")
		p.Report(lint.Finding{Message: fmt.Sprintf("cp.prod.bank.local is stated by %d nodes of other fleets", len(got))})
	}}
	l := &lint.Linter{Rules: []*lint.Rule{asks}}
	e, err := l.DiscoverEstate(dir, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	qa, prod := filepath.Join(dir, "qa"), filepath.Join(dir, "prod")
	if got := lint.PrelintRoots(e); len(e.Fleets) != 2 || !slices.Equal(got, []string{prod, qa}) {
		t.Fatalf("%d fleets; linted while discovered: %v", len(e.Fleets), got)
	}
	res, err := l.LintEstate(context.Background(), e, lint.EstateRunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := lint.PrelintRoots(e); !slices.Equal(got, []string{qa}) {
		t.Errorf("qa's early result must be left and prod's taken; left: %v", got)
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

func testCP(host string) string {
	return "[server]\nhostname = \"" + host + "\"\nserver_role = \"control-plane\"\n"
}

func testGW(host, km string) string {
	return "[server]\nhostname = \"" + host + "\"\nserver_role = \"gateway-worker\"\n\n[apim.key_manager]\nservice_url = \"https://" + km + ":9443/services/\"\n"
}

func testTM(host, cp string) string {
	return "[server]\nhostname = \"" + host + "\"\nserver_role = \"traffic-manager\"\n\n[apim.event_hub]\nenable = true\nservice_url = \"https://" + cp + ":9443/services/\"\n"
}

// writeSameNames writes folders in which two nodes get one name, which
// their order tells apart (the second is NAME#2): a file in a folder and
// one below its repository/conf (a, a) beside a folder named a#2; and an
// estate root named deployment whose own file and whose deployment/
// subfolder are both "deployment" (the walk, depth first, meets them in
// another order than the sorted paths).
func writeSameNames(t *testing.T, dir string) (hashes, root string) {
	t.Helper()
	hashes = filepath.Join(dir, "hashes")
	for _, env := range []string{"prod", "staging"} {
		d := filepath.Join(hashes, "envs", env)
		fleettest.WriteFile(t, filepath.Join(d, "a", "deployment.toml"), testCP("cp."+env+".bank.local"))
		fleettest.WriteFile(t, filepath.Join(d, "a", "repository", "conf", "deployment.toml"), testGW("gw."+env+".bank.local", "cp."+env+".bank.local"))
		fleettest.WriteFile(t, filepath.Join(d, "a#2", "deployment.toml"), testTM("tm."+env+".bank.local", "cp."+env+".bank.local"))
	}
	root = filepath.Join(dir, "deployment")
	fleettest.WriteFile(t, filepath.Join(root, "deployment.toml"), testCP("cp.bank.local"))
	fleettest.WriteFile(t, filepath.Join(root, "deployment", "deployment.toml"), testGW("gw.bank.local", "cp.bank.local"))
	fleettest.WriteFile(t, filepath.Join(root, "tm", "deployment.toml"), testTM("tm.bank.local", "cp.bank.local"))
	for _, n := range []string{"cp", "gw", "tm"} {
		fleettest.WriteFile(t, filepath.Join(root, "envs", "prod", n, "deployment.toml"), map[string]string{
			"cp": testCP("cp.prod.bank.local"), "gw": testGW("gw.prod.bank.local", "cp.prod.bank.local"), "tm": testTM("tm.prod.bank.local", "cp.prod.bank.local"),
		}[n])
	}
	return hashes, root
}
