package fleettest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apimlint/apimlint/lint"
)

// TestUpdateWant: a matching want line is kept as written, a new finding is
// added in full, a stale line is dropped, comments stay.
func TestUpdateWant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.txtar")
	const src = "A fixture.\n-- gw/deployment.toml --\n[server]\n-- want --\n# why\ngw/deployment.toml:1:1: error: short (r1)\ngw/deployment.toml:9:1: error: stale (r1)\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	got := []lint.Finding{
		{Rule: "r1", Severity: lint.SeverityError, File: "gw/deployment.toml", Line: 1, Column: 1, Message: "a short message"},
		{Rule: "r2", Severity: lint.SeverityWarning, File: "gw/deployment.toml", Line: 2, Column: 3, Message: "new one"},
	}
	if err := UpdateWant(path, a.Want, got); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "A fixture.\n-- gw/deployment.toml --\n[server]\n-- want --\n# why\ngw/deployment.toml:1:1: error: short (r1)\ngw/deployment.toml:2:3: warning: new one (r2)\n"
	if string(data) != want {
		t.Errorf("updated fixture:\n%s\nwant:\n%s", data, want)
	}
	b, err := ReadArchive(path)
	if err != nil || len(b.Want) != 2 || !strings.Contains(b.Want[1].Src, "(r2)") {
		t.Errorf("the updated fixture does not read back: %v %+v", err, b)
	}
}
