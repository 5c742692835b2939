package drift_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/drift"
	"github.com/apimlint/apimlint/lint"
)

// An estate baseline written and read back gives no drift on the same
// files, also for values JSON writers like to escape (& < > in JDBC URLs):
// written as \u0026 they compared unequal to the node's "&".
func TestEstateBaselineRoundTripIsNoDrift(t *testing.T) {
	root := t.TempDir()
	node := func(env, name, role string) {
		dir := filepath.Join(root, env, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		toml := `[server]
hostname = "` + name + `.` + env + `.example.com"
server_role = "` + role + `"

[database.shared_db]
type = "mysql"
url = "jdbc:mysql://db.` + env + `.example.com:3306/shared?useSSL=true&amp;requireSSL=true&serverTimezone=UTC"
username = "apim"
password = "$secret{db}"

[apim.devportal]
url = "https://portal.example.com/?a=<b>&c"
`
		if err := os.WriteFile(filepath.Join(dir, "deployment.toml"), []byte(toml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, env := range []string{"prod", "staging"} {
		node(env, "cp-1", "control-plane")
		node(env, "gw-1", "gateway-worker")
	}
	e, err := lint.DiscoverEstate(root, lint.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Fleets) != 2 {
		t.Fatalf("want two fleets, got %d", len(e.Fleets))
	}
	eb, err := drift.RecordEstate(e, drift.RecordOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := drift.WriteEstateFile(path, eb); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `\u0026`) {
		t.Errorf("the baseline escapes & as \\u0026")
	}
	// A file written by the old writer, with the escapes, must read as equal too.
	for name, text := range map[string]string{"written": string(data), "escaped": strings.ReplaceAll(string(data), "&", `\u0026`)} {
		read, err := drift.ParseEstate([]byte(text))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range e.Fleets {
			f, err := e.LoadFleet(p)
			if err != nil {
				t.Fatal(err)
			}
			fb := read.Fleet(p.Name)
			if fb == nil {
				t.Fatalf("%s: no fleet %s in the baseline", name, p.Name)
			}
			if got := drift.Compare(read.Baseline(fb), f, drift.Options{}); len(got) != 0 {
				t.Errorf("%s: fleet %s drifts from its own baseline: %v", name, p.Name, got)
			}
		}
	}
}
