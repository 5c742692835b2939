package lint_test

import (
	"context"
	"path/filepath"
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
	cp := func(host string) string {
		return "[server]\nhostname = \"" + host + "\"\nserver_role = \"control-plane\"\n"
	}
	gw := func(host, km string) string {
		return "[server]\nhostname = \"" + host + "\"\nserver_role = \"gateway-worker\"\n\n[apim.key_manager]\nservice_url = \"https://" + km + ":9443/services/\"\n"
	}
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
