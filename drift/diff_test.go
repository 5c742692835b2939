package drift

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

func nodeOf(t *testing.T, src string) *lint.Node {
	t.Helper()
	return lint.NewNode("n", "n.toml", []byte(src), &lint.Config{}, lint.ResolveOptions{})
}

func TestDiffIgnoresOrderAndFormatting(t *testing.T) {
	a := nodeOf(t, cpTOML)
	b := nodeOf(t, strings.Replace(cpReformatted, "tcp://tm-1:9711", "tcp://tm-1:9611", 1))
	if d := Diff(a, b, DiffOptions{}); len(d) != 0 {
		t.Fatalf("equal nodes differ: %+v", d)
	}
}

func TestDiffKinds(t *testing.T) {
	dir := newFleet(t)
	f := load(t, dir)
	a, b := f.Node("cp-1"), f.Node("gw-1")
	d := Diff(a, b, DiffOptions{})
	byKey := map[string]KeyDiff{}
	for _, x := range d {
		byKey[x.Key] = x
	}
	host := byKey["server.hostname"]
	if host.Kind != Changed || host.A.Line != 3 || host.B.Line != 2 || host.A.Value != `"cp-1.example.com"` || host.B.Value != `"gw-1.example.com"` ||
		host.B.File != filepath.Join(dir, "gw-1/repository/conf/deployment.toml") {
		t.Errorf("hostname diff %+v A=%+v B=%+v", host, host.A, host.B)
	}
	if x := byKey["database.apim_db.url"]; x.Kind != Removed || x.A == nil || x.B != nil || x.A.Line != 15 {
		t.Errorf("only-in-a diff %+v", x)
	}
	if x := byKey["apim.sync_runtime_artifacts.gateway.gateway_labels"]; x.Kind != Added || x.A != nil || x.B == nil {
		t.Errorf("only-in-b diff %+v", x)
	}
	// Same password on both: not a difference. create_admin_account only in a.
	if _, ok := byKey["super_admin.password"]; ok {
		t.Error("equal secrets reported")
	}
	if _, ok := byKey["super_admin.create_admin_account"]; !ok {
		t.Error("missing create_admin_account")
	}
	for i := 1; i < len(d); i++ {
		if d[i-1].Key >= d[i].Key {
			t.Errorf("not sorted: %s before %s", d[i-1].Key, d[i].Key)
		}
	}
	n := len(d)
	d = Diff(a, b, DiffOptions{Ignore: []string{"server", "database"}})
	for _, x := range d {
		if strings.HasPrefix(x.Key, "server.") || strings.HasPrefix(x.Key, "database.") {
			t.Errorf("ignored key reported: %s", x.Key)
		}
	}
	if len(d) >= n || len(d) == 0 {
		t.Errorf("ignore: %d differences, before %d", len(d), n)
	}
}

func TestDiffSecretRedacted(t *testing.T) {
	a := nodeOf(t, "[super_admin]\npassword = \"FirstPassw0rd\"\n[x]\ny = \"$ref{super_admin.password}\"\n")
	b := nodeOf(t, "[super_admin]\npassword = \"OtherPassw0rd\"\n[x]\ny = \"$ref{super_admin.password}\"\n")
	d := Diff(a, b, DiffOptions{})
	if len(d) != 2 {
		t.Fatalf("want password and x.y, got %+v", d)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "Passw0rd") {
		t.Fatalf("secret in diff: %s", out)
	}
}
