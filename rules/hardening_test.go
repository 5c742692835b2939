package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apimlint/apimlint/internal/fleettest"
	"github.com/apimlint/apimlint/lint"
	"github.com/apimlint/apimlint/wso2"
)

var hardeningRules = []string{
	"default-admin-password", "default-keystore-password", "default-keystore-file", "default-db-password",
	"plaintext-secret", "embedded-h2-database", "broker-unsafe-password", "keystore-coherence", "jms-without-tls",
}

// The keys that take the admin password through a chain are named under
// the finding, at their own positions.
func TestDefaultAdminPasswordListsChains(t *testing.T) {
	_, got := fleettest.Run(t, filepath.Join("testdata", "default-admin-password", "chains.txtar"), All(), "default-admin-password")
	want := map[string][]string{
		"gw-1": {"apim.event_hub.password takes it through $ref{super_admin.password}"},
		"tm-1": {"apim.throttling.password takes it through ${admin.password}", "apim.key_manager.password holds the shipped admin password too, written out"},
	}
	for _, f := range got {
		ws, ok := want[f.Node]
		if !ok {
			continue
		}
		for _, w := range ws {
			found := false
			for _, r := range f.Related {
				if r.Message == w && r.Line > 1 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: finding %q lacks related %q (got %+v)", f.Node, f.Message, w, f.Related)
			}
		}
		delete(want, f.Node)
	}
	for n := range want {
		t.Errorf("no default-admin-password finding on %s", n)
	}
}

// On the real fleets of the corpus: a gateway's or traffic manager's local
// H2 is never reported, every published fleet starts (so no keystore
// incoherence), and no message holds a secret value of the fleet.
func TestHardeningOnCorpus(t *testing.T) {
	dir := filepath.Join(fleettest.CorpusDir(t), "fleets")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var rs []*lint.Rule
	for _, id := range hardeningRules {
		r, ok := Get(id)
		if !ok {
			t.Fatalf("rule %s not registered", id)
		}
		rs = append(rs, r)
	}
	total := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		f, err := lint.Load([]string{filepath.Join(dir, e.Name())}, lint.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := lint.Run(context.Background(), f, rs, lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for _, n := range f.Nodes {
			for _, k := range n.Keys {
				if !k.IsSecret() {
					continue
				}
				for _, v := range k.Scalars() {
					if s := v.Text(); len(s) >= 6 && s != "wso2carbon" && s != "password" && !wso2.HasPlaceholder(s) {
						secrets = append(secrets, s)
					}
				}
			}
		}
		for _, x := range res.Findings {
			total++
			if strings.Contains(x.Message, "internal error") {
				t.Errorf("%s: %s", e.Name(), x.Message)
			}
			switch x.Rule {
			case "embedded-h2-database":
				if n := f.Node(x.Node); n == nil || !n.Role.ActsAs(wso2.RoleControlPlane) {
					t.Errorf("%s: embedded-h2-database on %s, which is no control plane: %s", e.Name(), x.Node, x.Message)
				}
			case "keystore-coherence":
				t.Errorf("%s: keystore-coherence on a published fleet: %s:%d: %s", e.Name(), x.File, x.Line, x.Message)
			}
			for _, s := range secrets {
				if strings.Contains(x.Message, s) {
					t.Errorf("%s: %s message shows a secret value: %s", e.Name(), x.Rule, x.Message)
				}
			}
		}
	}
	if total == 0 {
		t.Error("the hardening rules found nothing on the corpus, which uses admin/admin and wso2carbon throughout")
	}
}

// Odd values (arrays, tables, integers, broken placeholders, broken TOML)
// never make the hardening rules panic or show a secret.
func FuzzHardeningRules(f *testing.F) {
	f.Add("[super_admin]\npassword = [\"a\", 1]\n[keystore.tls]\nfile_name = 5\npassword = {x = 1}\n")
	f.Add("[[super_admin]]\npassword = \"Zq9-secret-value\"\n[database.apim_db]\ntype = [\"h2\"]\nurl = 7\npassword = true\n")
	f.Add("[keystore.tls]\nfile_name = \"${carbon.home}/\"\npassword = \"$ref{keystore.tls.password}\"\n[keystore.primary]\nfile_name = \"/\"\n")
	f.Add("[apim.event_hub]\nevent_listening_endpoints = [\"tcp://\", \"tcp://[::1\", 5]\npassword = \"$secret{}\"\n[secrets]\nx = \"[\"\n")
	f.Add("[server]\nserver_role = \"control-plane\"\n[database.shared_db]\nurl = \"jdbc:h2:\"\nusername = \"Pw-abcdef1234\"\npassword = \"Pw-abcdef1234\"\n")
	var rs []*lint.Rule
	for _, id := range hardeningRules {
		r, ok := Get(id)
		if !ok {
			f.Fatalf("rule %s not registered", id)
		}
		rs = append(rs, r)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fsys := fstest.MapFS{
			"cp-1/deployment.toml": {Data: []byte("[server]\nserver_role = \"control-plane\"\n" + src)},
			"gw-1/deployment.toml": {Data: []byte(src)},
		}
		fl, err := lint.LoadFS(fsys, ".", lint.LoadOptions{})
		if err != nil {
			return
		}
		res, err := lint.Run(context.Background(), fl, rs, lint.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var secrets []string
		for _, n := range fl.Nodes {
			for _, k := range n.Keys {
				if !k.IsSecret() {
					continue
				}
				for _, v := range k.Scalars() {
					if s := v.Text(); len(s) >= 8 && !wso2.HasPlaceholder(s) && !strings.Contains("wso2carbon", s) {
						secrets = append(secrets, s)
					}
				}
			}
		}
		for _, x := range res.Findings {
			if strings.Contains(x.Message, "internal error") {
				t.Fatal(x.Message)
			}
			for _, s := range secrets {
				if strings.Contains(x.Message, s) && !strings.Contains(x.Key, s) {
					t.Fatalf("%s shows a secret: %s", x.Rule, x.Message)
				}
			}
		}
	})
}
